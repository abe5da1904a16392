# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The legacy-data migration toolkit on the soums' HDF databases: fixtures
of four soums written as their programs did (CSV in UTF-8 and in CP1251,
XLSX, a DBF written with a DBF library) with citizens enrolled at several
soums and bad rows of every kind; the Access reader on the .mdb file the
meza package ships"""
import contextlib
import csv
import datetime as dt
import glob
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
from decimal import Decimal

import dbf
import openpyxl

from trytond.modules.sigo_base.register_number import compose
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from migrations import hdf_soum, readers
from migrations.__main__ import main
from migrations.pipeline import Interrupted, Migration
from sigo_run.system import ensure_debian_packages

AS_OF = dt.date(2025, 6, 1)
CM, HDF = Decimal(100000), Decimal(21000)
HEADER = hdf_soum.COLUMNS
# How the Mongolian Windows fonts stored Ө and Ү in CP1251
TO_CP1251 = {v: k for k, v in readers.MONGOLIAN_CP1251.items()}


def person(letters, birth, sex, serial, father, name):
    return {'REGNO': compose(letters, birth, sex, serial), 'OVOG': father,
        'NER': name, 'TURSON': birth}


CHILD1 = person('АР', dt.date(2015, 3, 4), 'male', 1, 'Батын', 'Тэмүүлэн')
CHILD2 = person('АР', dt.date(2017, 8, 19), 'female', 2, 'Болдын', 'Номин')
CHILD3 = person('УБ', dt.date(2019, 1, 30), 'female', 3, 'Доржийн', 'Сараа')
CHILD4 = person('АР', dt.date(2012, 11, 2), 'male', 4, 'Ганын', 'Бат-Эрдэнэ')
ADULT1 = person('АР', dt.date(1980, 5, 6), 'female', 1, 'Цэрэнгийн',
    'Оюунчимэг')
ADULT2 = person('УБ', dt.date(1975, 12, 24), 'male', 2, 'Пүрэвийн', 'Ганбат')
ADULT3 = person('АР', dt.date(1990, 2, 14), 'female', 3, 'Сүхийн', 'Энхжин')
CITIZENS = [CHILD1, CHILD2, CHILD3, CHILD4, ADULT1, ADULT2, ADULT3]


def row(citizen, soum, programme, enrolled, amount, account='5012345678',
        **changes):
    values = dict(citizen, SUM_CODE=soum, HOTOLBOR=programme,
        ELSSEN=enrolled, DUN=amount, DANS=account)
    values.update(changes)
    return values


# Soum 3 of aimag 39 (Khentii), UTF-8 CSV with ISO dates
SOUM_A = [
    row(CHILD1, '03903', 'ХМ', dt.date(2019, 2, 1), CM),
    row(CHILD2, '03903', 'ХМ', dt.date(2018, 1, 1), CM),
    row(ADULT1, '03903', 'ХХС', dt.date(2012, 1, 1), HDF),
    row(CHILD4, '03903', 'ХМ', dt.date(2013, 1, 1), CM),
    # bad: malformed register number, month 99, no such date, birth date
    # differing from the register number
    row(dict(CHILD1, REGNO='АР1503'), '03903', 'ХМ', dt.date(2019, 2, 1), CM),
    row(dict(CHILD1, REGNO='АР15990411'), '03903', 'ХМ', dt.date(2019, 2, 1),
        CM),
    row(CHILD3, '03903', 'ХМ', '2021-02-30', CM),
    row(dict(ADULT2, TURSON=dt.date(1975, 12, 25)), '03903', 'ХХС',
        dt.date(2012, 1, 1), HDF),
    ]
# Soum 5 of aimag 39, FoxPro export to CP1251 CSV with ; and dd.mm.yyyy
SOUM_B = [
    # CHILD1 moved here later: this enrolment wins the merge
    row(CHILD1, '03905', 'ХМ', dt.date(2021, 9, 1), CM),
    row(ADULT1, '03905', 'ХХС', dt.date(2011, 6, 1), HDF),
    row(ADULT2, '03905', 'ХХС', dt.date(2011, 6, 1), HDF),
    # bad: unknown soum, malformed soum, unknown programme
    row(CHILD3, '09999', 'ХМ', dt.date(2019, 3, 1), CM),
    row(CHILD3, 'ХЭНТ', 'ХМ', dt.date(2019, 3, 1), CM),
    row(CHILD3, '03905', 'ЗЗ', dt.date(2019, 3, 1), CM),
    ]
# Ulaanbaatar district 3, XLSX with real dates and numbers
SOUM_C = [
    row(CHILD3, '00103', 'ХМ', dt.date(2019, 3, 1), CM),
    row(ADULT2, '00103', 'ХХС', dt.date(2015, 1, 1), HDF),
    row(ADULT3, '00103', 'ХХС', dt.date(2014, 1, 1), HDF),
    # bad: negative amount, not a number, not the programme's amount
    row(ADULT3, '00103', 'ХМ', dt.date(2014, 1, 1), -CM),
    row(CHILD2, '00103', 'ХХС', dt.date(2018, 1, 1), 'хорин мянга'),
    row(CHILD4, '00103', 'ХХС', dt.date(2018, 1, 1), Decimal(20000)),
    ]
# Soum 1 of aimag 73 (Arkhangai), the FoxPro DBF itself
SOUM_D = [
    row(CHILD2, '07301', 'XM', dt.date(2018, 1, 1), CM),
    row(ADULT3, '07301', 'CT', dt.date(2014, 9, 1), Decimal(491960)),
    row(CHILD4, '07301', 'ХМ', dt.date(2012, 12, 1), CM),
    # bad: unknown programme, negative amount
    row(ADULT1, '07301', 'ZZZ', dt.date(2014, 9, 1), CM),
    row(CHILD3, '07301', 'ХМ', dt.date(2020, 1, 1), -1),
    ]
BAD_REASONS = {
    ('soum_a.csv', 6): "REGNO: 'АР1503' is not a register number (two "
    "Cyrillic capital letters and eight digits)",
    ('soum_a.csv', 7): "REGNO: 'АР15990411' is not a register number (its "
    "birth month, digits 3-4, is not 01-12 or 21-32)",
    ('soum_a.csv', 8): "ELSSEN: '2021-02-30' is not a date",
    ('soum_a.csv', 9): "TURSON: 1975-12-25 differs from the birth date "
    "1975-12-24 in the register number",
    ('soum_b.csv', 5): "SUM_CODE: no soum office GOSWS-MN-099-99",
    ('soum_b.csv', 6): "SUM_CODE: 'ХЭНТ' is not a soum code",
    ('soum_b.csv', 7): "HOTOLBOR: unknown programme 'ЗЗ'",
    ('soum_c.xlsx', 5): "DUN: amount -100000 is not positive",
    ('soum_c.xlsx', 6): "DUN: 'хорин мянга' is not an amount",
    ('soum_c.xlsx', 7): "DUN: 20000 differs from the 21000.00 programme "
    "HDF pays on 2025-06-01",
    ('soum_d.dbf', 4): "HOTOLBOR: unknown programme 'ZZZ'",
    ('soum_d.dbf', 5): "DUN: amount -1 is not positive",
    }
# The same, as the soums read them
BAD_REASONS_MN = {
    ('soum_a.csv', 6): "REGNO: 'АР1503' регистрийн дугаар биш (хоёр кирилл "
    "том үсэг, найман цифр байх ёстой)",
    ('soum_a.csv', 7): "REGNO: 'АР15990411' регистрийн дугаар биш (3-4 дэх "
    "цифр буюу төрсөн сар 01-12 эсвэл 21-32 байх ёстой)",
    ('soum_a.csv', 8): "ELSSEN: '2021-02-30' огноо биш",
    ('soum_a.csv', 9): "TURSON: төрсөн огноо 1975-12-25 нь регистрийн "
    "дугаарт заасан 1975-12-24 огноотой таарахгүй байна",
    ('soum_b.csv', 5): "SUM_CODE: GOSWS-MN-099-99 кодтой сумын алба "
    "бүртгэлгүй байна",
    ('soum_b.csv', 6): "SUM_CODE: 'ХЭНТ' сумын код биш",
    ('soum_b.csv', 7): "HOTOLBOR: 'ЗЗ' хөтөлбөрийн код танигдахгүй байна",
    ('soum_c.xlsx', 5): "DUN: дүн -100000 тэгээс их байх ёстой",
    ('soum_c.xlsx', 6): "DUN: 'хорин мянга' мөнгөн дүн биш",
    ('soum_c.xlsx', 7): "DUN: дүн 20000 нь HDF хөтөлбөрийн 2025-06-01 өдөр "
    "мөрдөх 21000.00 дүнтэй таарахгүй байна",
    ('soum_d.dbf', 4): "HOTOLBOR: 'ZZZ' хөтөлбөрийн код танигдахгүй байна",
    ('soum_d.dbf', 5): "DUN: дүн -1 тэгээс их байх ёстой",
    }
# register number, programme: the soum and enrolment date that win
ENROLMENTS = {
    (CHILD1['REGNO'], 'CM'): ('GOSWS-MN-039-05', dt.date(2021, 9, 1)),
    (CHILD2['REGNO'], 'CM'): ('GOSWS-MN-039-03', dt.date(2018, 1, 1)),
    (CHILD3['REGNO'], 'CM'): ('GOSWS-MN-1-03', dt.date(2019, 3, 1)),
    (CHILD4['REGNO'], 'CM'): ('GOSWS-MN-039-03', dt.date(2013, 1, 1)),
    (ADULT1['REGNO'], 'HDF'): ('GOSWS-MN-039-03', dt.date(2012, 1, 1)),
    (ADULT2['REGNO'], 'HDF'): ('GOSWS-MN-1-03', dt.date(2015, 1, 1)),
    (ADULT3['REGNO'], 'HDF'): ('GOSWS-MN-1-03', dt.date(2014, 1, 1)),
    (ADULT3['REGNO'], 'TUI'): ('GOSWS-MN-073-01', dt.date(2014, 9, 1)),
    }
# CHILD1 at soum A (later enrolment at B), ADULT1 at B, ADULT2 at B,
# CHILD2 at D (same date as A, staged after), CHILD4 at D (earlier than A)
MERGED = 5


def write_csv(path, rows, encoding, delimiter, date_format):
    def cell(value):
        if isinstance(value, dt.date):
            return value.strftime(date_format)
        if encoding == 'cp1251':
            return str(value).translate(TO_CP1251)
        return str(value)
    with open(path, 'w', newline='', encoding=encoding) as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(HEADER)
        for values in rows:
            writer.writerow([cell(values[c]) for c in HEADER])


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for values in rows:
        sheet.append([int(v) if isinstance(v, Decimal) else v
                for v in (values[c] for c in HEADER)])
    workbook.save(path)


def write_dbf(path, rows):
    table = dbf.Table(path, 'REGNO C(10); OVOG C(30); NER C(30); TURSON D; '
        'SUM_CODE C(5); HOTOLBOR C(5); ELSSEN D; DUN N(12,2); DANS C(20)',
        codepage='cp1251', dbf_type='fp')
    table.open(dbf.READ_WRITE)
    for values in rows:
        table.append(tuple(v.translate(TO_CP1251) if isinstance(v, str)
                else v for v in (values[c] for c in HEADER)))
    table.close()


class MigrationTestCase(unittest.TestCase):
    "The HDF soum source migrated into a gosws_hdf database"

    @classmethod
    def setUpClass(cls):
        activate_module('gosws_hdf')
        with Transaction().start(DB_NAME, 0):
            # Mongolian loaded, as trytond-admin -l mn does
            Lang = Pool().get('ir.lang')
            mn, = Lang.search([('code', '=', 'mn')])
            mn.translatable = True
            mn.save()
            Lang.load_translations([mn])
            Programme = Pool().get('hdf.programme')
            existing = {p.code for p in Programme.search([])}
            Programme.create([{
                        'code': code, 'name': code, 'kind': kind,
                        'amounts': [('create', [{
                                        'effective_date': dt.date(
                                            2020, 1, 1),
                                        'amount': amount}])]}
                    for code, kind, amount in [
                        ('CM', 'child_money', CM),
                        ('HDF', 'hdf_cash', HDF),
                        ('TUI', 'tuition', Decimal(491960))]
                    if code not in existing])
        cls.directory = tempfile.mkdtemp()
        cls.files = [os.path.join(cls.directory, n) for n in [
                'soum_a.csv', 'soum_b.csv', 'soum_c.xlsx', 'soum_d.dbf']]
        write_csv(cls.files[0], SOUM_A, 'utf-8', ',', '%Y-%m-%d')
        write_csv(cls.files[1], SOUM_B, 'cp1251', ';', '%d.%m.%Y')
        write_xlsx(cls.files[2], SOUM_C)
        write_dbf(cls.files[3], SOUM_D)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory)
        drop_db()

    def setUp(self):
        "Every test starts from the database before any migration"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Beneficiary = pool.get('hdf.beneficiary')
            Party = pool.get('party.party')
            citizens = Party.search([('register_number', 'in', [
                            c['REGNO'] for c in CITIZENS])])
            Beneficiary.delete(Beneficiary.search([
                        ('party', 'in', [c.id for c in citizens])]))
            Party.delete(citizens)
            cursor = transaction.connection.cursor()
            cursor.execute("DROP TABLE IF EXISTS migration_row")
            cursor.execute("DROP TABLE IF EXISTS migration_file")

    def migrate(self, dry_run=False, stop_after_chunks=None, chunk_size=1000):
        "A run in the database's default language: English in the tests"
        errors = os.path.join(self.directory, 'errors.csv')
        report = os.path.join(self.directory, 'reconciliation.csv')
        migration = Migration(DB_NAME, hdf_soum, as_of=AS_OF,
            dry_run=dry_run, chunk_size=chunk_size, progress=False)
        reconciliation = migration.run(self.files, errors=errors,
            report=report, stop_after_chunks=stop_after_chunks)
        return reconciliation, self.read_errors(errors)

    @staticmethod
    def read_errors(path):
        with open(path, newline='', encoding='utf-8-sig') as file:
            return list(csv.DictReader(file))

    def command(self, *options):
        "python -m migrations hdf_soum on the files: its exit status"
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), \
                contextlib.redirect_stderr(stderr):
            try:
                return main(['hdf_soum', *self.files, '--database', DB_NAME,
                        '--as-of', AS_OF.isoformat(), '--quiet',
                        *options]), stderr.getvalue()
            except SystemExit as exit:
                return exit.code, stderr.getvalue()

    def database_state(self):
        "The enrolments and staged rows, by their natural keys"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Beneficiary = pool.get('hdf.beneficiary')
            Party = pool.get('party.party')
            enrolments = sorted((b.party.register_number, b.party.name,
                    b.party.birth_date, b.programme.code, b.office.code,
                    b.start_date, b.party.sex, b.party.code is not None) for b in Beneficiary.search([
                        ('party.register_number', 'in', [
                                c['REGNO'] for c in CITIZENS])]))
            parties = Party.search_count([('register_number', 'in', [
                            c['REGNO'] for c in CITIZENS])])
            cursor = transaction.connection.cursor()
            try:
                cursor.execute("SELECT f.file_name, r.row_number, r.status, "
                    "r.reason FROM migration_row r JOIN migration_file f "
                    "ON r.file = f.id ORDER BY f.file_name, r.row_number")
                rows = cursor.fetchall()
            except Exception:
                transaction.rollback()
                rows = None
        return enrolments, parties, rows

    def test_fixtures_migrated(self):
        "Every good record loaded once, every bad row in the error file"
        reconciliation, bad = self.migrate()

        enrolments, parties, _ = self.database_state()
        self.assertEqual(
            {(e[0], e[3]): (e[4], e[5]) for e in enrolments}, ENROLMENTS)
        self.assertEqual(len(enrolments), len(ENROLMENTS))
        self.assertEqual(parties, 7)
        self.assertIn((CHILD3['REGNO'], 'Доржийн Сараа', CHILD3['TURSON'],
                'CM', 'GOSWS-MN-1-03', dt.date(2019, 3, 1), 'female', True),
            enrolments)
        self.assertEqual(
            {(r['FILE'], int(r['ROW'])): r['REASON'] for r in bad},
            BAD_REASONS)
        _, _, rows = self.database_state()
        self.assertEqual({(f, n): reason for f, n, status, reason in rows
                    if status == 'bad'}, BAD_REASONS)
        self.assertIn(('soum_a.csv', 2, 'merged',
                "merged into row 2 of soum_b.csv (enrolled 2021-09-01)"),
            rows)
        # The soum gets its own columns back, as it typed them
        cp1251 = [r for r in bad if r['FILE'] == 'soum_b.csv']
        self.assertEqual(cp1251[0]['HOTOLBOR'], 'ХМ')
        self.assertEqual(cp1251[2]['ELSSEN'], '01.03.2019')
        self.assertEqual(list(bad[0])[:len(HEADER)], HEADER)

        total = {k: sum(r[k] for r in reconciliation)
            for k in ['rows', 'bad', 'merged', 'loaded', 'pending']}
        self.assertEqual(total, {
                'rows': 25, 'bad': len(BAD_REASONS), 'merged': MERGED,
                'loaded': len(ENROLMENTS), 'pending': 0})
        for line in reconciliation:
            self.assertEqual(line['source_amount'], line['loaded_amount'],
                line['soum'])
        soum_b = next(
            r for r in reconciliation if r['soum'] == 'GOSWS-MN-039-05')
        self.assertEqual((soum_b['loaded'], soum_b['merged'],
                soum_b['loaded_amount']), (1, 2, CM))
        self.assertEqual(sum(r['loaded_amount'] for r in reconciliation),
            4 * CM + 3 * HDF + Decimal(491960))

    def test_reasons_in_mongolian(self):
        "The soums get the reasons in Mongolian with --language mn"
        errors = os.path.join(self.directory, 'errors_mn.csv')
        status, _ = self.command('--language', 'mn', '--errors', errors,
            '--report', os.path.join(self.directory, 'report_mn.csv'))
        self.assertEqual(status, 0)
        bad = self.read_errors(errors)
        self.assertEqual(
            {(r['FILE'], int(r['ROW'])): r['REASON'] for r in bad},
            BAD_REASONS_MN)
        _, _, rows = self.database_state()
        self.assertEqual({(f, n): reason for f, n, status, reason in rows
                    if status == 'bad'}, BAD_REASONS_MN)
        self.assertIn(('soum_a.csv', 2, 'merged',
                "soum_b.csv файлын 2 дугаар мөрөнд нэгтгэсэн (бүртгэсэн "
                "огноо 2021-09-01)"), rows)

    def test_language_not_loaded_refused(self):
        "A language the database has no translations in is refused"
        status, message = self.command('--language', 'ru')
        self.assertEqual(status, 2)
        self.assertIn("the database has no ru translations", message)
        _, _, rows = self.database_state()
        self.assertIsNone(rows)

    def test_existing_citizen_kept(self):
        "A citizen the system already knows gets the enrolment, not a twin"
        with Transaction().start(DB_NAME, 0):
            citizen, = Pool().get('party.party').create([{
                        'name': "Пүрэвийн Ганбат",
                        'register_number': ADULT2['REGNO']}])
            citizen_id = citizen.id
        self.migrate()
        _, parties, _ = self.database_state()
        self.assertEqual(parties, 7)
        with Transaction().start(DB_NAME, 0):
            enrolment, = Pool().get('hdf.beneficiary').search([
                    ('party.register_number', '=', ADULT2['REGNO'])])
            self.assertEqual(enrolment.party.id, citizen_id)

    def test_second_run_loads_nothing(self):
        "Running again on the same files changes nothing"
        first, _ = self.migrate()
        state = self.database_state()
        second, bad = self.migrate()
        self.assertEqual(self.database_state(), state)
        self.assertEqual(second, first)
        self.assertEqual(len(bad), len(BAD_REASONS))

    def test_fixed_rows_sent_again(self):
        "The soum fixes its error file and sends it: only those rows load"
        _, bad = self.migrate()
        fixed = os.path.join(self.directory, 'soum_b_fixed.csv')
        rows = [r for r in bad if r['FILE'] == 'soum_b.csv']
        rows[0]['SUM_CODE'] = '03905'
        with open(fixed, 'w', newline='', encoding='cp1251') as file:
            writer = csv.DictWriter(file, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        migration = Migration(DB_NAME, hdf_soum, as_of=AS_OF, progress=False)
        reconciliation = migration.run([fixed])
        # CHILD3 at soum B: enrolled earlier than at the district, merged
        self.assertEqual([(r['soum'], r['rows'], r['bad'], r['merged'])
                for r in reconciliation],
            [('GOSWS-MN-039-05', 2, 1, 1), ('ХЭНТ', 1, 1, 0)])
        enrolments, _, _ = self.database_state()
        self.assertEqual(len(enrolments), len(ENROLMENTS))

    def test_dry_run(self):
        "A dry run reports what a run would do and stores nothing"
        reconciliation, bad = self.migrate(dry_run=True)
        self.assertEqual(sum(r['loaded'] for r in reconciliation),
            len(ENROLMENTS))
        self.assertEqual(len(bad), len(BAD_REASONS))
        enrolments, parties, rows = self.database_state()
        self.assertEqual((enrolments, parties), ([], 0))
        self.assertFalse(rows)

    def test_killed_and_resumed(self):
        "A run killed half-way and resumed ends as an uninterrupted run"
        uninterrupted, _ = self.migrate(chunk_size=3)
        expected = self.database_state()
        self.setUp()

        with self.assertRaises(Interrupted):
            self.migrate(chunk_size=3, stop_after_chunks=1)
        enrolments, _, rows = self.database_state()
        self.assertEqual(len(enrolments), 3)
        self.assertEqual(len([r for r in rows if r[2] == 'valid']),
            len(ENROLMENTS) - 3)

        resumed, _ = self.migrate(chunk_size=3)
        self.assertEqual(self.database_state(), expected)
        self.assertEqual(resumed, uninterrupted)


class AccessReaderTestCase(unittest.TestCase):
    "The Access reader on the .mdb file the meza package ships"

    @classmethod
    def setUpClass(cls):
        if not ensure_debian_packages({
                    'mdb-tables': 'mdbtools', 'mdb-export': 'mdbtools'}):
            raise unittest.SkipTest("mdbtools cannot be installed")
        cls.directory = tempfile.mkdtemp()
        download = subprocess.run([sys.executable, '-m', 'pip', 'download',
                '--no-binary', ':all:', '--no-deps', '--quiet',
                '--dest', cls.directory, 'meza==0.47.0'])
        archives = glob.glob(os.path.join(cls.directory, 'meza-*.tar.gz'))
        if download.returncode or not archives:
            shutil.rmtree(cls.directory)
            raise unittest.SkipTest("meza's source distribution unavailable")
        with tarfile.open(archives[0]) as archive:
            member = archive.getmember('meza-0.47.0/data/test/test.mdb')
            member.name = 'test.mdb'
            archive.extract(member, cls.directory, filter='data')
        cls.path = os.path.join(cls.directory, 'test.mdb')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory)

    def test_read_mdb(self):
        self.assertEqual(readers.mdb_tables(self.path), ['merchant_taylors'])
        rows = list(readers.read(self.path))
        self.assertEqual(rows[0], (1, {
                    'ID NO': '1', 'SURNAME': 'Aaron', 'FORENAMES': 'William',
                    'HOW ADMITTED': 'Redn.', 'FORENAMES_MASTER_OR_FATHER': '',
                    'SURNAME_MASTER_OR_FATHER': '', 'NOTES': 'Order of Court',
                    'DATE OF ORDER OF COURT': '01/00/00 00:00:00',
                    'FREEDOM': '01/00/00 00:00:00', 'LIVERY': '',
                    'REMARKS': '', 'SOURCE REF': 'MF 324'}))
        self.assertEqual([n for n, _ in rows], list(range(1, len(rows) + 1)))
        self.assertEqual(rows[-1][1]['ID NO'], '25491')
        self.assertEqual(len(rows), 20)


class ReaderTestCase(unittest.TestCase):
    "The encoding of a legacy CSV is detected"

    def test_cp1251_detected(self):
        with tempfile.NamedTemporaryFile(suffix='.csv') as file:
            file.write('REGNO;NER\nӨР15032410;Тэмүүлэн\n'.translate(
                    TO_CP1251).encode('cp1251'))
            file.flush()
            with open(file.name, 'rb') as legacy:
                self.assertEqual(
                    readers.detect_encoding(legacy.read()), 'cp1251')
            self.assertEqual(list(readers.read(file.name)),
                [(2, {'REGNO': 'ӨР15032410', 'NER': 'Тэмүүлэн'})])
