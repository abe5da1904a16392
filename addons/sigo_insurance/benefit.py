# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Short-term benefit cases: the officer records the event, the system checks
eligibility from the person's coverage months and computes the amount with
every input shown, a supervisor other than the officer approves, and the
approval books the benefit payable to the fund; paying it books the bank
transfer"""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.modules.sigo_base.printed_document import PrintedDocument
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .benefit_rule import BENEFIT_KINDS
from .case import SupervisedCaseMixin
from .declaration import AMOUNT
from .fund_books import FundBooks
from .rate import RATE_DIGITS, whole_tugriks

BENEFITS_PAYABLE = '2110'
# Expense account of each benefit in the account_ipsas chart
BENEFIT_EXPENSE = {
    'sickness': '5210',
    'maternity': '5220',
    'funeral': '5230',
    'unemployment': '5310',
    }
# Maternity leave is counted in calendar days, 30 to the month
DAYS_PER_MONTH = 30
# States in which a case counts against the sickness days of the year
COUNTED_STATES = ['submitted', 'approved', 'paid']


def working_days(start, end):
    "Monday to Friday from start to end, both included"
    days = 0
    day = start
    while day <= end:
        if day.weekday() < 5:
            days += 1
        day += dt.timedelta(days=1)
    return days


def previous_month(month):
    return (month - dt.timedelta(days=1)).replace(day=1)


class BenefitCase(SupervisedCaseMixin, JurisdictionMixin, Workflow, ModelSQL,
        ModelView):
    "Short-Term Benefit Case"
    __name__ = 'insurance.benefit.case'
    __string__ = "Short-Term Benefit Case"
    _case_messages = {
        'not_eligible': 'sigo_insurance.msg_benefit_not_eligible',
        'own_approval': 'sigo_insurance.msg_benefit_own_approval',
        'delete': 'sigo_insurance.msg_benefit_delete',
        }
    _case_variable = 'case'
    _states = {'readonly': Eval('state') != 'draft'}

    kind = fields.Selection(
        BENEFIT_KINDS, "Benefit", required=True, states=_states)
    kind_string = kind.translated('kind')
    person = fields.Many2One(
        'party.party', "Insured Person", required=True, ondelete='RESTRICT',
        domain=[('register_number', '!=', None)], states=_states,
        help="For a funeral grant, the insured person who died.")
    beneficiary = fields.Many2One(
        'party.party', "Paid To", required=True, ondelete='RESTRICT',
        states=_states,
        help="Who receives the benefit: the insured person, or for a "
        "funeral grant the family member who applied.")
    employer = fields.Many2One(
        'insurance.employer', "Employer", ondelete='RESTRICT',
        states=_states)
    event_date = fields.Date(
        "Event Date", required=True, states=_states,
        help="Sickness: the first day of incapacity. Maternity: the first "
        "day of leave. Unemployment: the first day without work. Funeral "
        "grant: the date of death.")
    end_date = fields.Date(
        "Last Day of Incapacity",
        domain=[If(Eval('end_date'),
                ('end_date', '>=', Eval('event_date')), ())],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'sickness',
            'invisible': Eval('kind') != 'sickness',
            })
    multiple_birth = fields.Boolean(
        "Twins or More", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'maternity',
            })
    work_related = fields.Boolean(
        "Work-Related", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'funeral',
            })
    note = fields.Text("Note")

    # The worksheet: every input of the decision, as checked last
    rule = fields.Many2One(
        'insurance.benefit.rule', "Rule", readonly=True, ondelete='RESTRICT')
    fund = fields.Many2One(
        'insurance.fund', "Fund", readonly=True, ondelete='RESTRICT')
    contribution_months = fields.Integer(
        "Contribution Months", readonly=True,
        help="Months contributed to the fund before the month of the event.")
    required_months = fields.Integer("Required Months", readonly=True)
    continuous_months = fields.Integer(
        "Continuous Months", readonly=True,
        help="Months contributed without a gap up to the month before the "
        "event.")
    required_continuous_months = fields.Integer(
        "Required Continuous Months", readonly=True)
    wage_months = fields.Integer(
        "Months Averaged", readonly=True,
        help="The last contributed months whose insurable wage is averaged.")
    average_wage = fields.Numeric(
        "Average Monthly Wage", digits=AMOUNT, readonly=True)
    daily_wage = fields.Numeric("Daily Wage", digits=AMOUNT, readonly=True)
    rate = fields.Numeric("Rate %", digits=RATE_DIGITS, readonly=True)
    incapacity_days = fields.Integer(
        "Working Days of Incapacity", readonly=True)
    employer_days = fields.Integer("Days Paid by the Employer", readonly=True)
    days_paid_before = fields.Integer(
        "Days Already Paid This Year", readonly=True)
    benefit_days = fields.Integer("Benefit Days", readonly=True)
    amount = fields.Numeric("Amount", digits=AMOUNT, readonly=True)
    unconfirmed = fields.Boolean(
        "Unconfirmed Parameters", readonly=True,
        help="The rule used has a figure the law has not confirmed yet.")

    paid_by = fields.Many2One('res.user', "Paid By", readonly=True)
    paid_at = fields.DateTime("Paid At", readonly=True)
    accrual_move = fields.Many2One(
        'account.move', "Payment Order Move", readonly=True,
        ondelete='RESTRICT')
    payment_move = fields.Many2One(
        'account.move', "Payment Move", readonly=True, ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('approved', "Approved"),
            ('paid', "Paid"),
            ('refused', "Refused"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.office.states = {'readonly': Eval('state') != 'draft'}
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.person, Index.Equality()),
                    (t.kind, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['draft', 'submitted', 'approved'])),
                })
        cls._order = [('event_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            ('draft', 'refused'),
            ('submitted', 'refused'),
            ('submitted', 'approved'),
            ('approved', 'paid'),
            ('draft', 'cancelled'),
            ('refused', 'draft'),
            }
        cls._buttons.update({
                'check_eligibility': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(['submitted', 'refused']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': ~Eval('state').in_(['draft', 'submitted']),
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_kind(cls):
        return 'sickness'

    @fields.depends('person', 'beneficiary', 'kind')
    def on_change_person(self):
        if self.person and self.kind != 'funeral':
            self.beneficiary = self.person

    def get_rec_name(self, name):
        return f'{self.kind_string} {self.person.rec_name} {self.event_date}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('person.rec_name', *clause[1:])]

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        for name in ['paid_by', 'paid_at', 'accrual_move', 'payment_move']:
            default.setdefault(name, None)
        return super().copy(cases, default=default)

    # Eligibility and amount

    @without_check_access
    def covered_months(self, fund):
        """{month: insurable wage} of the months the person contributed to the
        fund before the month of the event, with every employer, whatever
        the office that keeps them"""
        Coverage = Pool().get('insurance.coverage')
        wages = {}
        for coverage in Coverage.search([
                    ('person', '=', self.person.id),
                    ('fund', '=', fund.id),
                    ('month', '<', self.event_date.replace(day=1)),
                    ]):
            wages[coverage.month] = (
                wages.get(coverage.month, Decimal(0))
                + Decimal(str(coverage.insurable_wage or 0)))
        return wages

    @without_check_access
    def sickness_days_paid(self):
        "Working days the fund already pays the person this calendar year"
        year = self.event_date.year
        cases = self.search([
                ('person', '=', self.person.id),
                ('kind', '=', 'sickness'),
                ('state', 'in', COUNTED_STATES),
                ('event_date', '>=', dt.date(year, 1, 1)),
                ('event_date', '<=', dt.date(year, 12, 31)),
                ('id', '!=', self.id),
                ])
        return sum(c.benefit_days or 0 for c in cases)

    def fill_worksheet(self, sheet, reasons):
        "Every input of the decision and the amount, with the refusal reasons"
        pool = Pool()
        Rule = pool.get('insurance.benefit.rule')
        rule = Rule.in_force(self.kind, self.event_date)
        wages = self.covered_months(rule.fund)
        months = len(wages)
        continuous = 0
        month = previous_month(self.event_date.replace(day=1))
        while month in wages:
            continuous += 1
            month = previous_month(month)
        required = rule.required_months
        if self.kind == 'funeral' and self.work_related and (
                rule.work_related_any_month):
            required = 1
        sheet.update({
            'rule': rule.id,
            'fund': rule.fund.id,
            'contribution_months': months,
            'required_months': required,
            'continuous_months': continuous,
            'required_continuous_months': rule.continuous_months,
            'unconfirmed': rule.unconfirmed or any(
                b.unconfirmed for b in rule.bands),
            'wage_months': None, 'average_wage': None, 'daily_wage': None,
            'rate': None, 'incapacity_days': None, 'employer_days': None,
            'days_paid_before': None, 'benefit_days': None, 'amount': None,
            })
        kind = self.kind_string
        if months < required:
            reasons.append(gettext('sigo_insurance.msg_benefit_months_short',
                    kind=kind, required=required, fund=rule.fund.rec_name,
                    person=self.person.rec_name, months=months,
                    date=self.event_date))
        if continuous < rule.continuous_months:
            reasons.append(gettext(
                    'sigo_insurance.msg_benefit_continuous_short',
                    kind=kind, required=rule.continuous_months,
                    date=self.event_date, person=self.person.rec_name,
                    months=continuous))

        if self.kind == 'funeral':
            sheet['amount'] = rule.grant_amount
        else:
            recent = sorted(wages)[-rule.wage_months:] if (
                rule.wage_months) else []
            average = (whole_tugriks(
                    sum(wages[m] for m in recent) / len(recent))
                if recent else Decimal(0))
            sheet['wage_months'] = len(recent)
            sheet['average_wage'] = average
            getattr(self, f'_worksheet_{self.kind}')(
                rule, average, months, sheet, reasons)

    def _worksheet_sickness(self, rule, average, months, sheet, reasons):
        daily = whole_tugriks(average / rule.working_days_per_month)
        rate = rule.sickness_rate(months // 12) or Decimal(0)
        days = working_days(self.event_date, self.end_date)
        employer_days = min(days, rule.employer_days or 0)
        paid_before = self.sickness_days_paid()
        left = max(0, (rule.annual_day_limit or 0) - paid_before)
        benefit_days = min(days - employer_days, left)
        sheet.update({
                'daily_wage': daily,
                'rate': rate,
                'incapacity_days': days,
                'employer_days': employer_days,
                'days_paid_before': paid_before,
                'benefit_days': benefit_days,
                'amount': whole_tugriks(daily * rate / 100 * benefit_days),
                })
        if days <= employer_days:
            reasons.append(gettext(
                    'sigo_insurance.msg_benefit_employer_days',
                    start=self.event_date, end=self.end_date, days=days,
                    employer_days=rule.employer_days))
        elif not left:
            reasons.append(gettext(
                    'sigo_insurance.msg_benefit_annual_limit',
                    person=self.person.rec_name, days=paid_before,
                    limit=rule.annual_day_limit, year=self.event_date.year))

    def _worksheet_maternity(self, rule, average, months, sheet, reasons):
        days = (rule.multiple_birth_days if self.multiple_birth
            else rule.benefit_days)
        sheet.update({
                'rate': rule.rate,
                'benefit_days': days,
                'amount': whole_tugriks(
                    average * rule.rate / 100 * days / DAYS_PER_MONTH),
                })

    def _worksheet_unemployment(self, rule, average, months, sheet, reasons):
        daily = whole_tugriks(average / rule.working_days_per_month)
        sheet.update({
                'daily_wage': daily,
                'rate': rule.rate,
                'benefit_days': rule.benefit_days,
                'amount': whole_tugriks(
                    daily * rule.rate / 100 * rule.benefit_days),
                })

    @classmethod
    @ModelView.button
    def check_eligibility(cls, cases):
        "Fill the worksheet from the coverage months as they are now"
        for case in cases:
            if case.kind == 'sickness' and not case.end_date:
                raise ValidationError(gettext(
                        'sigo_insurance.msg_benefit_end_date',
                        case=case.rec_name))
        super().check_eligibility(cases)

    @classmethod
    def check_duplicate(cls, cases):
        for case in cases:
            with without_check_access():
                others = cls.search([
                        ('person', '=', case.person.id),
                        ('kind', '=', case.kind),
                        ('event_date', '=', case.event_date),
                        ('state', 'in', COUNTED_STATES),
                        ('id', '!=', case.id),
                        ], limit=1)
            if others:
                raise ValidationError(gettext(
                        'sigo_insurance.msg_benefit_duplicate',
                        case=case.rec_name, other=others[0].rec_name,
                        office=others[0].office.rec_name))

    @classmethod
    def _approve(cls, cases):
        "The payment order books the benefit payable in the fund's books"
        pool = Pool()
        Move = pool.get('account.move')
        books = FundBooks()
        today = pool.get('ir.date').today()
        moves = [books.move(c.fund, c, 'journal_expense', today, c.rec_name, [
                    (BENEFIT_EXPENSE[c.kind], c.amount),
                    (BENEFITS_PAYABLE, -c.amount, c.beneficiary),
                    ]) for c in cases]
        Move.save(moves)
        books.post(moves)
        for case, move in zip(cases, moves):
            case.accrual_move = move

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    def pay(cls, cases):
        "The bank transfer to the beneficiary settles the payment order"
        pool = Pool()
        Move = pool.get('account.move')
        books = FundBooks()
        today = pool.get('ir.date').today()
        moves = [books.transfer(c.fund, c, c.accrual_move, BENEFITS_PAYABLE,
                today, c.rec_name) for c in cases]
        Move.save(moves)
        books.post(moves)
        for case, move in zip(cases, moves):
            books.reconcile(BENEFITS_PAYABLE, [case.accrual_move, move])
            case.payment_move = move
            case.paid_by = Transaction().user
            case.paid_at = dt.datetime.now()
        cls.save(cases)


class BenefitPaymentOrder(PrintedDocument):
    "The order to pay an approved benefit, for the case file and the bank"
    __name__ = 'insurance.benefit.payment_order'
