# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The service desk's escalation job over N open tickets on PostgreSQL;
baseline: one SQL query selecting the at-risk tickets and the rules they
meet.

Two cases are measured: the job as scheduled, every 15 minutes, which finds
the tickets that crossed a warning or a deadline since its last run (the
last line), and the catch-up run after a long stop of the job, when every
ticket past a threshold is escalated at once"""
import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
from sigo_run import database  # noqa: E402

NAME = 'bench_sla'
# A Tuesday, 11:00 in Ulaanbaatar
NOW = dt.datetime(2026, 6, 16, 3, 0)
# The cron's interval: the run before the measured one
INTERVAL = dt.timedelta(minutes=15)
RUNS = 3
AGENTS = 24
TEAMS = ["Service Desk", "Network", "Application Support"]
MANAGER = 'it.manager@sigo.example.mn'


def connect(uri):
    "An autocommit connection to the benchmark's database"
    import psycopg
    parts = urlsplit(uri)
    return psycopg.connect(
        dbname=NAME, host=parts.hostname or '127.0.0.1',
        port=parts.port or 5432, user=parts.username or 'postgres',
        password=parts.password, autocommit=True)


def prepare(count):
    """The teams, their agents, the escalation rules and count open tickets
    written in SQL with their stored deadlines: the benchmark measures the
    escalation, not the tickets' creation. About one in thirty is at risk,
    none escalated yet: the catch-up run after a long stop of the job"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    User = pool.get('res.user')
    Team = pool.get('helpdesk.team')
    Rule = pool.get('helpdesk.escalation.rule')
    Policy = pool.get('helpdesk.sla.policy')
    ModelData = pool.get('ir.model.data')
    it = ModelData.get_id('sigo_base', 'group_it')
    agents = User.create([{
                'login': f'agent{n}', 'name': f"Agent {n}",
                'email': f'agent{n}@sigo.example.mn',
                'groups': [('add', [it])]} for n in range(AGENTS)])
    teams = Team.create([{
                'name': name,
                'email': f'team{n}@sigo.example.mn',
                'members': [('add', [a.id for a in agents[n::len(TEAMS)]])],
                } for n, name in enumerate(TEAMS)])
    escalation_team, = Team.create([{
                'name': "Escalations", 'email': 'escalations@sigo.example.mn',
                'members': [('add', [agents[0].id])]}])
    Rule.create([{
                'name': "Response near: tell the agent", 'target': 'response',
                'condition': 'nearing', 'action': 'notify',
                'notify_assignee': True,
                }, {
                'name': "Response late: raise priority",
                'target': 'response', 'condition': 'breached',
                'action': 'raise_priority',
                }, {
                'name': "Resolution near: tell agent and team",
                'target': 'resolution', 'condition': 'nearing',
                'action': 'notify', 'notify_assignee': True,
                'notify_team': True,
                }, {
                'name': "Resolution late: tell the IT manager",
                'target': 'resolution', 'condition': 'breached',
                'action': 'notify', 'notify_assignee': False,
                'email': MANAGER,
                }, {
                'name': "Resolution late: escalation team",
                'target': 'resolution', 'condition': 'breached',
                'action': 'reassign', 'team': escalation_team.id,
                }])
    policy, = Policy.search([('category', '=', None)], limit=1)
    cursor = Transaction().connection.cursor()
    values = {
        'count': count, 'now': NOW, 'policy': policy.id,
        'agents': [a.id for a in agents], 'teams': [t.id for t in teams],
        }
    # Resolution deadlines spread over 2,500 hours around now, 2% past
    # and 0.24% within the 6 hours of warning before them; three in ten
    # unanswered, their response deadlines over 500 hours, 2% past and
    # 0.2% within the hour of warning
    cursor.execute(
        "INSERT INTO helpdesk_ticket (subject, description, channel, "
        "priority, state, opened, policy, team, assignee, requester_email, "
        "response_deadline, response_warning, resolution_deadline, "
        "resolution_warning, first_response, create_uid, create_date) "
        "SELECT 'Ticket ' || g, 'Reported by phone', "
        "CASE WHEN g %% 3 = 0 THEN 'phone' ELSE 'email' END, "
        "(ARRAY['low', 'normal', 'normal', 'high'])[1 + g %% 4], "
        "CASE WHEN g %% 5 = 0 THEN 'new' ELSE 'open' END, "
        "%(now)s - INTERVAL '10 days', %(policy)s, "
        "(%(teams)s::integer[])[1 + g %% cardinality(%(teams)s::integer[])], "
        "(%(agents)s::integer[])"
        "[1 + g %% cardinality(%(agents)s::integer[])], "
        "'user' || g || '@sigo.example.mn', "
        "r.response, r.response - INTERVAL '1 hour', "
        "r.resolution, r.resolution - INTERVAL '6 hours', "
        "CASE WHEN g %% 10 >= 3 THEN %(now)s - INTERVAL '9 days' END, "
        "0, now() "
        "FROM generate_series(1, %(count)s) g "
        "CROSS JOIN LATERAL (SELECT "
        "%(now)s + make_interval(hours => "
        "((g::bigint * 104729) %% 500 - 10)::integer) AS response, "
        "%(now)s + make_interval(hours => "
        "((g::bigint * 7919) %% 2500 - 50)::integer) AS resolution) r",
        values)
    cursor.execute(
        "CREATE TABLE bench_ticket AS SELECT id, priority, team "
        "FROM helpdesk_ticket")
    cursor.execute("ALTER TABLE bench_ticket ADD PRIMARY KEY (id)")


# The (ticket, rule) pairs the job must escalate, as one query on the
# stored deadlines
BASELINE = """
SELECT t.id, r.id
FROM helpdesk_ticket t
JOIN helpdesk_escalation_rule r
    ON r.policy IS NULL OR r.policy = t.policy
WHERE t.state IN ('new', 'open') AND r.active
    AND ((r.target = 'response' AND t.first_response IS NULL
            AND ((r.condition = 'nearing' AND t.response_warning <= %(now)s)
                OR (r.condition = 'breached'
                    AND t.response_deadline <= %(now)s)))
        OR (r.target = 'resolution'
            AND ((r.condition = 'nearing'
                    AND t.resolution_warning <= %(now)s)
                OR (r.condition = 'breached'
                    AND t.resolution_deadline <= %(now)s))))
    AND NOT EXISTS (SELECT 1 FROM helpdesk_escalation e
        WHERE e.ticket = t.id AND e.rule = r.id)
"""


def baseline(uri, at=NOW):
    with connect(uri) as connection:
        start = time.monotonic()
        rows = connection.execute(BASELINE, {'now': at}).fetchall()
        return time.monotonic() - start, len(rows)


def reset(uri):
    "Undo a run: no escalation yet, the tickets as prepared"
    with connect(uri) as connection:
        connection.execute("DELETE FROM helpdesk_escalation")
        connection.execute(
            "UPDATE helpdesk_ticket t SET priority = b.priority, "
            "team = b.team FROM bench_ticket b WHERE b.id = t.id")
        for table in ['helpdesk_ticket', 'helpdesk_escalation']:
            connection.execute(f'VACUUM ANALYZE "{table}"')


def escalate(at=NOW):
    "The cron's job, at the benchmark's clock"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Escalation = Pool().get('helpdesk.escalation')
    with Transaction().set_context(helpdesk_now=at):
        return Escalation.escalate()


def effects(uri):
    "What the job changed, counted in SQL"
    with connect(uri) as connection:
        return connection.execute(
            "SELECT (SELECT COUNT(*) FROM helpdesk_ticket t "
            "JOIN bench_ticket b ON b.id = t.id "
            "WHERE t.priority != b.priority), "
            "(SELECT COUNT(*) FROM helpdesk_ticket t "
            "JOIN helpdesk_team m ON m.id = t.team "
            "WHERE m.name = 'Escalations'), "
            "(SELECT COUNT(*) FROM helpdesk_ticket t "
            "JOIN bench_ticket b ON b.id = t.id "
            "WHERE t.state IN ('new', 'open') AND t.first_response IS NULL "
            "AND t.response_deadline <= %(now)s "
            "AND b.priority != 'urgent'), "
            "(SELECT COUNT(*) FROM helpdesk_ticket t "
            "WHERE t.state IN ('new', 'open') "
            "AND t.resolution_deadline <= %(now)s)",
            {'now': NOW}).fetchone()


# The SMTP server in a process of its own, as the real one is: in this one
# it would take the job's interpreter while the job sends
MAILBOX = """
import sys
from sigo_run.mailbox import Mailbox
mailbox = Mailbox(directory=sys.argv[1]).start()
print(mailbox.uri, flush=True)
sys.stdin.read()
"""


def mails(directory):
    return len(os.listdir(directory)) if os.path.isdir(directory) else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        '--scale', type=int, default=100000, help="open tickets")
    options = parser.parse_args()
    uri = os.environ.get('DATABASE_URI') or database.LOCAL_POSTGRESQL
    if database.is_sqlite(uri):
        sys.exit("sla: PostgreSQL only (set DATABASE_URI)")
    print(f"Building {NAME} with helpdesk on PostgreSQL", file=sys.stderr)
    database.build_database(NAME, uri, ['helpdesk'], demo=False)
    from trytond import config
    config.update_etc(database.DEMO_CONFIG)
    config.set('database', 'uri', uri)
    from sigo_demo import in_transaction
    from trytond.pool import Pool
    Pool.start()
    Pool(NAME).init()
    spool = tempfile.mkdtemp(prefix='bench_sla_mail')
    mailbox = subprocess.Popen(
        [sys.executable, '-c', MAILBOX, spool], cwd=database.ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    config.set('email', 'uri', mailbox.stdout.readline().strip())
    try:
        start = time.monotonic()
        in_transaction(NAME, prepare, options.scale)
        reset(uri)
        print(f"{options.scale} open tickets prepared in "
            f"{time.monotonic() - start:.0f} s", file=sys.stderr)
        results = {}
        for case, previous_run in [
                ('catch-up', None), ('scheduled', NOW - INTERVAL)]:
            timings, baselines = [], []
            for run in range(RUNS):
                if previous_run:
                    in_transaction(NAME, escalate, previous_run)
                elapsed, expected = baseline(uri)
                baselines.append(elapsed)
                sent = mails(spool)
                start = time.monotonic()
                escalated = in_transaction(NAME, escalate)
                timings.append(time.monotonic() - start)
                sent = mails(spool) - sent
                raised, reassigned, late_answers, late = effects(uri)
                assert escalated == expected, (escalated, expected)
                assert raised == late_answers and reassigned == late, (
                    raised, late_answers, reassigned, late)
                # One mail for each agent, team (the escalation team too)
                # and the manager: not one per ticket
                assert 0 < sent <= AGENTS + len(TEAMS) + 2, sent
                assert in_transaction(NAME, escalate) == 0
                print(f"{case} run {run + 1}: {escalated} escalations of "
                    f"{options.scale} tickets ({raised} raised, "
                    f"{reassigned} reassigned in all, {sent} e-mails) in "
                    f"{timings[-1]:.3f} s, baseline {baselines[-1]:.3f} s",
                    file=sys.stderr)
                reset(uri)
            results[case] = (escalated, statistics.median(timings),
                statistics.median(baselines))
    finally:
        mailbox.communicate('')
        shutil.rmtree(spool)
        database.drop_database(NAME, uri)
    for case, (escalated, elapsed, base) in results.items():
        print(f"{case}: {escalated} escalations over {options.scale} open "
            f"tickets (with their log, priority and team changes and one "
            f"e-mail per recipient) in {elapsed:.3f} s, median; one query "
            f"selecting the same at-risk set: {base:.3f} s; ratio "
            f"{elapsed / base:.1f}")
    escalated, elapsed, base = results['scheduled']
    print(f"sla: {options.scale / elapsed:.0f} open tickets/s; baseline "
        f"{options.scale / base:.0f} open tickets/s; ratio "
        f"{elapsed / base:.1f}")

if __name__ == '__main__':
    main()
