# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The monthly pension payroll: a line for every award payable in the month
that no payroll has paid yet (one INSERT ... SELECT for the half million
awards), arrears for awards paid the first time, corrections paying only the
differences, the posting to the pension fund, the bank transfer and a
transfer file per bank"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Literal, Null, Values
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp
from sql.operators import Exists, Greater

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.modules.sigo_insurance.declaration import AMOUNT
from trytond.modules.sigo_insurance.fund_books import (
    FundBooks, insert_rows, lock_numbering)
from trytond.modules.sigo_insurance.spreadsheet import bank_transfer_file
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction
from trytond.wizard import Button, StateView, Wizard

from .record import PENSION_FUND
from .rule import add_months

PENSIONS_PAYABLE = '2110'
# Expense account of each pension in the account_ipsas chart
PENSION_EXPENSE = {
    'old_age': '5110',
    'disability': '5120',
    'survivor': '5130',
    }
LINE_KINDS = [
    ('regular', "Month"),
    ('arrears', "Arrears"),
    ('correction', "Correction"),
    ]


def month_end(month):
    return add_months(month, 1) - dt.timedelta(days=1)


class Payroll(JurisdictionMixin, Workflow, ModelSQL, ModelView):
    "Pension Payroll"
    __name__ = 'pension.payroll'
    __string__ = "Pension Payroll"
    _states = {'readonly': Eval('state') != 'draft'}
    month = fields.Date("Month", required=True, states=_states)
    kind = fields.Selection([
            ('regular', "Monthly"),
            ('correction', "Correction"),
            ], "Run", required=True, states=_states,
        help="Monthly: the month for every award not paid for it yet, and "
        "arrears of new awards. Correction: only the differences between "
        "what is due and what was paid, up to the month.")
    date = fields.Date("Payment Date", required=True, states={
            'readonly': ~Eval('state').in_(['draft', 'computed']),
            })
    lines = fields.One2Many(
        'pension.payroll.line', 'payroll', "Lines", readonly=True)
    line_count = fields.Function(fields.Integer("Lines"), 'get_totals')
    total = fields.Function(
        fields.Numeric("Total", digits=AMOUNT), 'get_totals')
    move = fields.Many2One(
        'account.move', "Move", readonly=True, ondelete='RESTRICT')
    payment_move = fields.Many2One(
        'account.move', "Payment Move", readonly=True, ondelete='RESTRICT')
    computed_by = fields.Many2One('res.user', "Computed By", readonly=True)
    computed_at = fields.DateTime("Computed At", readonly=True)
    posted_by = fields.Many2One('res.user', "Posted By", readonly=True)
    posted_at = fields.DateTime("Posted At", readonly=True)
    paid_by = fields.Many2One('res.user', "Paid By", readonly=True)
    paid_at = fields.DateTime("Paid At", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('computed', "Computed"),
            ('posted', "Posted"),
            ('paid', "Paid"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.office.states = {'readonly': Eval('state') != 'draft'}
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'computed'),
            ('computed', 'computed'),
            ('computed', 'draft'),
            ('computed', 'posted'),
            ('posted', 'paid'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'compute': {
                    'invisible': ~Eval('state').in_(['draft', 'computed']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'computed',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'post': {
                    'invisible': Eval('state') != 'computed',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'posted',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'regular'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)

    def get_rec_name(self, name):
        kind = dict(self.fields_get(['kind'])['kind']['selection'])[self.kind]
        return f'{self.month:%Y-%m} {kind} {self.office.rec_name}'

    @classmethod
    def validate(cls, payrolls):
        super().validate(payrolls)
        for payroll in payrolls:
            if payroll.month.day != 1:
                raise ValidationError(gettext(
                        'sigo_pension.msg_payroll_month',
                        payroll=payroll.rec_name))

    @classmethod
    def check_modification(cls, mode, payrolls, values=None, external=False):
        super().check_modification(
            mode, payrolls, values=values, external=external)
        if mode == 'delete':
            for payroll in payrolls:
                if payroll.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'sigo_pension.msg_payroll_delete',
                            payroll=payroll.rec_name))

    @classmethod
    def get_totals(cls, payrolls, names):
        Line = Pool().get('pension.payroll.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {p.id: 0 for p in payrolls} for n in names}
        for sub_ids in grouped_slice(
                [p.id for p in payrolls], backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.select(line.payroll, Count(line.id),
                    Sum(line.amount),
                    where=reduce_ids(line.payroll, sub_ids),
                    group_by=[line.payroll]))
            for payroll, count, total in cursor:
                if 'line_count' in result:
                    result['line_count'][payroll] = count
                if 'total' in result:
                    result['total'][payroll] = Decimal(str(total or 0))
        return result

    def scope_offices(self):
        "The ids of the office and of every office it supervises"
        Office = Pool().get('sigo.office')
        return [o.id for o in Office.search([
                    ('parent', 'child_of', [self.office.id]),
                    ])]

    @classmethod
    @ModelView.button
    @Workflow.transition('computed')
    def compute(cls, payrolls):
        "Make the lines again from the awards as they are now"
        Line = Pool().get('pension.payroll.line')
        user = Transaction().user
        for payroll in payrolls:
            Line.delete_of(payroll)
            if payroll.kind == 'regular':
                payroll.insert_arrears()
                payroll.insert_month()
            else:
                payroll.insert_corrections()
        cls.write(payrolls, {
                'computed_by': user, 'computed_at': dt.datetime.now()})

    def _award_scope(self, award):
        "The condition on the award table for the awards of the payroll"
        return award.office.in_(self.scope_offices())

    def _paid(self, award, month=None):
        "A sub-query: the award has a line (for the month) in a payroll"
        pool = Pool()
        Line = pool.get('pension.payroll.line')
        line = Line.__table__()
        payroll = self.__table__()
        where = (line.award == award.id) & (payroll.state != 'cancelled')
        if month:
            where &= line.month == month
        return line.join(payroll, condition=line.payroll == payroll.id
            ).select(Literal(1), where=where)

    def _in_force(self, award, month, last_day):
        "The award started by the month's last day and had not ended before"
        return ((award.start_date <= last_day)
            & ((award.end_date == Null) | (award.end_date >= month)))

    def _amount_at(self, award, date):
        "A sub-query: the award's amount in force on date"
        Amount = Pool().get('pension.award.amount')
        amount = Amount.__table__()
        return amount.select(amount.amount,
            where=(amount.award == award.id)
            & (amount.effective_date <= date),
            order_by=[amount.effective_date.desc, amount.id.desc], limit=1)

    def _insert_lines(self, query):
        """Insert the lines query selects: payroll, award, month, kind,
        amount, bank account, user and time"""
        Line = Pool().get('pension.payroll.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*line.insert([
                    line.payroll, line.award, line.month, line.kind,
                    line.amount, line.bank_account, line.create_uid,
                    line.create_date], query))

    def insert_month(self):
        """One line per award payable in the month and not yet paid for it,
        at the amount in force at the month's end, in one statement"""
        Award = Pool().get('pension.award')
        award = Award.__table__()
        month, last_day = self.month, month_end(self.month)
        self._insert_lines(award.select(
                Literal(self.id), award.id, Literal(month),
                Literal('regular'), self._amount_at(award, last_day),
                award.bank_account, Literal(Transaction().user),
                CurrentTimestamp(),
                where=self._in_force(award, month, last_day)
                & (award.state != 'suspended')
                & self._award_scope(award)
                & ~Exists(self._paid(award, month))))

    def insert_arrears(self):
        """Awards never paid yet, even those suspended or ended since: a
        line for each month from their start to the month before this one
        in which they were payable and no suspension was in force at the
        month's end (the last suspended or resumed event tells), in one
        statement over a list of those months"""
        pool = Pool()
        Award = pool.get('pension.award')
        Event = pool.get('pension.award.event')
        award = Award.__table__()
        event = Event.__table__()
        unpaid = ((award.start_date < self.month) & self._award_scope(award)
            & ~Exists(self._paid(award)))
        cursor = Transaction().connection.cursor()
        cursor.execute(*award.select(Min(award.start_date), where=unpaid))
        first, = cursor.fetchone()
        if not first:
            return
        if isinstance(first, str):
            first = dt.date.fromisoformat(first)
        months = []
        month = first.replace(day=1)
        while month < self.month:
            months.append([month, month_end(month)])
            month = add_months(month, 1)
        months = Values(months)
        last_day = months.column2
        stop = event.select(event.kind,
            where=(event.award == award.id)
            & event.kind.in_(['suspended', 'resumed'])
            & (event.date <= last_day),
            order_by=[event.date.desc, event.id.desc], limit=1)
        self._insert_lines(award.join(months,
                condition=self._in_force(award, months.column1, last_day)
                ).select(
                Literal(self.id), award.id, months.column1,
                Literal('arrears'), self._amount_at(award, last_day),
                award.bank_account, Literal(Transaction().user),
                CurrentTimestamp(),
                where=unpaid & (Coalesce(stop, '') != 'suspended')))

    def insert_corrections(self):
        """For awards whose amount or end changed after they were paid: what
        is due less what was paid, for every month paid up to this one"""
        pool = Pool()
        Award = pool.get('pension.award')
        Amount = pool.get('pension.award.amount')
        Event = pool.get('pension.award.event')
        Line = pool.get('pension.payroll.line')
        award = Award.__table__()
        amount = Amount.__table__()
        event = Event.__table__()
        line = Line.__table__()
        first_paid = line.select(Min(line.create_date),
            where=line.award == award.id)
        changed = amount.select(Max(amount.create_date),
            where=amount.award == award.id)
        stopped = event.select(Max(event.create_date),
            where=(event.award == award.id)
            & (event.kind == 'terminated'))
        cursor = Transaction().connection.cursor()
        cursor.execute(*award.select(award.id,
                where=self._award_scope(award)
                & (Greater(changed, first_paid)
                    | Greater(stopped, first_paid))))
        award_ids = [i for i, in cursor]
        paid = defaultdict(Decimal)
        for sub_ids in grouped_slice(award_ids, backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.select(
                    line.award, line.month, Sum(line.amount),
                    where=reduce_ids(line.award, sub_ids)
                    & (line.month <= self.month),
                    group_by=[line.award, line.month]))
            for award_id, month, total in cursor:
                if isinstance(month, str):
                    month = dt.date.fromisoformat(month)
                paid[award_id, month] += Decimal(str(total))
        rows = []
        awards = {}
        for sub_ids in grouped_slice(award_ids, backend.MAX_QUERY_PARAMS):
            awards.update((a.id, a) for a in Award.browse(list(sub_ids)))
        for (award_id, month), total in sorted(paid.items()):
            award = awards[award_id]
            due = (award.amount_at(month_end(month))
                if award.payable_in(month) else Decimal(0))
            if due != total:
                rows.append([self.id, award_id, month, 'correction',
                        due - total, award.bank_account.id])
        self._insert(rows)

    def _insert(self, rows):
        Line = Pool().get('pension.payroll.line')
        insert_rows(Line, ['payroll', 'award', 'month', 'kind', 'amount',
                'bank_account'], rows)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, payrolls):
        Line = Pool().get('pension.payroll.line')
        for payroll in payrolls:
            Line.delete_of(payroll)
        cls.write(payrolls, {'computed_by': None, 'computed_at': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, payrolls):
        pass

    def totals_by(self):
        """{(pension kind, bank party id): total} of the lines, read in one
        query"""
        pool = Pool()
        Line = pool.get('pension.payroll.line')
        Award = pool.get('pension.award')
        Account = pool.get('bank.account')
        Bank = pool.get('bank')
        line = Line.__table__()
        award = Award.__table__()
        account = Account.__table__()
        bank = Bank.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*line
            .join(award, condition=line.award == award.id)
            .join(account, condition=line.bank_account == account.id)
            .join(bank, condition=account.bank == bank.id)
            .select(award.kind, bank.party, Sum(line.amount),
                where=line.payroll == self.id,
                group_by=[award.kind, bank.party]))
        return {(k, p): Decimal(str(t)) for k, p, t in cursor}

    @classmethod
    def _fund(cls):
        Fund = Pool().get('insurance.fund')
        fund, = Fund.search([('code', '=', PENSION_FUND)])
        return fund

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, payrolls):
        """Book the pensions payable to each bank against the expense of
        each pension"""
        pool = Pool()
        Move = pool.get('account.move')
        Party = pool.get('party.party')
        fund = cls._fund()
        books = FundBooks()
        # The numbering locks first: taken later, they restart the
        # transaction after the totals of half a million lines were read
        company = books.company(fund, payrolls[0]) if payrolls else None
        lock_numbering({books.period(company, p.date) for p in payrolls})
        moves = []
        posted = []
        for payroll in payrolls:
            totals = payroll.totals_by()
            if not totals:
                continue
            posted.append(payroll)
            expense, payable = defaultdict(Decimal), defaultdict(Decimal)
            for (kind, party), total in totals.items():
                expense[kind] += total
                payable[party] += total
            moves.append(books.move(fund, payroll, 'journal_expense',
                    payroll.date, payroll.rec_name,
                    [(PENSION_EXPENSE[k], t) for k, t in sorted(
                            expense.items())]
                    + [(PENSIONS_PAYABLE, -t, Party(p))
                        for p, t in sorted(payable.items())]))
        Move.save(moves)
        books.post(moves)
        for payroll, move in zip(posted, moves):
            payroll.move = move
        for payroll in payrolls:
            payroll.posted_by = Transaction().user
            payroll.posted_at = dt.datetime.now()
        cls.save(payrolls)

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    def pay(cls, payrolls):
        "The transfers to the banks settle the pensions payable"
        Move = Pool().get('account.move')
        fund = cls._fund()
        books = FundBooks()
        paid = [p for p in payrolls if p.move]
        moves = [books.transfer(fund, p, p.move, PENSIONS_PAYABLE, p.date,
                p.rec_name) for p in paid]
        Move.save(moves)
        books.post(moves)
        for payroll, move in zip(paid, moves):
            books.reconcile(PENSIONS_PAYABLE, [payroll.move, move])
            payroll.payment_move = move
        for payroll in payrolls:
            payroll.paid_by = Transaction().user
            payroll.paid_at = dt.datetime.now()
        cls.save(payrolls)


class PayrollLine(ModelSQL, ModelView):
    "Pension Payroll Line"
    __name__ = 'pension.payroll.line'
    __string__ = "Pension Payroll Line"
    payroll = fields.Many2One(
        'pension.payroll', "Payroll", required=True, ondelete='CASCADE',
        readonly=True)
    award = fields.Many2One(
        'pension.award', "Award", required=True, ondelete='RESTRICT',
        readonly=True)
    person = fields.Function(
        fields.Many2One('party.party', "Pensioner"), 'get_person',
        searcher='search_person')
    month = fields.Date("For Month", required=True, readonly=True)
    kind = fields.Selection(LINE_KINDS, "Kind", required=True, readonly=True)
    amount = fields.Numeric("Amount", digits=AMOUNT, required=True,
        readonly=True)
    bank_account = fields.Many2One(
        'bank.account', "Bank Account", required=True, ondelete='RESTRICT',
        readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.award, Index.Equality()),
                    (t.month, Index.Range())),
                Index(t, (t.payroll, Index.Equality())),
                })
        cls.__access__.add('payroll')
        cls._order = [('payroll', 'DESC'), ('id', 'ASC')]

    def get_person(self, name):
        return self.award.person.id

    @classmethod
    def search_person(cls, name, clause):
        return [('award.person' + clause[0][len(name):], *clause[1:])]

    @classmethod
    def delete_of(cls, payroll):
        "Delete the lines of a payroll being computed, in one statement"
        line = cls.__table__()
        Transaction().connection.cursor().execute(
            *line.delete(where=line.payroll == payroll.id))


class BankFileStart(ModelView):
    "Bank Transfer File"
    __name__ = 'pension.payroll.bank_file.start'
    __string__ = "Bank Transfer File"
    payroll = fields.Many2One('pension.payroll', "Payroll", readonly=True)
    bank = fields.Many2One('bank', "Bank", required=True)
    format = fields.Selection([
            ('csv', "CSV"),
            ('xlsx', "XLSX"),
            ], "Format", required=True)
    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)

    @classmethod
    def default_format(cls):
        return 'csv'

    @fields.depends('payroll', 'bank', 'format')
    def on_change_with_file(self):
        if self.payroll and self.bank and self.format:
            return transfer_file(self.payroll, self.bank, self.format)

    @fields.depends('payroll', 'bank', 'format')
    def on_change_with_filename(self):
        if self.payroll and self.bank and self.format:
            return (f'pensions-{self.payroll.month:%Y-%m}-'
                f'{self.bank.party.code or self.bank.id}.{self.format}')


class BankFile(Wizard):
    "Bank Transfer File"
    __name__ = 'pension.payroll.bank_file'
    start = StateView('pension.payroll.bank_file.start',
        'sigo_pension.payroll_bank_file_start_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        return {'payroll': self.record.id, 'format': 'csv'}


def transfer_lines(payroll, bank):
    """The payroll's transfers to the bank, one per pensioner's account, in
    register-number order: read in one query, as a bank's file holds a
    hundred thousand of them"""
    pool = Pool()
    Line = pool.get('pension.payroll.line')
    Award = pool.get('pension.award')
    Party = pool.get('party.party')
    Account = pool.get('bank.account')
    Number = pool.get('bank.account.number')
    line = Line.__table__()
    award = Award.__table__()
    party = Party.__table__()
    account = Account.__table__()
    number = Number.__table__()
    first_number = number.select(number.number,
        where=(number.account == account.id) & (number.active == Literal(True)),
        order_by=[number.sequence.asc.nulls_first, number.id.asc], limit=1)
    cursor = Transaction().connection.cursor()
    cursor.execute(*line
        .join(award, condition=line.award == award.id)
        .join(party, condition=award.person == party.id)
        .join(account, condition=line.bank_account == account.id)
        .select(party.register_number, party.name, first_number,
            Sum(line.amount),
            where=(line.payroll == payroll.id) & (account.bank == bank.id),
            group_by=[party.register_number, party.name, account.id],
            order_by=[party.register_number, account.id]))
    return [(r, n, a or '', Decimal(str(t))) for r, n, a, t in cursor]


def transfer_file(payroll, bank, format):
    "The file the bank imports: register number, name, account, amount"
    headings = [gettext('sigo_pension.msg_file_register_number'),
        gettext('sigo_pension.msg_file_name'),
        gettext('sigo_pension.msg_file_account'),
        gettext('sigo_pension.msg_file_amount')]
    return bank_transfer_file(headings, transfer_lines(payroll, bank),
        bank.rec_name, payroll.rec_name, format)
