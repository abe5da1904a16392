# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Backups into every repository, each followed by a verification point: a
named restore point in the WAL with the figures the database had there"""
import datetime as dt
import json
import os
import time

from psycopg import IsolationLevel

from . import figures, filestore
from .cluster import give_to

BACKUP_TYPES = ['full', 'diff', 'incr']


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


def points_directory(repository, stanza):
    return os.path.join(
        repository.path, filestore.DIRECTORY, stanza, 'points')


def points(site, repository):
    "The verification points a repository holds, oldest first"
    directory = points_directory(repository, site.stanza)
    if not os.path.isdir(directory):
        return []
    found = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name)) as point:
            found.append(json.load(point))
    return found


def point_time(point):
    return dt.datetime.fromisoformat(point['time'])


def create_point(site, attempts=5):
    """Name a restore point and record the figures the source had there.

    The figures are read in one snapshot just before the restore point and
    read again just after it: equal, nothing committed in between and they
    are exactly the state at the point; otherwise the source is busy, try
    again."""
    for _ in range(attempts):
        with site.source_connection(autocommit=False) as connection:
            connection.isolation_level = IsolationLevel.REPEATABLE_READ
            before = figures.collect(connection)
            moment = utcnow()
            name = f"{site.stanza}-{moment:%Y%m%dT%H%M%S%fZ}"
            lsn, = connection.execute(
                "SELECT pg_create_restore_point(%s)::text", (name,)
                ).fetchone()
            connection.commit()
        with site.source_connection(autocommit=False) as connection:
            after = figures.snapshot(connection)
        if after == before:
            return {
                'name': name, 'time': moment.isoformat(), 'lsn': lsn,
                'database': site.database, 'figures': before}
    raise RuntimeError(
        f"the figures of {site.database} kept changing during "
        f"{attempts} attempts; no verification point taken")


def archive_current_wal(site, timeout=120):
    """Close the WAL segment in use and wait until it is archived, so that a
    restore can reach everything committed until now"""
    with site.source_connection() as connection:
        segment, = connection.execute(
            "SELECT pg_walfile_name(pg_switch_wal())").fetchone()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            archived, failed = connection.execute(
                "SELECT last_archived_wal, last_failed_wal "
                "FROM pg_stat_archiver").fetchone()
            if archived and archived >= segment:
                return segment
            time.sleep(0.5)
    raise RuntimeError(
        f"WAL segment {segment} not archived after {timeout} s "
        f"(last failed: {failed})")


def latest_backup(site, repository):
    result = site.pgbackrest(
        'info', f'--repo={repository.key}', '--output=json')
    stanzas = json.loads(result.stdout)
    backups = stanzas[0]['backup'] if stanzas else []
    return backups[-1] if backups else None


def _backup_into(site, repository, kind):
    started = utcnow()
    clock = time.monotonic()
    result = site.pgbackrest(
        'backup', f'--repo={repository.key}', f'--type={kind}', check=False)
    run = {
        'repository': repository.key, 'type': kind,
        'started': started.isoformat(),
        'duration': round(time.monotonic() - clock, 1),
        'state': 'succeeded' if result.returncode == 0 else 'failed',
        'label': '', 'size': 0, 'error': '',
        }
    if result.returncode:
        run['error'] = (result.stderr or result.stdout).strip()[-2000:]
        return run
    backup = latest_backup(site, repository)
    run['label'] = backup['label']
    run['type'] = backup['type']
    run['size'] = backup['info']['repository']['delta']
    return run


def _prune(site, repository):
    """Drop the verification points older than the oldest backup pgBackRest
    kept after its retention rules"""
    result = site.pgbackrest(
        'info', f'--repo={repository.key}', '--output=json')
    stanzas = json.loads(result.stdout)
    backups = stanzas[0]['backup'] if stanzas else []
    if not backups:
        return
    oldest = dt.datetime.fromtimestamp(
        backups[0]['timestamp']['start'], dt.timezone.utc)
    for point in points(site, repository):
        if point_time(point) < oldest:
            os.remove(os.path.join(
                    points_directory(repository, site.stanza),
                    point['name'] + '.json'))
            archive = filestore.archive_path(
                repository, site.stanza, point['name'])
            if os.path.exists(archive):
                os.remove(archive)


def backup(site, kind='incr'):
    """Back up into every repository, then take a verification point with
    the filestore; return the runs and the point"""
    repositories = site.repositories()
    runs = [_backup_into(site, repository, kind)
        for repository in repositories]
    point = None
    if all(run['state'] == 'succeeded' for run in runs):
        point = create_point(site)
        files, archives = filestore.save(
            site.filestore, site.database, repositories, site.stanza,
            point['name'])
        point['filestore'] = {'files': files, 'archives': archives}
        point['backups'] = {
            str(run['repository']): run['label'] for run in runs}
        for repository in repositories:
            directory = points_directory(repository, site.stanza)
            os.makedirs(directory, exist_ok=True)
            with open(os.path.join(
                        directory, point['name'] + '.json'), 'w') as out:
                json.dump(point, out, indent=1, sort_keys=True)
            give_to(site.cluster_user, os.path.join(
                    repository.path, filestore.DIRECTORY))
            _prune(site, repository)
        archive_current_wal(site)
        for run in runs:
            run['point'] = point['name']
    return runs, point
