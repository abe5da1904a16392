# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The books of every reporting entity, open for this year and the two
before (the demo's 24 months of declarations post into them); once every
module has posted, the cash, benefits, investments and transfers of last
year and this one, this year's budgets, the months closed and the IPSAS
statement packages produced as at the last close"""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction

YEARS = 3
# Monthly benefits paid by each fund, as a share of its contributions
BENEFITS = {
    'PEN': [('5110', Decimal('0.55')), ('5120', Decimal('0.10')),
        ('5130', Decimal('0.08'))],
    'BEN': [('5210', Decimal('0.45')), ('5220', Decimal('0.30')),
        ('5230', Decimal('0.05'))],
    'IAO': [('5510', Decimal('0.40'))],
    'UNE': [('5310', Decimal('0.50'))],
    }
# Monthly transfers from the state budget and what they pay for
FUNDED = {
    'ADM': (Decimal(45_000_000), '5710', Decimal('0.92')),
    'HDF': (Decimal(180_000_000), '5610', Decimal('0.97')),
    }
HOSPITAL = "Архангай аймгийн нэгдсэн эмнэлэг"
# The funds' accumulated reserves, carried in from the legacy books
OPENING_CASH = {
    'PEN': 2_500_000_000, 'BEN': 300_000_000, 'IAO': 200_000_000,
    'UNE': 250_000_000, 'HLT': 400_000_000, 'ADM': 50_000_000,
    'HDF': 500_000_000,
    }


def generate(scale, random):
    pool = Pool()
    Entity = pool.get('account.ipsas.entity')
    User = pool.get('res.user')
    Date = pool.get('ir.date')

    entities = Entity.search([])
    Entity.open_books(entities)
    year = Date.today().year
    for past in range(YEARS - 1, -1, -1):
        Entity.open_fiscal_year(entities, year - past)
    companies = [e.company.id for e in entities]
    for login in ['admin', 'finance', 'auditor']:
        user, = User.search([('login', '=', login)])
        User.write([user], {
                'companies': [('add', companies)],
                'company': companies[0],
                'company_filter': 'all'})
    # The statement packages are mailed to the finance staff
    finance, = User.search([('login', '=', 'finance')])
    User.write([finance], {'email': 'finance@sigo.gov.mn'})


def finish(scale, random):
    pool = Pool()
    Entity = pool.get('account.ipsas.entity')
    Date = pool.get('ir.date')
    Package = pool.get('account.ipsas.statement.package')

    today = Date.today()
    last_close = today.replace(day=1) - dt.timedelta(days=1)
    months = [dt.date(y, m, 1)
        for y in [today.year - 1, today.year] for m in range(1, 13)
        if dt.date(y, m, 1) <= last_close]
    entities = {e.code: e for e in Entity.search([])}
    books = _Books(entities)
    opening = months[0] - dt.timedelta(days=1)
    for code, cash in OPENING_CASH.items():
        books.move(code, 'MISC', opening, [
                ('1110', Decimal(cash), None), ('3110', -Decimal(cash), None)])
    for month in months:
        books.post_month(month, random)
    books.post_all()
    _budgets(entities.values(), today.year, last_close, random)
    _close(entities.values(), months)
    Package.produce_for_closed_periods()


class _Books:
    "The demo's moves, gathered and posted per entity"

    def __init__(self, entities):
        pool = Pool()
        Journal = pool.get('account.journal')
        Account = pool.get('account.account')
        Party = pool.get('party.party')
        self.entities = entities
        self.journals = {j.code: j for j in Journal.search([])}
        self.accounts = {
            (a.company.id, a.code): a for a in Account.search([
                    ('company', 'in', [
                            e.company.id for e in entities.values()]),
                    ('code', '!=', None)])}
        self.hospital, = Party.create([{'name': HOSPITAL}])
        self.moves = []

    def move(self, code, journal, date, lines, other=None):
        pool = Pool()
        Move = pool.get('account.move')
        Line = pool.get('account.move.line')
        Period = pool.get('account.period')
        company = self.entities[code].company
        lines = [l for l in lines if l[1]]
        if not lines:
            return
        self.moves.append(Move(
                company=company, journal=self.journals[journal], date=date,
                period=Period.find(company, date),
                consolidation_company=(
                    self.entities[other].company if other else None),
                lines=[Line(
                        account=self.accounts[company.id, account],
                        party=party, debit=max(amount, 0),
                        credit=max(-amount, 0))
                    for account, amount, party in lines]))

    def contributions(self, code, month):
        "What the month's declarations assessed for the fund"
        if self.assessed is None:
            # One read of every fund's month for the whole demo
            self.assessed = {}
            try:
                Receivable = Pool().get('insurance.receivable')
            except KeyError:
                return Decimal(0)
            for receivable in Receivable.search([]):
                key = (receivable.fund.code, receivable.month)
                self.assessed[key] = self.assessed.get(
                    key, Decimal(0)) + receivable.assessed
        return self.assessed.get((code, month), Decimal(0))

    assessed = None

    def post_month(self, month, random):
        end = _month_end(month)
        paid_on = month.replace(day=15)
        for code, benefits in BENEFITS.items():
            self._fund_month(code, month, paid_on, end, benefits, random)
        self._health_month(month, paid_on, end, random)
        for code, (transfer, expense, share) in FUNDED.items():
            self.move(code, 'CASH', month.replace(day=2), [
                    ('1110', transfer, None), ('4310', -transfer, None)])
            spent = _thousands(transfer * share * _noise(random))
            self.move(code, 'CASH', end, [
                    (expense, spent, None), ('1110', -spent, None)])
        if month.month % 3 == 0:
            # The pension fund's deposits earn interest; it pays SIGO
            # administration a quarterly fee
            self.move('PEN', 'CASH', end, [
                    ('1110', Decimal(6_500_000), None),
                    ('4210', Decimal(-6_500_000), None)])
            fee = Decimal(12_000_000)
            self.move('PEN', 'CASH', end, [
                    ('5810', fee, None), ('1110', -fee, None)], other='ADM')
            self.move('ADM', 'CASH', end, [
                    ('1110', fee, None), ('4410', -fee, None)], other='PEN')
        if month.month == 6:
            deposit = Decimal(150_000_000)
            self.move('PEN', 'CASH', end, [
                    ('1510', deposit, None), ('1110', -deposit, None)])

    def _fund_month(self, code, month, paid_on, end, benefits, random):
        # The employers' payments are posted by sigo_insurance
        total = self.contributions(code, month)
        paid = [(account, _thousands(total * share * _noise(random)))
            for account, share in benefits]
        self.move(code, 'CASH', paid_on, [
                (account, amount, None) for account, amount in paid]
            + [('1110', -sum(a for _, a in paid), None)])

    def _health_month(self, month, paid_on, end, random):
        assessed = self.contributions('HLT', month)
        claims = _thousands(assessed * Decimal('0.8') * _noise(random))
        # Claims of the month are accrued, and paid the month after
        self.move('HLT', 'EXP', end, [
                ('5410', claims, None), ('2120', -claims, self.hospital)])
        if self.previous_claims:
            self.move('HLT', 'CASH', paid_on, [
                    ('2120', self.previous_claims, self.hospital),
                    ('1110', -self.previous_claims, None)])
        self.previous_claims = claims

    previous_claims = Decimal(0)

    def post_all(self):
        pool = Pool()
        Move = pool.get('account.move')
        # Saved in slices (long saves are slow) and posted per entity:
        # Tryton posts the moves of one company per call
        for start in range(0, len(self.moves), 50):
            Move.save(self.moves[start:start + 50])
        by_company = {}
        for move in self.moves:
            by_company.setdefault(move.company.id, []).append(move)
        for moves in by_company.values():
            Move.post(moves)


def _budgets(entities, year, last_close, random):
    "Each entity's approved budget for the year, spread evenly by month"
    pool = Pool()
    Budget = pool.get('account.budget')
    BudgetLine = pool.get('account.budget.line')
    BudgetPeriod = pool.get('account.budget.line.period')
    FiscalYear = pool.get('account.fiscalyear')
    Period = pool.get('account.period')
    for entity in entities:
        fiscalyear, = FiscalYear.search([
                ('company', '=', entity.company.id),
                ('start_date', '=', dt.date(year, 1, 1))])
        budget, = Budget.create([{
                    'name': f"{entity.code} {year}",
                    'company': entity.company.id,
                    'fiscalyear': fiscalyear.id}])
        Budget.update_lines([budget])
        periods = Period.search([
                ('fiscalyear', '=', fiscalyear.id),
                ('type', '=', 'standard')])
        to_date = [p.id for p in periods if p.end_date <= last_close]
        with Transaction().set_context(periods=to_date):
            lines = BudgetLine.search([
                    ('budget', '=', budget.id), ('account_type', '!=', None),
                    ('children', '=', None)])
            amounts = {l.id: l.actual_amount for l in lines}
        share = Decimal(len(periods)) / Decimal(len(to_date) or 1)
        for line in BudgetLine.browse(amounts):
            line.amount = _thousands(
                amounts[line.id] * share * _noise(random))
        BudgetLine.save(BudgetLine.browse(amounts))
        BudgetPeriod.save(sum((root.create_period('evenly', periods)
                    for root in budget.root_lines), []))


def _close(entities, months):
    pool = Pool()
    Period = pool.get('account.period')
    for entity in entities:
        periods = Period.search([
                ('company', '=', entity.company.id),
                ('type', '=', 'standard'),
                ('start_date', '>=', months[0]),
                ('start_date', '<=', months[-1]),
                ], order=[('start_date', 'ASC')])
        Period.close(periods)


def _month_end(month):
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(
        days=1)


def _noise(random):
    return Decimal(str(round(random.uniform(0.9, 1.1), 3)))


def _thousands(amount):
    "Rounded to the thousand tugriks, as budgets and payments are planned"
    return (Decimal(amount) / 1000).quantize(Decimal(1)) * 1000
