# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Welfare and HDF: the programmes with their rules and amounts as the laws
set them, a few hundred children's Child Money enrolments in Arkhangai soums
and Ulaanbaatar districts (some enrolled at two offices by the legacy soum
databases) and the older ones' tuition, last month's Child Money cycle and
this school year's tuition paid, this month's Child Money computed for
approval, and a few grievances"""
import datetime as dt
from decimal import Decimal

from trytond.modules.gosws_hdf.programme import age_at
from trytond.modules.sigo_base.register_number import compose
from trytond.pool import Pool
from trytond.transaction import Transaction

from .sigo_base import DEMO_PASSWORD, FATHERS, FEMALE, MALE

# code, name, kind, frequency, payment month, rule,
# [(effective date, amount)]; tuition is paid once a year as the school
# year starts in September
PROGRAMMES = [
    ('CM', "Хүүхдийн мөнгө", 'child_money', 'monthly', None,
        {'max_age': 17, 'residence_required': True},
        [(dt.date(2005, 1, 1), 3000), (dt.date(2012, 1, 1), 20000),
            (dt.date(2020, 1, 1), 100000)]),
    ('HDF', "Хүний хөгжил сангийн бэлэн мөнгө", 'hdf_cash', 'monthly', None,
        {'residence_required': True},
        [(dt.date(2011, 1, 1), 21000)]),
    ('TUI', "Сургалтын төлбөрийн олголт", 'tuition', 'yearly', '9',
        {'min_age': 17, 'max_age': 30},
        [(dt.date(2011, 9, 1), 491960)]),
    ('STP', "Оюутны тэтгэлэг", 'stipend', 'monthly', None,
        {'min_age': 17, 'max_age': 30},
        [(dt.date(2014, 1, 1), 70200)]),
    ]
# office, letters of the register numbers issued there, households
OFFICES = [
    ('GOSWS-MN-073-01', 'АР', 30),
    ('GOSWS-MN-073-02', 'АР', 15),
    ('GOSWS-MN-073-03', 'АР', 12),
    ('GOSWS-MN-073-04', 'АР', 10),
    ('GOSWS-MN-1-03', 'УБ', 20),
    ('GOSWS-MN-1-04', 'УБ', 25),
    ('GOSWS-MN-1-08', 'УБ', 15),
    ]
# The banks that pay welfare, and the first digits of their account numbers
BANKS = [("Хаан Банк", 'AGMOMNUB', '50'), ("Төрийн Банк", 'STBMMNUB', '34'),
    ("Голомт Банк", 'GLMTMNUB', '11')]
# login, name, role, office code: head office makes and checks the cycles
STAFF = [
    ('gosws.officer', "Ганчимэг Төв", 'role_head_office_officer', 'GOSWS'),
    ('gosws.approver', "Баярмаа Хяналт", 'role_head_office_officer', 'GOSWS'),
    ]
GRIEVANCES = [
    ("Хүүхдийн мөнгө ирээгүй",
        "Өнгөрсөн сарын хүүхдийн мөнгө дансанд орж ирээгүй.",
        "Дансны дугаар буруу бүртгэгдсэн байсныг зассан; дараагийн "
        "олголтоор нөхөн олгоно."),
    ("Хоёр сумд бүртгэлтэй",
        "Хүүхэд маань өмнө нь өөр суманд бүртгэлтэй байсан, аль суманд "
        "олгох вэ?",
        "Регистрийн дугаараар нэгтгэн нэг удаа олгож байна."),
    ("Шилжин ирсэн",
        "Шилжин ирснээс хойш хүүхдийн мөнгө олгоогүй.",
        None),
    ("Насны шалгуур",
        "18 нас хүрсэн хүүхдийн мөнгийг зогсоосон шалтгааныг тодруулна уу.",
        "Хуулийн дагуу 18 нас хүртэл олгодог."),
    ]


def add_months(month, count):
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def last_payment_month(programme, month):
    "The latest month on or before month that the programme is paid in"
    while month.month not in programme.months_paid():
        month = add_months(month, -1)
    return month


def generate(scale, random):
    pool = Pool()
    User = pool.get('res.user')
    Office = pool.get('sigo.office')
    Programme = pool.get('hdf.programme')
    ModelData = pool.get('ir.model.data')

    offices = {o.code: o for o in Office.search([('code', 'in',
                    [o for o, _, _ in OFFICES] + ['GOSWS'])])}
    User.create([{
                'login': login, 'name': name, 'password': DEMO_PASSWORD,
                'offices': [('add', [offices[office].id])],
                'office': offices[office].id,
                'roles': [('create', [{
                                'role': ModelData.get_id('sigo_base', role),
                                }])],
                } for login, name, role, office in STAFF])
    # Finance pays GOSWS's cycles as it pays the funds' benefits
    finance = User.search([('login', '=', 'finance')])
    User.write(finance, {'offices': [('add', [offices['GOSWS'].id])]})

    programmes = Programme.create([{
                'code': code, 'name': name, 'kind': kind,
                'frequency': frequency, 'payment_month': payment_month,
                'rules': [('create', [{
                                'effective_date': amounts[0][0], **rule}])],
                'amounts': [('create', [
                            {'effective_date': d, 'amount': Decimal(a)}
                            for d, a in amounts])],
                } for code, name, kind, frequency, payment_month, rule,
            amounts in PROGRAMMES])
    by_code = {p.code: p for p in programmes}
    _households(by_code['CM'], by_code['TUI'], offices, scale, random)


def _households(child_money, tuition, offices, scale, random):
    """Parents and children, the households the soum officers keep, the
    children's Child Money enrolments (some children the legacy database
    of another office enrolled too) and the tuition of those of age to
    study this school year"""
    pool = Pool()
    Party = pool.get('party.party')
    Household = pool.get('hdf.household')
    Beneficiary = pool.get('hdf.beneficiary')
    today = pool.get('ir.date').today()
    numbers = {p.register_number for p in Party.search(
            [('register_number', '!=', None)])}

    def person(letters, first_year, last_year, sex):
        while True:
            birth = dt.date(first_year, 1, 1) + dt.timedelta(
                days=random.randrange((last_year - first_year) * 365))
            number = compose(letters, birth, sex, random.randrange(5),
                random.randrange(10))
            if number not in numbers:
                numbers.add(number)
                return number

    families = []
    for code, letters, count in OFFICES:
        for _ in range(count * scale):
            sex = random.choice(['male', 'female'])
            head = {'name': f"{random.choice(FATHERS)} "
                f"{random.choice(MALE if sex == 'male' else FEMALE)}",
                'register_number': person(letters, 1975, 1998, sex)}
            children = []
            for _ in range(random.choice([1, 1, 2, 2, 3, 4])):
                child_sex = random.choice(['male', 'female'])
                given = random.choice(
                    MALE if child_sex == 'male' else FEMALE)
                children.append({
                        'name': f"{random.choice(FATHERS)} {given}",
                        'register_number': person(letters, 2006,
                            today.year, child_sex)})
            families.append((code, head, children))
    # Small batches: on SQLite trytond checks the unique register number
    # with one OR clause per record, which overflows SQLite's parser
    values = [p for _, head, children in families for p in [head, *children]]
    parties = iter([p for i in range(0, len(values), 50)
            for p in Party.create(values[i:i + 50])])
    households, enrolments = [], []
    for code, head, children in families:
        head = next(parties)
        children = [next(parties) for _ in children]
        households.append(Household(head=head, office=offices[code],
                monthly_income=Decimal(random.randrange(4, 30) * 100000),
                members=[{'party': c.id, 'relation': 'child'}
                    for c in children]))
    Household.save(households)
    other_codes = [c for c, _, _ in OFFICES]
    for household in households:
        for member in household.members:
            start = max(member.party.register_birth_date,
                dt.date(2020, 1, 1)).replace(day=1)
            enrolments.append(Beneficiary(party=member.party,
                    programme=child_money, office=household.office,
                    household=household, start_date=start,
                    resident=random.random() > 0.03))
            if random.random() < 0.06:
                enrolments.append(Beneficiary(party=member.party,
                        programme=child_money,
                        office=offices[random.choice([c for c in other_codes
                                    if c != household.office.code])],
                        start_date=start, resident=True))
    school_year = last_payment_month(tuition, today.replace(day=1))
    rule = tuition.rule_at(school_year)
    for household in households:
        for member in household.members:
            age = age_at(member.party.register_birth_date, school_year)
            if rule.min_age <= age <= rule.max_age:
                enrolments.append(Beneficiary(party=member.party,
                        programme=tuition, office=household.office,
                        household=household, start_date=school_year,
                        resident=True))
    Beneficiary.save(enrolments)


def finish(scale, random):
    """The parents' bank accounts, last month's Child Money cycle and this
    school year's tuition paid, this month's Child Money computed for
    approval, once the banks and this month's books exist (the books of
    last month are closed by then: the cycles are paid at the start of this
    one); then the grievances"""
    pool = Pool()
    User = pool.get('res.user')
    Office = pool.get('sigo.office')
    Programme = pool.get('hdf.programme')
    Cycle = pool.get('hdf.payment.cycle')
    Date = pool.get('ir.date')

    users = {u.login: u for u in User.search([('login', 'in',
                    ['gosws.officer', 'gosws.approver', 'finance'])])}
    head, = Office.search([('code', '=', 'GOSWS')])
    child_money, = Programme.search([('code', '=', 'CM')])
    tuition, = Programme.search([('code', '=', 'TUI')])
    _bank_accounts(random)
    this_month = Date.today().replace(day=1)
    with Transaction().set_user(users['gosws.officer'].id):
        last, current, fees = Cycle.create([{
                    'programme': programme.id, 'office': head.id,
                    'month': month, 'date': this_month,
                    } for programme, month in [
                    (child_money, add_months(this_month, -1)),
                    (child_money, this_month),
                    (tuition, last_payment_month(tuition, this_month))]])
        Cycle.compute([last, current, fees])
    with Transaction().set_user(users['gosws.approver'].id):
        Cycle.approve([last, fees])
    with Transaction().set_user(users['finance'].id):
        Cycle.pay([last, fees])
    _grievances(child_money, random)


def _bank_accounts(random):
    "An account for most households' heads, at the banks the pensions use"
    pool = Pool()
    Party = pool.get('party.party')
    Bank = pool.get('bank')
    Account = pool.get('bank.account')
    Household = pool.get('hdf.household')
    Beneficiary = pool.get('hdf.beneficiary')
    banks = []
    for name, bic, prefix in BANKS:
        found = Bank.search([('party.name', '=', name)], limit=1)
        if not found:
            party, = Party.create([{'name': name}])
            found = Bank.create([{'party': party.id, 'bic': bic}])
        banks.append((found[0], prefix))
    households = [h for h in Household.search([]) if random.random() > 0.04]
    accounts = []
    for household in households:
        bank, prefix = random.choice(banks)
        accounts.append(Account(bank=bank, owners=[household.head],
                numbers=[{'type': 'other', 'number': prefix
                        + household.head.register_number[2:]}]))
    Account.save(accounts)
    by_head = {a.owners[0]: a for a in accounts}
    enrolments = []
    for enrolment in Beneficiary.search([]):
        household = enrolment.citizen_household()
        if household and household.head in by_head:
            enrolment.bank_account = by_head[household.head]
            enrolments.append(enrolment)
    Beneficiary.save(enrolments)


def _grievances(child_money, random):
    "Complaints filed at the soums, most answered"
    pool = Pool()
    Grievance = pool.get('hdf.grievance')
    Household = pool.get('hdf.household')
    Date = pool.get('ir.date')
    today = Date.today()
    households = random.sample(Household.search([]), 2 * len(GRIEVANCES))
    grievances = []
    for household, (subject, text, answer) in zip(
            households, GRIEVANCES * 2):
        grievances.append(Grievance(party=household.head,
                programme=child_money, office=household.office,
                date=today - dt.timedelta(days=random.randrange(1, 40)),
                subject=subject, description=text, answer=answer))
    Grievance.save(grievances)
    answered = [g for g in grievances if g.answer]
    Grievance.respond(answered)
    Grievance.close(answered[::2])
