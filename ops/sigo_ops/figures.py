# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The figures a restore must reproduce exactly: row counts per table (shown
per table family: the Tryton module that defines the table) and money totals
per fund"""
from decimal import Decimal

# Each query runs when its tables exist; a row is (key, amount)
MONEY_TOTALS = [
    ("contributions declared", ['insurance_contribution'],
        'SELECT f.code, SUM(c.employee_amount + c.employer_amount) '
        'FROM insurance_contribution AS c '
        'JOIN insurance_fund AS f ON f.id = c.fund GROUP BY f.code'),
    ("ledger debits", ['account_move_line'],
        'SELECT p.name, SUM(l.debit) FROM account_move_line AS l '
        'JOIN account_account AS a ON a.id = l.account '
        'JOIN company_company AS c ON c.id = a.company '
        'JOIN party_party AS p ON p.id = c.party GROUP BY p.name'),
    ("ledger credits", ['account_move_line'],
        'SELECT p.name, SUM(l.credit) FROM account_move_line AS l '
        'JOIN account_account AS a ON a.id = l.account '
        'JOIN company_company AS c ON c.id = a.company '
        'JOIN party_party AS p ON p.id = c.party GROUP BY p.name'),
    ]


# it_ops keeps the results of backups and drills, written after each point
# by design: a log about the copies, not data the copies must reproduce
RESULT_TABLES = 'it_ops_'


def verified(table):
    return not table.startswith(RESULT_TABLES)


def collect(connection):
    """The figures of the database behind connection, read in one snapshot
    (the caller's transaction)"""
    tables = [name for name, in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "ORDER BY tablename") if verified(name)]
    counts = {}
    for table in tables:
        counts[table], = connection.execute(
            f'SELECT COUNT(*) FROM "{table}"').fetchone()
    families = {}
    if 'ir_model' in tables:
        families = dict(connection.execute(
                "SELECT REPLACE(name, '.', '_'), module FROM ir_model"))
    money = {}
    for label, needs, query in MONEY_TOTALS:
        if not set(needs) <= set(tables):
            continue
        for key, amount in connection.execute(query):
            money[f'{label}: {key}'] = str(amount or Decimal(0))
    return {'tables': counts, 'families': families, 'money': money}


def snapshot(connection):
    "The figures of the database behind a fresh connection, in one snapshot"
    from psycopg import IsolationLevel
    connection.isolation_level = IsolationLevel.REPEATABLE_READ
    counted = collect(connection)
    connection.rollback()
    return counted


def family(table, families):
    "The module of the table, or its prefix for tables outside ir.model"
    return families.get(table) or table.split('_', 1)[0] + '_*'


def compare(expected, actual):
    """Checks as (name, expected, actual, ok): one per table family and one
    per money total, each exact"""
    checks = []
    families = expected.get('families', {})
    every_table = {t for t in set(expected['tables']) | set(actual['tables'])
        if verified(t)}
    for name in sorted({family(t, families) for t in every_table}):
        tables = sorted(
            t for t in every_table if family(t, families) == name)
        wrong = [t for t in tables
            if expected['tables'].get(t) != actual['tables'].get(t)]
        checks.append((
                f"rows of {name} ({len(tables)} tables)"
                + (f"; differing: {', '.join(wrong)}" if wrong else ''),
                sum(expected['tables'].get(t, 0) for t in tables),
                sum(actual['tables'].get(t, 0) for t in tables),
                not wrong))
    for key in sorted(set(expected['money']) | set(actual['money'])):
        want, got = expected['money'].get(key), actual['money'].get(key)
        checks.append((
                key, want, got,
                want is not None and got is not None
                and Decimal(want) == Decimal(got)))
    return checks
