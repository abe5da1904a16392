# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Welfare and HDF programmes: who is eligible and how much each receives,
both effective-dated records rather than code, as the law changed them"""
from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval
from trytond.transaction import Transaction

AMOUNT = (16, 2)
KINDS = [
    ('hdf_cash', "HDF Cash per Citizen"),
    ('child_money', "Child Money"),
    ('welfare_pension', "Welfare Pension"),
    ('care_allowance', "Care Allowance"),
    ('tuition', "Tuition"),
    ('stipend', "Student Stipend"),
    ('health_insurance', "Health Insurance Contribution"),
    ]
MONTHS = [
    ('1', "January"),
    ('2', "February"),
    ('3', "March"),
    ('4', "April"),
    ('5', "May"),
    ('6', "June"),
    ('7', "July"),
    ('8', "August"),
    ('9', "September"),
    ('10', "October"),
    ('11', "November"),
    ('12', "December"),
    ]
# The welfare benefits expense of the IPSAS chart of GOSWS/HDF's books
WELFARE_EXPENSE = '5610'


def default_payment_month(frequency, kind):
    """A quarter or a year is paid in its last month, once the period's
    eligibility is known; tuition in September, when the school year
    starts"""
    if frequency == 'quarterly':
        return '3'
    if frequency == 'yearly':
        return '9' if kind == 'tuition' else '12'


def age_at(birth_date, date):
    "Whole years of a person born on birth_date at date"
    return date.year - birth_date.year - (
        (date.month, date.day) < (birth_date.month, birth_date.day))


class Programme(DeactivableMixin, ModelSQL, ModelView):
    "Welfare Programme"
    __name__ = 'hdf.programme'
    __string__ = "Welfare Programme"
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(KINDS, "Kind", required=True)
    frequency = fields.Selection([
            ('monthly', "Monthly"),
            ('quarterly', "Quarterly"),
            ('yearly', "Yearly"),
            ], "Frequency", required=True,
        help="How often a payment cycle pays the programme; the amounts are "
        "per payment.")
    payment_month = fields.Selection([(None, '')] + MONTHS, "Payment Month",
        sort=False,
        states={
            'invisible': Eval('frequency') == 'monthly',
            'required': Eval('frequency') != 'monthly',
            },
        help="The month a yearly programme is paid in; for a quarterly "
        "programme one of its payment months, the others following every "
        "three months.")
    payment_months = fields.Function(
        fields.Char("Payment Months",
            states={'invisible': Eval('frequency') == 'monthly'},
            help="The months of the year payment cycles pay the programme."),
        'on_change_with_payment_months')
    expense_account = fields.Char("Expense Account", required=True,
        help="The code of the account of GOSWS/HDF's books the payments "
        "are expensed to.")
    rules = fields.One2Many('hdf.programme.rule', 'programme', "Rules")
    amounts = fields.One2Many('hdf.programme.amount', 'programme', "Amounts")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'gosws_hdf.msg_programme_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        # Programmes made before the payment month existed get the default
        for frequency, kind in [('quarterly', None), ('yearly', 'tuition'),
                ('yearly', None)]:
            where = ((table.frequency == frequency)
                & (table.payment_month == Null))
            if kind:
                where &= table.kind == kind
            cursor.execute(*table.update([table.payment_month],
                    [default_payment_month(frequency, kind)], where=where))

    @classmethod
    def default_frequency(cls):
        return 'monthly'

    @classmethod
    def default_expense_account(cls):
        return WELFARE_EXPENSE

    @fields.depends('frequency', 'kind')
    def on_change_with_payment_month(self):
        return default_payment_month(self.frequency, self.kind)

    @fields.depends('frequency', 'payment_month')
    def on_change_with_payment_months(self, name=None):
        if self.frequency != 'monthly':
            names = dict(self.fields_get(
                    ['payment_month'])['payment_month']['selection'])
            return ', '.join(names[str(m)] for m in self.months_paid())

    def months_paid(self):
        "The months of the year (1 to 12) the programme is paid in"
        if self.frequency == 'monthly' or not self.payment_month:
            return list(range(1, 13))
        month = int(self.payment_month)
        if self.frequency == 'quarterly':
            first = (month - 1) % 3 + 1
            return [first, first + 3, first + 6, first + 9]
        return [month]

    def get_rec_name(self, name):
        return f'{self.code} - {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op, ('code', operator, value), ('name', operator, value)]

    def rule_at(self, date):
        "The eligibility rule in force at date, or None"
        rules = [r for r in self.rules if r.effective_date <= date]
        if rules:
            return max(rules, key=lambda r: (r.effective_date, r.id))

    def amount_at(self, date):
        "The amount per beneficiary in force at date, or None"
        amounts = [a for a in self.amounts if a.effective_date <= date]
        if amounts:
            return max(amounts, key=lambda a: (a.effective_date, a.id)).amount


class ProgrammeRule(ModelSQL, ModelView):
    "Programme Eligibility Rule"
    __name__ = 'hdf.programme.rule'
    __string__ = "Programme Eligibility Rule"
    programme = fields.Many2One(
        'hdf.programme', "Programme", required=True, ondelete='CASCADE')
    effective_date = fields.Date("Effective Date", required=True)
    min_age = fields.Integer("Minimum Age",
        domain=['OR', ('min_age', '=', None), ('min_age', '>=', 0)],
        help="In whole years on the first day of the month paid.")
    max_age = fields.Integer("Maximum Age",
        domain=['OR', ('max_age', '=', None), ('max_age', '>=', 0)],
        help="In whole years on the first day of the month paid.")
    residence_required = fields.Boolean("Residence Required",
        help="The beneficiary must live in the soum or district of the "
        "enrolment.")
    min_household_size = fields.Integer("Minimum Household Size",
        domain=['OR', ('min_household_size', '=', None),
            ('min_household_size', '>=', 1)])
    income_ceiling = fields.Numeric("Income Ceiling per Member",
        digits=AMOUNT,
        domain=['OR', ('income_ceiling', '=', None),
            ('income_ceiling', '>=', 0)],
        help="The highest monthly household income per member; leave empty "
        "when the programme has no income test.")
    excluded_programmes = fields.Many2Many(
        'hdf.programme.rule-excluded-hdf.programme', 'rule', 'programme',
        "Excluded Programmes",
        help="A citizen enrolled in one of these programmes is not eligible.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('programme_date_unique', Unique(t, t.programme, t.effective_date),
                'gosws_hdf.msg_rule_date_unique'),
            ]
        cls._order = [('effective_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_residence_required(cls):
        return False

    @classmethod
    def validate(cls, rules):
        super().validate(rules)
        for rule in rules:
            if (rule.min_age is not None and rule.max_age is not None
                    and rule.min_age > rule.max_age):
                raise ValidationError(gettext(
                        'gosws_hdf.msg_rule_ages',
                        programme=rule.programme.rec_name,
                        date=rule.effective_date))

    def reasons(self, beneficiary, date):
        """The reasons the enrolment is not eligible under the rule on the
        first day of the month date, empty when it is"""
        reasons = []
        birth_date = beneficiary.party.birth_date or (
            beneficiary.party.register_birth_date)
        if self.min_age is not None or self.max_age is not None:
            if not birth_date:
                reasons.append(gettext('gosws_hdf.msg_reason_no_birth_date'))
            else:
                age = age_at(birth_date, date)
                if self.min_age is not None and age < self.min_age:
                    reasons.append(gettext('gosws_hdf.msg_reason_too_young',
                            age=age, min_age=self.min_age))
                if self.max_age is not None and age > self.max_age:
                    reasons.append(gettext('gosws_hdf.msg_reason_too_old',
                            age=age, max_age=self.max_age))
        if self.residence_required and not beneficiary.resident:
            reasons.append(gettext('gosws_hdf.msg_reason_not_resident',
                    office=beneficiary.office.rec_name))
        household = beneficiary.citizen_household()
        if self.min_household_size or self.income_ceiling is not None:
            if not household:
                reasons.append(gettext('gosws_hdf.msg_reason_no_household'))
            else:
                size = household.size
                if self.min_household_size and size < self.min_household_size:
                    reasons.append(gettext(
                            'gosws_hdf.msg_reason_household_size',
                            size=size, min_size=self.min_household_size))
                if (self.income_ceiling is not None
                        and household.income_per_member
                        > self.income_ceiling):
                    reasons.append(gettext(
                            'gosws_hdf.msg_reason_income',
                            income=f'{household.income_per_member:.2f}',
                            ceiling=f'{self.income_ceiling:.2f}'))
        for excluded in self.excluded_programmes:
            if beneficiary.enrolled_elsewhere(excluded, date):
                reasons.append(gettext('gosws_hdf.msg_reason_excluded',
                        programme=excluded.rec_name))
        return reasons


class ProgrammeRuleExclusion(ModelSQL):
    "Programme Rule Exclusion"
    __name__ = 'hdf.programme.rule-excluded-hdf.programme'
    __string__ = "Programme Rule Exclusion"
    rule = fields.Many2One(
        'hdf.programme.rule', "Rule", required=True, ondelete='CASCADE')
    programme = fields.Many2One(
        'hdf.programme', "Programme", required=True, ondelete='CASCADE')


class ProgrammeAmount(ModelSQL, ModelView):
    "Programme Amount"
    __name__ = 'hdf.programme.amount'
    __string__ = "Programme Amount"
    programme = fields.Many2One(
        'hdf.programme', "Programme", required=True, ondelete='CASCADE')
    effective_date = fields.Date("Effective Date", required=True)
    amount = fields.Numeric("Amount", digits=AMOUNT, required=True,
        domain=[('amount', '>=', 0)],
        help="Paid to each eligible beneficiary per payment.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('programme_date_unique', Unique(t, t.programme, t.effective_date),
                'gosws_hdf.msg_amount_date_unique'),
            ]
        cls._order = [('effective_date', 'DESC'), ('id', 'DESC')]
