# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Claim lines of an uploaded file validated and stored per second on PostgreSQL; baseline: COPY of the same rows"
import argparse
import csv
import datetime as dt
import io
import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))))
from sigo_run import database  # noqa: E402

NAME = 'bench_claims'
PATIENTS = 3000
SERVICES = 200


def register_numbers(count):
    "count distinct register numbers, as the registration office issues them"
    from trytond.modules.sigo_base.register_number import compose
    start = dt.date(1950, 1, 1)
    for index in range(count):
        yield compose('АР', start + dt.timedelta(days=index * 7), 'female',
            index % 5, index)


def prepare():
    """A hospital under contract, the tariff, insured patients (on the
    eligibility list, most of them) and citizens: what a file needs"""
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Office = pool.get('sigo.office')
    Provider = pool.get('claim.provider')
    Tariff = pool.get('claim.tariff')
    Eligibility = pool.get('claim.eligibility')
    office, = Office.search([('code', '=', 'SIGO-MN-073')])
    numbers = list(register_numbers(PATIENTS))
    for start in range(0, len(numbers), 500):
        Party.create([{'name': f"Өвчтөн {n}", 'register_number': n}
                for n in numbers[start:start + 500]])
    Eligibility.create([{'register_number': n,
                'start_date': dt.date(2020, 1, 1)}
            for i, n in enumerate(numbers) if i % 20])
    party, = Party.create([{'name': "Архангай аймгийн нэгдсэн эмнэлэг"}])
    provider, = Provider.create([{
                'party': party.id, 'code': 'ЭМ-073-001', 'kind': 'hospital',
                'office': office.id, 'copayment_percent': Decimal(10),
                'contracts': [('create', [{'number': 'ЭМД-001',
                                'start_date': dt.date(2020, 1, 1)}])],
                }])
    Tariff.create([{'code': f'S{i:03d}', 'name': f"Үйлчилгээ {i}",
                'price': Decimal(5000 + i * 100), 'max_quantity': 5,
                'start_date': dt.date(2020, 1, 1)} for i in range(SERVICES)])
    return provider.id, numbers


def claim_rows(count, numbers):
    """count rows of a month's claim: mostly clean, a few patients not
    insured, above the tariff or unknown codes"""
    today = dt.date.today()
    rows = []
    for index in range(count):
        service = index % SERVICES
        quantity = 1 + index % 3
        amount = Decimal(5000 + service * 100) * quantity * Decimal('0.9')
        if index % 97 == 0:
            amount += 1000
        rows.append((numbers[index % len(numbers)],
                today - dt.timedelta(days=1 + index % 28),
                'J18.9', f'S{service:03d}' if index % 301 else 'X999',
                quantity, amount.quantize(Decimal('0.01'))))
    return rows


def claim_file(rows):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(['patient_register_number', 'service_date', 'diagnosis',
            'item_code', 'quantity', 'amount'])
    for number, date, diagnosis, code, quantity, amount in rows:
        writer.writerow([number, date.isoformat(), diagnosis, code, quantity,
                f'{amount:.2f}'])
    return output.getvalue().encode('utf-8')


def upload(provider_id, data):
    "The provider's upload: read, validated, stored as a draft claim"
    from trytond.pool import Pool
    pool = Pool()
    Claim = pool.get('claim.claim')
    Provider = pool.get('claim.provider')
    claim = Claim.import_file(Provider(provider_id), 'claim.csv', data)
    return claim.id, claim.line_count, claim.lines_with_reasons


def copy_baseline(uri, rows):
    "COPY of the same rows into a plain table, in seconds"
    connection = database.maintenance_connection(uri)
    with connection:
        connection.execute(
            "CREATE TEMPORARY TABLE claim_row (register_number VARCHAR, "
            "service_date DATE, diagnosis VARCHAR, item_code VARCHAR, "
            "quantity INTEGER, amount NUMERIC)")
        start = time.monotonic()
        with connection.cursor().copy("COPY claim_row FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        '--scale', type=int, default=10000, help="claim lines in the file")
    options = parser.parse_args()
    uri = os.environ.get('DATABASE_URI') or database.LOCAL_POSTGRESQL
    if database.is_sqlite(uri):
        sys.exit("claims: PostgreSQL only (set DATABASE_URI)")
    print(f"Building {NAME} with claims_portal on PostgreSQL",
        file=sys.stderr)
    database.build_database(NAME, uri, ['claims_portal'], demo=False)
    from trytond import config
    config.update_etc(database.DEMO_CONFIG)
    config.set('database', 'uri', uri)
    from sigo_demo import in_transaction
    from trytond.pool import Pool
    Pool.start()
    Pool(NAME).init()
    try:
        start = time.monotonic()
        provider_id, numbers = in_transaction(NAME, prepare)
        rows = claim_rows(options.scale, numbers)
        data = claim_file(rows)
        print(f"{PATIENTS} patients, {SERVICES} tariff items prepared in "
            f"{time.monotonic() - start:.0f} s", file=sys.stderr)
        start = time.monotonic()
        claim_id, lines, flagged = in_transaction(
            NAME, upload, provider_id, data)
        elapsed = time.monotonic() - start
        again, _, _ = in_transaction(NAME, upload, provider_id, data)
        assert again == claim_id, "the same file stored twice"
        baseline = copy_baseline(uri, rows)
    finally:
        database.drop_database(NAME, uri)
    rate, base = lines / elapsed, lines / baseline
    print(f"{lines} lines of a {len(data) // 1024} KB file read, checked "
        f"({flagged} with reasons) and stored in {elapsed:.1f} s; "
        f"COPY of the same rows: {baseline:.2f} s")
    print(f"claims: {rate:.0f} lines/s; baseline {base:.0f} lines/s; "
        f"ratio {base / rate:.1f}")


if __name__ == '__main__':
    main()
