# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Penalty interest on contributions paid late: a daily rate on what is
overdue, charged up to a date and posted as revenue of the fund"""
import datetime as dt

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .declaration import AMOUNT, RECEIVABLE_FROM_EMPLOYERS
from .fund_books import FundBooks
from .rate import whole_tugriks

PENALTY_REVENUE = '4140'


class Penalty(ModelSQL, ModelView):
    "Penalty Interest"
    __name__ = 'insurance.penalty'
    __string__ = "Penalty Interest"
    receivable = fields.Many2One(
        'insurance.receivable', "Month Owed", required=True, readonly=True,
        ondelete='RESTRICT')
    employer = fields.Function(
        fields.Many2One('insurance.employer', "Employer"), 'get_employer',
        searcher='search_employer')
    from_date = fields.Date("From", required=True, readonly=True)
    to_date = fields.Date("To", required=True, readonly=True)
    base = fields.Numeric(
        "Overdue Contributions", digits=AMOUNT, required=True, readonly=True)
    rate = fields.Numeric(
        "Daily Rate %", digits=(6, 4), required=True, readonly=True)
    amount = fields.Numeric("Amount", digits=AMOUNT, required=True,
        readonly=True, help="Overdue × daily rate × days.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('receivable')
        cls._order = [('to_date', 'DESC'), ('id', 'DESC')]

    def get_employer(self, name):
        return self.receivable.employer.id

    @classmethod
    def search_employer(cls, name, clause):
        return [('receivable.employer' + clause[0][len(name):],)
            + tuple(clause[1:])]

    @classmethod
    def charge_month_end(cls):
        "The monthly run: interest up to the end of the month just ended"
        return cls.charge(ChargePenaltyStart.default_date())

    @classmethod
    def charge(cls, date):
        """Charge the interest on every overdue month up to the date, from
        its due date or the last charge, and post it per fund, once the
        employers' advances have paid what they can"""
        pool = Pool()
        Receivable = pool.get('insurance.receivable')
        Configuration = pool.get('insurance.configuration')
        Payment = pool.get('insurance.payment')
        Move = pool.get('account.move')
        rate = Configuration(1).penalty_rate
        if not rate:
            return []
        Receivable.lock()
        # What an advance covers is paid, not overdue
        Payment.apply_advances(Payment.advances())
        penalties, receivables = [], []
        for receivable in Receivable.search([
                    ('outstanding', '>', 0),
                    ('due_date', '<', date),
                    ]):
            overdue = receivable.assessed - receivable.paid
            start = max(filter(None, [
                        receivable.due_date, receivable.penalty_until]))
            days = (date - start).days
            amount = whole_tugriks(overdue * rate / 100 * days)
            if overdue <= 0 or days <= 0 or not amount:
                continue
            penalties.append(cls(
                    receivable=receivable, from_date=start, to_date=date,
                    base=overdue, rate=rate, amount=amount))
            receivable.penalty += amount
            receivable.penalty_until = date
            receivable.update_outstanding()
            receivables.append(receivable)
        cls.save(penalties)
        Receivable.save(receivables)
        books = FundBooks()
        moves = [p._move(books) for p in penalties]
        Move.save(moves)
        books.post(moves)
        return penalties

    def _move(self, books):
        receivable = self.receivable
        return books.move(receivable.fund, self, 'journal_revenue',
            self.to_date, f'{receivable.month:%Y-%m}', [
                (RECEIVABLE_FROM_EMPLOYERS, self.amount,
                    receivable.employer.party),
                (PENALTY_REVENUE, -self.amount),
                ])


class ChargePenaltyStart(ModelView):
    "Charge Penalty Interest"
    __name__ = 'insurance.penalty.charge.start'
    __string__ = "Charge Penalty Interest"
    date = fields.Date("Up to Date", required=True)

    @classmethod
    def default_date(cls):
        today = Pool().get('ir.date').today()
        return today.replace(day=1) - dt.timedelta(days=1)


class ChargePenalty(Wizard):
    "Charge Penalty Interest"
    __name__ = 'insurance.penalty.charge'
    start = StateView('insurance.penalty.charge.start',
        'sigo_insurance.penalty_charge_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Charge", 'charge', 'tryton-ok', default=True),
            ])
    charge = StateTransition()

    def transition_charge(self):
        Pool().get('insurance.penalty').charge(self.start.date)
        return 'end'
