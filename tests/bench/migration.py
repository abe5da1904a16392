# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Legacy HDF person rows migrated end to end per second on PostgreSQL; baseline: COPY of the raw rows into a staging table"
import argparse
import csv
import datetime as dt
import itertools
import os
import sys
import tempfile
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
from sigo_run import database  # noqa: E402

NAME = 'bench_migration'
AS_OF = dt.date(2025, 6, 1)
LETTERS = 'АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ'
# Soums 1 to 9 of Khentii aimag
SOUMS = [f'039{s:02d}' for s in range(1, 10)]
FATHERS = ['Батын', 'Болдын', 'Доржийн', 'Ганын', 'Цэрэнгийн', 'Пүрэвийн']
NAMES = ['Тэмүүлэн', 'Номин', 'Сараа', 'Бат-Эрдэнэ', 'Оюунчимэг', 'Ганбат']


def write_legacy_file(path, count):
    """count children enrolled in child money at the soums, one row each as
    the soums' FoxPro program exported them"""
    from trytond.modules.sigo_base.register_number import compose
    start = dt.date(2008, 1, 1)
    combinations = itertools.product(LETTERS, LETTERS, range(6200), range(2))
    with open(path, 'w', newline='', encoding='utf-8') as file:
        writer = csv.writer(file)
        writer.writerow(['REGNO', 'OVOG', 'NER', 'TURSON', 'SUM_CODE',
                'HOTOLBOR', 'ELSSEN', 'DUN', 'DANS'])
        for index, (first, second, day, serial) in zip(
                range(count), combinations):
            birth = start + dt.timedelta(days=day)
            sex = ('male', 'female')[serial]
            writer.writerow([compose(first + second, birth, sex, serial),
                    FATHERS[index % 6], NAMES[index % 6],
                    birth.strftime('%d.%m.%Y'), SOUMS[index % 9], 'ХМ',
                    (birth + dt.timedelta(days=40)).strftime('%d.%m.%Y'),
                    '100000', f'50{index:08d}'])


def set_up_programmes():
    from trytond.pool import Pool
    Programme = Pool().get('hdf.programme')
    Programme.create([{
                'code': 'CM', 'name': "Хүүхдийн мөнгө", 'kind': 'child_money',
                'amounts': [('create', [{'effective_date': dt.date(2020, 1, 1),
                                'amount': Decimal(100000)}])]}])


def copy_baseline(uri, path):
    "COPY of the raw rows into a staging table, in seconds"
    connection = database.maintenance_connection(uri)
    with connection:
        connection.execute(
            "CREATE TEMPORARY TABLE legacy_row (REGNO VARCHAR, OVOG VARCHAR, "
            "NER VARCHAR, TURSON VARCHAR, SUM_CODE VARCHAR, "
            "HOTOLBOR VARCHAR, ELSSEN VARCHAR, DUN VARCHAR, DANS VARCHAR)")
        start = time.monotonic()
        with open(path, newline='', encoding='utf-8') as file, \
                connection.cursor().copy(
                    "COPY legacy_row FROM STDIN") as copy:
            rows = csv.reader(file)
            next(rows)
            for row in rows:
                copy.write_row(row)
        return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        '--scale', type=int, default=20000, help="legacy person rows")
    parser.add_argument('--chunk-size', type=int, default=5000,
        help="rows loaded per committed transaction")
    options = parser.parse_args()
    uri = os.environ.get('DATABASE_URI') or database.LOCAL_POSTGRESQL
    if database.is_sqlite(uri):
        sys.exit("migration: PostgreSQL only (set DATABASE_URI)")
    print(f"Building {NAME} with gosws_hdf on PostgreSQL", file=sys.stderr)
    database.build_database(NAME, uri, ['gosws_hdf'], demo=False)
    from trytond import config
    config.update_etc(database.DEMO_CONFIG)
    config.set('database', 'uri', uri)
    from migrations import hdf_soum
    from migrations.pipeline import Migration
    from sigo_demo import in_transaction
    from trytond.pool import Pool
    Pool.start()
    Pool(NAME).init()
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, 'hdf_khentii.csv')
    try:
        write_legacy_file(path, options.scale)
        in_transaction(NAME, set_up_programmes)
        start = time.monotonic()
        reconciliation = Migration(NAME, hdf_soum, as_of=AS_OF,
            chunk_size=options.chunk_size).run([path],
            errors=os.path.join(directory, 'errors.csv'))
        elapsed = time.monotonic() - start
        baseline = copy_baseline(uri, path)
        enrolments = in_transaction(NAME, lambda: Pool().get(
                'hdf.beneficiary').search_count([]))
    finally:
        database.drop_database(NAME, uri)
        for name in os.listdir(directory):
            os.remove(os.path.join(directory, name))
        os.rmdir(directory)
    loaded = sum(r['loaded'] for r in reconciliation)
    assert loaded == enrolments == options.scale, (loaded, enrolments)
    rate, base = options.scale / elapsed, options.scale / baseline
    print(f"{options.scale} legacy rows extracted, validated, deduplicated "
        f"and loaded ({enrolments} citizens and enrolments) in "
        f"{elapsed:.1f} s; COPY of the raw rows: {baseline:.2f} s")
    print(f"migration: {rate:.0f} rows/s; baseline {base:.0f} rows/s; "
        f"ratio {base / rate:.1f}")


if __name__ == '__main__':
    main()
