# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt
import unittest
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, drop_db, with_transaction

from .test_module import MAY, create_employer, open_fund_books


class PaymentAdvanceTestCase(unittest.TestCase):
    "Test the advances of employers' payments"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module('sigo_insurance')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    @with_transaction()
    def test_apply_advance_to_months_already_owed(self):
        "Apply Advance pays the months owed from a stored advance, once"
        pool = Pool()
        Payment = pool.get('insurance.payment')
        Receivable = pool.get('insurance.receivable')
        Fund = pool.get('insurance.fund')
        Move = pool.get('account.move')
        employer = create_employer()
        open_fund_books()
        payment, = Payment.create([{
                    'employer': employer.id, 'date': dt.date(2025, 6, 5),
                    'amount': Decimal(50000), 'reference': 'KHAN-0605-01'}])
        Payment.post([payment])
        self.assertEqual(payment.unallocated, Decimal(50000))
        # Months assessed while the advance was not used, as before
        # advances were applied when a month is confirmed
        funds = {f.code: f for f in Fund.search([])}
        Receivable.add_assessed([(employer, MAY, {
                        funds['PEN']: Decimal(30000),
                        funds['BEN']: Decimal(40000)})])

        Payment.apply_advance([payment])

        payment = Payment(payment.id)
        self.assertEqual(payment.unallocated, Decimal(0))
        self.assertEqual(
            {(r.fund.code, r.paid, r.outstanding)
                for r in Receivable.search([])},
            {('PEN', Decimal(30000), Decimal(0)),
                ('BEN', Decimal(20000), Decimal(20000))})
        self.assertEqual(
            {(a.fund.code, a.month, a.amount, bool(a.from_advance))
                for a in payment.allocations},
            {('PEN', None, Decimal(0), False),
                ('PEN', MAY, Decimal(30000), True),
                ('BEN', MAY, Decimal(20000), True)})
        moves = Move.search([('origin', '=', str(payment))])
        for company in {m.company for m in moves}:
            lines = [l for m in moves if m.company == company
                for l in m.lines]
            self.assertEqual(
                sum(l.debit for l in lines), sum(l.credit for l in lines))
        self.assertEqual({m.state for m in moves}, {'posted'})

        Payment.apply_advance([payment])
        Payment.apply_advances(Payment.advances())
        self.assertEqual(len(Payment(payment.id).allocations), 3)
        self.assertEqual(
            sum(r.paid for r in Receivable.search([])), Decimal(50000))
