# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Pensioners of every kind in Arkhangai and Ulaanbaatar with the
contribution months of their working lives and their bank accounts, awarded
through applications the officers submitted and the supervisors approved;
applications still in draft, waiting for approval or refused; suspended
awards and one ended by death with the widow's survivor pension; the last
three months' payrolls paid, this month's computed, and next year's
indexation previewed"""
import datetime as dt
from decimal import Decimal

from sql.functions import CurrentTimestamp

from trytond.modules.sigo_base.register_number import compose
from trytond.modules.sigo_pension.payroll import month_end
from trytond.modules.sigo_pension.rule import add_months
from trytond.pool import Pool
from trytond.transaction import Transaction

from .sigo_base import FATHERS, FEMALE, MALE

# name, BIC, first digits of its account numbers, share of the pensioners
BANKS = [
    ("Хаан Банк", 'AGMOMNUB', '50', 45),
    ("Төрийн Банк", 'STBMMNUB', '34', 25),
    ("Голомт Банк", 'GLMTMNUB', '11', 10),
    ("Худалдаа Хөгжлийн Банк", 'TDBMMNUB', '49', 10),
    ("Хас Банк", 'CAXBMNUB', '55', 10),
    ]
# office, letters of the register numbers issued there, share of pensioners
OFFICES = [
    ('SIGO-MN-073-01', 'АР', 25),
    ('SIGO-MN-073-02', 'АР', 12),
    ('SIGO-MN-073-03', 'АР', 10),
    ('SIGO-MN-073-04', 'АР', 10),
    ('SIGO-MN-073-05', 'АР', 6),
    ('SIGO-MN-1-04', 'УБ', 20),
    ('SIGO-MN-1-03', 'УЕ', 9),
    ('SIGO-MN-1-08', 'УК', 8),
    ]
ARKHANGAI = [c for c, _, _ in OFFICES if c.startswith('SIGO-MN-073-')]
# Herders live in the soums, underground miners near the mine of Chuluut
# or in the capital
HERDER_OFFICES = ARKHANGAI
MINER_OFFICES = ['SIGO-MN-073-03', 'SIGO-MN-1-08']
HEAD_OFFICE = 'SIGO'
# The office's demo officer records its applications and stops its awards,
# head office those of the offices without one
OFFICERS = {
    'SIGO-MN-073-01': 'soum.battsengel',
    'SIGO-MN-073-02': 'soum.bulgan',
    'SIGO-MN-1-04': 'district.bayanzurkh',
    }
HEAD_OFFICER = 'head.officer'
# Who approves the applications of the offices under an aimag or the
# capital; the demo has no supervisor of the capital, so the administrator
SUPERVISORS = {'SIGO-MN-073': 'aimag.arkhangai', 'SIGO-MN-1': 'admin'}
# Where the pensioners worked before this system
EMPLOYERS = {
    'aimag': ["Архангай Ноос ХХК", "Батцэнгэл Сүү ХХК",
        "Сумын Засаг Даргын Тамгын Газар",
        "Сумын Ерөнхий Боловсролын Сургууль", "Сумын Эрүүл Мэндийн Төв",
        "Архангай Хэрэглээний Хоршоо"],
    'capital': ["Улаанбаатар Төмөр Зам ХНН", "Монголын Цахилгаан Холбоо ХК",
        "Баянзүрх Эмнэлэг ТӨҮГ", "Нийслэлийн Нийтийн Тээвэр ОНӨААТҮГ",
        "Говь ХК"],
    'underground': ["Хангай Уурхай ХК", "Налайхын Нүүрсний Уурхай"],
    'herding': ["Сайн дурын даатгал"],
    }
# Roughly the national average monthly wage in tugriks, to which each
# person's wage is proportional
AVERAGE_WAGE = [(1985, 500), (1990, 1_000), (1993, 6_000), (1995, 20_000),
    (2000, 64_000), (2005, 101_000), (2010, 424_000), (2015, 814_000),
    (2020, 1_221_000), (2023, 1_800_000), (2028, 2_900_000)]
# The paper insurance books end here; later months come from the aimags'
# and the capital's databases that this system replaced
BOOKS_END = dt.date(2010, 1, 1)
# Awards at scale 1: (pension, early category, capacity loss or survivors,
# count); 'proportional' is an old-age pension on a short record
AWARDS = [
    ('old_age', None, None, 150),
    ('proportional', None, None, 40),
    ('old_age', 'mother_4_children', None, 25),
    ('old_age', 'underground_male', None, 20),
    ('old_age', 'herder_male', None, 15),
    ('old_age', 'herder_female', None, 15),
    ('disability', None, 75, 20),
    ('disability', None, 60, 15),
    ('survivor', None, 1, 10),
    ('survivor', None, 2, 10),
    ('survivor', None, 3, 10),
    ]
# On the offices' desks, for pensions from next month: (office, state,
# pension, early category, capacity loss or survivors, what is wrong);
# 'checked' is a draft whose eligibility the officer checked
PENDING = [
    ('SIGO-MN-073-01', 'submitted', 'old_age', None, None, None),
    ('SIGO-MN-073-01', 'submitted', 'old_age', 'mother_4_children', None,
        None),
    ('SIGO-MN-073-02', 'submitted', 'disability', None, 80, None),
    ('SIGO-MN-1-04', 'submitted', 'survivor', None, 2, None),
    ('SIGO-MN-073-01', 'draft', 'old_age', None, None, None),
    ('SIGO-MN-073-01', 'checked', 'proportional', None, None, None),
    ('SIGO-MN-073-01', 'checked', 'old_age', 'herder_female', None,
        'documents'),
    ('SIGO-MN-1-04', 'checked', 'disability', None, 60, None),
    ('SIGO-MN-073-01', 'refused', 'old_age', None, None, 'age'),
    ('SIGO-MN-073-01', 'refused', 'old_age', 'mother_4_children', None,
        'children'),
    ('SIGO-MN-073-02', 'refused', 'proportional', None, None, 'months'),
    ('SIGO-MN-1-04', 'refused', 'disability', None, 40, None),
    ]
# Awards suspended early last month: (office, pension, reason, note)
SUSPENSIONS = [
    ('SIGO-MN-073-01', 'disability', 'other',
        "Called for re-examination by the medical labour commission."),
    ('SIGO-MN-073-02', 'old_age', 'emigration',
        "Moved abroad to live with their children."),
    ('SIGO-MN-1-04', 'old_age', 'other',
        "The bank returned the transfer: the account is closed."),
    ('SIGO-MN-1-04', 'disability', 'return_to_work',
        "Works full time again."),
    ]


def generate(scale, random):
    pool = Pool()
    Office = pool.get('sigo.office')
    User = pool.get('res.user')
    Date = pool.get('ir.date')

    today = Date.today()
    this_month = today.replace(day=1)
    last_month = add_months(this_month, -1)
    offices = {o.code: o for o in Office.search([
                ('code', 'in', [c for c, _, _ in OFFICES] + [HEAD_OFFICE])])}
    users = {u.login: u for u in User.search([])}
    people = _People(_banks(), random)

    # Pensions from the last eight months: the first payroll after the
    # award pays the months before as arrears
    retiring = people.retiring_citizens(
        add_months(this_month, -7), this_month)
    cases = list(retiring)
    for pension, category, value, count in AWARDS:
        count *= scale
        if (pension, category) == ('old_age', None):
            count -= len(retiring)
        cases += [_Case(pension, category, value, _office(random, category),
                add_months(this_month, -random.randrange(8)), random)
            for _ in range(count)]
    pending = [_Case(pension, category, value, office,
            add_months(this_month, 1), random, state=state, fault=fault)
        for office, state, pension, category, value, fault in PENDING]
    people.create(cases + pending)

    awards = [a.award for a in _applications(
            cases, offices, users, people.accounts, today, random)]
    for month in [add_months(this_month, -3), add_months(this_month, -2)]:
        _payroll(month, offices[HEAD_OFFICE], users)
    # Last month's payroll left out the awards suspended early in the month
    # and paid the pensioner who died late in it
    _suspend(awards, last_month, users, random)
    _payroll(last_month, offices[HEAD_OFFICE], users)
    widow = _death(awards, last_month, users, random)
    people.create([widow])
    _applications([widow] + pending, offices, users, people.accounts, today,
        random)
    _payroll(this_month, offices[HEAD_OFFICE], users, pay=False)
    _indexation(dt.date(today.year + 1, 1, 1), users)


def _banks():
    "{bank: (first digits of its account numbers, share of the pensioners)}"
    pool = Pool()
    Party = pool.get('party.party')
    Bank = pool.get('bank')
    parties = Party.create([{'name': name} for name, _, _, _ in BANKS])
    banks = Bank.create([{'party': party.id, 'bic': bic}
            for party, (_, bic, _, _) in zip(parties, BANKS)])
    return {bank: (prefix, share)
        for bank, (_, _, prefix, share) in zip(banks, BANKS)}


def _office(random, category=None):
    if category and category.startswith('herder'):
        codes = HERDER_OFFICES
    elif category == 'underground_male':
        codes = MINER_OFFICES
    else:
        codes = [c for c, _, _ in OFFICES]
    offices = [(c, w) for c, _, w in OFFICES if c in codes]
    return random.choices(
        [c for c, _ in offices], [w for _, w in offices])[0]


class _Case:
    """A pension application to be: who applies where for which pension
    from when, and how many months the one whose record counts worked"""

    def __init__(self, pension, category, value, office, start, random,
            state='approved', fault=None, person=None, deceased=None,
            death_date=None):
        self.pension, self.category, self.value = pension, category, value
        self.office, self.start = office, start
        self.state, self.fault = state, fault
        self.person, self.deceased = person, deceased
        self.death_date = death_date
        self.children = None
        # The sex of the one whose record counts: for survivors, the deceased
        self.sex = {
            'mother_4_children': 'female', 'herder_female': 'female',
            'underground_male': 'male', 'herder_male': 'male',
            }.get(category) or random.choice(['male', 'female'])
        if pension == 'proportional':
            self.pension = 'old_age'
            self.months = random.randrange(120, 250)
        elif pension in {'disability', 'survivor'}:
            self.months = random.randrange(48, 300)
        elif category:
            self.months = random.randrange(245, 330)
        else:
            self.months = random.randrange(270, 360)
        if fault == 'months':
            self.months = random.randrange(60, 110)
        if category == 'mother_4_children':
            self.children = 3 if fault == 'children' else random.choice(
                [4, 4, 4, 5, 5, 6, 7])

    @property
    def retirement_age(self):
        age = {'mother_4_children': 50, 'underground_male': 50,
            'herder_male': 55, 'herder_female': 50,
            }.get(self.category) or (60 if self.sex == 'male' else 55)
        # Who comes too early is refused
        return age - 2 if self.fault == 'age' else age

    def application(self, offices, categories, accounts, today, random):
        "The values of the application the officer enters"
        return {
            'office': offices[self.office].id,
            'kind': self.pension,
            'person': self.person.id,
            'category': (categories[self.category].id
                if self.category else None),
            'children': self.children,
            'capacity_loss': (self.value
                if self.pension == 'disability' else None),
            'deceased': self.deceased.id if self.deceased else None,
            'death_date': self.death_date,
            'survivors': self.value if self.pension == 'survivor' else None,
            'application_date': min(today, self.start + dt.timedelta(
                    days=random.randrange(-25, 20))),
            'start_date': self.start,
            'documents_complete': (self.state != 'draft'
                and self.fault != 'documents'),
            'bank_account': accounts[self.person].id,
            }


class _People:
    """The applicants and the deceased: the demo's citizens who reached the
    pension age lately and new citizens born to fit the cases; the
    contribution months of their working lives and the pensioners' bank
    accounts"""

    def __init__(self, banks, random):
        Party = Pool().get('party.party')
        self.banks = banks
        self.random = random
        self.numbers = {p.register_number for p in Party.search([
                    ('register_number', '!=', None)])}
        self.accounts = {}

    def retiring_citizens(self, first, last):
        """Old-age cases of the demo's citizens whose pension starts from
        first to last and who are insured with none of the demo's
        employers (whose months would add to the working life)"""
        pool = Pool()
        Party = pool.get('party.party')
        Employment = pool.get('insurance.employment')
        Contract = pool.get('insurance.voluntary.contract')
        insured = {e.person for e in Employment.search([])} | {
            c.person for c in Contract.search([])}
        cases = []
        for person in Party.search([
                    ('register_number', '!=', None),
                    ('birth_date', '!=', None)]):
            age = 60 if person.sex == 'male' else 55
            start = add_months(person.birth_date.replace(day=1), 12 * age + 1)
            if person not in insured and first <= start <= last:
                cases.append(_Case('old_age', None, None,
                        _office(self.random), start, self.random,
                        person=person))
        return cases

    def create(self, cases):
        """The citizens the cases need, their working lives and bank
        accounts"""
        random = self.random
        new = []
        for case in cases:
            if case.pension == 'survivor':
                if case.deceased:
                    age = case.death_date.year - case.deceased.birth_date.year
                else:
                    # The breadwinner died working, a month or two before
                    case.death_date = add_months(case.start,
                        -random.randrange(1, 3)) + dt.timedelta(
                        days=random.randrange(28))
                    age = random.randrange(45, 65)
                    case.deceased = self._citizen(
                        case, case.sex, case.death_date, age)
                    new.append(case.deceased)
                case.person = self._citizen(case, _other(case.sex),
                    case.death_date, age + random.randrange(-6, 4))
                new.append(case.person)
            elif not case.person:
                case.person = self._citizen(case, case.sex, case.start,
                    random.randrange(45, 58) if case.pension == 'disability'
                    else case.retirement_age)
                new.append(case.person)
        created = {p.register_number: p for p in self._create(new)}
        for case in cases:
            for name in ['person', 'deceased']:
                if isinstance(getattr(case, name), dict):
                    setattr(case, name,
                        created[getattr(case, name)['register_number']])
        self._contributions([(case,
                    case.deceased if case.pension == 'survivor'
                    else case.person)
                for case in cases if case.months])
        self._bank_accounts([case.person for case in cases])

    def _citizen(self, case, sex, date, age):
        """The values of a new citizen registered where the case's office
        is, so old at the start of date's month and not a month older"""
        random = self.random
        letters = next(l for c, l, _ in OFFICES if c == case.office)
        born = add_months(date.replace(day=1), -12 * age - 1).replace(
            day=random.randrange(2, 29))
        while True:
            number = compose(letters, born, sex, random.randrange(5),
                random.randrange(10))
            if number not in self.numbers:
                break
        self.numbers.add(number)
        given = random.choice(MALE if sex == 'male' else FEMALE)
        return {'name': f"{random.choice(FATHERS)} {given}",
            'register_number': number}

    def _create(self, values):
        Party = Pool().get('party.party')
        # Small batches: on SQLite trytond checks the unique register number
        # with one OR clause per record, which overflows SQLite's parser
        return [p for i in range(0, len(values), 50)
            for p in Party.create(values[i:i + 50])]

    def _contributions(self, workers):
        """The months of each (case, worker)'s working life, written as a
        legacy import would: one statement run for all the rows, since
        creating some 90,000 months through the ORM would take most of the
        demo's time"""
        Record = Pool().get('pension.contribution.record')
        transaction = Transaction()
        record = Record.__table__()
        columns = [record.person, record.month, record.insurable_wage,
            record.employer_name, record.condition, record.source,
            record.create_uid]
        query, _ = tuple(record.insert(
                columns + [record.create_date],
                [[None] * len(columns) + [CurrentTimestamp()]]))
        transaction.connection.cursor().executemany(query, [
                row + [transaction.user] for case, worker in workers
                for row in self._working_life(case, worker)])

    def _working_life(self, case, worker):
        """[worker, month, wage, employer, condition, source] of each month:
        a few employers, the early categories' years in their conditions,
        up to the pension (a few old-age pensioners stopped some years
        before) or the death"""
        random = self.random
        last = add_months((case.death_date or case.start).replace(day=1), -1)
        if case.pension == 'old_age' and random.random() < 0.2:
            last = add_months(last, -random.randrange(6, 36))
        region = 'aimag' if case.office in ARKHANGAI else 'capital'
        level = random.uniform(0.55, 1.6)
        condition = {'underground_male': 'underground',
            'herder_male': 'herding', 'herder_female': 'herding',
            }.get(case.category)
        # (months worked by the job's end, employer, condition) of each job
        jobs = []
        worked = 0
        if condition == 'herding':
            # Herders insure a declared income near the minimum wage, most
            # of their lives
            level = random.uniform(0.35, 0.5)
            worked = random.randrange(0, 40)
            special = case.months - worked
        elif condition:
            level *= 1.3
            worked = random.randrange(0, case.months - 200)
            special = random.randrange(130, 200)
        if worked:
            jobs.append((worked, random.choice(EMPLOYERS[region]), 'normal'))
        if condition:
            worked += special
            jobs.append((worked, random.choice(EMPLOYERS[condition]),
                    condition))
        while worked < case.months:
            worked = min(case.months, worked + random.randrange(36, 180))
            jobs.append((worked, random.choice(EMPLOYERS[region]), 'normal'))
        rows, wages = [], {}
        month = add_months(last, 1 - case.months)
        start = 0
        for end, employer, worked_in in jobs:
            for _ in range(start, end):
                if month.year not in wages:
                    wages[month.year] = Decimal(int(
                            level * random.uniform(0.95, 1.05)
                            * _average_wage(month.year) / 1000) * 1000)
                rows.append([worker.id, month, wages[month.year], employer,
                        worked_in, "Insurance book" if month < BOOKS_END
                        else f"Legacy {region} database"])
                month = add_months(month, 1)
            start = end
        return rows

    def _bank_accounts(self, people):
        "An account at one of the banks for each new pensioner"
        pool = Pool()
        Account = pool.get('bank.account')
        Currency = pool.get('currency.currency')
        tugrik, = Currency.search([('code', '=', 'MNT')])
        banks = list(self.banks)
        weights = [share for _, share in self.banks.values()]
        people = [p for p in dict.fromkeys(people) if p not in self.accounts]
        values = []
        for number, person in enumerate(people, len(self.accounts) + 1):
            bank = self.random.choices(banks, weights)[0]
            values.append({
                    'bank': bank.id,
                    'currency': tugrik.id,
                    'owners': [('add', [person.id])],
                    'numbers': [('create', [{
                                    'type': 'other',
                                    'number': f'{self.banks[bank][0]}'
                                    f'{number:08d}',
                                    }])],
                    })
        self.accounts.update(zip(people, Account.create(values)))


def _other(sex):
    return 'female' if sex == 'male' else 'male'


def _average_wage(year):
    "Interpolated between the years of AVERAGE_WAGE"
    for (year0, wage0), (year1, wage1) in zip(AVERAGE_WAGE, AVERAGE_WAGE[1:]):
        if year <= year1:
            return wage0 + (wage1 - wage0) * (year - year0) / (year1 - year0)


def _applications(cases, offices, users, accounts, today, random):
    """The officers enter the applications and submit those to award, check
    the drafts and refuse the ineligible; another, the supervisor,
    approves. The applications in the order of the cases."""
    pool = Pool()
    Application = pool.get('pension.application')
    Category = pool.get('pension.early_category')
    categories = {c.code: c for c in Category.search([])}
    applications = {}
    for login in {OFFICERS.get(c.office, HEAD_OFFICER) for c in cases}:
        mine = [c for c in cases
            if OFFICERS.get(c.office, HEAD_OFFICER) == login]
        with Transaction().set_user(users[login].id):
            applications.update(zip(mine, Application.create([
                            c.application(
                                offices, categories, accounts, today, random)
                            for c in mine])))

            def in_state(*states):
                return [applications[c] for c in mine if c.state in states]
            # Submitting checks the eligibility first
            Application.submit(in_state('approved', 'submitted'))
            Application.check_eligibility(in_state('checked', 'refused'))
            Application.refuse(in_state('refused'))
    for parent, login in SUPERVISORS.items():
        with Transaction().set_user(users[login].id):
            Application.approve([applications[c] for c in cases
                    if c.state == 'approved'
                    and c.office.rsplit('-', 1)[0] == parent])
    return [applications[c] for c in cases]


def _payroll(month, office, users, pay=True):
    """Head office computes the month's payroll of every office, finance
    posts it and pays the banks by the month's end"""
    Payroll = Pool().get('pension.payroll')
    with Transaction().set_user(users[HEAD_OFFICER].id):
        payroll, = Payroll.create([{
                    'office': office.id, 'month': month,
                    'date': month_end(month)}])
        Payroll.compute([payroll])
    if pay:
        with Transaction().set_user(users['finance'].id):
            Payroll.post([payroll])
            Payroll.pay([payroll])


def _suspend(awards, month, users, random):
    "The officers suspend a few awards early in the month"
    for office, pension, reason, note in SUSPENSIONS:
        candidates = [a for a in awards if a.office.code == office
            and a.kind == pension and a.state == 'active'
            and a.start_date < month]
        if candidates:
            _stop(random.choice(candidates), 'suspended',
                month + dt.timedelta(days=random.randrange(10)), reason, note,
                users)


def _death(awards, month, users, random):
    """A Battsengel pensioner died in the month: the officer ends his award;
    the case of his widow's survivor pension from the next month"""
    award = random.choice([a for a in awards
            if a.office.code == 'SIGO-MN-073-01' and a.kind == 'old_age'
            and a.person.sex == 'male' and a.state == 'active'
            and a.start_date < month])
    died = month + dt.timedelta(days=random.randrange(28))
    _stop(award, 'terminated', died, 'death', None, users)
    widow = _Case('survivor', None, 1, award.office.code,
        add_months(month, 1), random, deceased=award.person, death_date=died)
    widow.sex = 'male'
    # His months are on record: the widow shares his pension
    widow.months = 0
    return widow


def _stop(award, action, date, reason, note, users):
    "The award's office stops it with the Stop wizard"
    Stop = Pool().get('pension.award.stop', type='wizard')
    login = OFFICERS.get(award.office.code, HEAD_OFFICER)
    with Transaction().set_user(users[login].id), \
            Transaction().set_context(active_model='pension.award',
                active_id=award.id, active_ids=[award.id]):
        session_id, _, _ = Stop.create()
        Stop.execute(session_id, {'start': {
                    'action': action, 'date': date, 'reason': reason,
                    'note': note}}, 'stop')
        Stop.delete(session_id)


def _indexation(date, users):
    "Head office previews next year's indexation; nobody applied it yet"
    Indexation = Pool().get('pension.indexation')
    with Transaction().set_user(users[HEAD_OFFICER].id):
        Indexation.preview(Indexation.create([{
                        'date': date, 'percentage': Decimal(5)}]))
