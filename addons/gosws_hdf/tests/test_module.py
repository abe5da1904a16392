# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt
from decimal import Decimal

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.sigo_base.register_number import compose
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def office(code):
    Office = Pool().get('sigo.office')
    office, = Office.search([('code', '=', code)])
    return office


def citizen(name, born, serial=1):
    Party = Pool().get('party.party')
    party, = Party.create([{'name': name,
                'register_number': compose('АР', born, 'female', serial)}])
    return party


def programme(code, kind, rule, amounts, **values):
    Programme = Pool().get('hdf.programme')
    programme, = Programme.create([{
                'code': code, 'name': code, 'kind': kind, **values,
                'rules': [('create', [rule])],
                'amounts': [('create', [
                            {'effective_date': d, 'amount': Decimal(a)}
                            for d, a in amounts])],
                }])
    return programme


class GoswsHdfTestCase(ModuleTestCase):
    "Test GOSWS HDF module"
    module = 'gosws_hdf'

    @with_transaction()
    def test_amount_in_force_at_the_month(self):
        "The amount paid is the one in force, as the law changed it"
        child_money = programme('CM', 'child_money',
            {'effective_date': dt.date(2012, 1, 1), 'max_age': 17}, [
                (dt.date(2012, 1, 1), 20000),
                (dt.date(2020, 1, 1), 100000)])
        self.assertEqual(child_money.amount_at(dt.date(2011, 12, 31)), None)
        self.assertEqual(child_money.amount_at(dt.date(2019, 12, 31)), 20000)
        self.assertEqual(child_money.amount_at(dt.date(2023, 6, 30)), 100000)

    @with_transaction()
    def test_exclusion_and_age_reasons(self):
        "An enrolment not eligible says every reason"
        Beneficiary = Pool().get('hdf.beneficiary')
        welfare = programme('WP', 'welfare_pension',
            {'effective_date': dt.date(2020, 1, 1), 'min_age': 60},
            [(dt.date(2020, 1, 1), 300000)])
        care = programme('CA', 'care_allowance',
            {'effective_date': dt.date(2020, 1, 1), 'min_age': 18,
                'excluded_programmes': [('add', [welfare.id])]},
            [(dt.date(2020, 1, 1), 150000)])
        soum = office('GOSWS-MN-073-01')
        young = citizen("Дорж Сувд", dt.date(2010, 5, 1))
        old = citizen("Пүрэв Цэцэг", dt.date(1950, 5, 1), 2)
        Beneficiary.create([{'party': old.id, 'programme': welfare.id,
                    'office': soum.id, 'start_date': dt.date(2021, 1, 1)}])
        young_care, old_care = Beneficiary.create([
                {'party': p.id, 'programme': care.id, 'office': soum.id,
                    'start_date': dt.date(2021, 1, 1)}
                for p in [young, old]])
        march = dt.date(2025, 3, 1)
        self.assertEqual(young_care.ineligibility(march),
            ["Aged 14, below the minimum age of 18."])
        self.assertEqual(old_care.ineligibility(march),
            ['Already receives "WP - WP", which excludes this programme.'])
        self.assertEqual(old_care.ineligibility(dt.date(2020, 12, 1)), [])
        self.assertEqual(old_care.ineligibility(dt.date(2019, 12, 1)),
            ['Programme "CA - CA" has no eligibility rule in force on '
                '2019-12-01.'])

    @with_transaction()
    def test_staff_outside_welfare_see_nothing(self):
        "Staff without the welfare group neither read enrolments nor cycles"
        pool = Pool()
        User = pool.get('res.user')
        Beneficiary = pool.get('hdf.beneficiary')
        Cycle = pool.get('hdf.payment.cycle')
        Programme = pool.get('hdf.programme')
        clerk, = User.create([{'login': 'clerk', 'name': "Clerk"}])
        with acting_as(clerk):
            for Model in [Beneficiary, Cycle]:
                with self.assertRaises(AccessError):
                    Model.search([])
            Programme.search([])
            with self.assertRaises(AccessError):
                Programme.create([{'code': 'X', 'name': 'X',
                            'kind': 'tuition'}])

    @with_transaction()
    def test_paid_cycle_cannot_be_deleted(self):
        "Only a draft or cancelled cycle can be deleted"
        Cycle = Pool().get('hdf.payment.cycle')
        child_money = programme('CM', 'child_money',
            {'effective_date': dt.date(2012, 1, 1)},
            [(dt.date(2012, 1, 1), 20000)])
        cycle, = Cycle.create([{'programme': child_money.id,
                    'office': office('GOSWS').id,
                    'month': dt.date(2025, 3, 1)}])
        Cycle.compute([cycle])
        with self.assertRaises(AccessError):
            Cycle.delete([cycle])
        Cycle.cancel([cycle])
        Cycle.delete([cycle])

    @with_transaction()
    def test_not_payment_month_refused_in_mongolian(self):
        "The soum staff read in Mongolian why a month is not paid"
        pool = Pool()
        Cycle = pool.get('hdf.payment.cycle')
        Lang = pool.get('ir.lang')
        mn, = Lang.search([('code', '=', 'mn')])
        Lang.write([mn], {'translatable': True})
        Lang.load_translations([mn])
        tuition = programme('TUI', 'tuition',
            {'effective_date': dt.date(2011, 9, 1)},
            [(dt.date(2011, 9, 1), 491960)],
            frequency='yearly', payment_month='9')
        with Transaction().set_context(language='mn'), \
                self.assertRaises(ValidationError) as refusal:
            Cycle.create([{'programme': tuition.id,
                        'office': office('GOSWS').id,
                        'month': dt.date(2025, 8, 1)}])
        self.assertEqual(refusal.exception.message,
            '"TUI - TUI" хөтөлбөрийн олголт хийх сар нь зөвхөн Есдүгээр '
            'сар тул 2025-08 сард олголтын мөчлөг үүсгэх боломжгүй.')

    @with_transaction()
    def test_schedule_changed_after_cycle_made(self):
        """A cycle made for a payment month is not computed once the
        programme is paid in other months"""
        pool = Pool()
        Cycle = pool.get('hdf.payment.cycle')
        Programme = pool.get('hdf.programme')
        allowance = programme('CA', 'care_allowance',
            {'effective_date': dt.date(2020, 1, 1)},
            [(dt.date(2020, 1, 1), 150000)],
            frequency='quarterly', payment_month='3')
        self.assertEqual(allowance.months_paid(), [3, 6, 9, 12])
        cycle, = Cycle.create([{'programme': allowance.id,
                    'office': office('GOSWS').id,
                    'month': dt.date(2025, 6, 1)}])
        Programme.write([allowance], {'payment_month': '11'})
        self.assertEqual(allowance.months_paid(), [2, 5, 8, 11])
        with self.assertRaises(ValidationError):
            Cycle.compute([cycle])
        Cycle.cancel([cycle])
        self.assertEqual(cycle.state, 'cancelled')

    @with_transaction()
    def test_quarterly_programme_needs_payment_month(self):
        "A quarterly or yearly programme says in which months it is paid"
        with self.assertRaises(ValidationError):
            programme('CA', 'care_allowance',
                {'effective_date': dt.date(2020, 1, 1)},
                [(dt.date(2020, 1, 1), 150000)], frequency='quarterly')


del ModuleTestCase
