# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""With sigo_insurance: a person whose health insurance contributions were
declared and paid for the month of the service, or for the month before
(a month's contributions are paid during the next), is insured"""
import datetime as dt

from sql.operators import In

from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

HEALTH_FUND = 'HLT'


def previous_month(month):
    return (month - dt.timedelta(days=1)).replace(day=1)


class Eligibility(metaclass=PoolMeta):
    __name__ = 'claim.eligibility'

    @classmethod
    def insured(cls, pairs):
        pool = Pool()
        Coverage = pool.get('insurance.coverage')
        Fund = pool.get('insurance.fund')
        Party = pool.get('party.party')
        insured = super().insured(pairs)
        rest = [(n, d) for n, d in pairs if (n, d) not in insured]
        if not rest:
            return insured
        coverage = Coverage.__table__()
        fund = Fund.__table__()
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        months = set()
        for sub in grouped_slice(sorted({n for n, _ in rest}), 1000):
            cursor.execute(*coverage
                .join(party, condition=coverage.person == party.id)
                .join(fund, condition=coverage.fund == fund.id)
                .select(party.register_number, coverage.month,
                    where=In(party.register_number, list(sub))
                    & (fund.code == HEALTH_FUND),
                    group_by=[party.register_number, coverage.month]))
            months.update(cursor)
        for number, date in rest:
            month = date.replace(day=1)
            if ((number, month) in months
                    or (number, previous_month(month)) in months):
                insured.add((number, date))
        return insured
