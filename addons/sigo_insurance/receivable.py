# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""What each employer owes each fund for each month: the subledger the
payments, the arrears, the penalty interest and the coverage are read from.
The funds' books hold the same amounts on account 1210; this keeps them per
month so that a payment pays the oldest month first."""
import datetime as dt
from decimal import Decimal

from sql import Cast
from sql.aggregate import Min, Sum
from sql.conditionals import Case

from trytond import backend
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .declaration import AMOUNT, RECEIVABLE_FROM_EMPLOYERS, month_bounds


class Receivable(ModelSQL, ModelView):
    "Contributions Receivable"
    __name__ = 'insurance.receivable'
    __string__ = "Contributions Receivable"
    employer = fields.Many2One(
        'insurance.employer', "Employer", required=True, readonly=True,
        ondelete='RESTRICT')
    month = fields.Date("Month", required=True, readonly=True)
    fund = fields.Many2One(
        'insurance.fund', "Fund", required=True, readonly=True,
        ondelete='RESTRICT')
    due_date = fields.Date("Due Date", required=True, readonly=True)
    assessed = fields.Numeric(
        "Contributions", digits=AMOUNT, required=True, readonly=True,
        help="Assessed by the latest confirmed declaration of the month.")
    penalty = fields.Numeric(
        "Penalty Interest", digits=AMOUNT, required=True, readonly=True)
    penalty_until = fields.Date(
        "Penalty Charged Until", readonly=True)
    paid = fields.Numeric("Paid", digits=AMOUNT, required=True, readonly=True)
    outstanding = fields.Numeric(
        "Outstanding", digits=AMOUNT, required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('employer')
        t = cls.__table__()
        cls._sql_constraints += [
            ('month_fund_unique', Unique(t, t.employer, t.month, t.fund),
                'sigo_insurance.msg_receivable_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.employer, Index.Equality()), (t.month, Index.Range())))
        cls._order = [
            ('employer', 'ASC'), ('month', 'ASC'), ('fund', 'ASC'),
            ('id', 'ASC')]

    def get_rec_name(self, name):
        return (f'{self.employer.rec_name} {self.month:%Y-%m} '
            f'{self.fund.rec_name}')

    @staticmethod
    def due(month):
        "The day the contributions of the month are due"
        Configuration = Pool().get('insurance.configuration')
        days = Configuration(1).payment_due_days or 0
        return month_bounds(month)[1] + dt.timedelta(days=days)

    @classmethod
    def add_assessed(cls, assessments):
        """Add what declarations assess (or correct) per fund for a month;
        assessments are (employer, month, {fund: amount}), read and saved
        at once for a batch of declarations"""
        receivables = {}
        for chunk in grouped_slice(assessments, backend.MAX_QUERY_PARAMS):
            chunk = list(chunk)
            for receivable in cls.search([
                        ('employer', 'in', list({e.id for e, _, _ in chunk})),
                        ('month', 'in', list({m for _, m, _ in chunk})),
                        ]):
                receivables[receivable.employer.id, receivable.month,
                    receivable.fund.id] = receivable
        due_dates, changed = {}, {}
        for employer, month, amounts in assessments:
            if month not in due_dates:
                due_dates[month] = cls.due(month)
            for fund, amount in amounts.items():
                key = employer.id, month, fund.id
                if key not in receivables:
                    receivables[key] = cls(
                        employer=employer, month=month, fund=fund,
                        due_date=due_dates[month], assessed=Decimal(0),
                        penalty=Decimal(0), paid=Decimal(0))
                receivable = receivables[key]
                receivable.assessed += amount
                receivable.update_outstanding()
                changed[key] = receivable
        cls.save(list(changed.values()))

    def update_outstanding(self):
        self.outstanding = self.assessed + self.penalty - self.paid

    @classmethod
    def reconcile(cls, receivables):
        """Reconcile, in the fund's books, the lines of each month fully
        paid: its declarations' and penalties' debits and the payments'
        credits on account 1210; read in one pass for all the months"""
        pool = Pool()
        MoveLine = pool.get('account.move.line')
        Allocation = pool.get('insurance.payment.allocation')
        Declaration = pool.get('insurance.declaration')
        Penalty = pool.get('insurance.penalty')
        if not receivables:
            return
        by_key = {(r.employer.id, r.month, r.fund.entity.company.id): r
            for r in receivables}
        lines = {r: [] for r in receivables}
        with Transaction().set_context(_check_access=False):
            owners = {}
            # Any state: the declaration being confirmed is posted before
            # its state is written, and only posted ones have lines
            for declaration in Declaration.search([
                        ('employer', 'in',
                            list({r.employer.id for r in receivables})),
                        ('period', 'in',
                            list({r.month for r in receivables})),
                        ]):
                owners[str(declaration)] = (
                    declaration.employer.id, declaration.period)
            for penalty in Penalty.search([
                        ('receivable', 'in', [r.id for r in receivables])]):
                owners[str(penalty)] = (
                    penalty.receivable.employer.id, penalty.receivable.month)
            for line in MoveLine.search([
                        ('move.origin', 'in', list(owners)),
                        ('account.code', '=', RECEIVABLE_FROM_EMPLOYERS),
                        ('reconciliation', '=', None),
                        ]):
                employer, month = owners[str(line.move.origin)]
                receivable = by_key.get(
                    (employer, month, line.move.company.id))
                if receivable:
                    lines[receivable].append(line)
            for allocation in Allocation.search([
                        ('receivable', 'in', [r.id for r in receivables]),
                        ('move_line.reconciliation', '=', None),
                        ]):
                lines[allocation.receivable].append(allocation.move_line)
            groups = [l for l in lines.values()
                if l and sum(x.debit - x.credit for x in l) == 0]
            if groups:
                MoveLine.reconcile(*groups)

    @classmethod
    def open_items(cls, employer):
        "The employer's months not fully paid, oldest first"
        return sorted(cls.search([
                    ('employer', '=', employer.id),
                    ('outstanding', '>', 0),
                    ]), key=lambda r: (r.month, r.fund.sequence or 0, r.id))


class Arrears(ModelSQL, ModelView):
    "Arrears Ageing"
    __name__ = 'insurance.arrears'
    __string__ = "Arrears Ageing"
    employer = fields.Many2One(
        'insurance.employer', "Employer", required=True)
    office = fields.Many2One('sigo.office', "Office")
    not_due = fields.Numeric("Not Yet Due", digits=AMOUNT)
    days_30 = fields.Numeric("1-30 Days", digits=AMOUNT)
    days_90 = fields.Numeric("31-90 Days", digits=AMOUNT)
    days_180 = fields.Numeric("91-180 Days", digits=AMOUNT)
    older = fields.Numeric("Over 180 Days", digits=AMOUNT)
    total = fields.Numeric("Outstanding", digits=AMOUNT)
    oldest_due_date = fields.Date("Oldest Due Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('employer')
        cls._order = [('total', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Receivable = pool.get('insurance.receivable')
        Employer = pool.get('insurance.employer')
        Date = pool.get('ir.date')
        receivable = Receivable.__table__()
        employer = Employer.__table__()
        date = Transaction().context.get('date') or Date.today()
        due = receivable.due_date
        # As a number on SQLite too, where it is stored as text
        outstanding = Cast(receivable.outstanding, 'NUMERIC')

        def days_ago(days):
            return date - dt.timedelta(days=days)

        def bucket(condition):
            return Sum(Case((condition, outstanding), else_=0))
        return receivable.join(
            employer, condition=receivable.employer == employer.id).select(
            receivable.employer.as_('id'),
            receivable.employer.as_('employer'),
            employer.office.as_('office'),
            bucket(due >= date).as_('not_due'),
            bucket((due < date) & (due >= days_ago(30))).as_('days_30'),
            bucket((due < days_ago(30)) & (due >= days_ago(90))).as_(
                'days_90'),
            bucket((due < days_ago(90)) & (due >= days_ago(180))).as_(
                'days_180'),
            bucket(due < days_ago(180)).as_('older'),
            Sum(outstanding).as_('total'),
            Min(Case((outstanding > 0, due), else_=None)).as_(
                'oldest_due_date'),
            where=outstanding != 0,
            group_by=[receivable.employer, employer.office])


class ArrearsContext(ModelView):
    "Arrears Ageing Context"
    __name__ = 'insurance.arrears.context'
    __string__ = "Arrears Ageing Context"
    date = fields.Date("At Date", required=True)

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

