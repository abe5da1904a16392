# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Employers with their employees, two years of monthly declarations and
payments, arrears with penalty interest and dunnings, voluntary herders,
and short-term benefit cases at every step"""
import datetime as dt
from decimal import Decimal

from trytond.modules.sigo_insurance.declaration import (
    DeclaredRow, month_bounds)
from trytond.modules.sigo_insurance.rate import whole_tugriks
from trytond.pool import Pool
from trytond.transaction import Transaction

MONTHS = 24
# name, registration number, office, sector, risk class
EMPLOYERS = [
    ("Батцэнгэл Сүү ХХК", '5100001', 'SIGO-MN-073-01', "Dairy", None),
    ("Архангай Ноос ХХК", '5100002', 'SIGO-MN-073-01', "Wool", None),
    ("Булган Барилга ХХК", '5100003', 'SIGO-MN-073-02', "Construction",
        'risk_class_ii'),
    ("Хангай Уурхай ХК", '5100004', 'SIGO-MN-073-03', "Mining",
        'risk_class_iii'),
    ("Баянзүрх Эмнэлэг ТӨҮГ", '5100005', 'SIGO-MN-1-04', "Health", None),
    ]


def months_back(today, count):
    month = today.replace(day=1)
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        yield month


def generate(scale, random):
    pool = Pool()
    Party = pool.get('party.party')
    Office = pool.get('sigo.office')
    Employer = pool.get('insurance.employer')
    Employment = pool.get('insurance.employment')
    Declaration = pool.get('insurance.declaration')
    ModelData = pool.get('ir.model.data')
    Date = pool.get('ir.date')

    offices = {o.code: o for o in Office.search([
                ('code', 'in', [e[2] for e in EMPLOYERS])])}
    today = Date.today()
    adults = [p for p in Party.search([('register_number', '!=', None)])
        if p.birth_date and 20 <= (today - p.birth_date).days // 365 <= 58]
    random.shuffle(adults)

    employers = []
    for copy in range(scale):
        for name, number, office, sector, risk in EMPLOYERS:
            company, = Party.create([{
                        'name': name if not copy else f"{name} {copy + 1}"}])
            employers.append(Employer(
                    party=company,
                    registration_number=str(int(number) + copy * 100),
                    office=offices[office], sector=sector,
                    risk_class=ModelData.get_id('sigo_insurance', risk)
                    if risk else None))
    Employer.save(employers)

    start = list(months_back(today, MONTHS))[-1]
    staff = {}
    employments = []
    for employer in employers:
        staff[employer] = [adults.pop() for _ in range(random.randint(4, 9))
            if adults]
        for person in staff[employer]:
            employments.append(Employment(
                    employer=employer, person=person,
                    start_date=start - dt.timedelta(
                        days=random.randrange(0, 2000))))
    # A nurse of the hospital also works for the dairy in Battsengel: a
    # second job, declared there under its own insured type and rates
    hospital, dairy = employers[4], employers[0]
    if staff[hospital]:
        nurse = staff[hospital][0]
        staff[dairy].append(nurse)
        employments.append(Employment(
                employer=dairy, person=nurse, start_date=start,
                insured_type=ModelData.get_id(
                    'sigo_insurance', 'insured_type_40')))
    Employment.save(employments)

    wages = {p: Decimal(random.randrange(600, 4500) * 1000)
        for people in staff.values() for p in people}
    to_confirm = []
    months = sorted(months_back(today, MONTHS))
    for month in months:
        declarations = Declaration.create_from_files([
                (employer, month, [DeclaredRow(i, p.register_number, wages[p])
                        for i, p in enumerate(people, 2)])
                for employer, people in staff.items()])
        if month != months[-1]:
            to_confirm.extend(d for d, _ in declarations)
        # A raise now and then
        for person in random.sample(list(wages), len(wages) // 10):
            wages[person] = whole_tugriks(wages[person] * Decimal('1.05'))
    Declaration.confirm(to_confirm)
    herders = _voluntary(adults[:3], months[-12:-1], offices, random)
    _payments(list(staff) + herders, months[:-1], random)
    _benefit_cases([p for e, people in staff.items()
            if e.office == offices['SIGO-MN-073-01'] for p in people],
        offices['SIGO-MN-073-01'], months[-1], random)


def _voluntary(people, months, offices, random):
    "Herders insured on their own for the last year, billed monthly"
    pool = Pool()
    Contract = pool.get('insurance.voluntary.contract')
    contracts = Contract.create([{
                'person': person.id,
                'kind': 'herder',
                'office': offices['SIGO-MN-073-01'].id,
                'start_date': months[0],
                'declared_income': Decimal(random.randrange(800, 1500) * 1000),
                } for person in people])
    Contract.activate(contracts)
    for month in months:
        Contract.bill(month)
    return [c.payer for c in contracts]


def _payments(employers, months, random):
    """Each employer pays a month's contributions on the 15th of the next;
    now and then a month is paid with the next one, and the mine has paid
    nothing for its last three months: arrears, with penalty interest. The
    wool company pays last month, still a draft declaration, in advance:
    the advance pays it when the officer confirms it"""
    pool = Pool()
    Payment = pool.get('insurance.payment')
    Receivable = pool.get('insurance.receivable')
    Penalty = pool.get('insurance.penalty')
    payments = []
    for employer in employers:
        stops = months[-3] if employer.sector == "Mining" else None
        carried = Decimal(0)
        for month in months:
            if stops and month >= stops:
                break
            carried += sum(r.assessed for r in Receivable.search([
                        ('employer', '=', employer.id),
                        ('month', '=', month)]))
            if random.random() < 0.12 and month != months[-1]:
                continue
            if not carried:
                continue
            paid_on = (month + dt.timedelta(days=45)).replace(day=15)
            payments.append(Payment(
                    employer=employer, date=paid_on, amount=carried,
                    reference=f'{employer.registration_number}-{paid_on:%Y%m}'))
            carried = Decimal(0)
        if employer.sector == "Wool":
            paid_on = month_bounds(months[-1] + dt.timedelta(days=31))[1]
            payments.append(Payment(
                    employer=employer, date=paid_on,
                    amount=sum(r.assessed for r in Receivable.search([
                                ('employer', '=', employer.id),
                                ('month', '=', months[-1])])),
                    reference=f'{employer.registration_number}-'
                    f'{paid_on:%Y%m}-ADV'))
    payments.sort(key=lambda p: p.date)
    Payment.save(payments)
    Payment.post(payments)
    Penalty.charge(months[-1] + dt.timedelta(days=45))
    # Finance finds the mine's overdue months waiting to be dunned
    pool.get('account.dunning').generate_dunnings()


def _benefit_cases(people, office, month, random):
    """Battsengel's cases of last month: paid, waiting for payment, waiting
    for the supervisor, and drafts the officer has checked, one of them
    refused for too few contribution months"""
    pool = Pool()
    Case = pool.get('insurance.benefit.case')
    User = pool.get('res.user')
    officer, supervisor, finance = (User.search([('login', '=', login)])[0]
        for login in ['soum.battsengel', 'aimag.arkhangai', 'finance'])
    mother = next(p for p in people if p.sex == 'female')
    others = [p for p in people if p != mother]
    random.shuffle(others)

    def case(kind, person, day, **values):
        values.setdefault('beneficiary', person)
        return Case(kind=kind, person=person, office=office,
            event_date=month.replace(day=day), **values)
    sick = [case('sickness', person, 2 + i,
            end_date=month.replace(day=12 + 2 * i))
        for i, person in enumerate(others[:3])]
    cases = sick + [
        case('maternity', mother, 10),
        case('unemployment', others[3], 1),
        case('funeral', others[4], 20, work_related=True,
            beneficiary=others[5]),
        ]
    Case.save(cases)
    with Transaction().set_user(officer.id):
        Case.check_eligibility(cases)
        Case.submit([c for c in cases[:4] if c.eligible])
        Case.refuse([c for c in cases if not c.eligible])
    with Transaction().set_user(supervisor.id):
        Case.approve(sick[:2])
    with Transaction().set_user(finance.id):
        Case.pay(sick[:1])
