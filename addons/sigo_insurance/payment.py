# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""An employer's bank payment of contributions: allocated to the oldest
months owed, fund by fund, posted as a receipt in each fund's books and
reconciled with the months it settles"""
from itertools import groupby

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval

from .declaration import AMOUNT, RECEIVABLE_FROM_EMPLOYERS
from .fund_books import CASH_AT_BANK, FundBooks


class Payment(Workflow, ModelSQL, ModelView):
    "Employer Payment"
    __name__ = 'insurance.payment'
    __string__ = "Employer Payment"
    _states = {'readonly': Eval('state') != 'draft'}
    employer = fields.Many2One(
        'insurance.employer', "Employer", required=True, ondelete='RESTRICT',
        states=_states)
    date = fields.Date("Date", required=True, states=_states)
    amount = fields.Numeric(
        "Amount", digits=AMOUNT, required=True, states=_states,
        domain=[('amount', '>', 0)])
    reference = fields.Char(
        "Bank Reference", required=True, states=_states,
        help="The bank's reference of the transfer: the same transfer is "
        "never recorded twice.")
    allocations = fields.One2Many(
        'insurance.payment.allocation', 'payment', "Allocations",
        readonly=True)
    unallocated = fields.Numeric(
        "Advance", digits=AMOUNT, readonly=True,
        help="Paid beyond what was owed; kept on the pension fund as an "
        "advance.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('posted', "Posted"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('employer')
        t = cls.__table__()
        cls._sql_constraints += [
            ('reference_unique', Unique(t, t.employer, t.reference),
                'sigo_insurance.msg_payment_reference_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.employer, Index.Equality()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'posted')}
        cls._buttons.update({
                'post': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.employer.rec_name} {self.date} {self.reference}'

    @classmethod
    def check_modification(cls, mode, payments, values=None, external=False):
        super().check_modification(
            mode, payments, values=values, external=external)
        if mode == 'delete':
            for payment in payments:
                if payment.state == 'posted':
                    raise AccessError(gettext(
                            'sigo_insurance.msg_payment_delete_posted',
                            payment=payment.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, payments):
        """Allocate each payment to the oldest months owed, then post one
        receipt per fund and reconcile the months it settles"""
        pool = Pool()
        Allocation = pool.get('insurance.payment.allocation')
        Receivable = pool.get('insurance.receivable')
        Fund = pool.get('insurance.fund')
        Move = pool.get('account.move')
        # Two payments of one employer must not both take the same month
        Receivable.lock()
        books = FundBooks()
        advance_fund = min(Fund.search([]), key=lambda f: f.sequence or 0)
        moves, allocations, settled = [], [], []
        for payment in payments:
            left = payment.amount
            receivables = []
            for receivable in Receivable.open_items(payment.employer):
                if not left:
                    break
                amount = min(left, receivable.outstanding)
                left -= amount
                receivable.paid += amount
                receivable.update_outstanding()
                receivables.append(receivable)
                allocations.append(Allocation(
                        payment=payment, receivable=receivable,
                        fund=receivable.fund, month=receivable.month,
                        amount=amount))
            Receivable.save(receivables)
            settled.extend(r for r in receivables if not r.outstanding)
            if left:
                allocations.append(Allocation(
                        payment=payment, fund=advance_fund, amount=left,
                        receivable=None, month=None))
            payment.unallocated = left
            by_fund = [a for a in allocations if a.payment == payment]
            for fund, fund_allocations in groupby(
                    sorted(by_fund, key=lambda a: a.fund.sequence or 0),
                    key=lambda a: a.fund):
                fund_allocations = list(fund_allocations)
                moves.append((payment._receipt_move(
                            fund, fund_allocations, books), fund_allocations))
        cls.save(payments)
        Move.save([m for m, _ in moves])
        # Each allocation keeps its credit line, created in the same order
        for move, fund_allocations in moves:
            lines = sorted(move.lines, key=lambda l: l.id)
            for allocation, line in zip(fund_allocations, lines):
                allocation.move_line = line
        books.post([m for m, _ in moves])
        Allocation.save(allocations)
        Receivable.reconcile(settled)

    def _receipt_move(self, fund, allocations, books):
        "Cash received against the receivable of each month allocated"
        return books.move(fund, self, 'journal_cash', self.date,
            self.reference, [
                (RECEIVABLE_FROM_EMPLOYERS, -allocation.amount,
                    self.employer.party,
                    f'{allocation.month:%Y-%m}' if allocation.month else None)
                for allocation in allocations] + [
                (CASH_AT_BANK, sum(a.amount for a in allocations)),
                ])


class PaymentAllocation(ModelSQL, ModelView):
    "Payment Allocation"
    __name__ = 'insurance.payment.allocation'
    __string__ = "Payment Allocation"
    payment = fields.Many2One(
        'insurance.payment', "Payment", required=True, ondelete='CASCADE',
        readonly=True)
    receivable = fields.Many2One(
        'insurance.receivable', "Month Owed", readonly=True,
        ondelete='RESTRICT', help="Empty for an advance.")
    fund = fields.Many2One(
        'insurance.fund', "Fund", required=True, readonly=True,
        ondelete='RESTRICT')
    month = fields.Date("Month", readonly=True)
    amount = fields.Numeric("Amount", digits=AMOUNT, required=True,
        readonly=True)
    move_line = fields.Many2One(
        'account.move.line', "Move Line", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('payment')
        cls._order = [('month', 'ASC NULLS LAST'), ('id', 'ASC')]

