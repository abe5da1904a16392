# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Monthly wage declarations: an employer's wages per employee for a month,
assessed into employee and employer contributions per fund"""
import calendar
import hashlib
from collections import defaultdict, namedtuple
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sql import Literal
from sql.aggregate import Count, Min, Sum
from sql.operators import Exists, Greater

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.sigo_base import register_number
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .fund_books import FundBooks, insert_rows, lock_numbering
from .rate import whole_tugriks

AMOUNT = (16, 2)
CENT = Decimal('0.01')
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
            if e.row else
            gettext('sigo_insurance.msg_declaration_whole_error',
                reason=e.reason)
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
    superseded = fields.Function(fields.Boolean(
            "Superseded",
            help="A later version of the month, confirmed or in "
            "preparation, replaces this one: correct that one."),
        'get_superseded')

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
                    'invisible': (Eval('state') != 'confirmed')
                    | Eval('superseded', False),
                    'depends': ['state', 'superseded'],
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

    @classmethod
    def later_versions(cls, declarations):
        """The latest version of the month after each declaration that is
        not cancelled (confirmed, or a correction in preparation), by
        declaration id, in one query"""
        declaration = cls.__table__()
        later = cls.__table__()
        cursor = Transaction().connection.cursor()
        latest = {}
        for chunk in grouped_slice(
                [d.id for d in declarations], backend.MAX_QUERY_PARAMS):
            cursor.execute(*declaration.join(later, condition=(
                        later.employer == declaration.employer)
                    & (later.period == declaration.period)
                    & (later.version > declaration.version)
                    & (later.state != 'cancelled')).select(
                    declaration.id, later.id,
                    where=declaration.id.in_(list(chunk)),
                    order_by=[later.version.asc]))
            latest.update(cursor)
        return {id_: cls(later_id) for id_, later_id in latest.items()}

    @classmethod
    def get_superseded(cls, declarations, name):
        later = cls.later_versions(declarations)
        return {d.id: d.id in later for d in declarations}

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

    @staticmethod
    def _month_errors(closed_until, today, month_start):
        """The error of a month within the closed periods or not begun yet,
        if it is: a reason for the whole declaration (row 0)"""
        if closed_until and month_start <= closed_until:
            return [RowError(0, None, gettext(
                        'sigo_insurance.msg_period_closed',
                        month=f'{month_start:%Y-%m}',
                        closed_until=f'{closed_until:%Y-%m}'))]
        if month_start > today:
            return [RowError(0, None, gettext(
                        'sigo_insurance.msg_period_future',
                        month=f'{month_start:%Y-%m}'))]
        return []

    @classmethod
    def check_rows(cls, employer, period, rows):
        """Check declared rows before anything is stored: return the people
        with their employment, and every bad row with its reason"""
        pool = Pool()
        Party = pool.get('party.party')
        Employment = pool.get('insurance.employment')
        Configuration = pool.get('insurance.configuration')
        Rate = pool.get('insurance.rate')
        InsuredType = pool.get('insurance.insured_type')
        Date = pool.get('ir.date')
        start, end = month_bounds(period)
        errors = cls._month_errors(
            Configuration(1).closed_until, Date.today(), start)
        rates = Rate.in_month(start, employer.risk_class)
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
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        people = {}
        for chunk in grouped_slice(
                list(numbers), backend.MAX_QUERY_PARAMS):
            cursor.execute(*party.select(
                    party.register_number, party.id,
                    where=party.register_number.in_(list(chunk))
                    & (party.active == Literal(True))))
            people.update(cursor)
        employments = Employment.in_month_by_person(employer, start, end)
        good = []
        bad_rows = {e.row for e in errors}
        for row in rows:
            number = register_number.normalize(row.register_number or '')
            if numbers.get(number) != row.row or row.row in bad_rows:
                continue
            person = people.get(number)
            if not person:
                errors.append(RowError(row.row, number,
                        gettext('sigo_insurance.msg_row_unknown_person')))
            elif person not in employments:
                errors.append(RowError(row.row, number, gettext(
                            'sigo_insurance.msg_row_not_employed',
                            person=Party(person).rec_name,
                            employer=employer.rec_name,
                            month=f'{start:%Y-%m}')))
            elif employments[person][1] not in rates:
                errors.append(RowError(row.row, number, gettext(
                            'sigo_insurance.msg_row_no_rate',
                            insured_type=InsuredType(
                                employments[person][1]).rec_name,
                            month=f'{start:%Y-%m}')))
            else:
                good.append((row, person, employments[person][1]))
        errors.sort(key=lambda e: e.row)
        return good, errors

    @classmethod
    def create_from_rows(cls, employer, period, rows, source='file'):
        """Store a clean declaration, or raise with every bad row; the same
        content for the same month returns the declaration already stored"""
        result, = cls.create_from_files([(employer, period, rows)], source)
        return result

    @classmethod
    def create_from_files(cls, files, source='file'):
        """Store the declarations of files (employer, month, rows), each as
        create_from_rows does, and return (declaration, created) for each;
        the first bad file raises with every bad row and nothing is stored.
        A batch (a day's files, the demo's months) is searched, created and
        inserted at once, as the per-declaration work cost most of the time
        of a national month"""
        files = [(employer, period.replace(day=1), rows)
            for employer, period, rows in files]
        checked = []
        for employer, period, rows in files:
            good, errors = cls.check_rows(employer, period, rows)
            if errors:
                raise DeclarationError(
                    f'{employer.rec_name} {period:%Y-%m}', errors)
            checked.append(good)
        results = {}
        pending = list(range(len(files)))
        # A month filed twice in a batch is stored in turn, as if sent twice
        while pending:
            keys, batch, later = set(), [], []
            for index in pending:
                employer, period, _ = files[index]
                key = (employer.id, period)
                (later if key in keys else batch).append(index)
                keys.add(key)
            results.update(cls._store_files(
                    [(i, *files[i], checked[i]) for i in batch], source))
            pending = later
        return [results[i] for i in range(len(files))]

    @classmethod
    def _store_files(cls, files, source):
        """Store checked files (index, employer, month, rows, good rows) of
        distinct employer months; return {index: (declaration, created)}"""
        stored = defaultdict(list)
        for chunk in grouped_slice(files, backend.MAX_QUERY_PARAMS):
            chunk = list(chunk)
            for declaration in cls.search([
                        ('employer', 'in',
                            list({f[1].id for f in chunk})),
                        ('period', 'in', list({f[2] for f in chunk})),
                        ], order=[('version', 'DESC')]):
                stored[declaration.employer.id, declaration.period].append(
                    declaration)
        results, replaced, new = {}, [], []
        for index, employer, period, rows, good in files:
            digest = content_hash(rows)
            versions = stored[employer.id, period]
            active = [d for d in versions if d.state != 'cancelled']
            # Only the month's latest version: the first file sent again
            # after a correction undoes it
            same = [d for d in active[:1] if d.content_hash == digest]
            if same:
                results[index] = (same[0], False)
                continue
            latest = active[0] if active else None
            if latest and latest.state == 'draft':
                # A new file replaces a draft not yet confirmed
                replaced.append(latest)
                versions.remove(latest)
                latest = latest.corrects
            lines, totals = cls._assess_lines(
                cls(employer=employer, period=period).assessor(), [
                    (row.row, person, register_number.normalize(
                            row.register_number), insured_type, row.wage)
                    for row, person, insured_type in good])
            new.append((index, lines, dict(totals,
                        employer=employer.id,
                        period=period,
                        # Versions of a month count on, cancelled included
                        version=max(
                            (d.version for d in versions), default=0) + 1,
                        corrects=latest.id if latest else None,
                        source=source,
                        content_hash=digest,
                        assessed=True)))
        cls.delete(replaced)
        declarations = cls.create([values for _, _, values in new])
        cls._insert_lines([(declaration, lines)
                for declaration, (_, lines, _) in zip(declarations, new)])
        for declaration, (index, _, _) in zip(declarations, new):
            results[index] = (declaration, True)
        return results

    @classmethod
    def _next_version(cls, employer, period):
        "Versions of a month count on, cancelled ones included"
        return max((d.version for d in cls.search([
                        ('employer', '=', employer.id),
                        ('period', '=', period),
                        ])), default=0) + 1

    def assessor(self):
        "Assess a wage of this declaration's month and employer"
        pool = Pool()
        Rate = pool.get('insurance.rate')
        WageLimit = pool.get('insurance.wage_limit')
        limit = WageLimit.get(self.period)
        rates = Rate.in_month(self.period, self.employer.risk_class)

        def assess(wage, insured_type_id):
            """The insurable wage, the employee and employer totals and the
            contribution of each fund"""
            insurable = limit.insurable(wage)
            contributions = [{
                    'fund': fund,
                    'employee_rate': employee_rate,
                    'employer_rate': employer_rate,
                    'employee_amount': whole_tugriks(
                        insurable * employee_rate / 100),
                    'employer_amount': whole_tugriks(
                        insurable * employer_rate / 100),
                    } for fund, employee_rate, employer_rate
                in rates.get(insured_type_id, [])]
            return (insurable,
                sum((c['employee_amount'] for c in contributions),
                    Decimal(0)),
                sum((c['employer_amount'] for c in contributions),
                    Decimal(0)),
                contributions)
        return assess

    @classmethod
    def _assess_lines(cls, assess, lines):
        """The assessed lines, each with its contributions per fund, and the
        declaration's totals; lines are (row, person id, register number,
        insured type id, wage)"""
        assessed, totals = [], dict.fromkeys([
                'wage_total', 'insurable_total', 'employee_total',
                'employer_total'], Decimal(0))
        for row, person, number, insured_type, wage in lines:
            insurable, employee, employer, by_fund = assess(
                wage, insured_type)
            assessed.append(({
                        'row': row,
                        'person': person,
                        'register_number': number,
                        'insured_type': insured_type,
                        'wage': wage,
                        'insurable_wage': insurable,
                        'employee_amount': employee,
                        'employer_amount': employer,
                        }, by_fund))
            totals['wage_total'] += wage
            totals['insurable_total'] += insurable
            totals['employee_total'] += employee
            totals['employer_total'] += employer
        return assessed, totals

    @classmethod
    def _insert_lines(cls, declarations):
        """Insert the assessed lines of declarations, (declaration, lines)
        pairs, and their contributions in bulk: the rows are checked and the
        amounts computed, so no per-record ORM create is needed (a national
        month is 1.3 million lines)"""
        pool = Pool()
        Line = pool.get('insurance.declaration.line')
        Contribution = pool.get('insurance.contribution')
        lines = [(declaration.id, values, by_fund)
            for declaration, assessed in declarations
            for values, by_fund in assessed]
        if not lines:
            return
        names = sorted(lines[0][1])
        line_ids = insert_rows(Line, ['declaration'] + names, [
                [declaration] + [values[n] for n in names]
                for declaration, values, _ in lines])
        names = ['fund', 'employee_rate', 'employer_rate',
            'employee_amount', 'employer_amount']
        insert_rows(Contribution, ['line'] + names, [
                [line_id] + [c[n] for n in names]
                for line_id, (_, _, by_fund) in zip(line_ids, lines)
                for c in by_fund])

    @classmethod
    @ModelView.button
    def assess(cls, declarations):
        "Compute the insurable wages and the contributions per fund again"
        pool = Pool()
        Line = pool.get('insurance.declaration.line')
        assessed, writes = [], []
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
            lines, totals = cls._assess_lines(declaration.assessor(), lines)
            assessed.append((declaration, lines))
            writes.extend(([declaration], dict(totals, assessed=True)))
        cls._insert_lines(assessed)
        if writes:
            cls.write(*writes)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, declarations):
        Configuration = Pool().get('insurance.configuration')
        # One record list, so that what is read of one is read of all
        declarations = cls.browse([d.id for d in declarations])
        # What the officer saw is posted; lines changed since are assessed
        # (uploaded files were assessed when stored)
        cls.assess([d for d in declarations if not d.assessed])
        # Refused before anything is posted or queued
        errors = cls.check_lines(declarations)
        for declaration in declarations:
            if errors.get(declaration.id):
                raise DeclarationError(
                    declaration.rec_name, errors[declaration.id])
        cls.check_corrects_latest(declarations)
        books = FundBooks()
        for declaration in declarations:
            books.check(declaration, month_bounds(declaration.period)[1])
        limit = Configuration(1).posting_queue_lines
        counts = cls.line_counts(declarations) if limit else {}
        now = [d for d in declarations
            if not limit or counts.get(d.id, 0) <= limit]
        later = [d for d in declarations if d not in now]
        # The numbering locks before the amounts are read: taken at posting,
        # they restart the transaction after all of it was done
        if now:
            lock_numbering(set(books.periods.values()))
        cls.post(now, books)
        if later:
            cls.__queue__.post(later)

    @classmethod
    def check_corrects_latest(cls, declarations):
        """Refuse a version that does not correct the latest confirmed
        version of its month: the employer would owe a difference twice"""
        declaration = cls.__table__()
        confirmed = cls.__table__()
        cursor = Transaction().connection.cursor()
        stored = {}
        for chunk in grouped_slice(
                [d.id for d in declarations], backend.MAX_QUERY_PARAMS):
            cursor.execute(*declaration.join(confirmed, condition=(
                        confirmed.employer == declaration.employer)
                    & (confirmed.period == declaration.period)
                    & (confirmed.state == 'confirmed')).select(
                    declaration.id, confirmed.id,
                    where=declaration.id.in_(list(chunk)),
                    order_by=[confirmed.version.asc]))
            stored.update(cursor)
        batch = {}
        for declaration in declarations:
            key = (declaration.employer.id, declaration.period)
            latest = batch.get(key, stored.get(declaration.id))
            corrects = (
                declaration.corrects.id if declaration.corrects else None)
            if latest != corrects:
                raise AccessError(gettext(
                        'sigo_insurance.msg_declaration_not_latest',
                        declaration=declaration.rec_name,
                        latest=cls(latest).rec_name if latest else ''))
            # A second version of the month in the same batch corrects this
            batch[key] = declaration.id

    @classmethod
    def line_counts(cls, declarations):
        "The number of lines of each declaration, counted in one query"
        Line = Pool().get('insurance.declaration.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        counts = {}
        for chunk in grouped_slice(
                [d.id for d in declarations], backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.select(line.declaration, Count(line.id),
                    where=line.declaration.in_(list(chunk)),
                    group_by=[line.declaration]))
            counts.update(cursor)
        return counts

    @classmethod
    def check_lines(cls, declarations):
        """The stored lines checked again as at upload, for all the
        declarations at once: the month still open, each person declared
        once and still employed by the employer in the month, with a rate
        for the insured type; every bad row by declaration"""
        pool = Pool()
        Line = pool.get('insurance.declaration.line')
        Employment = pool.get('insurance.employment')
        Party = pool.get('party.party')
        Employer = pool.get('insurance.employer')
        Configuration = pool.get('insurance.configuration')
        Rate = pool.get('insurance.rate')
        InsuredType = pool.get('insurance.insured_type')
        Date = pool.get('ir.date')
        line = Line.__table__()
        earlier = Line.__table__()
        declaration = cls.__table__()
        employment = Employment.__table__()
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        closed_until = Configuration(1).closed_until
        today = Date.today()
        errors = defaultdict(list)
        by_period = defaultdict(list)
        for record in declarations:
            by_period[record.period, record.employer.risk_class].append(
                record.id)
        for (period, risk_class), ids in by_period.items():
            start, end = month_bounds(period)
            for id_ in ids:
                errors[id_].extend(
                    cls._month_errors(closed_until, today, start))
            rated = list(Rate.in_month(start, risk_class))
            no_rate = (~line.insured_type.in_(rated) if rated
                else Literal(True))
            # The row a person was first declared on, for the later rows (rows
            # count from 1)
            first = earlier.select(Min(earlier.row),
                where=(earlier.declaration == line.declaration)
                & (earlier.person == line.person)
                & (earlier.row < line.row))
            employed = Exists(employment.select(employment.id,
                    where=(employment.person == line.person)
                    & (employment.employer == declaration.employer)
                    & Employment.overlaps_month(employment, start, end)))
            for chunk in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
                query = line.join(declaration,
                    condition=line.declaration == declaration.id
                    ).join(party, condition=line.person == party.id
                    ).select(
                    line.declaration, line.row, party.register_number,
                    line.person, declaration.employer, first,
                    line.insured_type, employed.as_('employed'),
                    where=line.declaration.in_(list(chunk))
                    & (Greater(first, 0) | ~employed | no_rate),
                    order_by=[line.declaration, line.row])
                cursor.execute(*query)
                for (declaration_id, row, number, person, employer,
                        duplicate_of, insured_type, is_employed
                        ) in cursor.fetchall():
                    if duplicate_of is not None:
                        reason = gettext('sigo_insurance.msg_row_duplicate',
                            first=duplicate_of)
                    elif is_employed:
                        reason = gettext('sigo_insurance.msg_row_no_rate',
                            insured_type=InsuredType(insured_type).rec_name,
                            month=f'{start:%Y-%m}')
                    else:
                        reason = gettext(
                            'sigo_insurance.msg_row_not_employed',
                            person=Party(person).rec_name,
                            employer=Employer(employer).rec_name,
                            month=f'{start:%Y-%m}')
                    errors[declaration_id].append(
                        RowError(row, number, reason))
        return errors

    @classmethod
    def fund_amounts(cls, declarations):
        "The employee and employer contributions per fund, by declaration"
        pool = Pool()
        Fund = pool.get('insurance.fund')
        Line = pool.get('insurance.declaration.line')
        Contribution = pool.get('insurance.contribution')
        line = Line.__table__()
        contribution = Contribution.__table__()
        cursor = Transaction().connection.cursor()
        amounts = {d.id: {} for d in declarations}
        for chunk in grouped_slice(
                list(amounts), backend.MAX_QUERY_PARAMS):
            cursor.execute(*contribution.join(
                    line, condition=contribution.line == line.id).select(
                    line.declaration, contribution.fund,
                    Sum(contribution.employee_amount),
                    Sum(contribution.employer_amount),
                    where=line.declaration.in_(list(chunk)),
                    group_by=[line.declaration, contribution.fund]))
            for declaration, fund, employee, employer in cursor:
                amounts[declaration][Fund(fund)] = (
                    Decimal(str(employee or 0)), Decimal(str(employer or 0)))
        return amounts

    @classmethod
    def post(cls, declarations, books=None):
        """Post one move per fund: the contributions receivable from the
        employer, due on the month's due date; a correction posts only its
        difference from the version it corrects"""
        pool = Pool()
        Receivable = pool.get('insurance.receivable')
        books = books or FundBooks()
        entries, assessed = [], []
        fund_amounts = cls.fund_amounts(
            declarations + [d.corrects for d in declarations if d.corrects])
        due_dates = {}
        for declaration in declarations:
            amounts = fund_amounts[declaration.id]
            if declaration.corrects:
                for fund, (employee, employer) in (
                        fund_amounts[declaration.corrects.id].items()):
                    new_employee, new_employer = amounts.get(
                        fund, (Decimal(0), Decimal(0)))
                    amounts[fund] = (
                        new_employee - employee, new_employer - employer)
            date = month_bounds(declaration.period)[1]
            # Dunning counts the delay from the due date of the month
            if declaration.period not in due_dates:
                due_dates[declaration.period] = Receivable.due(
                    declaration.period)
            due = due_dates[declaration.period]
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
            assessed.append((declaration.employer, declaration.period,
                    {f: e + r for f, (e, r) in amounts.items() if e or r}))
        Receivable.add_assessed(assessed)
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
        later = cls.later_versions(declarations)
        for declaration in declarations:
            if declaration.id in later:
                raise AccessError(gettext(
                        'sigo_insurance.msg_declaration_correct_superseded',
                        declaration=declaration.rec_name,
                        later=later[declaration.id].rec_name))
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
