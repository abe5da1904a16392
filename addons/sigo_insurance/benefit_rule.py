# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The parameters of the short-term benefits (sickness, maternity, funeral
grant, unemployment): effective-dated data, because the law changes them and
some are not confirmed yet (the record says which)"""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pyson import Eval

from .declaration import AMOUNT
from .rate import RATE_DIGITS, band_reached

BENEFIT_KINDS = [
    ('sickness', "Sickness"),
    ('maternity', "Maternity"),
    ('funeral', "Funeral Grant"),
    ('unemployment', "Unemployment"),
    ]


class BenefitRule(ModelSQL, ModelView):
    "Short-Term Benefit Rule"
    __name__ = 'insurance.benefit.rule'
    __string__ = "Short-Term Benefit Rule"
    _history = True
    kind = fields.Selection(BENEFIT_KINDS, "Benefit", required=True)
    kind_string = kind.translated('kind')
    start_date = fields.Date(
        "Start Date", required=True,
        help="The rule applies to events from this date on.")
    fund = fields.Many2One(
        'insurance.fund', "Fund", required=True, ondelete='RESTRICT',
        help="The fund that pays the benefit and whose contributions count.")
    required_months = fields.Integer(
        "Required Months", required=True,
        domain=[('required_months', '>=', 0)],
        help="Months of contributions to the fund before the event.")
    continuous_months = fields.Integer(
        "Continuous Months", required=True,
        domain=[('continuous_months', '>=', 0)],
        help="How many of the last months before the event must all be "
        "contributed.")
    work_related_any_month = fields.Boolean(
        "Any Month If Work-Related",
        help="A work-related event needs only one month of contributions.")
    wage_months = fields.Integer(
        "Average Wage Months",
        domain=[('wage_months', '>=', 0)],
        states={'invisible': Eval('kind') == 'funeral'},
        help="The number of last contributed months whose insurable wage is "
        "averaged.")
    working_days_per_month = fields.Integer(
        "Working Days per Month",
        domain=['OR', ('working_days_per_month', '=', None),
            ('working_days_per_month', '>', 0)],
        states={'invisible': ~Eval('kind').in_(['sickness', 'unemployment'])},
        help="Divides the average monthly wage into a daily wage.")
    rate = fields.Numeric(
        "Rate %", digits=RATE_DIGITS,
        states={'invisible': Eval('kind').in_(['funeral', 'sickness'])},
        help="The share of the average wage paid.")
    bands = fields.One2Many(
        'insurance.benefit.rule.band', 'rule', "Rates by Contribution Years",
        states={'invisible': Eval('kind') != 'sickness'})
    employer_days = fields.Integer(
        "Days Paid by the Employer",
        states={'invisible': Eval('kind') != 'sickness'},
        help="The first working days of an incapacity, which the employer "
        "pays.")
    annual_day_limit = fields.Integer(
        "Working Days a Year",
        states={'invisible': Eval('kind') != 'sickness'},
        help="The most working days the fund pays for in a calendar year.")
    benefit_days = fields.Integer(
        "Benefit Days",
        states={'invisible': ~Eval('kind').in_(['maternity', 'unemployment'])},
        help="Maternity: calendar days of leave (30 days make a month). "
        "Unemployment: working days paid.")
    multiple_birth_days = fields.Integer(
        "Benefit Days for Twins or More",
        states={'invisible': Eval('kind') != 'maternity'})
    grant_amount = fields.Numeric(
        "Grant Amount", digits=AMOUNT,
        states={'invisible': Eval('kind') != 'funeral'})
    unconfirmed = fields.Boolean(
        "Unconfirmed",
        help="Some figure of the rule is not confirmed by the law yet; the "
        "officer sees it on every case using the rule.")
    legal_basis = fields.Char(
        "Legal Basis", help="The law or resolution that set the rule.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('kind_start_unique', Unique(t, t.kind, t.start_date),
                'sigo_insurance.msg_benefit_rule_unique'),
            ]
        cls._order = [('kind', 'ASC'), ('start_date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.kind_string} {self.start_date}'

    @classmethod
    def in_force(cls, kind, date):
        "The rule of the benefit that applies to an event on date"
        rules = cls.search([
                ('kind', '=', kind),
                ('start_date', '<=', date),
                ], order=[('start_date', 'DESC')], limit=1)
        if not rules:
            kind_name = dict(cls.fields_get(['kind'])['kind']['selection'])[
                kind]
            raise ValidationError(gettext(
                    'sigo_insurance.msg_benefit_rule_missing',
                    kind=kind_name, date=date))
        return rules[0]

    def sickness_rate(self, contribution_years):
        "The rate of the highest band the contribution years reach"
        band = band_reached(self.bands, 'minimum_years', contribution_years)
        return band.rate if band else None


class BenefitRuleBand(ModelSQL, ModelView):
    "Sickness Benefit Rate by Contribution Years"
    __name__ = 'insurance.benefit.rule.band'
    __string__ = "Sickness Benefit Rate by Contribution Years"
    rule = fields.Many2One(
        'insurance.benefit.rule', "Rule", required=True, ondelete='CASCADE')
    minimum_years = fields.Integer(
        "From Years", required=True, domain=[('minimum_years', '>=', 0)],
        help="Whole years of contributions from which the rate applies.")
    rate = fields.Numeric(
        "Rate %", digits=RATE_DIGITS, required=True,
        domain=[('rate', '>=', 0), ('rate', '<=', 100)])
    unconfirmed = fields.Boolean("Unconfirmed")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('rule_years_unique', Unique(t, t.rule, t.minimum_years),
                'sigo_insurance.msg_benefit_band_unique'),
            ]
        cls.__access__.add('rule')
        cls._order = [('minimum_years', 'ASC'), ('id', 'ASC')]
