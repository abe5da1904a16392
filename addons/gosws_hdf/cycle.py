# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Payment cycles: the entitlements of a programme's beneficiaries for a
month, each register number paid once; approved by a second user (maker
and checker), posted to GOSWS/HDF's books, paid through a file per bank"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.modules.sigo_insurance.spreadsheet import bank_transfer_file
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateView, Wizard

from .programme import AMOUNT

HDF_ENTITY = 'HDF'
# Accounts of the IPSAS chart in GOSWS/HDF's books
BENEFITS_PAYABLE = '2110'
CASH_AT_BANK = '1110'
STATES = [
    ('draft', "Draft"),
    ('computed', "Computed"),
    ('approved', "Approved"),
    ('paid', "Paid"),
    ('cancelled', "Cancelled"),
    ]


def month_end(month):
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(
        day=1) - dt.timedelta(days=1)


class PaymentCycle(JurisdictionMixin, Workflow, ModelSQL, ModelView):
    "Payment Cycle"
    __name__ = 'hdf.payment.cycle'
    __string__ = "Payment Cycle"
    _states = {'readonly': Eval('state') != 'draft'}
    programme = fields.Many2One('hdf.programme', "Programme", required=True,
        ondelete='RESTRICT', states=_states)
    month = fields.Date("Month", required=True, states=_states,
        help="The first day of the month paid.")
    date = fields.Date("Payment Date", required=True, states={
            'readonly': ~Eval('state').in_(['draft', 'computed']),
            })
    lines = fields.One2Many(
        'hdf.payment.cycle.line', 'cycle', "Entitlements", readonly=True)
    skipped = fields.One2Many(
        'hdf.payment.cycle.skip', 'cycle', "Not Paid", readonly=True,
        help="The enrolments the cycle does not pay, with the reason.")
    events = fields.One2Many(
        'hdf.payment.cycle.event', 'cycle', "History", readonly=True)
    line_count = fields.Function(
        fields.Integer("Beneficiaries"), 'get_totals')
    total = fields.Function(
        fields.Numeric("Total", digits=AMOUNT), 'get_totals')
    move = fields.Many2One('account.move', "Move", readonly=True,
        ondelete='RESTRICT')
    payment_move = fields.Many2One('account.move', "Payment Move",
        readonly=True, ondelete='RESTRICT')
    computed_by = fields.Many2One('res.user', "Computed By", readonly=True)
    computed_at = fields.DateTime("Computed At", readonly=True)
    approved_by = fields.Many2One('res.user', "Approved By", readonly=True)
    approved_at = fields.DateTime("Approved At", readonly=True)
    paid_by = fields.Many2One('res.user', "Paid By", readonly=True)
    paid_at = fields.DateTime("Paid At", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.office.states = {'readonly': Eval('state') != 'draft'}
        cls.office.help = ("The office whose enrolments, and those of the "
            "offices it supervises, the cycle pays.")
        cls._order = [('month', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'computed'),
            ('computed', 'computed'),
            ('computed', 'draft'),
            ('computed', 'approved'),
            ('approved', 'paid'),
            ('draft', 'cancelled'),
            ('computed', 'cancelled'),
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
                'approve': {
                    'invisible': Eval('state') != 'computed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'computed']),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return f'{self.programme.code} {self.month:%Y-%m} {self.office.code}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('programme.rec_name', *clause[1:]),
            ('office.rec_name', *clause[1:]),
            ]

    @classmethod
    def validate(cls, cycles):
        super().validate(cycles)
        for cycle in cycles:
            if cycle.month.day != 1:
                raise ValidationError(gettext(
                        'gosws_hdf.msg_cycle_month', cycle=cycle.rec_name))

    @classmethod
    def validate_fields(cls, cycles, field_names):
        super().validate_fields(cycles, field_names)
        cls.check_payment_month(cycles, field_names)

    @classmethod
    def check_payment_month(cls, cycles, field_names=None):
        """A quarterly or yearly programme is paid only in its payment
        months; checked on the programme and month set, and again when the
        cycle is computed and approved, as the programme may have changed"""
        if field_names and not (field_names & {'programme', 'month'}):
            return
        for cycle in cycles:
            programme = cycle.programme
            if cycle.month.month not in programme.months_paid():
                raise ValidationError(gettext(
                        'gosws_hdf.msg_cycle_not_payment_month',
                        programme=programme.rec_name,
                        months=programme.payment_months,
                        month=f'{cycle.month:%Y-%m}'))

    @classmethod
    def check_modification(cls, mode, cycles, values=None, external=False):
        super().check_modification(
            mode, cycles, values=values, external=external)
        if mode == 'delete':
            for cycle in cycles:
                if cycle.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'gosws_hdf.msg_cycle_delete',
                            cycle=cycle.rec_name))

    @classmethod
    def get_totals(cls, cycles, names):
        result = {n: {} for n in names}
        for cycle in cycles:
            if 'line_count' in names:
                result['line_count'][cycle.id] = len(cycle.lines)
            if 'total' in names:
                result['total'][cycle.id] = sum(
                    (l.amount for l in cycle.lines), Decimal(0))
        return result

    def scope_offices(self):
        "The office and every office it supervises"
        Office = Pool().get('sigo.office')
        return Office.search([('parent', 'child_of', [self.office.id])])

    @classmethod
    def record_event(cls, cycles, action):
        Event = Pool().get('hdf.payment.cycle.event')
        Event.save([Event(cycle=c, action=action,
                    user=Transaction().user, date=dt.datetime.now())
                for c in cycles])

    def paid_elsewhere(self):
        """{register number: line} of the other cycles, at any office, that
        pay the programme for the month"""
        Line = Pool().get('hdf.payment.cycle.line')
        with Transaction().set_context(_check_access=False):
            lines = Line.search([
                    ('cycle', '!=', self.id),
                    ('cycle.programme', '=', self.programme.id),
                    ('cycle.month', '=', self.month),
                    ('cycle.state', '!=', 'cancelled'),
                    ])
            return {l.register_number: l for l in lines}

    def entitlements(self):
        """The lines and the skipped enrolments: each eligible register
        number once, at the amount in force at the month's end"""
        pool = Pool()
        Beneficiary = pool.get('hdf.beneficiary')
        Line = pool.get('hdf.payment.cycle.line')
        Skip = pool.get('hdf.payment.cycle.skip')
        last_day = month_end(self.month)
        amount = self.programme.amount_at(last_day)
        if amount is None:
            raise UserError(gettext('gosws_hdf.msg_cycle_no_amount',
                    cycle=self.rec_name, programme=self.programme.rec_name,
                    date=last_day))
        enrolments = Beneficiary.search([
                ('programme', '=', self.programme.id),
                ('office', 'in', [o.id for o in self.scope_offices()]),
                ('start_date', '<=', last_day),
                ['OR', ('end_date', '=', None),
                    ('end_date', '>=', self.month)],
                ], order=[('start_date', 'ASC'), ('id', 'ASC')])
        elsewhere = self.paid_elsewhere()
        paid = {}
        lines, skipped = [], []
        for enrolment in enrolments:
            number = enrolment.party.register_number
            reasons = enrolment.ineligibility(self.month)
            if reasons:
                skipped.append(Skip(cycle=self, beneficiary=enrolment,
                        reason='ineligible', detail='\n'.join(reasons)))
            elif number in elsewhere:
                other = elsewhere[number]
                skipped.append(Skip(cycle=self, beneficiary=enrolment,
                        reason='duplicate', detail=gettext(
                            'gosws_hdf.msg_skip_other_cycle',
                            number=number, cycle=other.cycle.rec_name,
                            office=other.office.rec_name)))
            elif number in paid:
                skipped.append(Skip(cycle=self, beneficiary=enrolment,
                        reason='duplicate', detail=gettext(
                            'gosws_hdf.msg_skip_enrolled_twice',
                            number=number,
                            office=paid[number].office.rec_name)))
            elif not (enrolment.bank_account
                    and enrolment.bank_account.bank):
                skipped.append(Skip(cycle=self, beneficiary=enrolment,
                        reason='no_bank_account', detail=gettext(
                            'gosws_hdf.msg_skip_no_bank_account')))
            else:
                paid[number] = enrolment
                lines.append(Line(cycle=self, beneficiary=enrolment,
                        party=enrolment.party, register_number=number,
                        office=enrolment.office, amount=amount,
                        bank_account=enrolment.bank_account))
        return lines, skipped

    @classmethod
    def _clear(cls, cycles):
        pool = Pool()
        Line = pool.get('hdf.payment.cycle.line')
        Skip = pool.get('hdf.payment.cycle.skip')
        Line.delete(Line.search([('cycle', 'in', [c.id for c in cycles])]))
        Skip.delete(Skip.search([('cycle', 'in', [c.id for c in cycles])]))

    @classmethod
    @ModelView.button
    @Workflow.transition('computed')
    def compute(cls, cycles):
        "Make the entitlements again from the enrolments as they are now"
        pool = Pool()
        Line = pool.get('hdf.payment.cycle.line')
        Skip = pool.get('hdf.payment.cycle.skip')
        cls.check_payment_month(cycles)
        cls._clear(cycles)
        for cycle in cycles:
            lines, skipped = cycle.entitlements()
            Line.save(lines)
            Skip.save(skipped)
        cls.write(cycles, {
                'computed_by': Transaction().user,
                'computed_at': dt.datetime.now(),
                })
        cls.record_event(cycles, 'computed')

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, cycles):
        cls._clear(cycles)
        cls.write(cycles, {'computed_by': None, 'computed_at': None})
        cls.record_event(cycles, 'draft')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, cycles):
        cls.record_event(cycles, 'cancelled')

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, cycles):
        """A user other than the one who made the cycle approves it; the
        entitlements are then booked as payable"""
        user = Transaction().user
        cls.check_payment_month(cycles)
        for cycle in cycles:
            if user in {cycle.computed_by.id, cycle.create_uid.id}:
                raise AccessError(gettext(
                        'gosws_hdf.msg_cycle_maker_approves',
                        cycle=cycle.rec_name))
            elsewhere = cycle.paid_elsewhere()
            for line in cycle.lines:
                if line.register_number in elsewhere:
                    raise UserError(gettext(
                            'gosws_hdf.msg_cycle_paid_twice',
                            cycle=cycle.rec_name,
                            number=line.register_number,
                            other=elsewhere[
                                line.register_number].cycle.rec_name))
        cls.post(cycles)
        cls.write(cycles, {
                'approved_by': user, 'approved_at': dt.datetime.now()})
        cls.record_event(cycles, 'approved')

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    def pay(cls, cycles):
        "The transfers to the banks settle the benefits payable"
        cls.settle(cycles)
        cls.write(cycles, {
                'paid_by': Transaction().user, 'paid_at': dt.datetime.now()})
        cls.record_event(cycles, 'paid')

    @classmethod
    def _books(cls, cycle):
        "The company of GOSWS/HDF's books"
        Entity = Pool().get('account.ipsas.entity')
        entities = Entity.search([('code', '=', HDF_ENTITY)], limit=1)
        if not entities or not entities[0].company:
            raise UserError(gettext(
                    'gosws_hdf.msg_books_not_open', cycle=cycle.rec_name))
        return entities[0].company

    def _move(self, journal, lines):
        """A move of the cycle in GOSWS/HDF's books on the payment date;
        lines are (account code, amount, party), positive on the debit"""
        pool = Pool()
        Account = pool.get('account.account')
        Journal = pool.get('account.journal')
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Period = pool.get('account.period')
        ModelData = pool.get('ir.model.data')
        company = self._books(self)
        accounts = {}
        for code, _, _ in lines:
            if code not in accounts:
                found = Account.search([
                        ('company', '=', company.id), ('code', '=', code)])
                if not found:
                    raise UserError(gettext(
                            'gosws_hdf.msg_account_missing',
                            cycle=self.rec_name, code=code))
                accounts[code] = found[0]
        with Transaction().set_context(company=company.id):
            period = Period.find(company, date=self.date)
        return Move(company=company, period=period, date=self.date,
            origin=self, description=self.rec_name,
            journal=Journal(ModelData.get_id('account', journal)),
            lines=[MoveLine(account=accounts[code], party=party,
                    debit=max(amount, 0), credit=max(-amount, 0))
                for code, amount, party in lines if amount])

    def payable_by_bank(self):
        "{bank party: total} of the entitlements"
        totals = defaultdict(Decimal)
        for line in self.lines:
            bank = line.bank_account.bank
            totals[bank.party if bank else None] += line.amount
        return totals

    @classmethod
    def post(cls, cycles):
        "Book the benefits payable to each bank against the programme expense"
        Move = Pool().get('account.move')
        for cycle in cycles:
            totals = cycle.payable_by_bank()
            if not totals:
                continue
            move = cycle._move('journal_expense',
                [(cycle.programme.expense_account,
                        sum(totals.values()), None)]
                + [(BENEFITS_PAYABLE, -t, p) for p, t in sorted(
                        totals.items(), key=lambda i: i[0].id
                        if i[0] else 0)])
            move.save()
            Move.post([move])
            cycle.move = move
            cycle.save()

    @classmethod
    def settle(cls, cycles):
        "Pay the banks from the bank account and reconcile what they owed"
        pool = Pool()
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        for cycle in cycles:
            if not cycle.move:
                continue
            payable = [l for l in cycle.move.lines
                if l.account.code == BENEFITS_PAYABLE]
            move = cycle._move('journal_cash',
                [(BENEFITS_PAYABLE, l.credit - l.debit, l.party)
                    for l in payable]
                + [(CASH_AT_BANK,
                        -sum(l.credit - l.debit for l in payable), None)])
            move.save()
            Move.post([move])
            by_party = defaultdict(list)
            for line in payable + [l for l in move.lines
                    if l.account.code == BENEFITS_PAYABLE]:
                by_party[line.party].append(line)
            for lines in by_party.values():
                MoveLine.reconcile(lines)
            cycle.payment_move = move
            cycle.save()


class PaymentCycleLine(ModelSQL, ModelView):
    "Payment Cycle Entitlement"
    __name__ = 'hdf.payment.cycle.line'
    __string__ = "Payment Cycle Entitlement"
    cycle = fields.Many2One('hdf.payment.cycle', "Cycle", required=True,
        ondelete='CASCADE', readonly=True)
    beneficiary = fields.Many2One('hdf.beneficiary', "Enrolment",
        required=True, ondelete='RESTRICT', readonly=True)
    party = fields.Many2One('party.party', "Citizen", required=True,
        ondelete='RESTRICT', readonly=True)
    register_number = fields.Char("Register Number", required=True,
        readonly=True)
    office = fields.Many2One('sigo.office', "Enrolment Office",
        required=True, ondelete='RESTRICT', readonly=True)
    amount = fields.Numeric("Amount", digits=AMOUNT, required=True,
        readonly=True)
    bank_account = fields.Many2One('bank.account', "Bank Account",
        required=True, ondelete='RESTRICT', readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.register_number, Index.Equality())),
                Index(t, (t.cycle, Index.Equality())),
                })
        cls.__access__.add('cycle')
        cls._order = [('cycle', 'DESC'), ('register_number', 'ASC'),
            ('id', 'ASC')]


class PaymentCycleSkip(ModelSQL, ModelView):
    "Enrolment Not Paid"
    __name__ = 'hdf.payment.cycle.skip'
    __string__ = "Enrolment Not Paid"
    cycle = fields.Many2One('hdf.payment.cycle', "Cycle", required=True,
        ondelete='CASCADE', readonly=True)
    beneficiary = fields.Many2One('hdf.beneficiary', "Enrolment",
        required=True, ondelete='CASCADE', readonly=True)
    reason = fields.Selection([
            ('duplicate', "Already Paid"),
            ('ineligible', "Not Eligible"),
            ('no_bank_account', "No Bank Account"),
            ], "Reason", required=True, readonly=True)
    detail = fields.Text("Detail", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('cycle')
        cls._order = [('cycle', 'DESC'), ('id', 'ASC')]


class PaymentCycleEvent(ModelSQL, ModelView):
    "Payment Cycle Event"
    __name__ = 'hdf.payment.cycle.event'
    __string__ = "Payment Cycle Event"
    cycle = fields.Many2One('hdf.payment.cycle', "Cycle", required=True,
        ondelete='CASCADE', readonly=True)
    action = fields.Selection([
            ('computed', "Computed"),
            ('draft', "Reset to Draft"),
            ('approved', "Approved"),
            ('paid', "Paid"),
            ('cancelled', "Cancelled"),
            ], "Action", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", required=True, readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('cycle')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]


class BankFileStart(ModelView):
    "Bank Transfer File"
    __name__ = 'hdf.payment.cycle.bank_file.start'
    __string__ = "Bank Transfer File"
    cycle = fields.Many2One('hdf.payment.cycle', "Cycle", readonly=True)
    bank = fields.Many2One('bank', "Bank", required=True)
    format = fields.Selection([
            ('csv', "CSV"),
            ('xlsx', "XLSX"),
            ], "Format", required=True)
    file = fields.Binary("File", readonly=True, filename='filename')
    filename = fields.Char("File Name", readonly=True)

    @fields.depends('cycle', 'bank', 'format')
    def on_change_with_file(self):
        if self.cycle and self.bank and self.format:
            return transfer_file(self.cycle, self.bank, self.format)

    @fields.depends('cycle', 'bank', 'format')
    def on_change_with_filename(self):
        if self.cycle and self.bank and self.format:
            return (f'hdf-{self.cycle.programme.code}-'
                f'{self.cycle.month:%Y-%m}-{self.cycle.office.code}-'
                f'{self.bank.party.code or self.bank.id}.{self.format}')


class BankFile(Wizard):
    "Bank Transfer File"
    __name__ = 'hdf.payment.cycle.bank_file'
    start = StateView('hdf.payment.cycle.bank_file.start',
        'gosws_hdf.cycle_bank_file_start_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        if self.record.state not in {'approved', 'paid'}:
            raise AccessError(gettext('gosws_hdf.msg_bank_file_not_approved',
                    cycle=self.record.rec_name))
        return {'cycle': self.record.id, 'format': 'csv'}


def transfer_lines(cycle, bank):
    """The cycle's transfers to the bank: register number, name, account
    number and amount, in register-number order"""
    rows = []
    for line in cycle.lines:
        if line.bank_account.bank != bank:
            continue
        numbers = [n.number for n in line.bank_account.numbers]
        rows.append((line.register_number, line.party.name,
                numbers[0] if numbers else '', line.amount))
    return sorted(rows)


def transfer_file(cycle, bank, format):
    "The file the bank imports: register number, name, account, amount"
    headings = [gettext('gosws_hdf.msg_file_register_number'),
        gettext('gosws_hdf.msg_file_name'),
        gettext('gosws_hdf.msg_file_account'),
        gettext('gosws_hdf.msg_file_amount')]
    return bank_transfer_file(headings, transfer_lines(cycle, bank),
        bank.rec_name, cycle.rec_name, format)
