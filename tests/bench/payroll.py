# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""One month's pension payroll computed over N awards on PostgreSQL;
baseline: one INSERT ... SELECT of the same lines into a table with the line
table's keys and indexes (and, printed beside it, into a plain table)"""
import argparse
import datetime as dt
import os
import statistics
import sys
import time
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
from sigo_run import database  # noqa: E402

NAME = 'bench_payroll'
MONTH = dt.date(2025, 6, 1)
PREVIOUS = dt.date(2025, 5, 1)
MONTH_END = dt.date(2025, 6, 30)
PAYMENT_DATE = dt.date(2025, 6, 20)
RUNS = 3
BANKS = ["Хаан банк", "Голомт банк", "Худалдаа хөгжлийн банк", "Төрийн банк",
    "Хас банк"]
# One award in NEW_EVERY is new: it started in the last three months or in
# this one, after the previous payroll, so this one pays its arrears (about
# 5,000 a month for the half million pensioners)
NEW_EVERY = 100


def connect(uri):
    "An autocommit connection to the benchmark's database"
    import psycopg
    parts = urlsplit(uri)
    return psycopg.connect(
        dbname=NAME, host=parts.hostname or '127.0.0.1',
        port=parts.port or 5432, user=parts.username or 'postgres',
        password=parts.password, autocommit=True)


def open_books():
    "The pension fund's books open for the year, for the posting"
    from trytond.pool import Pool
    Entity = Pool().get('account.ipsas.entity')
    pension, = Entity.search([('code', '=', 'PEN')])
    Entity.open_books([pension])
    Entity.open_fiscal_year([pension], MONTH.year)


def prepare(count):
    """count awards of pensioners each with an account at one of the banks,
    their amount history and the previous month's payroll, written in SQL:
    the benchmark measures the payroll, not the awards' approval. Returns
    the head office's id"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Party = pool.get('party.party')
    Bank = pool.get('bank')
    Office = pool.get('sigo.office')
    Currency = pool.get('currency.currency')
    banks = Bank.create([{'party': p.id} for p in Party.create(
                    [{'name': n} for n in BANKS])])
    head, = Office.search([('code', '=', 'SIGO')])
    # The awards belong to the social insurance offices of the soums and
    # districts, where the officers record them
    soums = [o.id for o in Office.search([
                ('parent', 'child_of', [head.id]),
                ('children', '=', None),
                ])]
    mnt, = Currency.search([('code', '=', 'MNT')])
    cursor = Transaction().connection.cursor()
    bases = {}
    for table in ['party_party', 'bank_account', 'pension_award']:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        bases[table], = cursor.fetchone()
    # Ids given as base + g tie a pensioner, the account and the award
    # together without a look-up
    values = {
        'count': count, 'party': bases['party_party'],
        'account': bases['bank_account'], 'award': bases['pension_award'],
        'banks': [b.id for b in banks], 'soums': soums, 'currency': mnt.id,
        'month': MONTH, 'previous': PREVIOUS, 'new': NEW_EVERY,
        }
    # Register numbers unique but without the check of a real one: the
    # payroll never reads them
    cursor.execute(
        "INSERT INTO party_party (id, code, name, register_number, active, "
        "create_uid, create_date) "
        "SELECT %(party)s + g, 'BP' || g, 'Тэтгэвэр авагч ' || g, "
        "'ТА' || lpad(g::text, 8, '0'), true, 0, now() "
        "FROM generate_series(1, %(count)s) g", values)
    cursor.execute(
        "INSERT INTO bank_account (id, bank, currency, active, "
        "create_uid, create_date) "
        "SELECT %(account)s + g, "
        "(%(banks)s::integer[])[1 + g %% cardinality(%(banks)s::integer[])], "
        "%(currency)s, true, 0, now() "
        "FROM generate_series(1, %(count)s) g", values)
    cursor.execute(
        'INSERT INTO "bank_account-party_party" (account, owner, '
        "create_uid, create_date) "
        "SELECT %(account)s + g, %(party)s + g, 0, now() "
        "FROM generate_series(1, %(count)s) g", values)
    cursor.execute(
        "INSERT INTO bank_account_number (account, type, number, "
        "number_compact, active, sequence, create_uid, create_date) "
        "SELECT %(account)s + g, 'other', '5' || lpad(g::text, 9, '0'), "
        "'5' || lpad(g::text, 9, '0'), true, 10, 0, now() "
        "FROM generate_series(1, %(count)s) g", values)
    # Most awards started over the last twenty years; one in 50 is
    # suspended since the previous payroll, one in 40 terminated in the
    # previous month or this one (the previous payroll paid them, this one
    # pays those ending in it). The new ones started from three months ago
    # to this month; of those of three months ago, one in seven was
    # terminated last month and one in seven suspended a month, all never
    # paid: their arrears leave out the months after the end or suspended
    cursor.execute(
        "INSERT INTO pension_award (id, person, bank_account, office, kind, "
        "start_date, end_date, state, life_certificate_due, "
        "create_uid, create_date) "
        "SELECT %(award)s + g, %(party)s + g, %(account)s + g, "
        "(%(soums)s::integer[])[1 + g %% cardinality(%(soums)s::integer[])], "
        "CASE WHEN g %% 10 < 7 THEN 'old_age' "
        "WHEN g %% 10 < 9 THEN 'disability' ELSE 'survivor' END, "
        "s.start_date, "
        "CASE WHEN g %% 40 = 2 THEN CASE WHEN (g / 40) %% 5 = 0 "
        "THEN %(month)s::date + 11 "
        "ELSE %(month)s::date - 1 - (g / 40) %% 30 END "
        "WHEN g %% %(new)s = 0 AND (g / %(new)s) %% 28 = 7 "
        "THEN %(previous)s::date + 14 END, "
        "CASE WHEN g %% 50 = 1 THEN 'suspended' "
        "WHEN g %% 40 = 2 THEN 'terminated' "
        "WHEN g %% %(new)s = 0 AND (g / %(new)s) %% 28 = 7 "
        "THEN 'terminated' ELSE 'active' END, "
        "%(month)s::date + g %% 365, 0, now() "
        "FROM generate_series(1, %(count)s) g "
        "CROSS JOIN LATERAL (SELECT CASE WHEN g %% %(new)s = 0 "
        "THEN (%(month)s::date "
        "- make_interval(months => (g / %(new)s) %% 4)"
        "+ make_interval(days => (g / 7) %% 28))::date "
        "ELSE DATE '2005-01-01' + ((g::bigint * 7919) %% 7300)::integer END "
        "AS start_date) s",
        values)
    cursor.execute(
        "INSERT INTO pension_award_event (award, kind, date, reason, "
        '"user", at, create_uid, create_date) '
        "SELECT %(award)s + g, e.kind, e.date, e.reason, 0, now(), 0, now() "
        "FROM generate_series(1, %(count)s) g "
        "CROSS JOIN LATERAL (VALUES "
        "('suspended', %(month)s::date + 4, 'other', g %% 50 = 1), "
        "('terminated', %(month)s::date - 1 - (g / 40) %% 30, 'death', "
        "g %% 40 = 2 AND (g / 40) %% 5 != 0), "
        "('terminated', %(month)s::date + 11, 'death', "
        "g %% 40 = 2 AND (g / 40) %% 5 = 0), "
        "('terminated', %(previous)s::date + 14, 'death', "
        "g %% %(new)s = 0 AND (g / %(new)s) %% 28 = 7), "
        "('suspended', (%(month)s::date - INTERVAL '2 months')::date + 9, "
        "'other', "
        "g %% %(new)s = 0 AND (g / %(new)s) %% 28 = 3), "
        "('resumed', %(previous)s::date + 4, NULL, "
        "g %% %(new)s = 0 AND (g / %(new)s) %% 28 = 3)"
        ") e(kind, date, reason, wanted) "
        "WHERE e.wanted ORDER BY g, e.date", values)
    # The amount awarded, the indexations since and, for some, next month's
    # indexation already known and a correction on the day of the award
    # (same date: the later row wins)
    cursor.execute(
        "INSERT INTO pension_award_amount (award, effective_date, amount, "
        "reason, create_uid, create_date) "
        "SELECT a.id, v.effective_date, v.amount, v.reason, 0, now() "
        "FROM pension_award a "
        "CROSS JOIN LATERAL (SELECT 400000 "
        "+ ((a.id - %(award)s)::bigint * 7919) %% 900000 AS base) b "
        "CROSS JOIN LATERAL (VALUES "
        "(a.start_date, b.base, 'award', true), "
        "(DATE '2024-01-01', round(b.base * 1.05), 'indexation', "
        "a.start_date < DATE '2024-01-01'), "
        "(DATE '2025-01-01', round(b.base * 1.113), 'indexation', "
        "a.start_date < DATE '2025-01-01'), "
        "(DATE '2025-07-01', round(b.base * 1.17), 'indexation', "
        "(a.id - %(award)s) %% 10 = 3), "
        "(a.start_date, b.base + 5000, 'correction', "
        "(a.id - %(award)s) %% 97 = 5)"
        ") v(effective_date, amount, reason, wanted) "
        "WHERE a.id > %(award)s AND v.wanted "
        "ORDER BY a.id, v.reason", values)
    # Last month's payroll paid every award but the new ones
    cursor.execute(
        "INSERT INTO pension_payroll (office, month, kind, date, state, "
        "create_uid, create_date) "
        "VALUES (%s, %s, 'regular', %s, 'paid', 0, now()) RETURNING id",
        (head.id, PREVIOUS, PREVIOUS.replace(day=20)))
    values['payroll'], = cursor.fetchone()
    cursor.execute(
        "INSERT INTO pension_payroll_line (payroll, award, month, kind, "
        "amount, bank_account, create_uid, create_date) "
        "SELECT %(payroll)s, a.id, %(previous)s, 'regular', "
        "(SELECT m.amount FROM pension_award_amount m WHERE m.award = a.id "
        "AND m.effective_date < %(month)s "
        "ORDER BY m.effective_date DESC, m.id DESC LIMIT 1), "
        "a.bank_account, 0, now() "
        "FROM pension_award a "
        "WHERE a.id > %(award)s AND (a.id - %(award)s) %% %(new)s != 0 "
        "AND (a.end_date IS NULL OR a.end_date >= %(previous)s)", values)
    for table in ['party_party', 'bank_account', 'pension_award']:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f'(SELECT MAX(id) FROM "{table}"))', (table,))
    return head.id


def vacuum(uri, tables):
    "Vacuum and analyse, so that no run pays for the one before"
    with connect(uri) as connection:
        for table in tables:
            connection.execute(f'VACUUM ANALYZE "{table}"')


def new_payroll(office):
    from trytond.pool import Pool
    Payroll = Pool().get('pension.payroll')
    payroll, = Payroll.create([{
                'office': office, 'month': MONTH, 'kind': 'regular',
                'date': PAYMENT_DATE}])
    return payroll.id


def compute(payroll_id):
    """The compute button of the head office's payroll (run as root, as the
    other benchmarks' steps)"""
    from trytond.pool import Pool
    Payroll = Pool().get('pension.payroll')
    Payroll.compute([Payroll(payroll_id)])


def post(payroll_id):
    "The post button; in_transaction restarts it for the locks it takes"
    from trytond.pool import Pool
    Payroll = Pool().get('pension.payroll')
    Payroll.post([Payroll(payroll_id)])


def discard(payroll_id):
    from trytond.pool import Pool
    Payroll = Pool().get('pension.payroll')
    payroll = Payroll(payroll_id)
    Payroll.draft([payroll])
    Payroll.delete([payroll])


# The lines compute makes, in one statement and with the same
# sub-queries: the arrears of the awards never paid, for the months from
# their start in which they were payable and not suspended (the last
# suspended or resumed event at the month's end tells), and the month of
# every payable award not paid for it, at the amount in force at each
# month's end. The scope on the payroll's offices is left out: the head
# office's covers every award
BASELINE = """
INSERT INTO {table} (payroll, award, month, kind, amount, bank_account,
    create_uid, create_date)
WITH unpaid AS MATERIALIZED (
    SELECT a.id, a.start_date, a.end_date, a.bank_account
    FROM pension_award a
    WHERE a.start_date < %(month)s
        AND NOT EXISTS (SELECT 1 FROM pension_payroll_line l
            JOIN pension_payroll p ON l.payroll = p.id
            WHERE l.award = a.id AND p.state != 'cancelled'))
SELECT %(payroll)s, a.id, m.month, 'arrears',
    COALESCE((SELECT x.amount FROM pension_award_amount x
        WHERE x.award = a.id AND x.effective_date <= m.month_end
        ORDER BY x.effective_date DESC, x.id DESC LIMIT 1), 0),
    a.bank_account, 0, now()
FROM unpaid a
CROSS JOIN LATERAL (SELECT s::date AS month,
        (s + INTERVAL '1 month - 1 day')::date AS month_end
    FROM generate_series(date_trunc('month', a.start_date),
        %(month)s::date - INTERVAL '1 month', INTERVAL '1 month') s) m
WHERE a.start_date <= m.month_end
    AND (a.end_date IS NULL OR a.end_date >= m.month)
    AND NOT COALESCE((SELECT e.kind = 'suspended'
        FROM pension_award_event e
        WHERE e.award = a.id AND e.kind IN ('suspended', 'resumed')
            AND e.date <= m.month_end
        ORDER BY e.date DESC, e.id DESC LIMIT 1), false)
UNION ALL
SELECT %(payroll)s, a.id, %(month)s, 'regular',
    (SELECT x.amount FROM pension_award_amount x
        WHERE x.award = a.id AND x.effective_date <= %(month_end)s
        ORDER BY x.effective_date DESC, x.id DESC LIMIT 1),
    a.bank_account, 0, now()
FROM pension_award a
WHERE a.start_date <= %(month_end)s AND a.state != 'suspended'
    AND (a.end_date IS NULL OR a.end_date >= %(month)s)
    AND NOT EXISTS (SELECT 1 FROM pension_payroll_line l
        JOIN pension_payroll p ON l.payroll = p.id
        WHERE l.award = a.id AND p.state != 'cancelled'
        AND l.month = %(month)s)
"""


# The lines as the system must keep them, whatever computes them: checked
# against the payroll, the award and the bank account, and indexed as the
# payroll's line table is
BASELINE_TABLE = """
CREATE TABLE payroll_baseline (LIKE pension_payroll_line
    INCLUDING ALL);
ALTER TABLE payroll_baseline
    ADD FOREIGN KEY (payroll) REFERENCES pension_payroll (id),
    ADD FOREIGN KEY (award) REFERENCES pension_award (id),
    ADD FOREIGN KEY (bank_account) REFERENCES bank_account (id);
CREATE TABLE payroll_plain (payroll INTEGER, award INTEGER, month DATE,
    kind VARCHAR, amount NUMERIC, bank_account INTEGER, create_uid INTEGER,
    create_date TIMESTAMP)
"""


def baseline(uri, table, payroll):
    """The same lines into table, in seconds, committed as the payroll's
    transaction is"""
    # At small scales its JIT compilation weighs more than its run (the
    # planner counts 1,000 months an award): the ratio means something from
    # about 100,000 awards
    with connect(uri) as connection:
        connection.execute(f"TRUNCATE {table}")
        start = time.monotonic()
        cursor = connection.execute(BASELINE.format(table=table), {
                'month': MONTH, 'month_end': MONTH_END, 'payroll': payroll})
        elapsed = time.monotonic() - start
        return elapsed, cursor.rowcount


def differences(uri, payroll_id):
    """The payroll's lines, and how many of them and of the baseline's are
    not in the other"""
    columns = "award, month, kind, amount, bank_account"
    with connect(uri) as connection:
        return connection.execute(
            "SELECT (SELECT COUNT(*) FROM pension_payroll_line "
            "WHERE payroll = %(p)s), "
            f"(SELECT COUNT(*) FROM (SELECT {columns} "
            "FROM pension_payroll_line WHERE payroll = %(p)s "
            f"EXCEPT ALL SELECT {columns} FROM payroll_baseline) d), "
            f"(SELECT COUNT(*) FROM (SELECT {columns} FROM payroll_baseline "
            f"EXCEPT ALL SELECT {columns} FROM pension_payroll_line "
            "WHERE payroll = %(p)s) d)", {'p': payroll_id}).fetchone()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        '--scale', type=int, default=500000, help="pension awards")
    options = parser.parse_args()
    uri = os.environ.get('DATABASE_URI') or database.LOCAL_POSTGRESQL
    if database.is_sqlite(uri):
        sys.exit("payroll: PostgreSQL only (set DATABASE_URI)")
    print(f"Building {NAME} with sigo_pension on PostgreSQL",
        file=sys.stderr)
    database.build_database(NAME, uri, ['sigo_pension'], demo=False)
    from trytond import config
    config.update_etc(database.DEMO_CONFIG)
    config.set('database', 'uri', uri)
    from sigo_demo import in_transaction
    from trytond.pool import Pool
    Pool.start()
    Pool(NAME).init()
    try:
        in_transaction(NAME, open_books)
        start = time.monotonic()
        head = in_transaction(NAME, prepare, options.scale)
        with connect(uri) as connection:
            connection.execute(BASELINE_TABLE)
            # The baseline's lines name a payroll of their own, cancelled:
            # it pays nobody
            baseline_payroll, = connection.execute(
                "INSERT INTO pension_payroll (office, month, kind, date, "
                "state, create_uid, create_date) VALUES (%s, %s, 'regular', "
                "%s, 'cancelled', 0, now()) RETURNING id",
                (head, MONTH, PAYMENT_DATE)).fetchone()
        tables = ['party_party', 'bank_account', 'bank_account_number',
            'bank_account-party_party', 'pension_award',
            'pension_award_amount', 'pension_award_event', 'pension_payroll',
            'pension_payroll_line', 'payroll_baseline', 'payroll_plain']
        vacuum(uri, tables)
        print(f"{options.scale} awards and last month's payroll prepared "
            f"in {time.monotonic() - start:.0f} s", file=sys.stderr)
        timings, baselines, plains = [], [], []
        # Alternated, so that the other work of the machine weighs on all
        for run in range(RUNS):
            elapsed, lines = baseline(uri, 'payroll_baseline',
                baseline_payroll)
            baselines.append(elapsed)
            elapsed, plain_lines = baseline(uri, 'payroll_plain',
                baseline_payroll)
            plains.append(elapsed)
            assert plain_lines == lines
            payroll = in_transaction(NAME, new_payroll, head)
            start = time.monotonic()
            in_transaction(NAME, compute, payroll)
            timings.append(time.monotonic() - start)
            print(f"run {run + 1}: compute {timings[-1]:.2f} s, "
                f"baseline {baselines[-1]:.2f} s (plain table "
                f"{plains[-1]:.2f} s)", file=sys.stderr)
            if run < RUNS - 1:
                in_transaction(NAME, discard, payroll)
                vacuum(uri, ['pension_payroll_line', 'payroll_baseline',
                        'payroll_plain'])
        count, missing, extra = differences(uri, payroll)
        assert count == lines and not missing and not extra, (
            f"payroll {count} lines, baseline {lines}: "
            f"{missing} only in the payroll, {extra} only in the baseline")
        start = time.monotonic()
        in_transaction(NAME, post, payroll)
        posting = time.monotonic() - start
    finally:
        database.drop_database(NAME, uri)
    elapsed, base = statistics.median(timings), statistics.median(baselines)
    plain = statistics.median(plains)
    print(f"{count} lines ({options.scale} awards, with arrears) computed "
        f"in {', '.join(f'{t:.2f}' for t in timings)} s and posted in "
        f"{posting:.2f} s; one INSERT ... SELECT of the same lines: "
        f"{', '.join(f'{t:.2f}' for t in baselines)} s into a table with "
        "the line table's keys and indexes, "
        f"{', '.join(f'{t:.2f}' for t in plains)} s into a plain table "
        f"(the keys make the statement {base / plain:.1f} times slower; "
        f"the payroll against it: ratio {elapsed / plain:.1f})")
    print(f"payroll: {count / elapsed:.0f} lines/s; baseline "
        f"{count / base:.0f} lines/s; ratio {elapsed / base:.1f}")


if __name__ == '__main__':
    main()
