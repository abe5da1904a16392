# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Monthly wage declarations: an employer's wages per employee for a month,
assessed into employee and employer contributions per fund"""
import calendar
import hashlib
from collections import defaultdict, namedtuple
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sql import Column
from sql.aggregate import Sum
from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.sigo_base import register_number
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .fund_books import FundBooks
from .rate import whole_tugriks

AMOUNT = (16, 2)
CENT = Decimal('0.01')
CHUNK = 500
# Accounts of the account_ipsas chart the contributions are posted to
RECEIVABLE_FROM_EMPLOYERS = '1210'
EMPLOYER_CONTRIBUTIONS = '4110'
EMPLOYEE_CONTRIBUTIONS = '4120'

DeclaredRow = namedtuple('DeclaredRow', ['row', 'register_number', 'wage'])
RowError = namedtuple('RowError', ['row', 'register_number', 'reason'])


class DeclarationError(ValidationError):
    "Every bad row of a declaration, each with its reason"

    def __init__(self, declaration, errors):
        lines = '\n'.join(
            gettext('sigo_insurance.msg_declaration_row_error',
                row=e.row, number=e.register_number or '', reason=e.reason)
            for e in errors)
        super().__init__(gettext(
                'sigo_insurance.msg_declaration_errors',
                declaration=declaration, count=len(errors)), lines)
        self.errors = errors


def month_bounds(period):
    start = period.replace(day=1)
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start, end


def parse_wage(value):
    """The wage as a Decimal of at most two decimals (spreadsheets write
    1500000.0000), or None when it is not a number"""
    if isinstance(value, (int, float, Decimal)) and not isinstance(
            value, bool):
        wage = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(' ', '').replace('\u00a0', '')
        text = text.replace(',', '')
        try:
            wage = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    if not wage.is_finite():
        return None
    return wage.quantize(CENT, rounding=ROUND_HALF_UP)


def content_hash(rows):
    "The same people and wages give the same hash, whatever the file"
    digest = hashlib.sha256()
    for number, wage in sorted((r.register_number, str(r.wage)) for r in rows):
        digest.update(f'{number}\t{wage}\n'.encode())
    return digest.hexdigest()


def _insert(Model, values, ids_by=None):
    """Insert checked rows of the model in one statement; with ids_by, a
    (parent, key) pair of columns, return the new ids by key"""
    table = Model.__table__()
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    if not values:
        return {}
    names = sorted(values[0])
    columns = [Column(table, n) for n in names + ['create_uid', 'create_date']]
    now = CurrentTimestamp()
    cursor.execute(*table.insert(columns, [
                [v[n] for n in names] + [transaction.user, now]
                for v in values]))
    if ids_by:
        parent, key = ids_by
        cursor.execute(*table.select(
                Column(table, key), table.id,
                where=(Column(table, parent) == values[0][parent])
                & Column(table, key).in_([v[key] for v in values])))
        return dict(cursor)


class Declaration(Workflow, ModelSQL, ModelView):
    "Monthly Wage Declaration"
    __name__ = 'insurance.declaration'
    __string__ = "Wage Declaration"
    _states = {
        'readonly': Eval('state') != 'draft',
        }
    employer = fields.Many2One(
        'insurance.employer', "Employer", required=True, ondelete='RESTRICT',
        states=_states)
    period = fields.Date(
        "Month", required=True, states=_states,
        help="Any day of the declared month; stored as its first day.")
    version = fields.Integer("Version", readonly=True, required=True)
    corrects = fields.Many2One(
        'insurance.declaration', "Corrects", readonly=True,
        help="The earlier version of the same month this one replaces.")
    source = fields.Selection([
            ('manual', "Entered"),
            ('file', "Uploaded File"),
            ('portal', "Employer Portal"),
            ('contract', "Voluntary Contract"),
            ], "Source", readonly=True, required=True)
    content_hash = fields.Char("Content Hash", readonly=True)
    lines = fields.One2Many(
        'insurance.declaration.line', 'declaration', "Lines",
        states=_states)
    wage_total = fields.Numeric("Wages", digits=AMOUNT, readonly=True)
    insurable_total = fields.Numeric(
        "Insurable Wages", digits=AMOUNT, readonly=True)
    employee_total = fields.Numeric(
        "Employee Contributions", digits=AMOUNT, readonly=True)
    employer_total = fields.Numeric(
        "Employer Contributions", digits=AMOUNT, readonly=True)
    assessed = fields.Boolean(
        "Assessed", readonly=True,
        help="The totals are those of the lines as they are now.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    moves = fields.Function(fields.Many2Many(
            'account.move', None, None, "Account Moves",
            help="One per fund: the contributions receivable from the "
            "employer, or for a correction the difference."),
        'get_moves')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('employer')
        t = cls.__table__()
        cls._sql_constraints += [
            ('version_unique', Unique(t, t.employer, t.period, t.version),
                'sigo_insurance.msg_declaration_version_unique'),
            ]
        cls._sql_indexes.add(Index(
                t, (t.employer, Index.Equality()), (t.period, Index.Range())))
        cls._order = [('period', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'assess': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                'correct': {
                    'invisible': Eval('state') != 'confirmed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_version(cls):
        return 1

    @classmethod
    def default_source(cls):
        return 'manual'

    @classmethod
    def get_moves(cls, declarations, name):
        Move = Pool().get('account.move')
        moves = {d.id: [] for d in declarations}
        # Officers without accounting rights still see which moves exist
        with Transaction().set_context(_check_access=False):
            found = Move.search([
                    ('origin', 'in', [str(d) for d in declarations]),
                    ], order=[('id', 'ASC')])
            for move in found:
                moves[move.origin.id].append(move.id)
        return moves

    def get_rec_name(self, name):
        return (f'{self.employer.rec_name} {self.period:%Y-%m}'
            f' v{self.version}')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('period'):
            values['period'] = values['period'].replace(day=1)
        return values

    @classmethod
    def check_modification(
            cls, mode, declarations, values=None, external=False):
        super().check_modification(
            mode, declarations, values=values, external=external)
        if mode == 'delete':
            for declaration in declarations:
                if declaration.state == 'confirmed':
                    raise AccessError(gettext(
                            'sigo_insurance.msg_declaration_delete_confirmed',
                            declaration=declaration.rec_name))

    @classmethod
    def check_rows(cls, employer, period, rows):
        """Check declared rows before anything is stored: return the people
        with their employment, and every bad row with its reason"""
        pool = Pool()
        Party = pool.get('party.party')
        Employment = pool.get('insurance.employment')
        Configuration = pool.get('insurance.configuration')
        errors = []
        start, end = month_bounds(period)
        closed_until = Configuration(1).closed_until
        if closed_until and start <= closed_until:
            errors.append(RowError(0, None, gettext(
                        'sigo_insurance.msg_period_closed',
                        month=f'{start:%Y-%m}',
                        closed_until=f'{closed_until:%Y-%m}')))
        numbers = {}
        for row in rows:
            number = register_number.normalize(row.register_number or '')
            try:
                register_number.parse(number)
            except register_number.InvalidRegisterNumber:
                errors.append(RowError(row.row, row.register_number,
                        gettext('sigo_insurance.msg_row_invalid_number')))
                continue
            if number in numbers:
                errors.append(RowError(row.row, number, gettext(
                            'sigo_insurance.msg_row_duplicate',
                            first=numbers[number])))
                continue
            numbers[number] = row.row
            if row.wage is None:
                errors.append(RowError(row.row, number,
                        gettext('sigo_insurance.msg_row_wage_not_number')))
            elif row.wage < 0:
                errors.append(RowError(row.row, number,
                        gettext('sigo_insurance.msg_row_wage_negative')))
        # Plain reads: instantiating records per person would cost more than
        # the whole check for a large employer
        people = {p['register_number']: p for p in Party.search_read([
                    ('register_number', 'in', list(numbers)),
                    ], fields_names=['register_number', 'rec_name'])}
        employments = {e['person']: e for e in Employment.search_read(
                Employment.in_month_domain(employer, start, end),
                fields_names=['person', 'insured_type'])}
        good = []
        for row in rows:
            number = register_number.normalize(row.register_number or '')
            if numbers.get(number) != row.row or any(
                    e.row == row.row for e in errors):
                continue
            person = people.get(number)
            if not person:
                errors.append(RowError(row.row, number,
                        gettext('sigo_insurance.msg_row_unknown_person')))
            elif person['id'] not in employments:
                errors.append(RowError(row.row, number, gettext(
                            'sigo_insurance.msg_row_not_employed',
                            person=person['rec_name'],
                            employer=employer.rec_name,
                            month=f'{start:%Y-%m}')))
            else:
                good.append((row, person['id'],
                        employments[person['id']]['insured_type']))
        errors.sort(key=lambda e: e.row)
        return good, errors

    @classmethod
    def create_from_rows(cls, employer, period, rows, source='file'):
        """Store a clean declaration, or raise with every bad row; the same
        content for the same month returns the declaration already stored"""
        period = period.replace(day=1)
        good, errors = cls.check_rows(employer, period, rows)
        label = f'{employer.rec_name} {period:%Y-%m}'
        if errors:
            raise DeclarationError(label, errors)
        digest = content_hash(rows)
        existing = cls.search([
                ('employer', '=', employer.id),
                ('period', '=', period),
                ('state', '!=', 'cancelled'),
                ], order=[('version', 'DESC')])
        for declaration in existing:
            if declaration.content_hash == digest:
                return declaration, False
        latest = existing[0] if existing else None
        if latest and latest.state == 'draft':
            # A new file replaces a draft not yet confirmed
            replaced, latest = latest, latest.corrects
            cls.delete([replaced])
        version = cls._next_version(employer, period)
        declaration, = cls.create([{
                    'employer': employer.id,
                    'period': period,
                    'version': version,
                    'corrects': latest.id if latest else None,
                    'source': source,
                    'content_hash': digest,
                    }])
        cls._store_lines(declaration, [
                (row.row, person, register_number.normalize(
                        row.register_number), insured_type, row.wage)
                for row, person, insured_type in good])
        return declaration, True

    @classmethod
    def _next_version(cls, employer, period):
        "Versions of a month count on, cancelled ones included"
        return max((d.version for d in cls.search([
                        ('employer', '=', employer.id),
                        ('period', '=', period),
                        ])), default=0) + 1

    def assessor(self, insured_type_ids):
        "Assess a wage of this declaration's month and employer"
        pool = Pool()
        Rate = pool.get('insurance.rate')
        WageLimit = pool.get('insurance.wage_limit')
        Fund = pool.get('insurance.fund')
        InsuredType = pool.get('insurance.insured_type')
        funds = Fund.search([])
        limit = WageLimit.get(self.period)
        risk_class = self.employer.risk_class
        table = Rate.table(
            InsuredType.browse(insured_type_ids), [risk_class], self.period)

        def assess(wage, insured_type_id):
            """The insurable wage, the employee and employer totals and the
            contribution of each fund"""
            insured_type = InsuredType(insured_type_id)
            insurable = limit.insurable(wage)
            contributions = []
            for fund in funds:
                rate = Rate.find(table, fund, insured_type, risk_class)
                if not rate:
                    continue
                contributions.append({
                        'fund': fund.id,
                        'employee_rate': rate.employee_rate,
                        'employer_rate': rate.employer_rate,
                        'employee_amount': whole_tugriks(
                            insurable * rate.employee_rate / 100),
                        'employer_amount': whole_tugriks(
                            insurable * rate.employer_rate / 100),
                        })
            return (insurable,
                sum((c['employee_amount'] for c in contributions),
                    Decimal(0)),
                sum((c['employer_amount'] for c in contributions),
                    Decimal(0)),
                contributions)
        return assess

    @classmethod
    def _store_lines(cls, declaration, lines):
        """Create the assessed lines and their contributions in bulk, and the
        declaration's totals; lines are (row, person id, register number,
        insured type id, wage)"""
        pool = Pool()
        Line = pool.get('insurance.declaration.line')
        Contribution = pool.get('insurance.contribution')
        assess = declaration.assessor({l[3] for l in lines})
        values, contributions, sums = [], [], defaultdict(Decimal)
        for row, person, number, insured_type, wage in lines:
            insurable, employee, employer, by_fund = assess(
                wage, insured_type)
            values.append({
                    'declaration': declaration.id,
                    'row': row,
                    'person': person,
                    'register_number': number,
                    'insured_type': insured_type,
                    'wage': wage,
                    'insurable_wage': insurable,
                    'employee_amount': employee,
                    'employer_amount': employer,
                    })
            contributions.append(by_fund)
            sums['wage_total'] += wage
            sums['insurable_total'] += insurable
            sums['employee_total'] += employee
            sums['employer_total'] += employer
        # Set-based: the rows are checked and the amounts computed above, so
        # one INSERT per chunk replaces the per-record ORM create (a national
        # month is 1.3 million lines)
        for start in range(0, len(values), CHUNK):
            chunk = values[start:start + CHUNK]
            line_ids = _insert(Line, chunk, ids_by=('declaration', 'row'))
            _insert(Contribution, [dict(c, line=line_ids[v['row']])
                    for v, by_fund in zip(
                        chunk, contributions[start:start + CHUNK])
                    for c in by_fund])
        cls.write([declaration], dict({
                    name: sums.get(name, Decimal(0)) for name in [
                        'wage_total', 'insurable_total', 'employee_total',
                        'employer_total']}, assessed=True))

    @classmethod
    @ModelView.button
    def assess(cls, declarations):
        "Compute the insurable wages and the contributions per fund again"
        pool = Pool()
        Line = pool.get('insurance.declaration.line')
        for declaration in declarations:
            # Lines typed in the client get the rows after the file's
            last = max((l.row or 0 for l in declaration.lines), default=0)
            lines = []
            for line in declaration.lines:
                if not line.row:
                    last += 1
                lines.append((line.row or last, line.person.id,
                        line.register_number, line.insured_type.id,
                        line.wage))
            Line.delete(declaration.lines)
            cls._store_lines(declaration, lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, declarations):
        Configuration = Pool().get('insurance.configuration')
        for declaration in declarations:
            rows = [DeclaredRow(
                    l.row or i, l.person.register_number, l.wage)
                for i, l in enumerate(declaration.lines, 1)]
            _, errors = cls.check_rows(
                declaration.employer, declaration.period, rows)
            if errors:
                raise DeclarationError(declaration.rec_name, errors)
        # Refused before anything is assessed, posted or queued
        books = FundBooks()
        for declaration in declarations:
            books.check(declaration, month_bounds(declaration.period)[1])
        # What the officer saw is posted; lines changed since are assessed
        cls.assess([d for d in declarations if not d.assessed])
        limit = Configuration(1).posting_queue_lines
        now = [d for d in declarations if not limit or len(d.lines) <= limit]
        later = [d for d in declarations if d not in now]
        cls.post(now, books)
        if later:
            cls.__queue__.post(later)

    def fund_amounts(self):
        "The employee and employer contributions per fund"
        pool = Pool()
        Fund = pool.get('insurance.fund')
        Line = pool.get('insurance.declaration.line')
        Contribution = pool.get('insurance.contribution')
        line = Line.__table__()
        contribution = Contribution.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*contribution.join(
                line, condition=contribution.line == line.id).select(
                contribution.fund,
                Sum(contribution.employee_amount),
                Sum(contribution.employer_amount),
                where=line.declaration == self.id,
                group_by=[contribution.fund]))
        return {
            Fund(fund): (Decimal(str(employee or 0)), Decimal(
                    str(employer or 0)))
            for fund, employee, employer in cursor}

    @classmethod
    def post(cls, declarations, books=None):
        """Post one move per fund: the contributions receivable from the
        employer, due on the month's due date; a correction posts only its
        difference from the version it corrects"""
        pool = Pool()
        Receivable = pool.get('insurance.receivable')
        books = books or FundBooks()
        entries = []
        for declaration in declarations:
            amounts = declaration.fund_amounts()
            if declaration.corrects:
                for fund, (employee, employer) in (
                        declaration.corrects.fund_amounts().items()):
                    new_employee, new_employer = amounts.get(
                        fund, (Decimal(0), Decimal(0)))
                    amounts[fund] = (
                        new_employee - employee, new_employer - employer)
            date = month_bounds(declaration.period)[1]
            # Dunning counts the delay from the due date of the month
            due = Receivable.due(declaration.period)
            party = declaration.employer.party
            for fund in sorted(amounts, key=lambda f: f.sequence or 0):
                employee, employer = amounts[fund]
                if employee or employer:
                    owed = employee + employer
                    entries.append((fund, declaration, 'journal_revenue',
                            date, declaration.rec_name, [
                                (RECEIVABLE_FROM_EMPLOYERS, owed, party,
                                    due if owed > 0 else None),
                                (EMPLOYER_CONTRIBUTIONS, -employer, None,
                                    None),
                                (EMPLOYEE_CONTRIBUTIONS, -employee, None,
                                    None),
                                ]))
            # What the employer owes each fund for the month
            Receivable.add_assessed(declaration.employer, declaration.period,
                {f: e + r for f, (e, r) in amounts.items() if e or r})
        books.post_at_once(entries)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, declarations):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, declarations):
        pass

    @classmethod
    @ModelView.button_action('sigo_insurance.act_declaration_correction')
    def correct(cls, declarations):
        "Start the next version of the month from this one"
        pool = Pool()
        Line = pool.get('insurance.declaration.line')
        corrections = []
        for declaration in declarations:
            version = cls._next_version(
                declaration.employer, declaration.period)
            correction, = cls.copy([declaration], default={
                    'version': version,
                    'corrects': declaration.id,
                    'source': 'manual',
                    'content_hash': None,
                    'lines': None,
                    })
            Line.copy(declaration.lines, default={
                    'declaration': correction.id})
            corrections.append(correction)
        cls.assess(corrections)
        return {'res_id': [c.id for c in corrections]}


class DeclarationLine(ModelSQL, ModelView):
    "Declared Wage"
    __name__ = 'insurance.declaration.line'
    __string__ = "Declared Wage"
    declaration = fields.Many2One(
        'insurance.declaration', "Declaration", required=True,
        ondelete='CASCADE')
    row = fields.Integer("Row", readonly=True)
    person = fields.Many2One(
        'party.party', "Insured Person", required=True, ondelete='RESTRICT',
        domain=[('register_number', '!=', None)])
    register_number = fields.Char(
        "Register Number", readonly=True,
        help="The number as declared for the person.")
    insured_type = fields.Many2One(
        'insurance.insured_type', "Insured Type", required=True,
        ondelete='RESTRICT')
    wage = fields.Numeric(
        "Wage", digits=AMOUNT, required=True,
        domain=[('wage', '>=', 0)])
    insurable_wage = fields.Numeric(
        "Insurable Wage", digits=AMOUNT, readonly=True)
    employee_amount = fields.Numeric(
        "Employee Contribution", digits=AMOUNT, readonly=True)
    employer_amount = fields.Numeric(
        "Employer Contribution", digits=AMOUNT, readonly=True)
    contributions = fields.One2Many(
        'insurance.contribution', 'line', "Contributions", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('declaration')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.declaration, Index.Equality())),
                Index(t, (t.person, Index.Equality())),
                })
        cls._order = [('row', 'ASC NULLS LAST'), ('id', 'ASC')]

    @classmethod
    def default_insured_type(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return ModelData.get_id('sigo_insurance', 'insured_type_01')

    @fields.depends('person')
    def on_change_person(self):
        self.register_number = (
            self.person.register_number if self.person else None)

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        super().on_modification(mode, lines, field_names=field_names)
        Declaration.write(
            list({l.declaration for l in lines}), {'assessed': False})

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Party = pool.get('party.party')
        values = super().preprocess_values(mode, values)
        if values.get('person') and not values.get('register_number'):
            values['register_number'] = Party(
                values['person']).register_number
        return values

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('contributions')
        return super().copy(lines, default=default)


class Contribution(ModelSQL, ModelView):
    "The contribution of a declared wage to one fund"
    __name__ = 'insurance.contribution'
    __string__ = "Contribution"
    line = fields.Many2One(
        'insurance.declaration.line', "Declared Wage", required=True,
        ondelete='CASCADE')
    fund = fields.Many2One(
        'insurance.fund', "Fund", required=True, ondelete='RESTRICT')
    employee_rate = fields.Numeric("Employee %", digits=(6, 3), readonly=True)
    employer_rate = fields.Numeric("Employer %", digits=(6, 3), readonly=True)
    employee_amount = fields.Numeric(
        "Employee Amount", digits=AMOUNT, readonly=True)
    employer_amount = fields.Numeric(
        "Employer Amount", digits=AMOUNT, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('line')
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.line, Index.Equality())))
