# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""What must be settled before a period of an entity's books may close"""
from collections import defaultdict
from decimal import Decimal

from sql import Null
from sql.aggregate import Sum
from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow
from trytond.modules.account.exceptions import ClosePeriodError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# Names listed in full in a message before "and N more"
LISTED = 20


def listing(names):
    names = list(names)
    text = ', '.join(names[:LISTED])
    if len(names) > LISTED:
        text += ' ' + gettext('account_ipsas.msg_and_more',
            count=len(names) - LISTED)
    return text


def interfund_differences(companies, date):
    """The balance each pair of entities shows for what passed between them
    up to the date; the pair's two sides cancel when both recorded it"""
    pool = Pool()
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')
    Account = pool.get('account.account')
    Type = pool.get('account.account.type')
    move, line, account, type_ = (Move.__table__(), Line.__table__(),
        Account.__table__(), Type.__table__())
    cursor = Transaction().connection.cursor()
    cursor.execute(*line
        .join(move, condition=line.move == move.id)
        .join(account, condition=line.account == account.id)
        .join(type_, condition=account.type == type_.id)
        .select(move.company, move.consolidation_company,
            Sum(Coalesce(line.debit, 0) - Coalesce(line.credit, 0)),
            where=(move.state == 'posted')
            & (move.date <= date)
            & (move.consolidation_company != Null)
            & move.company.in_(companies)
            & move.consolidation_company.in_(companies)
            & (type_.statement == 'balance'),
            group_by=[move.company, move.consolidation_company]))
    sides = defaultdict(Decimal)
    for company, other, amount in cursor:
        sides[company, other] = Decimal(amount or 0)
    differences = {}
    for company, other in list(sides):
        difference = sides[company, other] + sides.get(
            (other, company), Decimal(0))
        if difference and (other, company) not in differences:
            differences[company, other] = difference
    return differences


class Period(metaclass=PoolMeta):
    __name__ = 'account.period'

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, periods):
        cls.check_close(periods)
        super().close(periods)

    @classmethod
    def check_close(cls, periods):
        """Refuse to close with every reason listed: unposted moves,
        inter-fund balances that do not match, bank statements not posted"""
        pool = Pool()
        Move = pool.get('account.move')
        StatementLine = pool.get('account.statement.line')
        Entity = pool.get('account.ipsas.entity')
        Company = pool.get('company.company')
        books = [e.company.id for e in Entity.search([
                    ('company', '!=', None)])]
        # Periods of several entities often end on the same day
        differences = {}
        for period in periods:
            reasons = []
            moves = Move.search([
                    ('period', '=', period.id),
                    ('state', '!=', 'posted'),
                    ], order=[('date', 'ASC'), ('id', 'ASC')])
            if moves:
                reasons.append(gettext('account_ipsas.msg_close_unposted',
                        moves=listing(m.rec_name for m in moves)))
            if period.company.id in books:
                if period.end_date not in differences:
                    differences[period.end_date] = interfund_differences(
                        books, period.end_date)
                for (company, other), amount in differences[
                        period.end_date].items():
                    if period.company.id not in {company, other}:
                        continue
                    other = other if company == period.company.id else company
                    reasons.append(gettext(
                            'account_ipsas.msg_close_interfund',
                            other=Company(other).rec_name,
                            amount=abs(amount)))
            lines = StatementLine.search([
                    ('statement.company', '=', period.company.id),
                    ('statement.state', 'in', ['draft', 'validated']),
                    ('date', '>=', period.start_date),
                    ('date', '<=', period.end_date),
                    ], order=[('date', 'ASC'), ('id', 'ASC')])
            if lines:
                reasons.append(gettext('account_ipsas.msg_close_bank_lines',
                        lines=listing(
                            f'{l.statement.rec_name} {l.date} {l.amount}'
                            for l in lines)))
            if reasons:
                raise ClosePeriodError(gettext(
                        'account_ipsas.msg_close_period_refused',
                        period=period.rec_name,
                        reasons='\n'.join(f'• {r}' for r in reasons)))
