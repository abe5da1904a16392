# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Create and fill Tryton databases on SQLite or PostgreSQL for the commands."
import os
import socket
import subprocess
import sys
import tempfile
from importlib.metadata import distribution
from urllib.parse import urlsplit

from .mailbox import Mailbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_CONFIG = os.path.join(ROOT, 'config', 'demo.conf')
SQLITE_PATH = os.path.join(ROOT, 'var', 'db')
LOCAL_POSTGRESQL = 'postgresql://postgres@127.0.0.1:5432/'
ADMIN_PASSWORD = 'admin'
ADMIN_EMAIL = 'admin@sigo.example.mn'
LANGUAGES = ['mn']


def project_modules():
    "The addons of this repository, from their trytond.modules entry points"
    return sorted(
        ep.name for ep in distribution('sigo-social-protection').entry_points
        if ep.group == 'trytond.modules')


def postgresql_answers(host='127.0.0.1', port=5432):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def is_sqlite(uri):
    return uri.startswith('sqlite')


def trytond_environ(uri, sqlite_path=SQLITE_PATH):
    env = dict(os.environ)
    env['TRYTOND_CONFIG'] = DEMO_CONFIG
    env['TRYTOND_DATABASE__URI'] = uri
    if is_sqlite(uri):
        env['TRYTOND_DATABASE__PATH'] = sqlite_path
    return env


def database_exists(name, uri, sqlite_path=SQLITE_PATH):
    if is_sqlite(uri):
        return os.path.exists(os.path.join(sqlite_path, name + '.sqlite'))
    with maintenance_connection(uri) as connection:
        return bool(connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s",
                (name,)).fetchone())


def drop_database(name, uri, sqlite_path=SQLITE_PATH):
    if is_sqlite(uri):
        path = os.path.join(sqlite_path, name + '.sqlite')
        if os.path.exists(path):
            os.remove(path)
        return
    with maintenance_connection(uri) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(name, uri, sqlite_path=SQLITE_PATH):
    if is_sqlite(uri):
        os.makedirs(sqlite_path, exist_ok=True)
        # trytond-admin initialises an existing, empty SQLite file
        open(os.path.join(sqlite_path, name + '.sqlite'), 'w').close()
        return
    with maintenance_connection(uri) as connection:
        connection.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")


def maintenance_connection(uri, dbname='postgres'):
    "An autocommit connection to the server's postgres database (or dbname)"
    import psycopg
    parts = urlsplit(uri)
    return psycopg.connect(
        dbname=dbname, host=parts.hostname or '127.0.0.1',
        port=parts.port or 5432, user=parts.username or 'postgres',
        password=parts.password, autocommit=True)


def build_database(
        name, uri, modules, scale=1, sqlite_path=SQLITE_PATH, demo=True,
        open_books=False):
    """Create the database, activate the modules with the languages and,
    with demo, load the demo data of every module (with open_books, without
    the months of accounts closed)"""
    drop_database(name, uri, sqlite_path)
    create_database(name, uri, sqlite_path)
    env = trytond_environ(uri, sqlite_path)
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as password:
        password.write(ADMIN_PASSWORD)
        password.flush()
        env['TRYTONPASSFILE'] = password.name
        subprocess.run([
                os.path.join(os.path.dirname(sys.executable), 'trytond-admin'),
                '-c', DEMO_CONFIG, '-d', name, '--email', ADMIN_EMAIL,
                '-u', *modules, '--activate-dependencies',
                '-l', *LANGUAGES],
            env=env, check=True)
    if demo:
        # What the demo data mails (alerts to IT, …) lands in var/mail
        with Mailbox(os.path.join(ROOT, 'var', 'mail', name)) as mailbox:
            env['TRYTOND_EMAIL__URI'] = mailbox.uri
            subprocess.run([
                    sys.executable, '-m', 'sigo_demo', name,
                    '--scale', str(scale)]
                + (['--open-books'] if open_books else []),
                env=env, check=True, cwd=ROOT)
