# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The IPSAS statement package of an entity, or of all entities consolidated:
financial position, financial performance, changes in net assets, cash flow
(direct method) and budget against actual, for a period and its comparative.
A package is never changed once produced: producing again makes a new
version."""
import datetime as dt
from decimal import Decimal

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If, PYSONEncoder
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from .ledger import Ledger
from .statement_xlsx import write_workbook

STATEMENTS = [
    ('position', "Financial Position"),
    ('performance', "Financial Performance"),
    ('net_assets', "Changes in Net Assets"),
    ('cash_flow', "Cash Flow"),
    ('budget', "Budget and Actual"),
    ]

# Cash flow lines by activity, in the order printed (IPSAS 2, direct method)
CASH_FLOW_ACTIVITIES = [
    ('operating', [
            'contributions', 'budget_transfers', 'interfund', 'benefits',
            'providers', 'administration', 'other_operating']),
    ('investing', ['investment_income', 'investments', 'property']),
    ('financing', ['net_assets']),
    ]
CASH_FLOWS = [
    (None, ""),
    ('cash', "Cash and Cash Equivalents"),
    ('contributions', "Contributions Received"),
    ('budget_transfers', "Transfers from the State Budget"),
    ('interfund', "Transfers between Funds"),
    ('benefits', "Benefits and Pensions Paid"),
    ('providers', "Payments to Health Care Providers"),
    ('administration', "Payments to Employees and Suppliers"),
    ('other_operating', "Other Operating Receipts and Payments"),
    ('investment_income', "Interest and Dividends Received"),
    ('investments', "Purchase and Sale of Investments"),
    ('property', "Purchase of Property, Plant and Equipment"),
    ('net_assets', "Contributions to and from Net Assets"),
    ]
AMOUNT_DIGITS = (16, 2)
CENT = Decimal('0.01')
AMOUNT_FIELDS = [
    'amount', 'comparative_amount', 'eliminated_amount', 'budget_amount',
    'variance']


def year_before(date):
    "The same day a year earlier; the last day of February stays the last"
    last_day = (date + dt.timedelta(days=1)).month != date.month
    day = date.replace(day=1, year=date.year - 1)
    if last_day:
        return (day + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(
            days=1)
    return day.replace(day=date.day)


def _row_label(key):
    return gettext(f'account_ipsas.msg_row_{key}')


class StatementPackage(ModelSQL, ModelView):
    "IPSAS Statement Package"
    __name__ = 'account.ipsas.statement.package'
    __string__ = "Statement Package"
    _rec_name = 'title'

    entity = fields.Many2One(
        'account.ipsas.entity', "Entity", readonly=True, ondelete='RESTRICT',
        help="Empty for the consolidated statements of all entities.")
    consolidated = fields.Function(
        fields.Boolean("Consolidated"), 'on_change_with_consolidated',
        searcher='search_consolidated')
    from_date = fields.Date("From Date", readonly=True, required=True)
    to_date = fields.Date("To Date", readonly=True, required=True)
    comparative_from_date = fields.Date(
        "Comparative From Date", readonly=True, required=True)
    comparative_to_date = fields.Date(
        "Comparative To Date", readonly=True, required=True)
    version = fields.Integer("Version", readonly=True, required=True,
        help="Producing the statements of the same period again makes a "
        "new version; earlier versions are kept.")
    title = fields.Function(
        fields.Char("Title"), 'get_title', searcher='search_title')
    lines = fields.One2Many(
        'account.ipsas.statement.line', 'package', "Lines", readonly=True)
    position_lines = fields.One2Many(
        'account.ipsas.statement.line', 'package', "Financial Position",
        filter=[('statement', '=', 'position')], readonly=True)
    performance_lines = fields.One2Many(
        'account.ipsas.statement.line', 'package', "Financial Performance",
        filter=[('statement', '=', 'performance')], readonly=True)
    net_assets_lines = fields.One2Many(
        'account.ipsas.statement.line', 'package', "Changes in Net Assets",
        filter=[('statement', '=', 'net_assets')], readonly=True)
    cash_flow_lines = fields.One2Many(
        'account.ipsas.statement.line', 'package', "Cash Flow",
        filter=[('statement', '=', 'cash_flow')], readonly=True)
    budget_lines = fields.One2Many(
        'account.ipsas.statement.line', 'package', "Budget and Actual",
        filter=[('statement', '=', 'budget')], readonly=True)
    xlsx = fields.Binary(
        "Spreadsheet", filename='xlsx_name', file_id='xlsx_id',
        readonly=True)
    xlsx_id = fields.Char("Spreadsheet ID", readonly=True)
    xlsx_name = fields.Function(
        fields.Char("Spreadsheet Name"), 'get_xlsx_name')
    finance_users = fields.Function(
        fields.Many2Many('res.user', None, None, "Finance Users"),
        'get_finance_users')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('to_date', 'DESC'), ('entity', 'ASC NULLS LAST'),
            ('version', 'DESC'), ('id', 'DESC')]

    @fields.depends('entity')
    def on_change_with_consolidated(self, name=None):
        return not self.entity

    @classmethod
    def search_consolidated(cls, name, clause):
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return [('entity', '=', None)]
        return [('entity', '!=', None)]

    def get_title(self, name):
        scope = (self.entity.rec_name if self.entity
            else gettext('account_ipsas.msg_consolidated'))
        return f'{scope} {self.from_date} – {self.to_date} v{self.version}'

    @classmethod
    def search_title(cls, name, clause):
        return [('entity.rec_name',) + tuple(clause[1:])]

    def get_xlsx_name(self, name):
        scope = self.entity.code if self.entity else 'CONS'
        return f'IPSAS-{scope}-{self.to_date}-v{self.version}.xlsx'

    @classmethod
    def get_finance_users(cls, packages, name):
        "The users of the accounting group with an e-mail address"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        group = ModelData.get_id('account', 'group_account')
        users = [u.id for u in User.search([
                    ('groups', '=', group), ('email', '!=', None)])]
        return {p.id: users for p in packages}

    @classmethod
    @without_check_access
    def produce(cls, entities, from_date, to_date, cmp_from_date,
            cmp_to_date, consolidated=False):
        """Produce a new version of the statement package of each entity and,
        when asked, of all entities consolidated"""
        pool = Pool()
        Line = pool.get('account.ipsas.statement.line')
        Entity = pool.get('account.ipsas.entity')
        # Versions are numbered without gaps or duplicates
        cls.lock()
        transaction = Transaction()
        scopes = [e for e in entities if e.company]
        if consolidated:
            scopes.append(None)
        all_books = [e for e in Entity.search([]) if e.company]
        packages = []
        for entity in scopes:
            previous = cls.search([
                    ('entity', '=', entity.id if entity else None),
                    ('from_date', '=', from_date),
                    ('to_date', '=', to_date),
                    ], order=[('version', 'DESC')], limit=1)
            package = cls(
                entity=entity, from_date=from_date, to_date=to_date,
                comparative_from_date=cmp_from_date,
                comparative_to_date=cmp_to_date,
                version=previous[0].version + 1 if previous else 1)
            package.save()
            builder = StatementBuilder(
                package, [entity] if entity else all_books)
            Line.save([Line(package=package, **row)
                    for row in builder.rows()])
            packages.append(package)
        language = config.get('database', 'language')
        with transaction.set_context(language=language):
            packages = cls.browse(packages)
            for package in packages:
                package.xlsx = package.workbook()
            cls.save(packages)
        return packages

    @classmethod
    def produce_for_closed_periods(cls):
        """At each period close, the package of the year to date for the
        entity, and the consolidated package once every entity has closed
        the period; closing again after a reopening makes a new version"""
        pool = Pool()
        Entity = pool.get('account.ipsas.entity')
        Period = pool.get('account.period')
        entities = [e for e in Entity.search([]) if e.company]
        closed = {}
        for entity in entities:
            periods = Period.search([
                    ('company', '=', entity.company.id),
                    ('type', '=', 'standard'),
                    ('state', '=', 'closed'),
                    ], order=[('end_date', 'DESC')], limit=1)
            if periods:
                closed[entity] = periods[0]
        for entity, period in closed.items():
            if not cls._produced_since(entity, period.end_date,
                    period.write_date):
                cls.produce([entity], *cls._year_to_date(period))
        if entities and len(closed) == len(entities):
            period = min(closed.values(), key=lambda p: p.end_date)
            same = [p for p in closed.values()
                if p.end_date == period.end_date]
            if len(same) == len(entities) and not cls._produced_since(
                    None, period.end_date, max(p.write_date for p in same)):
                cls.produce([], *cls._year_to_date(period),
                    consolidated=True)

    @classmethod
    def _produced_since(cls, entity, to_date, closed_at):
        return cls.search([
                ('entity', '=', entity.id if entity else None),
                ('to_date', '=', to_date),
                ('create_date', '>=', closed_at),
                ], limit=1)

    @staticmethod
    def _year_to_date(period):
        "The fiscal year to the period's end and the same months a year before"
        from_date = period.fiscalyear.start_date
        to_date = period.end_date
        return (from_date, to_date,
            year_before(from_date), year_before(to_date))

    def workbook(self):
        "The package as an XLSX workbook in the context language"
        return write_workbook(self)


class StatementLine(ModelSQL, ModelView):
    "IPSAS Statement Line"
    __name__ = 'account.ipsas.statement.line'
    __string__ = "Statement Line"
    package = fields.Many2One(
        'account.ipsas.statement.package', "Package", required=True,
        ondelete='CASCADE', readonly=True)
    statement = fields.Selection(
        STATEMENTS, "Statement", required=True, readonly=True)
    sequence = fields.Integer("Sequence", required=True, readonly=True)
    level = fields.Integer("Level", required=True, readonly=True)
    total = fields.Boolean("Total", readonly=True)
    node = fields.Many2One(
        'account.consolidation', "Statement Heading", readonly=True,
        ondelete='RESTRICT')
    row = fields.Char("Row", readonly=True)
    entity = fields.Many2One(
        'account.ipsas.entity', "Entity", readonly=True, ondelete='RESTRICT')
    budget_line = fields.Many2One(
        'account.budget.line', "Budget Line", readonly=True,
        ondelete='RESTRICT')
    label = fields.Function(fields.Char("Line"), 'get_label')
    amount = fields.Numeric("Current", digits=AMOUNT_DIGITS, readonly=True)
    comparative_amount = fields.Numeric(
        "Comparative", digits=AMOUNT_DIGITS, readonly=True)
    eliminated_amount = fields.Numeric(
        "Eliminated", digits=AMOUNT_DIGITS, readonly=True,
        help="What moves between the entities contribute to the line, "
        "left out of the consolidated amount.")
    budget_amount = fields.Numeric(
        "Budget", digits=AMOUNT_DIGITS, readonly=True)
    variance = fields.Numeric(
        "Variance", digits=AMOUNT_DIGITS, readonly=True,
        help="Actual less budget.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('package', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]

    def get_label(self, name):
        indent = '\u2003' * self.level
        if self.node:
            text = self.node.name
        elif self.budget_line:
            text = self.budget_line.current_name
        elif self.entity:
            text = self.entity.rec_name
        else:
            text = _row_label(self.row)
        return indent + text

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('total', False), 'success', '')),
            ]


class ProduceStatementsStart(ModelView):
    "Produce IPSAS Statements"
    __name__ = 'account.ipsas.statement.produce.start'
    entities = fields.Many2Many(
        'account.ipsas.entity', None, None, "Entities",
        domain=[('company', '!=', None)])
    consolidated = fields.Boolean(
        "Consolidated", help="Also the statements of all entities together.")
    from_date = fields.Date("From Date", required=True,
        domain=[('from_date', '<=', Eval('to_date'))])
    to_date = fields.Date("To Date", required=True)
    comparative_from_date = fields.Date("Comparative From Date",
        required=True,
        domain=[('comparative_from_date', '<=', Eval('comparative_to_date'))])
    comparative_to_date = fields.Date("Comparative To Date", required=True)

    @classmethod
    def default_entities(cls):
        pool = Pool()
        Entity = pool.get('account.ipsas.entity')
        return [e.id for e in Entity.search([('company', '!=', None)])]

    @classmethod
    def default_consolidated(cls):
        return True

    @classmethod
    def default_to_date(cls):
        "The end of last month"
        today = Pool().get('ir.date').today()
        return today.replace(day=1) - dt.timedelta(days=1)

    @classmethod
    def default_from_date(cls):
        return cls.default_to_date().replace(month=1, day=1)

    @classmethod
    def default_comparative_from_date(cls):
        return year_before(cls.default_from_date())

    @classmethod
    def default_comparative_to_date(cls):
        return year_before(cls.default_to_date())

    @fields.depends('from_date', 'to_date')
    def on_change_with_comparative_from_date(self):
        if self.from_date:
            return year_before(self.from_date)

    @fields.depends('to_date')
    def on_change_with_comparative_to_date(self):
        if self.to_date:
            return year_before(self.to_date)


class ProduceStatements(Wizard):
    "Produce IPSAS Statements"
    __name__ = 'account.ipsas.statement.produce'
    start = StateView('account.ipsas.statement.produce.start',
        'account_ipsas.statement_produce_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Produce", 'produce', 'tryton-ok', default=True),
            ])
    produce = StateAction('account_ipsas.act_statement_package')

    def do_produce(self, action):
        pool = Pool()
        Package = pool.get('account.ipsas.statement.package')
        start = self.start
        packages = Package.produce(
            start.entities, start.from_date, start.to_date,
            start.comparative_from_date, start.comparative_to_date,
            consolidated=start.consolidated)
        action['pyson_domain'] = PYSONEncoder().encode(
            [('id', 'in', [p.id for p in packages])])
        return action, {}


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append((
                'account.ipsas.statement.package|produce_for_closed_periods',
                "Produce IPSAS Statements at Period Close"))


class StatementBuilder:
    "The rows of every statement of a package, from one read of the ledger"

    def __init__(self, package, entities):
        pool = Pool()
        Account = pool.get('account.account')
        Consolidation = pool.get('account.consolidation')
        ModelData = pool.get('ir.model.data')
        self.package = package
        self.entities = entities
        self.consolidated = package.entity is None
        companies = [e.company.id for e in entities]
        self.ledger = Ledger(
            companies, package.from_date, package.to_date,
            package.comparative_from_date, package.comparative_to_date,
            consolidated=self.consolidated)

        def node(name):
            return Consolidation(ModelData.get_id('account_ipsas', name))
        self.node = node
        # The accounts under every heading, its own and its children's
        leaf_accounts = {}
        for account in Account.search([
                    ('company', 'in', companies),
                    ('type', '!=', None),
                    ('type.consolidation', '!=', None),
                    ]):
            leaf_accounts.setdefault(
                account.type.consolidation.id, set()).add(account.id)
        self.accounts = {}

        def collect(heading):
            accounts = set(leaf_accounts.get(heading.id, ()))
            for child in heading.children:
                accounts |= collect(child)
            self.accounts[heading.id] = accounts
            return accounts
        self.root = node('consolidation_root')
        collect(self.root)
        self.sequence = 0

    def rows(self):
        rows = []
        for statement, _ in STATEMENTS:
            rows.extend(getattr(self, f'_{statement}_rows')())
        return rows

    def _row(self, statement, level, total=False, **values):
        self.sequence += 1
        for name in AMOUNT_FIELDS:
            if values.get(name) is not None:
                # Adding zero turns a negative zero into zero
                values[name] = values[name].quantize(CENT) + 0
        return dict(
            statement=statement, sequence=self.sequence, level=level,
            total=total, **values)

    def _amounts(self, accounts, windows, cmp_windows, sign, **filters):
        "Current, comparative and eliminated amounts of the accounts"
        ledger = self.ledger
        kept = {'eliminated': False} if self.consolidated else {}
        values = {
            'amount': sign * ledger.total(
                accounts, windows, **kept, **filters),
            'comparative_amount': sign * ledger.total(
                accounts, cmp_windows, **kept, **filters),
            }
        if self.consolidated:
            values['eliminated_amount'] = sign * ledger.total(
                accounts, windows, eliminated=True, **filters)
        return values

    def _tree(self, statement, heading, level, windows, cmp_windows,
            leaves=(), **filters):
        "The heading and the headings below it, parent first"
        sign = 1 if heading.statement == 'balance' and heading.assets else -1
        rows = [self._row(
                statement, level, total=bool(heading.children) and (
                    heading not in leaves),
                node=heading.id,
                **self._amounts(self.accounts[heading.id], windows,
                    cmp_windows, sign, **filters))]
        if heading not in leaves:
            for child in sorted(heading.children, key=lambda c: c.sequence):
                rows.extend(self._tree(statement, child, level + 1, windows,
                        cmp_windows, leaves, **filters))
        return rows

    def _fixed(self, statement, row, level, values, total=True):
        return self._row(statement, level, total=total, row=row, **values)

    @staticmethod
    def _add(*rows):
        keys = ['amount', 'comparative_amount', 'eliminated_amount']
        return {k: sum(r[k] for r in rows) for k in keys if k in rows[0]}

    def _position_rows(self):
        end, cmp_end = ['opening', 'period'], ['cmp_opening', 'cmp_period']
        surplus = self.node('consolidation_surplus')
        rows = []
        for name in ['assets', 'liabilities', 'net_assets']:
            rows.extend(self._tree('position', self.node(
                        f'consolidation_{name}'), 0, end, cmp_end,
                    leaves=[surplus]))
        liabilities, net_assets = [
            r for r in rows if r.get('node') in {
                self.node('consolidation_liabilities').id,
                self.node('consolidation_net_assets').id}]
        rows.append(self._fixed('position', 'liabilities_net_assets', 0,
                self._add(liabilities, net_assets)))
        return rows

    def _performance_rows(self):
        return self._tree(
            'performance', self.node('consolidation_surplus'), 0,
            ['period'], ['cmp_period'], closing=False)

    def _net_assets_rows(self):
        net_assets = self.node('consolidation_net_assets')
        surplus = self.node('consolidation_surplus')
        accounts = self.accounts[net_assets.id]
        opening = self._amounts(
            accounts, ['opening'], ['cmp_opening'], -1)
        rows = [self._fixed('net_assets', 'net_assets_opening', 0, opening)]
        rows.append(self._row('net_assets', 1, node=surplus.id,
                **self._amounts(self.accounts[surplus.id], ['period'],
                    ['cmp_period'], -1, closing=False)))
        rows.append(self._fixed(
                'net_assets', 'net_assets_direct', 1, {}, total=False))
        for heading in sorted(net_assets.children, key=lambda c: c.sequence):
            if heading == surplus:
                continue
            rows.append(self._row('net_assets', 2, node=heading.id,
                    **self._amounts(self.accounts[heading.id], ['period'],
                        ['cmp_period'], -1, closing=False)))
        closing = self._amounts(
            accounts, ['opening', 'period'], ['cmp_opening', 'cmp_period'],
            -1)
        rows.append(self._fixed('net_assets', 'net_assets_closing', 0,
                closing))
        return rows

    def _cash_flow_rows(self):
        pool = Pool()
        Consolidation = pool.get('account.consolidation')
        cash = self.accounts[self.node('consolidation_cash').id]
        by_flow = {}
        for heading in Consolidation.search([('cash_flow', '!=', None)]):
            by_flow.setdefault(heading.cash_flow, set()).update(
                self.accounts.get(heading.id, ()))
        mapped = set().union(*by_flow.values()) if by_flow else set()
        unmapped = self.accounts[self.root.id] - mapped - cash
        by_flow.setdefault('other_operating', set()).update(unmapped)

        rows, flows = [], []
        for activity, lines in CASH_FLOW_ACTIVITIES:
            rows.append(self._fixed(
                    'cash_flow', activity, 0, {}, total=False))
            activity_rows = []
            for flow in lines:
                # What the counterpart lines of cash journal moves give up
                activity_rows.append(self._fixed(
                        'cash_flow', f'cash_flow_{flow}', 1,
                        self._amounts(by_flow.get(flow, set()) - cash,
                            ['period'], ['cmp_period'], -1,
                            cash_journal=True),
                        total=False))
            rows.extend(activity_rows)
            net = self._fixed('cash_flow', f'net_{activity}', 0,
                self._add(*activity_rows))
            rows.append(net)
            flows.append(net)
        # Cash moved by entries outside the cash journals, shown so that
        # the statement still ends on the bank balances
        outside = self._fixed('cash_flow', 'cash_outside_journals', 0,
            self._amounts(cash, ['period'], ['cmp_period'], 1,
                cash_journal=False), total=False)
        rows.append(outside)
        rows.append(self._fixed('cash_flow', 'net_change_cash', 0,
                self._add(*flows, outside)))
        rows.append(self._fixed('cash_flow', 'cash_opening', 0,
                self._amounts(cash, ['opening'], ['cmp_opening'], 1)))
        rows.append(self._fixed('cash_flow', 'cash_closing', 0,
                self._amounts(cash, ['opening', 'period'],
                    ['cmp_opening', 'cmp_period'], 1)))
        return rows

    def _budget_rows(self):
        rows = []
        for entity in self.entities:
            level = 0
            if self.consolidated:
                rows.append(self._row('budget', 0, total=True,
                        entity=entity.id))
                level = 1
            rows.extend(self._entity_budget_rows(entity, level))
        return rows

    def _entity_budget_rows(self, entity, level):
        "IPSAS 24: the approved budget of the year to date against actual"
        pool = Pool()
        Budget = pool.get('account.budget')
        BudgetLine = pool.get('account.budget.line')
        Period = pool.get('account.period')
        to_date = self.package.to_date
        budgets = Budget.search([
                ('company', '=', entity.company.id),
                ('fiscalyear.start_date', '<=', to_date),
                ('fiscalyear.end_date', '>=', to_date),
                ], order=[('id', 'DESC')], limit=1)
        if not budgets:
            return [self._fixed('budget', 'no_budget', level, {},
                    total=False)]
        budget, = budgets
        periods = Period.search([
                ('fiscalyear', '=', budget.fiscalyear.id),
                ('type', '=', 'standard'),
                ])
        to_date_periods = [p.id for p in periods if p.end_date <= to_date]
        # The whole year's budget at its end; within the year, the share of
        # the periods to date as the budget spreads it
        if len(to_date_periods) == len(periods):
            context = {}
        else:
            context = {'periods': to_date_periods or [-1]}
        rows = []
        with Transaction().set_context(**context):
            lines = BudgetLine.search([('budget', '=', budget.id)],
                order=[('left', 'ASC')])
            for line in lines:
                depth, parent = 0, line.parent
                while parent:
                    depth, parent = depth + 1, parent.parent
                amount = line.total_amount or Decimal(0)
                actual = line.actual_amount or Decimal(0)
                rows.append(self._row('budget', level + depth,
                        total=bool(line.children), budget_line=line.id,
                        budget_amount=amount, amount=actual,
                        variance=actual - amount))
        return rows
