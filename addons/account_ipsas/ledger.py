# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The posted ledger of one or more entities, summed once per account for
the current and the comparative period: every statement is drawn from these
sums, so the statements agree with each other by construction."""
from collections import defaultdict
from decimal import Decimal

from sql import Literal
from sql.aggregate import Sum
from sql.conditionals import Case, Coalesce

from trytond import backend
from trytond.pool import Pool
from trytond.tools import sqlite_apply_types
from trytond.transaction import Transaction

# Sums kept per account: before and within each period
WINDOWS = ('cmp_opening', 'cmp_period', 'opening', 'period')
# Journals whose moves are cash received or paid: cash, and bank statements
CASH_JOURNALS = ['cash', 'statement']


class Ledger:
    """Posted debit minus credit per account, split by whether the move is
    eliminated in consolidation (its consolidation company is one of the
    entities), whether it is a cash journal's move, and whether it closes a
    fiscal year"""

    def __init__(self, companies, from_date, to_date, cmp_from_date,
            cmp_to_date, consolidated=False):
        self.companies = list(companies)
        self.dates = {
            'from': from_date, 'to': to_date,
            'cmp_from': cmp_from_date, 'cmp_to': cmp_to_date}
        self.consolidated = consolidated
        # (account, eliminated, cash_journal, closing) -> window -> amount
        self.sums = defaultdict(lambda: dict.fromkeys(WINDOWS, Decimal(0)))
        self._read()

    def _read(self):
        pool = Pool()
        Move = pool.get('account.move')
        Line = pool.get('account.move.line')
        Journal = pool.get('account.journal')
        FiscalYear = pool.get('account.fiscalyear')
        cursor = Transaction().connection.cursor()
        move, line, journal = (
            Move.__table__(), Line.__table__(), Journal.__table__())
        dates = self.dates
        if self.consolidated:
            eliminated = Coalesce(move.consolidation_company, -1).in_(
                self.companies)
        else:
            eliminated = Literal(False)
        closing = Coalesce(
            move.origin.like(FiscalYear.__name__ + ',%'), Literal(False))
        # The lines are first summed per account, day and flags (a few
        # thousand rows for a million lines) and the periods' windows taken
        # from those; the flags are named in the subquery so that grouping
        # refers to them by name, not by a repeated parameterised expression
        flagged = (line
            .join(move, condition=line.move == move.id)
            .join(journal, condition=move.journal == journal.id)
            .select(
                line.account.as_('account'),
                eliminated.as_('eliminated'),
                journal.type.in_(CASH_JOURNALS).as_('cash_journal'),
                closing.as_('closing'),
                move.date.as_('date'),
                (Coalesce(line.debit, 0) - Coalesce(line.credit, 0)).as_(
                    'amount'),
                where=move.company.in_(self.companies)
                & (move.state == 'posted')
                & (move.date <= max(dates['to'], dates['cmp_to']))))
        days = [flagged.account, flagged.eliminated, flagged.cash_journal,
            flagged.closing, flagged.date]
        posted = flagged.select(
            *[d.as_(d.name) for d in days],
            Sum(flagged.amount).as_('amount'),
            group_by=days)

        def window(condition):
            return Sum(Case((condition, posted.amount), else_=0))

        columns = [
            window(posted.date < dates['cmp_from']),
            window((posted.date >= dates['cmp_from'])
                & (posted.date <= dates['cmp_to'])),
            window(posted.date < dates['from']),
            window((posted.date >= dates['from'])
                & (posted.date <= dates['to'])),
            ]
        keys = [posted.account, posted.eliminated, posted.cash_journal,
            posted.closing]
        query = posted.select(
            *[k.as_(k.name) for k in keys],
            *[c.as_(w) for c, w in zip(columns, WINDOWS)],
            group_by=keys)
        if backend.name == 'sqlite':
            sqlite_apply_types(
                query, [None, 'BOOLEAN', 'BOOLEAN', 'BOOLEAN']
                + ['NUMERIC'] * len(WINDOWS))
        cursor.execute(*query)
        for account, eliminated, cash_journal, closing, *sums in cursor:
            key = (account, bool(eliminated), bool(cash_journal),
                bool(closing))
            self.sums[key] = {
                w: Decimal(s or 0) for w, s in zip(WINDOWS, sums)}

    def total(self, accounts, windows, eliminated=None, cash_journal=None,
            closing=None):
        """Debit minus credit over the accounts in the windows; a filter
        left at None takes both values"""
        accounts = set(accounts)
        result = Decimal(0)
        for (account, is_eliminated, is_cash, is_closing), sums in (
                self.sums.items()):
            if account not in accounts:
                continue
            if eliminated is not None and is_eliminated != eliminated:
                continue
            if cash_journal is not None and is_cash != cash_journal:
                continue
            if closing is not None and is_closing != closing:
                continue
            result += sum(sums[w] for w in windows)
        return result
