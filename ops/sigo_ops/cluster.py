# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"PostgreSQL clusters the tools start themselves: scratch clusters for restores"
import glob
import os
import pwd
import shutil
import socket
import subprocess
import time


def postgresql_bin():
    "The directory of the newest installed PostgreSQL server programs"
    found = shutil.which('pg_config')
    if found:
        directory = subprocess.run(
            [found, '--bindir'], capture_output=True, text=True).stdout.strip()
        if os.path.exists(os.path.join(directory, 'pg_ctl')):
            return directory
    candidates = glob.glob('/usr/lib/postgresql/*/bin/pg_ctl')
    if not candidates:
        raise RuntimeError("PostgreSQL server programs (pg_ctl) not found")
    return os.path.dirname(max(
            candidates, key=lambda p: int(p.split('/')[-3])))


def as_user(user, args):
    "PostgreSQL and pgBackRest refuse root: drop to the cluster owner"
    if os.geteuid() == 0 and user != 'root':
        return ['runuser', '-u', user, '--', *args]
    return list(args)


def give_to(user, *paths):
    if os.geteuid() != 0:
        return
    entry = pwd.getpwnam(user)
    for path in paths:
        os.chown(path, entry.pw_uid, entry.pw_gid)
        for root, directories, files in os.walk(path):
            for name in directories + files:
                os.chown(
                    os.path.join(root, name), entry.pw_uid, entry.pw_gid,
                    follow_symlinks=False)


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class Cluster:
    "A PostgreSQL cluster in a directory, reachable on 127.0.0.1:port"

    def __init__(self, directory, port, user='postgres', bin_directory=None):
        self.directory = directory
        self.data = os.path.join(directory, 'data')
        self.sockets = os.path.join(directory, 'run')
        self.log = os.path.join(directory, 'postgresql.log')
        self.port = port
        self.user = user
        self.bin = bin_directory or postgresql_bin()

    @property
    def uri(self):
        return f'postgresql://postgres@127.0.0.1:{self.port}/'

    def run(self, program, *args):
        result = subprocess.run(
            as_user(self.user, [os.path.join(self.bin, program), *args]),
            capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(
                f"{program} failed: {(result.stderr or result.stdout).strip()}")
        return result

    def initdb(self, settings):
        os.makedirs(self.sockets, exist_ok=True)
        give_to(self.user, self.directory)
        self.run(
            'initdb', '-D', self.data, '-A', 'trust', '-U', 'postgres',
            '-E', 'UTF8', '--locale', 'C.UTF-8')
        with open(os.path.join(self.data, 'postgresql.conf'), 'a') as conf:
            for name, value in settings.items():
                conf.write(f"{name} = '{value}'\n")

    def is_running(self):
        return subprocess.run(
            as_user(self.user, [
                    os.path.join(self.bin, 'pg_ctl'), 'status',
                    '-D', self.data]),
            capture_output=True).returncode == 0

    def start(self, settings=None):
        """Start in the background; settings given here override the
        configuration files the cluster was restored with"""
        os.makedirs(self.sockets, exist_ok=True)
        give_to(self.user, self.sockets)
        options = [
            f'-p {self.port}', f"-k '{self.sockets}'",
            "-c listen_addresses=127.0.0.1"]
        for name, value in (settings or {}).items():
            options.append(f"-c {name}='{value}'")
        # Returns once connections are accepted (a recovery may go on:
        # wait_until_ready waits for its end) or when the server gave up
        try:
            self.run(
                'pg_ctl', 'start', '-D', self.data, '-l', self.log, '-w',
                '-t', '3600', '-o', ' '.join(options))
        except RuntimeError:
            raise RuntimeError(
                "PostgreSQL did not start: " + self.log_tail()) from None

    def wait_until_ready(self, timeout=600):
        "Wait for connections after start or for the end of a recovery"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with self.connect() as connection:
                    in_recovery, = connection.execute(
                        "SELECT pg_is_in_recovery()").fetchone()
                if not in_recovery:
                    return
            except Exception:
                if not self.is_running():
                    raise RuntimeError(
                        "PostgreSQL stopped: " + self.log_tail()) from None
            time.sleep(0.5)
        raise RuntimeError(f"PostgreSQL not ready after {timeout} s")

    def log_tail(self, lines=5):
        if not os.path.exists(self.log):
            return ''
        with open(self.log, errors='replace') as log:
            tail = log.read().splitlines()[-lines:]
        return ' | '.join(tail)

    def stop(self):
        if self.is_running():
            self.run('pg_ctl', 'stop', '-D', self.data, '-m', 'fast', '-w')

    def connect(self, dbname='postgres', autocommit=True):
        import psycopg
        return psycopg.connect(
            host='127.0.0.1', port=self.port, user='postgres', dbname=dbname,
            autocommit=autocommit, connect_timeout=5)
