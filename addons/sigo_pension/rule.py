# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The pension law as effective-dated data: the calculation rule, the full
contribution period by year, the retirement ages, the early-retirement
categories and the survivors' shares. The law changes them; staff edit the
records, the code only reads the one in force"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError

from trytond.modules.sigo_insurance.declaration import AMOUNT
from trytond.modules.sigo_insurance.rate import RATE_DIGITS, band_reached

SEXES = [
    ('male', "Male"),
    ('female', "Female"),
    ]
WORK_CONDITIONS = [
    ('normal', "Normal Conditions"),
    ('underground', "Underground"),
    ('hot_toxic', "Hot or Toxic"),
    ('arduous', "Arduous"),
    ('herding', "Herding"),
    ]


def in_force(Model, date, domain=None):
    "The record of Model with the latest start date on or before date"
    records = Model.search([('start_date', '<=', date)] + (domain or []),
        order=[('start_date', 'DESC'), ('id', 'DESC')], limit=1)
    if not records:
        raise ValidationError(gettext('sigo_pension.msg_rule_missing',
                rule=Model.__names__()['model'], date=date))
    return records[0]


class PensionRule(ModelSQL, ModelView):
    "Pension Rule"
    __name__ = 'pension.rule'
    __string__ = "Pension Rule"
    _history = True
    start_date = fields.Date(
        "Start Date", required=True,
        help="The rule applies to pensions starting from this date on.")
    base_rate = fields.Numeric(
        "Base Rate %", digits=RATE_DIGITS, required=True,
        help="The share of the average wage paid for a full contribution "
        "period.")
    accrual_rate = fields.Numeric(
        "Rate per Extra Year %", digits=RATE_DIGITS, required=True,
        help="Added for each whole year contributed beyond the full period.")
    average_months = fields.Integer(
        "Months Averaged", required=True,
        domain=[('average_months', '>', 0)],
        help="The length of the consecutive window of the highest wages.")
    lookback_months = fields.Integer(
        "Window Searched Within", required=True,
        domain=[('lookback_months', '>', 0)],
        help="The last contributed months in which the window is chosen.")
    proportional_months = fields.Integer(
        "Months for a Proportional Pension", required=True,
        help="The fewest months giving a proportional old-age pension.")
    minimum_full = fields.Numeric(
        "Minimum Full Pension", digits=AMOUNT, required=True)
    minimum_proportional = fields.Numeric(
        "Minimum Proportional Pension", digits=AMOUNT, required=True)
    disability_months = fields.Integer(
        "Months for Disability", required=True,
        help="A whole record that qualifies for a disability pension.")
    recent_months = fields.Integer(
        "Recent Months Required", required=True,
        help="Or this many months in the last recent period (disability "
        "and survivors).")
    recent_period = fields.Integer(
        "Recent Period in Months", required=True,
        help="The period before the event in which recent months count.")
    survivor_continuous_months = fields.Integer(
        "Continuous Months for Survivors", required=True,
        help="How many of the deceased's last months before death must be "
        "without a gap for the recent-months condition.")
    full_disability_loss = fields.Integer(
        "Loss for Full Disability %", required=True,
        help="Loss of working capacity from which the full disability "
        "pension is paid.")
    half_disability_loss = fields.Integer(
        "Loss for Half Disability %", required=True,
        help="Loss of working capacity from which half of it is paid.")
    life_certificate_months = fields.Integer(
        "Life Certificate Every (Months)", required=True,
        domain=[('life_certificate_months', '>', 0)])
    reminder_days = fields.Integer(
        "Remind Days Before", required=True,
        help="Days before a life certificate is due that the pensioner is "
        "reminded by e-mail.")
    survivor_shares = fields.One2Many(
        'pension.rule.survivor_share', 'rule', "Survivor Shares")
    unconfirmed = fields.Boolean(
        "Unconfirmed",
        help="Some figure is not confirmed by the law yet; every worksheet "
        "using the rule shows it.")
    legal_basis = fields.Char("Legal Basis")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('start_unique', Unique(t, t.start_date),
                'sigo_pension.msg_rule_unique'),
            ]
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return str(self.start_date)

    def survivor_share(self, survivors):
        "The share of the highest band the number of survivors reaches"
        band = band_reached(self.survivor_shares, 'survivors', survivors)
        return band.share if band else None


class SurvivorShare(ModelSQL, ModelView):
    "Survivor Share"
    __name__ = 'pension.rule.survivor_share'
    __string__ = "Survivor Share"
    rule = fields.Many2One(
        'pension.rule', "Rule", required=True, ondelete='CASCADE')
    survivors = fields.Integer(
        "From Survivors", required=True, domain=[('survivors', '>', 0)])
    share = fields.Numeric(
        "Share %", digits=RATE_DIGITS, required=True,
        domain=[('share', '>', 0), ('share', '<=', 100)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('rule_survivors_unique', Unique(t, t.rule, t.survivors),
                'sigo_pension.msg_survivor_share_unique'),
            ]
        cls.__access__.add('rule')
        cls._order = [('survivors', 'ASC'), ('id', 'ASC')]


class FullPeriod(ModelSQL, ModelView):
    "Full Contribution Period"
    __name__ = 'pension.full_period'
    __string__ = "Full Contribution Period"
    start_date = fields.Date(
        "Start Date", required=True,
        help="For pensions starting from this date on.")
    months = fields.Integer(
        "Months", required=True, domain=[('months', '>', 0)])
    unconfirmed = fields.Boolean("Unconfirmed")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('start_unique', Unique(t, t.start_date),
                'sigo_pension.msg_full_period_unique'),
            ]
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.start_date}: {self.months}'


class RetirementAge(ModelSQL, ModelView):
    "Retirement Age"
    __name__ = 'pension.retirement_age'
    __string__ = "Retirement Age"
    sex = fields.Selection(SEXES, "Sex", required=True)
    start_date = fields.Date(
        "Born From", required=True,
        help="For people born on or after this date.")
    years = fields.Integer("Years", required=True)
    months = fields.Integer(
        "Months", required=True,
        domain=[('months', '>=', 0), ('months', '<', 12)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('sex_start_unique', Unique(t, t.sex, t.start_date),
                'sigo_pension.msg_retirement_age_unique'),
            ]
        cls._order = [('sex', 'ASC'), ('start_date', 'DESC'), ('id', 'DESC')]


class EarlyCategory(ModelSQL, ModelView):
    "Early Retirement Category"
    __name__ = 'pension.early_category'
    __string__ = "Early Retirement Category"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    sex = fields.Selection(SEXES, "Sex", required=True)
    age = fields.Integer("Age", required=True)
    required_months = fields.Integer(
        "Contribution Months", required=True,
        help="Months of contributions needed in all.")
    condition = fields.Selection(
        [(None, "")] + WORK_CONDITIONS[1:], "Work Condition",
        help="The conditions in which some of the months must be worked.")
    condition_months = fields.Integer(
        "Months in the Condition",
        help="Months worked in the condition that are needed.")
    children = fields.Integer(
        "Children", help="Children born or raised that are needed.")
    active = fields.Boolean("Active")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'sigo_pension.msg_early_category_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_active(cls):
        return True


def add_months(date, months):
    "The same day so many months later (or earlier), at most the month's end"
    month = date.month - 1 + months
    year = date.year + month // 12
    month = month % 12 + 1
    day = date.day
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1
