# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""./run test: every module's unit tests and scenarios, then the cross-module
tests under tests/, on PostgreSQL when a server answers, else on SQLite."""
import argparse
import glob
import hashlib
import os
import shutil
import sys
import time
import unittest

from . import database
from .mailbox import Mailbox
from .system import ensure_debian_packages

CACHE = os.path.join(database.ROOT, '.cache')


def source_hash():
    "Changes whenever a module's code, data or translation changes"
    digest = hashlib.sha256()
    for path in sorted(glob.glob(
                os.path.join(database.ROOT, 'addons', '**', '*'),
                recursive=True)):
        if os.path.isfile(path) and '__pycache__' not in path:
            digest.update(path.encode())
            with open(path, 'rb') as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


def configure(uri):
    """Point trytond's test tools at the backend, with DB_CACHE keyed by the
    modules' source so that a code change never reuses a stale database"""
    code = source_hash()
    os.environ['TRYTOND_DATABASE__URI'] = uri
    # Mail from the code under test goes to a real, local SMTP server
    os.environ['TRYTOND_EMAIL__URI'] = Mailbox().start().uri
    if database.is_sqlite(uri):
        os.environ['DB_CACHE'] = os.path.join(CACHE, 'db-cache', code)
        for old in glob.glob(os.path.join(CACHE, 'db-cache', '*')):
            if os.path.basename(old) != code:
                shutil.rmtree(old, ignore_errors=True)
    else:
        os.environ['DB_CACHE'] = 'postgresql://'
        os.environ.setdefault('DB_NAME', f'test_{os.getpid()}')
        marker = os.path.join(CACHE, 'pg-cache-source')
        previous = open(marker).read() if os.path.exists(marker) else None
        if previous != code:
            drop_template_databases(uri)
            os.makedirs(CACHE, exist_ok=True)
            with open(marker, 'w') as file:
                file.write(code)


def drop_template_databases(uri):
    with database.maintenance_connection(uri) as connection:
        for name, in connection.execute(
                "SELECT datname FROM pg_database "
                "WHERE datname LIKE 'test-%%'").fetchall():
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_suite(modules, cross_module):
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for module in modules:
        package = f'trytond.modules.{module}.tests'
        directory = os.path.join(database.ROOT, 'addons', module, 'tests')
        for path in sorted(glob.glob(os.path.join(directory, 'test_*.py'))):
            name = os.path.splitext(os.path.basename(path))[0]
            suite.addTests(loader.loadTestsFromName(f'{package}.{name}'))
    if cross_module:
        suite.addTests(loader.discover(
                os.path.join(database.ROOT, 'tests'),
                top_level_dir=database.ROOT))
    return suite


class TimedResult(unittest.TextTestResult):
    """Keeps each test's duration, counted from the end of the one before so
    that the class set-up (building a database) is included, to name the
    slowest at the end"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.durations = []
        self._previous_end = time.monotonic()

    def stopTest(self, test):
        end = time.monotonic()
        self.durations.append((end - self._previous_end, test.id()))
        self._previous_end = end
        super().stopTest(test)


def main(args):
    parser = argparse.ArgumentParser(prog='./run test')
    parser.add_argument(
        '--sqlite', action='store_true', help="force SQLite")
    parser.add_argument(
        'modules', nargs='*', metavar='MODULE',
        help="only these modules' tests (default: all, with tests/)")
    options = parser.parse_args(args)

    if options.sqlite:
        uri = 'sqlite://'
    elif os.environ.get('DATABASE_URI'):
        uri = os.environ['DATABASE_URI']
    elif database.postgresql_answers():
        uri = database.LOCAL_POSTGRESQL
    else:
        uri = 'sqlite://'
    configure(uri)
    modules = options.modules or database.project_modules()
    unknown = set(modules) - set(database.project_modules())
    if unknown:
        parser.error(f"unknown modules: {', '.join(sorted(unknown))}")
    cross_module = not options.modules
    if cross_module:
        # The browser tests drive Debian's chromium, the backup test
        # pgBackRest
        ensure_debian_packages({
                'chromium': 'chromium', 'chromedriver': 'chromium-driver',
                'pgbackrest': 'pgbackrest'})
    print(f"Testing {', '.join(modules)}"
        f"{' and tests/' if cross_module else ''} on {uri.split(':')[0]}",
        file=sys.stderr)

    suite = load_suite(modules, cross_module)
    result = unittest.TextTestRunner(
        verbosity=1, resultclass=TimedResult).run(suite)
    print("Slowest tests:")
    for duration, name in sorted(result.durations, reverse=True)[:10]:
        print(f"  {duration:7.1f} s  {name}")
    failed = len(result.failures) + len(result.errors) + len(
        result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"{passed} passed, {failed} failed, {len(result.skipped)} skipped")
    return 0 if failed == 0 and result.testsRun else 1
