# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""A person's pension contribution history: the months paid through the
declarations of this system, and the months of the paper insurance books and
legacy databases before it, which a pension reaches back 20 years and more"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from trytond.modules.sigo_insurance.declaration import AMOUNT

from .rule import WORK_CONDITIONS

PENSION_FUND = 'PEN'


class ContributionRecord(ModelSQL, ModelView):
    "Pension Contribution Record"
    __name__ = 'pension.contribution.record'
    __string__ = "Pension Contribution Record"
    person = fields.Many2One(
        'party.party', "Insured Person", required=True, ondelete='RESTRICT',
        domain=[('register_number', '!=', None)])
    month = fields.Date("Month", required=True)
    insurable_wage = fields.Numeric(
        "Insurable Wage", digits=AMOUNT, required=True,
        domain=[('insurable_wage', '>=', 0)])
    employer_name = fields.Char("Employer")
    condition = fields.Selection(
        WORK_CONDITIONS, "Work Condition", required=True,
        help="Months in conditions that give an early pension.")
    source = fields.Char(
        "Source", help="The insurance book or legacy database the month "
        "was taken from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('person_month_employer_unique',
                Unique(t, t.person, t.month, t.employer_name),
                'sigo_pension.msg_record_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.person, Index.Equality()), (t.month, Index.Range())))
        cls._order = [('month', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_condition(cls):
        return 'normal'

    @classmethod
    def validate(cls, records):
        super().validate(records)
        for record in records:
            if record.month.day != 1:
                raise ValidationError(gettext(
                        'sigo_pension.msg_record_month',
                        person=record.person.rec_name, month=record.month))


class ContributionHistory:
    """The months a person contributed to the pension fund before a month,
    with the insurable wage and the work condition of each"""

    def __init__(self, person, before):
        self.wages = defaultdict(Decimal)
        self.conditions = defaultdict(set)
        self._read(person, before)
        self.months = sorted(self.wages)

    @without_check_access
    def _read(self, person, before):
        pool = Pool()
        Coverage = pool.get('insurance.coverage')
        Record = pool.get('pension.contribution.record')
        for coverage in Coverage.search([
                    ('person', '=', person.id),
                    ('fund.code', '=', PENSION_FUND),
                    ('month', '<', before),
                    ]):
            self.wages[coverage.month] += Decimal(
                str(coverage.insurable_wage or 0))
            self.conditions[coverage.month].add('normal')
        # Read as rows: a working life is 300 and more of them, which the
        # records' instances made the slowest part of a worksheet
        record = Record.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*record.select(
                record.month, record.insurable_wage, record.condition,
                where=(record.person == person.id)
                & (record.month < before)))
        for month, wage, condition in cursor:
            if isinstance(month, str):
                month = dt.date.fromisoformat(month)
            self.wages[month] += Decimal(str(wage))
            self.conditions[month].add(condition)

    def __len__(self):
        return len(self.months)

    def in_condition(self, condition):
        return sum(1 for m in self.months if condition in self.conditions[m])

    def since(self, start):
        "Months contributed from start on"
        return sum(1 for m in self.months if m >= start)

    def continuous(self, until):
        "Months contributed without a gap up to the month before until"
        count, month = 0, until
        wages = self.wages
        while True:
            month = (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            if month not in wages:
                return count
            count += 1

    def best_window(self, length, lookback):
        """The consecutive contributed months, length of them within the
        last lookback, whose wages sum highest: (first, last, average)"""
        months = self.months[-lookback:]
        if not months:
            return None, None, Decimal(0)
        length = min(length, len(months))
        wages = [self.wages[m] for m in months]
        total = best = sum(wages[:length])
        start = 0
        for i in range(1, len(months) - length + 1):
            total += wages[i + length - 1] - wages[i - 1]
            # The most recent of equal windows
            if total >= best:
                best, start = total, i
        return months[start], months[start + length - 1], best / length
