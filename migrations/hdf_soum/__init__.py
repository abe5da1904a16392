# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The soums' HDF databases: the FoxPro program the soum welfare officers
used until the GOSWS system, exported as DBF, CSV (UTF-8 or CP1251) or XLSX
or kept in Access. One row per citizen enrolled in a programme at the soum:

REGNO     register number           HOTOLBOR  programme (ХМ, ХХС, СТ, ОТ)
OVOG      father's name (овог)      ELSSEN    enrolment date
NER       given name (нэр)          DUN       monthly amount paid, MNT
TURSON    birth date                DANS      bank account number
SUM_CODE  aimag and soum, AAASS (03903 is soum 3 of aimag 39)

Loaded as a citizen (party.party) and an enrolment (hdf.beneficiary) at the
soum office; the same citizen and programme in several soums is merged
into the enrolment of the latest enrolment date."""
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from sql import Literal

from trytond.i18n import gettext
from trytond.modules.sigo_base import register_number
from trytond.modules.sigo_insurance.fund_books import insert_rows
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..pipeline import Invalid

NAME = 'hdf_soum'
COLUMNS = ['REGNO', 'OVOG', 'NER', 'TURSON', 'SUM_CODE', 'HOTOLBOR',
    'ELSSEN', 'DUN', 'DANS']
# FoxPro wrote the DBF in the Windows code page without declaring it
DBF_ENCODING = 'cp1251'
# The legacy programme codes, in Cyrillic and as the older Latin-only
# version of the program typed them
PROGRAMMES = {
    'ХМ': 'CM', 'XM': 'CM',
    'ХХС': 'HDF', 'XXC': 'HDF',
    'СТ': 'TUI', 'CT': 'TUI',
    'ОТ': 'STP', 'OT': 'STP',
    }
# Why register_number.parse refused a number
REGISTER_NUMBER_MESSAGES = {
    'pattern': 'gosws_hdf.msg_migration_regno_pattern',
    'month': 'gosws_hdf.msg_migration_regno_month',
    'date': 'gosws_hdf.msg_migration_regno_date',
    }
CENT = Decimal('0.01')
DATE_FORMATS = ['%Y-%m-%d', '%d.%m.%Y', '%Y.%m.%d', '%d/%m/%Y']


def parse_date(value, column):
    for format_ in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, format_).date()
        except ValueError:
            continue
    raise Invalid(column, gettext('gosws_hdf.msg_migration_not_date',
            value=value))


def office_code(value):
    "The GOSWS office of a legacy soum code, None when it is malformed"
    digits = value.replace('-', '').strip()
    if not digits.isdigit() or not 4 <= len(digits) <= 5:
        return None
    digits = digits.zfill(5)
    aimag, soum = int(digits[:3]), digits[3:]
    # The capital's districts are coded under aimag 001
    aimag = '1' if aimag == 1 else f'{aimag:03d}'
    return f'GOSWS-MN-{aimag}-{soum}'


def soum(raw):
    "The soum a row is reported under in the reconciliation"
    return office_code(raw.get('SUM_CODE', '')) or raw.get('SUM_CODE') or '?'


def transform(raw):
    """The row's values checked on their own, before the codes are looked
    up in the database"""
    number = register_number.normalize(raw.get('REGNO', ''))
    if not number:
        raise Invalid('REGNO', gettext(
                'gosws_hdf.msg_migration_regno_missing'))
    try:
        register = register_number.parse(number)
    except register_number.InvalidRegisterNumber as exception:
        raise Invalid('REGNO', gettext(
                REGISTER_NUMBER_MESSAGES[exception.reason], number=number))
    name = ' '.join(n for n in (raw.get('OVOG', '').strip(),
            raw.get('NER', '').strip()) if n)
    if not raw.get('NER', '').strip():
        raise Invalid('NER', gettext('gosws_hdf.msg_migration_name_missing'))
    birth_date = parse_date(raw.get('TURSON', ''), 'TURSON')
    if birth_date != register.birth_date:
        raise Invalid('TURSON', gettext(
                'gosws_hdf.msg_migration_birth_date_differs',
                birth_date=birth_date, register_date=register.birth_date))
    office = office_code(raw.get('SUM_CODE', ''))
    if not office:
        raise Invalid('SUM_CODE', gettext(
                'gosws_hdf.msg_migration_not_soum_code',
                value=raw.get('SUM_CODE', '')))
    programme = PROGRAMMES.get(raw.get('HOTOLBOR', '').strip().upper())
    if not programme:
        raise Invalid('HOTOLBOR', gettext(
                'gosws_hdf.msg_migration_unknown_programme',
                value=raw.get('HOTOLBOR', '')))
    start_date = parse_date(raw.get('ELSSEN', ''), 'ELSSEN')
    if start_date < birth_date:
        raise Invalid('ELSSEN', gettext(
                'gosws_hdf.msg_migration_enrolled_before_birth',
                date=start_date))
    try:
        amount = Decimal(raw.get('DUN', '').replace(' ', ''))
    except InvalidOperation:
        raise Invalid('DUN', gettext('gosws_hdf.msg_migration_not_amount',
                value=raw.get('DUN', '')))
    if not amount.is_finite() or amount <= 0:
        raise Invalid('DUN', gettext(
                'gosws_hdf.msg_migration_amount_not_positive',
                amount=amount))
    return {
        'register_number': number, 'name': name,
        'birth_date': birth_date.isoformat(), 'office': office,
        'programme': programme, 'start_date': start_date.isoformat(),
        'amount': str(amount), 'bank_account': raw.get('DANS', ''),
        }


def merge_key(record):
    "One enrolment per citizen and programme"
    return f"{record['register_number']}/{record['programme']}"


def rank(record):
    "Of the rows merged, the one of the latest enrolment date wins"
    return record['start_date']


def merged_reason(file_name, row_number, rank):
    "Why a row was merged into the row of the file kept"
    return gettext('gosws_hdf.msg_migration_merged',
        row=row_number, file=file_name, date=rank)


class Target:
    """The database the rows load into: its offices and programmes are
    looked up once"""

    def __init__(self, as_of):
        pool = Pool()
        Office = pool.get('sigo.office')
        Programme = pool.get('hdf.programme')
        self.as_of = as_of
        with Transaction().set_context(active_test=False):
            self.offices = {o.code: o.id for o in Office.search([
                        ('organization', '=', 'gosws'),
                        ('level', 'in', ['soum', 'district']),
                        ])}
        self.programmes = {p.code: p for p in Programme.search([])}
        self.amounts = {}
        for programme in self.programmes.values():
            amount = programme.amount_at(as_of)
            self.amounts[programme.code] = (amount.quantize(CENT)
                if amount is not None else None)

    def check(self, record):
        "The codes exist and the amount is the one the programme pays"
        if record['office'] not in self.offices:
            raise Invalid('SUM_CODE', gettext(
                    'gosws_hdf.msg_migration_no_office',
                    office=record['office']))
        if record['programme'] not in self.programmes:
            raise Invalid('HOTOLBOR', gettext(
                    'gosws_hdf.msg_migration_programme_not_set_up',
                    programme=record['programme']))
        expected = self.amounts[record['programme']]
        if expected is None:
            raise Invalid('HOTOLBOR', gettext(
                    'gosws_hdf.msg_migration_programme_no_amount',
                    programme=record['programme'], date=self.as_of))
        if Decimal(record['amount']) != expected:
            raise Invalid('DUN', gettext(
                    'gosws_hdf.msg_migration_amount_differs',
                    amount=record['amount'], expected=expected,
                    programme=record['programme'], date=self.as_of))

    def load(self, records):
        """Create the citizens missing and the enrolments: per record the
        enrolment id, or the reason it was merged into one the database
        already had.

        Existing citizens and enrolments are looked up and the new ones
        inserted set-based (COPY on PostgreSQL) in the models' tables, with
        the ids and party codes from Tryton's sequences, as create costs
        some 10 ms a citizen (company-dependent defaults, validation) and a
        million would take a day. What create would check was checked by
        transform and check: the register number, the birth date and sex
        it encodes, the office and programme; the database enforces one
        active citizen per register number."""
        pool = Pool()
        Party = pool.get('party.party')
        Beneficiary = pool.get('hdf.beneficiary')
        cursor = Transaction().connection.cursor()
        party = Party.__table__()
        numbers = list({r['register_number'] for r in records})
        cursor.execute(*party.select(party.register_number, party.id,
                where=party.register_number.in_(numbers)
                & (party.active == Literal(True))))
        parties = dict(cursor)
        new = {}
        for record in records:
            number = record['register_number']
            if number not in parties and number not in new:
                new[number] = record
        if new:
            codes = Party._code_sequence().get_many(len(new))
            rows = []
            for (number, record), code in zip(new.items(), codes):
                # code_alnum and code_digit as Party.compute_fields sets them
                digits = re.sub(r'\D', '', code)[-18:]
                rows.append([record['name'], code, re.sub(r'[\W_]', '', code),
                        int(digits) if digits else None, True, number,
                        dt.date.fromisoformat(record['birth_date']),
                        register_number.parse(number).sex, False])
            ids = insert_rows(Party, ['name', 'code', 'code_alnum',
                    'code_digit', 'active', 'register_number', 'birth_date',
                    'sex', 'register_mismatch'], rows)
            parties.update(zip(new, ids))
        beneficiary = Beneficiary.__table__()
        cursor.execute(*beneficiary.select(beneficiary.party,
                beneficiary.programme, beneficiary.id,
                where=beneficiary.party.in_(list(parties.values()))))
        enrolled = {(p, q): i for p, q, i in cursor}
        results, to_create = [None] * len(records), []
        for index, record in enumerate(records):
            key = (parties[record['register_number']],
                self.programmes[record['programme']].id)
            if key in enrolled:
                results[index] = gettext(
                    'gosws_hdf.msg_migration_already_enrolled',
                    enrolment=enrolled[key])
            else:
                to_create.append((index, [key[0], key[1],
                            self.offices[record['office']],
                            dt.date.fromisoformat(record['start_date']),
                            True]))
        ids = insert_rows(Beneficiary, ['party', 'programme', 'office',
                'start_date', 'resident'], [v for _, v in to_create])
        for (index, _), beneficiary_id in zip(to_create, ids):
            results[index] = beneficiary_id
        return results

    def loaded(self, target_ids):
        "The soum and monthly amount of the enrolments loaded, per id"
        pool = Pool()
        beneficiary = pool.get('hdf.beneficiary').__table__()
        office = pool.get('sigo.office').__table__()
        programme = pool.get('hdf.programme').__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        for i in range(0, len(target_ids), 10000):
            cursor.execute(*beneficiary.join(office,
                    condition=beneficiary.office == office.id
                    ).join(programme,
                    condition=beneficiary.programme == programme.id
                    ).select(beneficiary.id, office.code, programme.code,
                    where=beneficiary.id.in_(target_ids[i:i + 10000])))
            for id_, office_code, programme_code in cursor:
                result[id_] = (office_code, self.amounts[programme_code])
        return result
