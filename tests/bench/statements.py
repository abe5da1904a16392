# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"IPSAS statement package of one fund over N posted move lines on PostgreSQL; baseline: one SQL aggregate over the same lines"
import argparse
import datetime as dt
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
from sigo_run import database  # noqa: E402

NAME = 'bench_statements'
YEARS = [2024, 2025]
RUNS = 3
# account codes of the lines: debit, credit, in the cash journal or not
POSTINGS = [
    ('1210', '4110', 'REV'), ('1210', '4120', 'REV'),
    ('1110', '1210', 'CASH'), ('5110', '1110', 'CASH'),
    ('5120', '1110', 'CASH'), ('1110', '4210', 'CASH'),
    ('5710', '2190', 'EXP'), ('2190', '1110', 'CASH'),
    ]


def open_books():
    from trytond.pool import Pool
    pool = Pool()
    Entity = pool.get('account.ipsas.entity')
    pension, = Entity.search([('code', '=', 'PEN')])
    Entity.open_books([pension])
    for year in YEARS:
        Entity.open_fiscal_year([pension], year)
    return pension.id


def post_lines(count):
    """count posted move lines of the pension fund over two years, written
    in SQL: the benchmark measures reading them, not posting"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Entity = pool.get('account.ipsas.entity')
    pension, = Entity.search([('code', '=', 'PEN')])
    company = pension.company.id
    cursor = Transaction().connection.cursor()
    cursor.execute(
        "CREATE TEMPORARY TABLE posting (n INTEGER, debit INTEGER, "
        "credit INTEGER, journal INTEGER)")
    for n, (debit, credit, journal) in enumerate(POSTINGS):
        cursor.execute(
            "INSERT INTO posting SELECT %s, "
            "(SELECT id FROM account_account WHERE company = %s "
            "AND code = %s), "
            "(SELECT id FROM account_account WHERE company = %s "
            "AND code = %s), "
            "(SELECT id FROM account_journal WHERE code = %s)",
            (n, company, debit, company, credit, journal))
    moves = count // 2
    days = (dt.date(YEARS[-1], 12, 31) - dt.date(YEARS[0], 1, 1)).days + 1
    cursor.execute(
        "INSERT INTO account_move (company, journal, period, date, "
        "state, number, post_date, create_uid, create_date) "
        "SELECT %(company)s, p.journal, per.id, d.date, 'posted', "
        "'B' || g, d.date, 0, now() "
        "FROM generate_series(1, %(moves)s) g "
        "JOIN posting p ON p.n = g %% %(postings)s "
        "CROSS JOIN LATERAL (SELECT (%(start)s::date "
        "+ (g %% %(days)s))::date AS date) d "
        "JOIN account_period per ON per.type = 'standard' "
        "AND d.date BETWEEN per.start_date AND per.end_date "
        "JOIN account_fiscalyear fy ON per.fiscalyear = fy.id "
        "AND fy.company = %(company)s",
        {'company': company, 'moves': moves, 'postings': len(POSTINGS),
            'start': dt.date(YEARS[0], 1, 1), 'days': days})
    cursor.execute(
        "INSERT INTO account_move_line (move, account, debit, credit, "
        "state, create_uid, create_date) "
        "SELECT m.id, a.account, a.debit, a.credit, 'valid', 0, now() "
        "FROM account_move m "
        "JOIN posting p ON p.n = substr(m.number, 2)::integer %% %s "
        "CROSS JOIN LATERAL (VALUES "
        "(p.debit, 1000 + substr(m.number, 2)::integer %% 977, 0), "
        "(p.credit, 0, 1000 + substr(m.number, 2)::integer %% 977)"
        ") a(account, debit, credit) "
        "WHERE m.company = %s AND m.number LIKE 'B%%'",
        (len(POSTINGS), company))
    cursor.execute("ANALYZE account_move")
    cursor.execute("ANALYZE account_move_line")
    cursor.execute("SELECT count(*) FROM account_move_line")
    return cursor.fetchone()[0]


def produce():
    "The package of the second year against the first, in seconds"
    from trytond.pool import Pool
    pool = Pool()
    Entity = pool.get('account.ipsas.entity')
    Package = pool.get('account.ipsas.statement.package')
    pension, = Entity.search([('code', '=', 'PEN')])
    start = time.monotonic()
    package, = Package.produce(
        [pension], dt.date(YEARS[1], 1, 1), dt.date(YEARS[1], 12, 31),
        dt.date(YEARS[0], 1, 1), dt.date(YEARS[0], 12, 31))
    elapsed = time.monotonic() - start
    position = {l.label.strip('\u2003'): l.amount for l in package.lines
        if l.statement == 'position'}
    assert position["Assets"] == position["Total Liabilities and Net Assets"]
    return elapsed


def aggregate(company_filter=True):
    """One SQL aggregate over the same lines, in seconds: the fund's posted
    lines (their fund and state are on their move, so the lines are joined
    to it); without company_filter, over the line table alone"""
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    start = time.monotonic()
    if company_filter:
        cursor.execute(
            "SELECT l.account, SUM(l.debit - l.credit) "
            "FROM account_move_line l "
            "JOIN account_move m ON l.move = m.id "
            "WHERE m.company = (SELECT c.id FROM company_company c "
            "JOIN account_ipsas_entity e ON e.company = c.id "
            "WHERE e.code = 'PEN') AND m.state = 'posted' "
            "GROUP BY l.account")
    else:
        cursor.execute(
            "SELECT account, SUM(debit - credit) FROM account_move_line "
            "GROUP BY account")
    cursor.fetchall()
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        '--scale', type=int, default=1000000, help="posted move lines")
    options = parser.parse_args()
    uri = os.environ.get('DATABASE_URI') or database.LOCAL_POSTGRESQL
    if database.is_sqlite(uri):
        sys.exit("statements: PostgreSQL only (set DATABASE_URI)")
    print(f"Building {NAME} with account_ipsas on PostgreSQL",
        file=sys.stderr)
    database.build_database(NAME, uri, ['account_ipsas'], demo=False)
    from trytond import config
    config.update_etc(database.DEMO_CONFIG)
    config.set('database', 'uri', uri)
    from sigo_demo import in_transaction
    from sigo_run.mailbox import Mailbox
    from trytond.pool import Pool
    Pool.start()
    Pool(NAME).init()
    # Each package is mailed to finance once committed
    mailbox = Mailbox()
    mailbox.start()
    config.set('email', 'uri', mailbox.uri)
    try:
        in_transaction(NAME, open_books)
        start = time.monotonic()
        lines = in_transaction(NAME, post_lines, options.scale)
        print(f"{lines} posted lines written in "
            f"{time.monotonic() - start:.0f} s", file=sys.stderr)
        timings, baselines, tables = [], [], []
        for _ in range(RUNS):
            timings.append(in_transaction(NAME, produce))
            baselines.append(in_transaction(NAME, aggregate))
            tables.append(in_transaction(NAME, aggregate, False))
    finally:
        mailbox.stop()
        database.drop_database(NAME, uri)
    elapsed, baseline = statistics.median(timings), statistics.median(
        baselines)
    table = statistics.median(tables)
    print(f"statement package (5 statements, XLSX) over {lines} lines: "
        f"{', '.join(f'{t:.2f}' for t in timings)} s; one aggregate of the "
        f"fund's posted lines: {', '.join(f'{t:.2f}' for t in baselines)} s; "
        f"of the line table alone: {table:.2f} s "
        f"(ratio {elapsed / table:.1f})")
    print(f"statements: {lines / elapsed:.0f} lines/s; baseline "
        f"{lines / baseline:.0f} lines/s; ratio {elapsed / baseline:.1f}")


if __name__ == '__main__':
    main()
