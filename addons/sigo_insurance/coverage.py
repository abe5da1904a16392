# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The insured person's coverage: a month counts for a fund when the latest
confirmed declaration of the month declares the person and the employer has
paid that fund for the month"""
from sql import Cast, Null

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool

from .declaration import AMOUNT


class CoverageMonth(ModelSQL, ModelView):
    "Coverage Month"
    __name__ = 'insurance.coverage'
    __string__ = "Coverage Month"
    person = fields.Many2One('party.party', "Insured Person")
    month = fields.Date("Month")
    fund = fields.Many2One('insurance.fund', "Fund")
    employer = fields.Many2One(
        'insurance.employer', "Employer", required=True)
    insurable_wage = fields.Numeric("Insurable Wage", digits=AMOUNT)
    contribution = fields.Numeric(
        "Contribution", digits=AMOUNT,
        help="Employee and employer contributions to the fund.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('employer')
        cls._order = [('month', 'DESC'), ('fund', 'ASC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Line = pool.get('insurance.declaration.line')
        Contribution = pool.get('insurance.contribution')
        Receivable = pool.get('insurance.receivable')
        declaration = Declaration.__table__()
        correction = Declaration.__table__()
        line = Line.__table__()
        contribution = Contribution.__table__()
        receivable = Receivable.__table__()
        return (contribution
            .join(line, condition=contribution.line == line.id)
            .join(declaration, condition=line.declaration == declaration.id)
            # A confirmed correction replaces the version it corrects
            .join(correction, 'LEFT', condition=(
                    correction.corrects == declaration.id)
                & (correction.state == 'confirmed'))
            .join(receivable, condition=(
                    receivable.employer == declaration.employer)
                & (receivable.month == declaration.period)
                & (receivable.fund == contribution.fund))
            .select(
                contribution.id.as_('id'),
                line.person.as_('person'),
                declaration.period.as_('month'),
                contribution.fund.as_('fund'),
                declaration.employer.as_('employer'),
                line.insurable_wage.as_('insurable_wage'),
                (contribution.employee_amount
                    + contribution.employer_amount).as_('contribution'),
                where=(declaration.state == 'confirmed')
                & (correction.id == Null)
                # As a number on SQLite too, where it is stored as text
                & (Cast(receivable.outstanding, 'NUMERIC') <= 0)))

    @classmethod
    def count(cls, person, fund, until=None):
        "The months of coverage of the person in the fund, up to a date"
        domain = [('person', '=', person.id), ('fund', '=', fund.id)]
        if until:
            domain.append(('month', '<=', until))
        return len({c.month for c in cls.search(domain)})
