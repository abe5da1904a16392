# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""A month of backup history as the operations tools report it: nightly
incremental and weekly full backups into both repositories, one night the DR
link failed, and last month's restore drill. With the help desk, the
failure's alert opened a ticket in the backups category. ./run backup and
./run drill add real ones on the demo backup site."""
import datetime as dt

from trytond.pool import Pool

DATABASE = 'sigo'
DAYS = 30


def generate(scale, random):
    pool = Pool()
    Configuration = pool.get('it_ops.configuration')
    Run = pool.get('it_ops.backup.run')
    Drill = pool.get('it_ops.drill')

    configuration = Configuration(1)
    configuration.alert_email = 'it-operations@sigo.example.mn'
    if 'ops_category' in Configuration._fields:
        configuration.ops_category = ticket_category()
    configuration.save()

    today = dt.datetime.now(dt.timezone.utc).replace(
        hour=1, minute=0, second=0, microsecond=0)
    failed_night = today - dt.timedelta(days=12)
    runs = []
    for days_ago in range(DAYS, 0, -1):
        night = today - dt.timedelta(days=days_ago)
        full = night.weekday() == 6
        point = f'sigo-{night:%Y%m%dT%H%M%S}000000Z'
        for repository in [1, 2]:
            started = night + dt.timedelta(minutes=20 * (repository - 1))
            failed = night == failed_night and repository == 2
            size = random.uniform(5200, 5600) if full \
                else random.uniform(90, 400)
            runs.append({
                    'repository': repository,
                    'type': 'full' if full else 'incr',
                    'state': 'failed' if failed else 'succeeded',
                    'started': started.isoformat(),
                    'duration': size / 9 if full else size / 30,
                    'label': '' if failed else f'{started:%Y%m%d-%H%M%S}'
                    + ('F' if full else 'I'),
                    'size': 0 if failed else int(size * 2 ** 20),
                    'point': None if failed else point,
                    'error': ("ERROR: [039]: unable to write to repo2: "
                        "connection to the national data centre timed out"
                        if failed else ''),
                    })
    Run.record(DATABASE, 'sigo', runs)

    drill_day = today - dt.timedelta(days=9, hours=-2)
    point = f'sigo-{drill_day - dt.timedelta(hours=2):%Y%m%dT%H%M%S}000000Z'
    steps = [
        ("archive the source's latest WAL", 0.6, "WAL archived"),
        ("verify repository 2", 41.0, "no error found"),
        ("restore into a scratch cluster", 512.4, "cluster on port 54330"),
        ("restore the filestore", 63.2, "18342 files, checksums equal"),
        ("compare figures with the source", 88.9, "42 checks equal"),
        ("start Tryton, log in, print a report", 6.1,
            "logged in as drill; party labels for 5 parties printed"),
        ]
    Drill.record({
            'database': DATABASE, 'repository': 2,
            'started': drill_day.isoformat(),
            'target': f'restore point {point}', 'point': point,
            'rpo': 2 * 3600 + 40.0,
            'rto': sum(seconds for _, seconds, _ in steps),
            'state': 'passed',
            'steps': [{'name': name, 'ok': True, 'detail': detail,
                    'seconds': seconds} for name, seconds, detail in steps],
            'checks': [],
            'text': "Restore drill of sigo: PASSED",
            })


def ticket_category():
    "The help desk category of the tickets the alerts open"
    pool = Pool()
    Category = pool.get('helpdesk.category')
    Team = pool.get('helpdesk.team')
    # The copies to the DR site travel over the link the network team runs
    teams = Team.search([('name', '=', "Network")], limit=1)
    category, = Category.create([{
                'name': "Backups and restore drills",
                'system': "pgBackRest repositories in the data centre and "
                "at the DR site",
                'team': teams[0].id if teams else None,
                }])
    return category
