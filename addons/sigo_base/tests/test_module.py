# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import csv
import datetime as dt
import os
import unittest

from trytond.model.exceptions import AccessError, SQLConstraintError
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base import register_number
from trytond.modules.sigo_base.exceptions import RegisterNumberMismatchWarning
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

ADMIN_UNITS = os.path.join(
    os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'data',
    'mn_admin_units.csv')


def office(code):
    Office = Pool().get('sigo.office')
    record, = Office.search([('code', '=', code)])
    return record


def create_staff(login, *office_codes):
    User = Pool().get('res.user')
    ModelData = Pool().get('ir.model.data')
    group_ids = [ModelData.get_id('sigo_base', 'group_citizen_request'),
        ModelData.get_id('sigo_base', 'group_citizen_register')]
    offices = [office(c) for c in office_codes]
    user, = User.create([{
                'login': login,
                'name': login,
                'offices': [('add', [o.id for o in offices])],
                'office': offices[0].id,
                'groups': [('add', group_ids)],
                }])
    return user


def create_citizen(name, number):
    Party = Pool().get('party.party')
    party, = Party.create([{'name': name, 'register_number': number}])
    return party


class RegisterNumberTestCase(unittest.TestCase):
    "Test the register number rules without a database"

    def test_born_before_2000(self):
        data = register_number.parse('УБ90051512')
        self.assertEqual(data.birth_date, dt.date(1990, 5, 15))
        self.assertEqual(data.sex, 'male')

    def test_born_2000_or_later(self):
        data = register_number.parse('ЧД05320426')
        self.assertEqual(data.birth_date, dt.date(2005, 12, 4))
        self.assertEqual(data.sex, 'female')

    def test_letters_with_mongolian_vowels(self):
        self.assertEqual(
            register_number.parse('ӨҮ01231131').birth_date,
            dt.date(2001, 3, 11))

    def test_bad_pattern(self):
        for value in ['UB90051512', 'УБ9005151', 'УБ900515123', 'уб9005151A',
                '', None]:
            with self.subTest(value=value):
                with self.assertRaises(register_number.InvalidRegisterNumber) \
                        as context:
                    register_number.parse(value)
                self.assertEqual(context.exception.reason, 'pattern')

    def test_bad_month(self):
        for value in ['УБ90001512', 'УБ90131512', 'УБ90201512', 'УБ90331512']:
            with self.subTest(value=value):
                with self.assertRaises(register_number.InvalidRegisterNumber) \
                        as context:
                    register_number.parse(value)
                self.assertEqual(context.exception.reason, 'month')

    def test_impossible_date(self):
        for value in ['УБ90023012', 'УБ01220012', 'УБ03222912']:
            with self.subTest(value=value):
                with self.assertRaises(register_number.InvalidRegisterNumber) \
                        as context:
                    register_number.parse(value)
                self.assertEqual(context.exception.reason, 'date')

    def test_leap_day(self):
        self.assertEqual(
            register_number.parse('УБ04222912').birth_date,
            dt.date(2004, 2, 29))

    def test_normalize(self):
        self.assertEqual(register_number.normalize(' уб 9005 1512 '),
            'УБ90051512')

    def test_compose_round_trip(self):
        for birth_date, sex in [
                (dt.date(1961, 1, 31), 'female'),
                (dt.date(2012, 10, 1), 'male')]:
            number = register_number.compose('АА', birth_date, sex, 7)
            self.assertEqual(
                register_number.parse(number),
                (birth_date, sex))


class SigoBaseTestCase(ModuleTestCase):
    "Test SIGO Base module"
    module = 'sigo_base'

    @with_transaction()
    def test_territory_counts(self):
        "Every aimag, the capital, its districts and soums are loaded"
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        counts = {
            type_: Subdivision.search_count([
                    ('country.code', '=', 'MN'), ('type', '=', type_)])
            for type_ in ['aimag', 'capital city', 'district', 'soum']}
        self.assertEqual(counts, {
                'aimag': 21, 'capital city': 1, 'district': 9, 'soum': 330})

    @unittest.skipUnless(
        os.path.exists(ADMIN_UNITS), "shared reference data not beside")
    @with_transaction()
    def test_territory_matches_reference_data(self):
        "Each unit of the reference file is present with both names"
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        Lang = pool.get('ir.lang')
        mn, = Lang.search([('code', '=', 'mn')])
        Lang.load_translations([mn])
        with open(ADMIN_UNITS, encoding='utf-8') as file:
            rows = [r for r in csv.DictReader(file) if r['level'] != 'country']
        english = {s.code: s for s in Subdivision.search(
                [('country.code', '=', 'MN')])}
        with Transaction().set_context(language='mn'):
            mongolian = {s.code: s for s in Subdivision.search(
                    [('country.code', '=', 'MN')])}
        self.assertEqual(set(english), {r['code'] for r in rows})
        for row in rows:
            unit = english[row['code']]
            self.assertEqual(unit.name, row['name_en'])
            self.assertEqual(mongolian[row['code']].name, row['name_mn'])
            self.assertEqual(unit.statistics_code, row['nso_code'])
            parent_code = unit.parent.code if unit.parent else 'MN'
            self.assertEqual(parent_code, row['parent_code'])

    @with_transaction()
    def test_offices_per_unit(self):
        "SIGO and GOSWS each have a head office and one office per unit"
        pool = Pool()
        Office = pool.get('sigo.office')
        for organization in ['sigo', 'gosws']:
            self.assertEqual(Office.search_count([
                        ('organization', '=', organization)]), 1 + 361)
        soum = office('SIGO-MN-039-03')
        self.assertEqual(soum.parent.code, 'SIGO-MN-039')
        self.assertEqual(soum.parent.parent.code, 'SIGO')
        self.assertEqual(soum.subdivision.code, 'MN-039-03')

    @with_transaction()
    def test_register_number_valid_both_centuries(self):
        "A valid register number fills the birth date and sex"
        old = create_citizen("Дорж Бат", 'уб 6203 0515')
        young = create_citizen("Сараа Болд", 'ЧД05320426')
        self.assertEqual(old.register_number, 'УБ62030515')
        self.assertEqual(old.birth_date, dt.date(1962, 3, 5))
        self.assertEqual(old.sex, 'male')
        self.assertEqual(young.birth_date, dt.date(2005, 12, 4))
        self.assertEqual(young.sex, 'female')
        self.assertFalse(young.register_mismatch)

    @with_transaction()
    def test_register_number_rejected(self):
        "Bad pattern and impossible dates are rejected naming the field"
        for number, text in [
                ('AB12345678', "two Cyrillic capital letters"),
                ('УБ90131512', "invalid birth month"),
                ('УБ90023012', "does not exist"),
                ]:
            with self.subTest(number=number):
                with self.assertRaises(ValidationError) as context:
                    create_citizen("Буруу", number)
                self.assertIn("register number", context.exception.message)
                self.assertIn(number, context.exception.message)
                self.assertIn(text, context.exception.message)

    @with_transaction()
    def test_register_number_unique_among_active(self):
        "Two active parties cannot share a register number"
        pool = Pool()
        Party = pool.get('party.party')
        first = create_citizen("Анх", 'УБ90051512')
        with self.assertRaises(SQLConstraintError) as context:
            create_citizen("Давхар", 'УБ90051512')
        self.assertIn("register number", context.exception.message)
        Transaction().rollback()

        first = create_citizen("Анх", 'УБ90051512')
        Party.write([first], {'active': False})
        second = create_citizen("Шинэ", 'УБ90051512')
        self.assertTrue(second.id)

    @with_transaction()
    def test_register_number_mismatch_warns(self):
        "A declared birth date that differs from the number is flagged"
        pool = Pool()
        Party = pool.get('party.party')
        with self.assertRaises(RegisterNumberMismatchWarning):
            Party.create([{
                        'name': "Зөрүүтэй",
                        'register_number': 'УБ90051512',
                        'birth_date': dt.date(1990, 5, 16),
                        }])
        Transaction().rollback()
        with Transaction().set_context(_skip_warnings=True):
            party, = Party.create([{
                        'name': "Зөрүүтэй",
                        'register_number': 'УБ90051512',
                        'birth_date': dt.date(1990, 5, 16),
                        }])
        self.assertTrue(party.register_mismatch)
        self.assertEqual(
            Party.search([('register_mismatch', '=', True)]), [party])

        Party.write([party], {'birth_date': dt.date(1990, 5, 15)})
        self.assertFalse(party.register_mismatch)
        self.assertEqual(
            Party.search([('register_mismatch', '=', True)]), [])

    @with_transaction()
    def test_find_citizen_by_register_number(self):
        "Any officer finds a citizen by register number"
        pool = Pool()
        Party = pool.get('party.party')
        citizen = create_citizen("Ганбаатар", 'ХЭ85021233')
        officer = create_staff('soum_a', 'SIGO-MN-073-01')
        with acting_as(officer):
            found = Party.search([('rec_name', 'ilike', 'хэ850212%')])
            self.assertEqual(found, [citizen])

    def _request(self, office_code, citizen):
        pool = Pool()
        Request = pool.get('sigo.citizen.request')
        request, = Request.create([{
                    'office': office(office_code).id,
                    'citizen': citizen.id,
                    'subject': "Pension inquiry",
                    }])
        return request

    @with_transaction()
    def test_jurisdiction_soum_officer(self):
        "A soum officer cannot read or write another soum's request"
        pool = Pool()
        Request = pool.get('sigo.citizen.request')
        citizen = create_citizen("Батаа", 'УБ90051512')
        own = self._request('SIGO-MN-073-01', citizen)
        other = self._request('SIGO-MN-073-02', citizen)
        officer = create_staff('soum_a', 'SIGO-MN-073-01')
        with acting_as(officer):
            self.assertEqual(Request.search([]), [own])
            with self.assertRaises(AccessError):
                Request.read([other.id], ['subject'])
            with self.assertRaises(AccessError):
                Request.write([Request(other.id)], {'subject': "Changed"})
            with self.assertRaises(AccessError):
                Request.create([{
                            'office': office('SIGO-MN-073-02').id,
                            'citizen': citizen.id,
                            'subject': "Filed elsewhere",
                            }])
            Request.write([Request(own.id)], {'subject': "Updated"})
            self.assertEqual(Request(own.id).subject, "Updated")
            # Last: a refused write is only undone by the rollback of the
            # whole request, which this test transaction does not do
            with self.assertRaises(AccessError):
                Request.write([Request(own.id)], {
                        'office': office('SIGO-MN-073-02').id})
        self.assertEqual(Request(other.id).subject, "Pension inquiry")

    @with_transaction()
    def test_jurisdiction_aimag_supervisor(self):
        "An aimag supervisor sees every soum of the aimag and no other aimag"
        pool = Pool()
        Request = pool.get('sigo.citizen.request')
        citizen = create_citizen("Батаа", 'УБ90051512')
        aimag = self._request('SIGO-MN-073', citizen)
        soum_1 = self._request('SIGO-MN-073-01', citizen)
        soum_2 = self._request('SIGO-MN-073-02', citizen)
        other_aimag = self._request('SIGO-MN-071-01', citizen)
        supervisor = create_staff('aimag', 'SIGO-MN-073')
        with acting_as(supervisor):
            self.assertEqual(
                set(Request.search([])), {aimag, soum_1, soum_2})
            with self.assertRaises(AccessError):
                Request.read([other_aimag.id], ['subject'])

    @with_transaction()
    def test_jurisdiction_head_office(self):
        "Head office sees every office of its organization"
        pool = Pool()
        Request = pool.get('sigo.citizen.request')
        citizen = create_citizen("Батаа", 'УБ90051512')
        requests = {self._request(code, citizen) for code in [
                'SIGO-MN-073-01', 'SIGO-MN-071-01', 'SIGO-MN-1-05']}
        gosws = self._request('GOSWS-MN-073-01', citizen)
        head = create_staff('head', 'SIGO')
        with acting_as(head):
            self.assertEqual(set(Request.search([])), requests)
            with self.assertRaises(AccessError):
                Request.read([gosws.id], ['subject'])

    @with_transaction()
    def test_jurisdiction_follows_office_changes(self):
        "Moving a user to another office changes what they see at once"
        pool = Pool()
        Request = pool.get('sigo.citizen.request')
        User = pool.get('res.user')
        citizen = create_citizen("Батаа", 'УБ90051512')
        first = self._request('SIGO-MN-073-01', citizen)
        second = self._request('SIGO-MN-073-02', citizen)
        officer = create_staff('mover', 'SIGO-MN-073-01')
        with acting_as(officer):
            self.assertEqual(Request.search([]), [first])
        User.write([officer], {
                'offices': [('remove', [office('SIGO-MN-073-01').id]),
                    ('add', [office('SIGO-MN-073-02').id])],
                'office': office('SIGO-MN-073-02').id,
                })
        with acting_as(officer):
            self.assertEqual(Request.search([]), [second])

    @with_transaction()
    def test_user_without_office_sees_nothing(self):
        "Staff not yet assigned to an office see no office records"
        pool = Pool()
        Request = pool.get('sigo.citizen.request')
        User = pool.get('res.user')
        citizen = create_citizen("Батаа", 'УБ90051512')
        self._request('SIGO-MN-073-01', citizen)
        officer = create_staff('new', 'SIGO-MN-073-01')
        User.write([officer], {'offices': [('remove', [
                            office('SIGO-MN-073-01').id])],
                'office': None})
        with acting_as(officer):
            self.assertEqual(Request.search([]), [])

    @with_transaction()
    def test_citizen_request_workflow(self):
        "A request is answered only with a response, then closed for good"
        pool = Pool()
        Request = pool.get('sigo.citizen.request')
        citizen = create_citizen("Батаа", 'УБ90051512')
        officer = create_staff('soum_a', 'SIGO-MN-073-01')
        with acting_as(officer):
            request = self._request('SIGO-MN-073-01', citizen)
            self.assertTrue(request.number.startswith('CR-'))
            with self.assertRaises(ValidationError):
                Request.answer([request])
            request.response = "Your pension starts next month."
            request.save()
            Request.answer([request])
            Request.close([request])
            self.assertEqual(request.state, 'closed')
            with self.assertRaises(AccessError):
                Request.delete([request])

    @with_transaction()
    def test_auditor_reads_but_cannot_write(self):
        "The auditor role reads requests in its jurisdiction, changes none"
        pool = Pool()
        Request = pool.get('sigo.citizen.request')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        citizen = create_citizen("Батаа", 'УБ90051512')
        request = self._request('SIGO-MN-073-01', citizen)
        auditor, = User.create([{
                    'login': 'auditor', 'name': "Auditor",
                    'offices': [('add', [office('SIGO').id])],
                    'roles': [('create', [{'role': ModelData.get_id(
                                        'sigo_base', 'role_auditor')}])],
                    }])
        with acting_as(auditor):
            self.assertEqual(Request.search([]), [request])
            with self.assertRaises(AccessError):
                Request.write([Request(request.id)], {'subject': "X"})


del ModuleTestCase
