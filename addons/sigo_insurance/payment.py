# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""An employer's bank payment of contributions: allocated to the oldest
months owed, fund by fund, posted as a receipt in each fund's books and
reconciled with the months it settles; what is left is an advance, which
pays the months assessed later in the same way"""
from itertools import groupby

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .declaration import AMOUNT, RECEIVABLE_FROM_EMPLOYERS, month_bounds
from .fund_books import CASH_AT_BANK, FundBooks

RECEIVABLE_FROM_FUNDS = '1310'
PAYABLE_TO_FUNDS = '2130'


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
        help="Paid beyond what was owed and not yet used: kept on the pension "
        "fund as an advance, which pays the months assessed later.")
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
                'apply_advance': {
                    'invisible': ((Eval('state') != 'posted')
                        | ~Eval('unallocated')),
                    'depends': ['state', 'unallocated'],
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
        # Two payments of one employer must not both take the same month
        Receivable.lock()
        books = FundBooks()
        advance_fund = min(Fund.search([]), key=lambda f: f.sequence or 0)
        moves, allocations, settled = [], [], []
        for payment in payments:
            paid, fully_paid, left = payment._allocate(payment.amount)
            settled.extend(fully_paid)
            if left:
                paid.append(Allocation(
                        payment=payment, fund=advance_fund, amount=left,
                        receivable=None, month=None))
            payment.unallocated = left
            allocations.extend(paid)
            for fund, fund_allocations in groupby(
                    sorted(paid, key=lambda a: a.fund.sequence or 0),
                    key=lambda a: a.fund):
                fund_allocations = list(fund_allocations)
                moves.append((payment._receipt_move(
                            fund, fund_allocations, books), fund_allocations))
        cls.save(payments)
        cls._post_moves(moves, books)
        Allocation.save(allocations)
        Receivable.reconcile(settled)

    @classmethod
    def advances(cls, employers=None):
        "The posted payments with an advance left, of the employers or all"
        domain = [
            ('state', '=', 'posted'),
            ('unallocated', '>', 0),
            ]
        if employers is not None:
            domain.append(('employer', 'in', [e.id for e in employers]))
        return cls.search(domain)

    @classmethod
    @ModelView.button
    def apply_advance(cls, payments):
        cls.apply_advances(payments)

    @classmethod
    def apply_advances(cls, payments):
        """Put what is left of the payments' advances on the months their
        employers owe, oldest advance and oldest month first, as a payment
        is allocated; posted in the books and reconciled as a payment is"""
        pool = Pool()
        Allocation = pool.get('insurance.payment.allocation')
        Receivable = pool.get('insurance.receivable')
        if not payments:
            return
        # Two confirmations of one employer must not both use an advance;
        # read again under the lock
        Receivable.lock()
        payments = sorted(cls.browse(list({p.id for p in payments})),
            key=lambda p: (p.date, p.id))
        books = FundBooks()
        moves, allocations, settled, used_up = [], [], [], []
        for payment in payments:
            if payment.state != 'posted' or not payment.unallocated:
                continue
            paid, fully_paid, left = payment._allocate(
                payment.unallocated, from_advance=True)
            if not paid:
                continue
            settled.extend(fully_paid)
            advance, = [a for a in payment.allocations if not a.receivable]
            advance.amount = payment.unallocated = left
            allocations += paid + [advance]
            moves.extend(payment._advance_moves(advance.fund, paid, books))
            if not left:
                used_up.append(payment)
        cls.save(payments)
        cls._post_moves(moves, books)
        Allocation.save(allocations)
        Receivable.reconcile(settled)
        cls._reconcile_advances(used_up)

    def _allocate(self, amount, from_advance=False):
        """Put the amount on the employer's months owed, oldest first and
        fund by fund; return the allocations, the months it pays in full
        and what is left"""
        pool = Pool()
        Allocation = pool.get('insurance.payment.allocation')
        Receivable = pool.get('insurance.receivable')
        allocations, receivables = [], []
        for receivable in Receivable.open_items(self.employer):
            if not amount:
                break
            paid = min(amount, receivable.outstanding)
            amount -= paid
            receivable.paid += paid
            receivable.update_outstanding()
            receivables.append(receivable)
            allocations.append(Allocation(
                    payment=self, receivable=receivable,
                    fund=receivable.fund, month=receivable.month,
                    amount=paid, from_advance=from_advance))
        Receivable.save(receivables)
        return allocations, [r for r in receivables if not r.outstanding], (
            amount)

    @staticmethod
    def _post_moves(moves, books):
        """Save and post the moves, each given with the allocations whose
        credit lines it holds first, in their order"""
        Move = Pool().get('account.move')
        Move.save([m for m, _ in moves])
        for move, allocations in moves:
            lines = sorted(move.lines, key=lambda l: l.id)
            for allocation, line in zip(allocations, lines):
                allocation.move_line = line
        books.post([m for m, _ in moves])

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

    def _advance_moves(self, advance_fund, allocations, books):
        """The advance, held in the advance fund's books, paying the months
        allocated: within those books from the advance to the month; for
        another fund's months, the advance fund owes that fund the amount
        and that fund is owed it by the advance fund instead of the
        employer, each move naming the other entity for the eliminations.
        Dated when both the money and the debt were there"""
        date = max(
            self.date, month_bounds(max(a.month for a in allocations))[1])
        party = self.employer.party
        advance_company = books.company(advance_fund, self)
        moves = []
        for fund, fund_allocations in groupby(
                sorted(allocations, key=lambda a: a.fund.sequence or 0),
                key=lambda a: a.fund):
            fund_allocations = list(fund_allocations)
            amount = sum(a.amount for a in fund_allocations)
            months = [(RECEIVABLE_FROM_EMPLOYERS, -a.amount, party,
                    f'{a.month:%Y-%m}') for a in fund_allocations]
            if fund == advance_fund:
                moves.append((books.move(fund, self, 'journal_miscellaneous',
                            date, self.reference, months + [
                                (RECEIVABLE_FROM_EMPLOYERS, amount, party)]),
                        fund_allocations))
                continue
            company = books.company(fund, self)
            owed = books.move(advance_fund, self, 'journal_miscellaneous',
                date, self.reference, [
                    (RECEIVABLE_FROM_EMPLOYERS, amount, party),
                    (PAYABLE_TO_FUNDS, -amount, company.party),
                    ])
            owed.consolidation_company = company
            received = books.move(fund, self, 'journal_miscellaneous', date,
                self.reference, months + [
                    (RECEIVABLE_FROM_FUNDS, amount, advance_company.party)])
            received.consolidation_company = advance_company
            moves += [(owed, []), (received, fund_allocations)]
        return moves

    @classmethod
    def _reconcile_advances(cls, payments):
        """Reconcile, in the advance fund's books, each advance used up with
        the debits that took it to the months"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        if not payments:
            return
        lines = {str(p): [a.move_line for a in p.allocations
                if not a.receivable] for p in payments}
        with Transaction().set_context(_check_access=False):
            for line in MoveLine.search([
                        ('move.origin', 'in', list(lines)),
                        ('account.code', '=', RECEIVABLE_FROM_EMPLOYERS),
                        ('debit', '>', 0),
                        ('reconciliation', '=', None),
                        ]):
                lines[str(line.move.origin)].append(line)
            groups = [l for l in lines.values()
                if sum(x.debit - x.credit for x in l) == 0]
            if groups:
                MoveLine.reconcile(*groups)


class Declaration(metaclass=PoolMeta):
    __name__ = 'insurance.declaration'

    @classmethod
    def confirm(cls, declarations):
        cls.lock_for_advances(declarations)
        super().confirm(declarations)

    @classmethod
    def lock_for_advances(cls, declarations):
        """Lock the receivables before any work when an advance will pay
        the months: a lock asked for later restarts the transaction, which
        then does all of it again"""
        pool = Pool()
        Payment = pool.get('insurance.payment')
        Receivable = pool.get('insurance.receivable')
        with without_check_access():
            advances = Payment.advances({d.employer for d in declarations})
        if advances:
            Receivable.lock()

    @classmethod
    def post(cls, declarations, books=None):
        """The employers' advances then pay the months just assessed; a
        month a correction leaves owing nothing is settled in the books, or
        dunning would still claim its first version"""
        pool = Pool()
        Payment = pool.get('insurance.payment')
        Receivable = pool.get('insurance.receivable')
        cls.lock_for_advances(declarations)
        super().post(declarations, books=books)
        Payment.apply_advances(
            Payment.advances({d.employer for d in declarations}))
        corrected = {(d.employer.id, d.period)
            for d in declarations if d.corrects}
        if corrected:
            Receivable.reconcile(Receivable.search([
                        ('outstanding', '=', 0),
                        ['OR'] + [[
                                ('employer', '=', employer),
                                ('month', '=', month),
                                ] for employer, month in corrected],
                        ]))


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
        readonly=True, help="For the advance: what is left of it.")
    from_advance = fields.Boolean(
        "From Advance", readonly=True,
        help="Paid from the payment's advance when the month was assessed.")
    move_line = fields.Many2One(
        'account.move.line', "Move Line", readonly=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('payment')
        cls._order = [('month', 'ASC NULLS LAST'), ('id', 'ASC')]

