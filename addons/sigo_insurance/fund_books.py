# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The funds' books as the insurance postings use them: each fund's company,
accounts and open periods looked up once, moves built, and posted through
account.move or, for the bulk of the declarations, written at once"""
from collections import defaultdict
from itertools import groupby

from sql import Column, Null, Select
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

CASH_AT_BANK = '1110'


def lock_numbering(periods):
    """Take the lock of every period's move numbering at once: a transaction
    started without a lock it needs is restarted to take it, once per lock
    asked for one by one"""
    sequences = defaultdict(set)
    for period in periods:
        sequence = period.move_sequence_used
        sequences[sequence.__class__].add(sequence)
    for Sequence, records in sequences.items():
        Sequence.lock(list(records))


def insert_rows(Model, names, rows):
    """Insert the rows (values in the order of names) into the model's table
    and return their ids in order: on PostgreSQL with COPY, as parsing an
    INSERT of thousands of values cost more than storing them; elsewhere
    in as few statements as the backend allows, as ModelSQL.create does"""
    transaction = Transaction()
    database = transaction.database
    connection = transaction.connection
    cursor = connection.cursor()
    table = Model.__table__()
    rows = list(rows)
    if not rows:
        return []
    if backend.name == 'postgresql':
        ids = database.nextid(connection, Model._table, count=len(rows))
        ids = ids if isinstance(ids, list) else [ids]
        cursor.execute(*Select([CurrentTimestamp()]))
        now, = cursor.fetchone()
        columns = ', '.join(f'"{n}"' for n in
            ['id', *names, 'create_uid', 'create_date'])
        with cursor.copy(
                f'COPY "{Model._table}" ({columns}) FROM STDIN') as copy:
            for id_, row in zip(ids, rows):
                copy.write_row([id_, *row, transaction.user, now])
        return ids
    columns = [Column(table, n) for n in names] + [
        table.create_uid, table.create_date]
    extra = [transaction.user, CurrentTimestamp()]
    ids = []
    for chunk in grouped_slice(rows, 500):
        chunk = list(chunk)
        if len(chunk) > 1 and database.has_multirow_insert():
            new_ids = database.nextid(
                connection, Model._table, count=len(chunk))
            if new_ids is not None:
                cursor.execute(*table.insert(columns + [table.id], [
                            row + extra + [id_]
                            for row, id_ in zip(chunk, new_ids)]))
                ids.extend(new_ids)
                continue
        for row in chunk:
            if database.has_returning():
                cursor.execute(*table.insert(
                        columns, [row + extra], [table.id]))
                ids.append(cursor.fetchone()[0])
            else:
                cursor.execute(*table.insert(columns, [row + extra]))
                ids.append(database.lastid(cursor))
    return ids


class FundBooks:
    "The funds' books a posting needs, each looked up once"

    def __init__(self):
        self.accounts, self.periods, self.today = {}, {}, {}
        self.companies = {}
        self.journal_periods = set()
        self.funds = Pool().get('insurance.fund').search([])

    def company(self, fund, origin):
        if fund.id not in self.companies:
            if not fund.entity or not fund.entity.company:
                raise UserError(gettext(
                        'sigo_insurance.msg_fund_books_not_open',
                        fund=fund.rec_name, origin=origin.rec_name))
            self.companies[fund.id] = fund.entity.company
        return self.companies[fund.id]

    def account(self, company, code):
        """The company's account of the code; each company's chart read at
        once, with one plain query (a search per declaration cost more
        than its posting)"""
        Account = Pool().get('account.account')
        if company not in self.accounts:
            account = Account.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*account.select(account.code, account.id,
                    where=(account.company == company.id)
                    & (account.code != Null)))
            self.accounts[company] = {c: Account(i) for c, i in cursor}
        return self.accounts[company][code]

    def period(self, company, date):
        "The open period at date; Tryton's error names it otherwise"
        Period = Pool().get('account.period')
        if (company, date) not in self.periods:
            with Transaction().set_context(company=company.id):
                self.periods[company, date] = Period.find(company, date=date)
        return self.periods[company, date]

    def move(self, fund, origin, journal, date, description, lines):
        """A move of origin in the fund's books; lines are (account code,
        amount, party, description) with a positive amount on the debit and
        the last two optional; zero lines are left out"""
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Journal = pool.get('account.journal')
        ModelData = pool.get('ir.model.data')
        company = self.company(fund, origin)
        return Move(
            company=company, period=self.period(company, date), date=date,
            origin=origin, description=description,
            journal=Journal(ModelData.get_id('account', journal)),
            lines=[MoveLine(
                    account=self.account(company, code),
                    party=party[0] if party else None,
                    description=party[1] if len(party) > 1 else None,
                    debit=max(amount, 0), credit=max(-amount, 0))
                for code, amount, *party in lines if amount])

    def transfer(self, fund, origin, move, payable, date, description):
        """The bank transfer paying what the move owes on the payable account
        (its code), a line to each party owed"""
        owed = [l for l in move.lines if l.account.code == payable]
        return self.move(fund, origin, 'journal_cash', date, description,
            [(payable, l.credit - l.debit, l.party) for l in owed]
            + [(CASH_AT_BANK, -sum(l.credit - l.debit for l in owed))])

    @staticmethod
    def reconcile(payable, moves):
        """Reconcile the lines the moves book on the payable account (its
        code), party by party"""
        MoveLine = Pool().get('account.move.line')
        by_party = defaultdict(list)
        for move in moves:
            for line in move.lines:
                if line.account.code == payable:
                    by_party[line.party].append(line)
        for lines in by_party.values():
            MoveLine.reconcile(lines)

    @staticmethod
    def post(moves):
        "Post saved moves; account.move.post takes one company's per call"
        Move = Pool().get('account.move')
        lock_numbering({m.period for m in moves})
        for _, company_moves in groupby(
                sorted(moves, key=lambda m: m.company.id),
                key=lambda m: m.company.id):
            Move.post(list(company_moves))

    def post_at_once(self, entries):
        """Write posted moves straight into the tables, as account.move's
        create and post leave them (numbered, posted today, lines valid),
        for the thousands of moves of a month's declarations, where the
        ORM's per-move validation cost most of the time. An entry is (fund,
        origin, journal XML id, date, description, lines) with lines
        (account code, amount, party, maturity date), balanced by the
        caller; zero lines are left out"""
        pool = Pool()
        Move = pool.get('account.move')
        Line = pool.get('account.move.line')
        Journal = pool.get('account.journal')
        ModelData = pool.get('ir.model.data')
        Date = pool.get('ir.date')
        moves = []
        for fund, origin, journal, date, description, lines in entries:
            company = self.company(fund, origin)
            moves.append((company, self.period(company, date),
                    Journal(ModelData.get_id('account', journal)), date,
                    description, str(origin), [
                        (self.account(company, code).id, amount,
                            party.id if party else None, maturity)
                        for code, amount, party, maturity in lines
                        if amount]))
        # What a line's creation checks and creates: the journal open in the
        # period
        for period, journal in {(m[1], m[2]) for m in moves}:
            if (period, journal) not in self.journal_periods:
                Line.check_journal_period_modify(period, journal)
                self.journal_periods.add((period, journal))
        lock_numbering({m[1] for m in moves})
        numbers = {}
        by_sequence = defaultdict(list)
        for index, move in enumerate(moves):
            by_sequence[move[1].move_sequence_used].append(index)
        for sequence, indexes in by_sequence.items():
            numbers.update(zip(indexes, sequence.get_many(len(indexes))))
        for company in {m[0] for m in moves} - set(self.today):
            with Transaction().set_context(company=company.id):
                self.today[company] = Date.today()
        move_ids = insert_rows(Move, [
                'company', 'period', 'journal', 'date', 'post_date',
                'description', 'origin', 'state', 'number'], [
                [company.id, period.id, journal.id, date, self.today[company],
                    description, origin, 'posted', numbers[index]]
                for index, (company, period, journal, date, description,
                    origin, _) in enumerate(moves)])
        insert_rows(Line, [
                'move', 'account', 'party', 'debit', 'credit',
                'maturity_date', 'state'], [
                [move_id, account, party, max(amount, 0), max(-amount, 0),
                    maturity, 'valid']
                for move_id, move in zip(move_ids, moves)
                for account, amount, party, maturity in move[6]])
        return Move.browse(move_ids)

    def check(self, origin, date):
        "Every fund's books are open at the date"
        for fund in self.funds:
            self.period(self.company(fund, origin), date)
