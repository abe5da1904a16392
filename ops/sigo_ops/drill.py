# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Restores into a scratch cluster, and the restore drill: restore, verify
the figures and the filestore, start Tryton on the copy, log in, print a
report, measure RPO and RTO"""
import base64
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

import psycopg

from . import backup, figures, filestore
from .cluster import Cluster, free_port, give_to

SCRATCH_HBA = "local all all trust\nhost all all 127.0.0.1/32 trust\n"


class DrillFailure(Exception):
    pass


@dataclass
class Step:
    name: str
    ok: bool
    detail: str
    seconds: float


@dataclass
class Report:
    database: str
    repository: int
    started: dt.datetime
    target: str = ''
    point: str = ''
    rpo: float = None
    rto: float = None
    steps: list = field(default_factory=list)
    checks: list = field(default_factory=list)

    @property
    def passed(self):
        return bool(self.steps) and all(step.ok for step in self.steps)

    def as_dict(self):
        return {
            'database': self.database, 'repository': self.repository,
            'started': self.started.isoformat(), 'target': self.target,
            'point': self.point, 'rpo': self.rpo, 'rto': self.rto,
            'state': 'passed' if self.passed else 'failed',
            'steps': [vars(step) for step in self.steps],
            'checks': [
                {'name': name, 'expected': str(expected),
                    'actual': str(actual), 'ok': ok}
                for name, expected, actual, ok in self.checks],
            'text': self.text(),
            }

    def text(self):
        lines = [
            f"Restore drill of {self.database}, "
            f"{self.started:%Y-%m-%d %H:%M:%S} UTC: "
            + ("PASSED" if self.passed else "FAILED"),
            f"  restored from repository {self.repository} to {self.target}",
            ]
        for step in self.steps:
            lines.append(
                f"  [{'ok' if step.ok else 'FAILED'}] {step.name} "
                f"({step.seconds:.1f} s): {step.detail}")
        if self.checks:
            lines.append("  Verification against the source at the point:")
            for name, expected, actual, ok in self.checks:
                lines.append(
                    f"    [{'ok' if ok else 'DIFFERS'}] {name}: "
                    f"expected {expected}, restored {actual}")
        lines.append(
            "  RPO: " + (f"{self.rpo:.0f} s (age of the data at the restore "
                "point when the drill started)" if self.rpo is not None
                else "not measured"))
        lines.append(
            "  RTO: " + (f"{self.rto:.0f} s (drill start to a Tryton that "
                "logs users in)" if self.rto is not None
                else "not reached"))
        return '\n'.join(lines)


def choose_point(site, repository, target_time=None):
    """The newest verification point, or the newest at or before
    target_time: what a restore is compared with"""
    candidates = backup.points(site, repository)
    if target_time is not None:
        candidates = [p for p in candidates
            if backup.point_time(p) <= target_time]
    if not candidates:
        raise DrillFailure(
            f"repository {repository.key} holds no verification point"
            + (f" at or before {target_time:%Y-%m-%d %H:%M:%S%z}"
                if target_time else ''))
    return candidates[-1]


def restore_into(site, directory, repository, point, target_time=None):
    """Restore into a new cluster under directory, started on a free port
    and promoted: to target_time, or else to the point"""
    directory = os.path.abspath(directory)
    if site.source_data and os.path.commonpath(
            [directory, os.path.abspath(site.source_data)]) in {
            directory, os.path.abspath(site.source_data)}:
        raise DrillFailure(
            f"refusing to restore into {directory}: it overlaps the source "
            f"cluster {site.source_data}")
    if os.path.exists(directory) and os.listdir(directory):
        raise DrillFailure(f"refusing to restore into {directory}: not empty")
    cluster = Cluster(
        directory, free_port(), site.cluster_user, site.postgresql_bin)
    os.makedirs(cluster.data, mode=0o700, exist_ok=True)
    give_to(site.cluster_user, directory)
    if target_time is not None:
        # pgBackRest's format, milliseconds at most
        moment = target_time.astimezone(dt.timezone.utc)
        target = ['--type=time',
            f"--target={moment:%Y-%m-%d %H:%M:%S}."
            f"{moment.microsecond // 1000:03d}+00"]
    else:
        # The backup the point follows: a later one cannot reach it
        target = ['--type=name', f"--target={point['name']}",
            f"--set={point['backups'][str(repository.key)]}"]
    result = site.pgbackrest(
        'restore', f'--repo={repository.key}', f'--pg1-path={cluster.data}',
        *target, '--target-action=promote',
        # The copy must never push WAL into the source's repositories
        '--archive-mode=off', check=False)
    if result.returncode:
        raise DrillFailure(
            "pgBackRest restore failed: "
            + (result.stderr or result.stdout).strip()[-1500:])
    hba = os.path.join(directory, 'pg_hba.conf')
    with open(hba, 'w') as conf:
        conf.write(SCRATCH_HBA)
    conf = os.path.join(cluster.data, 'postgresql.conf')
    if not os.path.exists(conf):
        # Debian keeps the configuration outside the data directory
        open(conf, 'w').close()
    give_to(site.cluster_user, directory)
    cluster.start({'hba_file': hba, 'archive_mode': 'off'})
    try:
        cluster.wait_until_ready()
    except RuntimeError as error:
        raise DrillFailure(f"restored cluster did not start: {error}")
    return cluster


class Drill:
    def __init__(self, site, repository_key=None, target_time=None):
        self.site = site
        self.repository = site.repository(
            repository_key or site.drill_repository)
        self.target_time = target_time
        self.clock = time.monotonic()
        self.report = Report(
            site.database, self.repository.key, backup.utcnow())
        stamp = f"{self.report.started:%Y%m%dT%H%M%SZ}"
        self.directory = os.path.join(site.state, 'drills', stamp)
        self.cluster = self.trytond = None

    def step(self, name, action):
        clock = time.monotonic()
        try:
            detail = action()
            ok = True
        except (DrillFailure, RuntimeError, OSError, psycopg.Error,
                subprocess.CalledProcessError) as error:
            detail, ok = str(error), False
        self.report.steps.append(
            Step(name, ok, detail, round(time.monotonic() - clock, 1)))
        return ok

    def run(self):
        steps = [
            ("archive the source's latest WAL", self.archive),
            (f"verify repository {self.repository.key}", self.verify),
            ("restore into a scratch cluster", self.restore),
            ("restore the filestore", self.restore_filestore),
            ("compare figures with the source", self.compare),
            ("start Tryton, log in, print a report", self.start_tryton),
            ]
        try:
            for name, action in steps:
                if not self.step(name, action):
                    break
        finally:
            self.tear_down()
        self.save()
        return self.report

    def archive(self):
        try:
            segment = backup.archive_current_wal(self.site)
        except (OSError, psycopg.OperationalError) as error:
            # As after a disaster: the repository alone must do
            return f"source not reachable ({error}); drilling what the " \
                "repository holds"
        return f"WAL up to segment {segment} archived"

    def verify(self):
        result = self.site.pgbackrest(
            'verify', f'--repo={self.repository.key}',
            '--log-level-console=info', check=False)
        output = (result.stdout + result.stderr).strip()
        summary = [line.strip() for line in output.splitlines()
            if 'status:' in line or 'checksum invalid' in line
            or 'missing' in line or 'ERROR' in line or 'total' in line]
        if result.returncode or 'status: error' in output \
                or 'ERROR' in output:
            raise DrillFailure(
                "repository damaged: " + '; '.join(summary[-8:]))
        return '; '.join(summary[-4:]) or 'no error found'

    def restore(self):
        self.point = choose_point(
            self.site, self.repository, self.target_time)
        self.report.point = self.point['name']
        if self.target_time:
            self.report.target = (
                f"time {self.target_time:%Y-%m-%d %H:%M:%S%z}, compared with "
                f"point {self.point['name']}")
            recovered = self.target_time
        else:
            self.report.target = f"restore point {self.point['name']}"
            recovered = backup.point_time(self.point)
        self.report.rpo = round(
            (self.report.started - recovered).total_seconds(), 1)
        self.cluster = restore_into(
            self.site, os.path.join(self.directory, 'cluster'),
            self.repository, self.point, self.target_time)
        return f"cluster on port {self.cluster.port}"

    def restore_filestore(self):
        target = os.path.join(self.directory, 'filestore', self.site.database)
        expected = self.point['filestore']['files']
        problems = filestore.restore(
            self.repository, self.site.stanza, self.point, expected, target)
        if problems:
            raise DrillFailure('; '.join(problems[:10]))
        return f"{len(expected)} files, checksums equal"

    def compare(self):
        with self.cluster.connect(self.site.database, autocommit=False) \
                as connection:
            restored = figures.snapshot(connection)
        self.report.checks = figures.compare(
            self.point['figures'], restored)
        wrong = [name for name, _, _, ok in self.report.checks if not ok]
        if wrong:
            raise DrillFailure("figures differ: " + '; '.join(wrong))
        return f"{len(self.report.checks)} checks equal"

    def start_tryton(self):
        port = free_port()
        conf = os.path.join(self.directory, 'trytond.conf')
        with open(conf, 'w') as out:
            # Loopback only, password login: a copy nobody else reaches
            out.write(
                f"[database]\nuri = {self.cluster.uri}\n"
                f"path = {os.path.join(self.directory, 'filestore')}\n"
                f"[web]\nlisten = 127.0.0.1:{port}\n"
                "[session]\nauthentications = password\n")
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_')}
        log = open(os.path.join(self.directory, 'trytond.log'), 'w')
        self.trytond = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), 'trytond'),
                '-c', conf, '-d', self.site.database],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        client = TrytonClient(f'http://127.0.0.1:{port}/', self.site.database)
        client.wait(self.trytond)
        client.login(self.site.drill_login, self.site.drill_password)
        self.report.rto = round(time.monotonic() - self.clock, 1)
        parties = client.call('model.party.party.search', [], 0, 5, None)
        extension, content, _, _ = client.call(
            'report.party.label.execute', parties, {
                'model': 'party.party', 'ids': parties, 'id': parties[0]})
        size = len(base64.b64decode(content['base64'])) \
            if isinstance(content, dict) else len(content)
        if not size:
            raise DrillFailure("the sample report (party labels) is empty")
        return (f"logged in as {self.site.drill_login}; party labels for "
            f"{len(parties)} parties printed ({extension}, {size} bytes)")

    def tear_down(self):
        if self.trytond:
            self.trytond.terminate()
            self.trytond.wait(30)
        if self.cluster:
            try:
                self.cluster.stop()
            except subprocess.CalledProcessError:
                pass
        # The copy holds personal data: keep only the report and the logs
        for name in ['cluster', 'filestore']:
            shutil.rmtree(
                os.path.join(self.directory, name), ignore_errors=True)

    def save(self):
        os.makedirs(self.directory, exist_ok=True)
        with open(os.path.join(self.directory, 'report.json'), 'w') as out:
            json.dump(self.report.as_dict(), out, indent=1)


class TrytonClient:
    "JSON-RPC calls as the web client makes them"

    def __init__(self, server, database):
        self.server = server
        self.url = f'{server}{database}/rpc/'
        self.session = None

    def _post(self, method, params):
        request = urllib.request.Request(
            self.url, data=json.dumps(
                {'id': 1, 'method': method, 'params': params}).encode(),
            headers={'Content-Type': 'application/json'})
        if self.session:
            request.add_header('Authorization', 'Session ' + base64.b64encode(
                    self.session.encode()).decode())
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as error:
            raise DrillFailure(f"{method}: HTTP {error.code}")
        if answer.get('error'):
            raise DrillFailure(f"{method}: {answer['error']}")
        return answer['result']

    def wait(self, process, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise DrillFailure("trytond exited at start")
            try:
                urllib.request.urlopen(self.server,
                    timeout=2).close()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.5)
        raise DrillFailure(f"trytond not answering after {timeout} s")

    def login(self, login, password):
        user_id, session = self._post(
            'common.db.login', [login, {'password': password}, 'en'])[:2]
        self.session = f'{login}:{user_id}:{session}'

    def call(self, method, *params):
        return self._post(method, [*params, {}])
