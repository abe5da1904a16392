# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Effective-dated contribution rates and wage limits: the law changes them,
the data records them, and every month uses the records in force on its
first day"""
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool

RATE_DIGITS = (6, 3)
TUGRIK = Decimal(1)


def whole_tugriks(amount):
    "Contributions are charged in whole tugriks"
    return amount.quantize(TUGRIK, rounding=ROUND_HALF_UP)


def band_reached(bands, threshold, value):
    """The band of the highest threshold (a field's name) that value
    reaches, or None"""
    reached = None
    for band in sorted(bands, key=attrgetter(threshold)):
        if value >= getattr(band, threshold):
            reached = band
    return reached


class ContributionRate(ModelSQL, ModelView):
    "Contribution Rate"
    __name__ = 'insurance.rate'
    __string__ = "Contribution Rate"
    _history = True
    _in_month_cache = Cache('insurance.rate.in_month', context=False)
    fund = fields.Many2One(
        'insurance.fund', "Fund", required=True, ondelete='RESTRICT')
    insured_type = fields.Many2One(
        'insurance.insured_type', "Insured Type", required=True,
        ondelete='RESTRICT')
    risk_class = fields.Many2One(
        'insurance.risk_class', "Risk Class", ondelete='RESTRICT',
        help="Only for employers of this industrial-accident risk class; "
        "leave empty for all.")
    start_date = fields.Date(
        "Start Date", required=True,
        help="The first month the rate applies to.")
    employee_rate = fields.Numeric(
        "Employee %", digits=RATE_DIGITS, required=True,
        domain=[('employee_rate', '>=', 0), ('employee_rate', '<=', 100)])
    employer_rate = fields.Numeric(
        "Employer %", digits=RATE_DIGITS, required=True,
        domain=[('employer_rate', '>=', 0), ('employer_rate', '<=', 100)])
    legal_basis = fields.Char(
        "Legal Basis", help="The law or resolution that set the rate.")
    unconfirmed = fields.Boolean(
        "Unconfirmed",
        help="The law has not confirmed the rate or its split among the "
        "funds: a placeholder to check and correct.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('rate_unique', Unique(
                    t, t.fund, t.insured_type, t.risk_class, t.start_date),
                'sigo_insurance.msg_rate_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.insured_type, Index.Equality()),
                (t.start_date, Index.Range())))
        cls._order = [('start_date', 'DESC'), ('fund', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_employee_rate(cls):
        return Decimal(0)

    @classmethod
    def default_employer_rate(cls):
        return Decimal(0)

    @classmethod
    def on_modification(cls, mode, rates, field_names=None):
        super().on_modification(mode, rates, field_names=field_names)
        cls._in_month_cache.clear()

    @classmethod
    def in_month(cls, month, risk_class):
        """The rates in force for the month for an employer of the risk
        class, by insured type id: [(fund id, employee %, employer %)] in
        the funds' order, a risk class's own rate before the general one;
        cached, as every declaration of the month asks the same"""
        Fund = Pool().get('insurance.fund')
        key = (month, risk_class.id if risk_class else None)
        rates = cls._in_month_cache.get(key)
        if rates is not None:
            return rates
        latest = {}
        for rate in cls.search([
                    ('start_date', '<=', month),
                    ['OR',
                        ('risk_class', '=', None),
                        ('risk_class', '=', key[1]),
                        ],
                    ], order=[('start_date', 'ASC')]):
            latest[rate.fund.id, rate.insured_type.id,
                bool(rate.risk_class)] = rate
        funds = Fund.search([])
        rates = {insured_type: [
                (f.id, r.employee_rate, r.employer_rate) for f in funds
                for r in [latest.get((f.id, insured_type, True))
                    or latest.get((f.id, insured_type, False))] if r]
            for insured_type in {t for _, t, _ in latest}}
        cls._in_month_cache.set(key, rates)
        return rates


class WageLimit(ModelSQL, ModelView):
    "The minimum wage and the ceiling of the insurable wage"
    __name__ = 'insurance.wage_limit'
    __string__ = "Insurable Wage Limits"
    _history = True
    start_date = fields.Date("Start Date", required=True)
    minimum_wage = fields.Numeric(
        "Minimum Wage", digits=(16, 2), required=True,
        domain=[('minimum_wage', '>', 0)],
        help="The insurable wage is at least the minimum wage.")
    ceiling_factor = fields.Numeric(
        "Ceiling (× Minimum Wage)", digits=(6, 2), required=True,
        domain=[('ceiling_factor', '>=', 1)],
        help="The insurable wage is at most this many minimum wages.")
    ceiling = fields.Function(
        fields.Numeric("Ceiling", digits=(16, 2)), 'on_change_with_ceiling')
    legal_basis = fields.Char("Legal Basis")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('start_date_unique', Unique(t, t.start_date),
                'sigo_insurance.msg_wage_limit_unique'),
            ]
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_ceiling_factor(cls):
        return Decimal(10)

    @fields.depends('minimum_wage', 'ceiling_factor')
    def on_change_with_ceiling(self, name=None):
        if self.minimum_wage is not None and self.ceiling_factor is not None:
            return self.minimum_wage * self.ceiling_factor

    @classmethod
    def get(cls, month):
        limits = cls.search(
            [('start_date', '<=', month)],
            order=[('start_date', 'DESC')], limit=1)
        if not limits:
            raise ValidationError(gettext(
                    'sigo_insurance.msg_no_wage_limit', month=month))
        return limits[0]

    def insurable(self, wage):
        "The wage within the floor and the ceiling"
        return min(max(wage, self.minimum_wage), self.ceiling)
