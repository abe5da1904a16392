# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""sigo-ops backup | restore | drill | points: the operations commands on the
site an ops.conf describes (SIGO_OPS_CONFIG or --config)"""
import argparse
import datetime as dt
import os
import sys

from . import backup, drill, figures, filestore, record
from .site import Site

DEFAULT_CONFIG = '/etc/sigo/ops.conf'


def target_time(value):
    "ISO 8601; without a zone, UTC"
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment


def parser():
    parser = argparse.ArgumentParser(prog='sigo-ops')
    parser.add_argument(
        '--config', default=os.environ.get('SIGO_OPS_CONFIG', DEFAULT_CONFIG),
        help="the site's ops.conf (default: $SIGO_OPS_CONFIG or %(default)s)")
    commands = parser.add_subparsers(dest='command', required=True)
    command = commands.add_parser(
        'backup', help="back up into every repository, then take a "
        "verification point with the filestore")
    command.add_argument(
        '--type', choices=backup.BACKUP_TYPES, default='incr',
        help="pgBackRest backup type (default: %(default)s; the first is "
        "always full)")
    command = commands.add_parser(
        'restore', help="restore into a new cluster, started and left "
        "running, and compare it with the source's figures")
    command.add_argument(
        '--target-time', type=target_time,
        help="point in time (ISO 8601, UTC when no zone is given); default: "
        "the latest verification point")
    command.add_argument('--repository', type=int, default=1)
    command.add_argument(
        '--into', help="an empty directory for the new cluster")
    command = commands.add_parser(
        'drill', help="restore into a scratch cluster, verify, start Tryton, "
        "log in, print a report; record the result")
    command.add_argument('--target-time', type=target_time)
    command.add_argument(
        '--repository', type=int,
        help="default: the site's drill repository (the DR site)")
    commands.add_parser('points', help="list the verification points")
    return parser


def run_backup(site, options):
    runs, point = backup.backup(site, options.type)
    for run in runs:
        print(f"repository {run['repository']}: {run['type']} backup "
            f"{run['label'] or ''} {run['state']} in {run['duration']} s"
            + (f", {run['size']} bytes" if run['size'] else '')
            + (f": {run['error']}" if run['error'] else ''))
    if point:
        print(f"verification point {point['name']} at {point['time']}: "
            f"{len(point['figures']['tables'])} tables, "
            f"{len(point['filestore']['files'])} filestore files")
    record.record(site, runs=runs)
    return 0 if point else 1


def run_restore(site, options):
    repository = site.repository(options.repository)
    point = drill.choose_point(site, repository, options.target_time)
    directory = options.into or os.path.join(
        site.state, 'restores', f"{backup.utcnow():%Y%m%dT%H%M%SZ}")
    cluster = drill.restore_into(
        site, directory, repository, point, options.target_time)
    problems = filestore.restore(
        repository, site.stanza, point, point['filestore']['files'],
        os.path.join(directory, 'filestore', site.database))
    for problem in problems:
        print(f"  [DIFFERS] {problem}")
    with cluster.connect(site.database, autocommit=False) as connection:
        restored = figures.snapshot(connection)
    checks = figures.compare(point['figures'], restored)
    for name, expected, actual, ok in checks:
        print(f"  [{'ok' if ok else 'DIFFERS'}] {name}: expected {expected},"
            f" restored {actual}")
    print(f"Restored {site.database} from repository {repository.key} "
        f"into {cluster.data}, running at {cluster.uri}{site.database}, "
        f"filestore in {os.path.join(directory, 'filestore')}")
    print(f"Compared with verification point {point['name']}. Stop it with: "
        f"pg_ctl stop -D {cluster.data}")
    return 0 if not problems and all(ok for *_, ok in checks) else 1


def run_drill(site, options):
    report = drill.Drill(
        site, options.repository, options.target_time).run()
    print(report.text())
    record.record(site, drill=report.as_dict())
    return 0 if report.passed else 1


def run_points(site, options):
    for repository in site.repositories():
        for point in backup.points(site, repository):
            print(f"repository {repository.key}: {point['name']} "
                f"{point['time']} {point['lsn']}")
    return 0


def main(args=None):
    options = parser().parse_args(args)
    site = Site.load(options.config)
    try:
        return {
            'backup': run_backup, 'restore': run_restore, 'drill': run_drill,
            'points': run_points,
            }[options.command](site, options)
    except drill.DrillFailure as error:
        print(f"sigo-ops {options.command}: {error}", file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
