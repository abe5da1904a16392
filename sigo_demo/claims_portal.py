# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Health claims: two hospitals and a pharmacy under contract with their
portal users (two-factor login enrolled) and an API key, the hospital
tariff and the discounted medicines list, a reviewer in Arkhangai and a
payer at head office, and claims in every state, the paid ones in a paid
payment batch. The patients are citizens insured for health in the
sigo_insurance demo (or, without it, on the imported eligibility list)."""
import csv
import datetime as dt
import io
from decimal import Decimal

from trytond.pool import Pool
from trytond.transaction import Transaction

from .sigo_base import DEMO_PASSWORD

# Published with the demo logins: add it to an authenticator app to log in
DEMO_PORTAL_TOTP_KEY = 'SIGODEMOPORTALTWOFACTORKEY234567'
# The key of the Arkhangai hospital's system for the claims API
DEMO_API_KEY = 'sigo-demo-claims-api-key-arkhangai-hospital-0001'
# name, licence, kind, office, co-payment %, portal user
PROVIDERS = [
    ("Архангай аймгийн нэгдсэн эмнэлэг", 'ЭМ-073-001', 'hospital',
        'SIGO-MN-073', 10, 'hospital@demo.sigo.mn'),
    ("Батцэнгэл Эм Хангамж ХХК", 'ЭХ-073-014', 'pharmacy',
        'SIGO-MN-073-01', 0, 'pharmacy@demo.sigo.mn'),
    ("Баянзүрх дүүргийн эрүүл мэндийн төв", 'ЭМ-001-104', 'hospital',
        'SIGO-MN-1-04', 10, 'hospital2@demo.sigo.mn'),
    ]
# login, name, role (module, id), office
STAFF = [
    ('claims.reviewer', "Түвшин Хянагч", ('claims_portal',
            'role_claims_reviewer'), 'SIGO-MN-073'),
    ('claims.finance', "Оюун Төлбөр", ('sigo_base', 'role_finance'),
        'SIGO'),
    ]
# code, name, kind, price, max quantity
TARIFFS = [
    ('S001', "Эмчийн үзлэг", 'service', 15000, 2),
    ('S002', "Цусны ерөнхий шинжилгээ", 'service', 8000, 3),
    ('S003', "Рентген зураг", 'service', 25000, 2),
    ('S004', "Хэт авиан шинжилгээ", 'service', 30000, 2),
    ('S005', "Физик эмчилгээ (нэг удаа)", 'service', 12000, 10),
    ('D010', "Уушгины хатгалгаа (DRG)", 'drg', 650000, 1),
    ('D020', "Төрөлт, хүндрэлгүй (DRG)", 'drg', 480000, 1),
    ('D030', "Мухар олгойн хагалгаа (DRG)", 'drg', 920000, 1),
    ]
# code, brand, generic name, reference price, reimbursement %, max quantity
MEDICINES = [
    ('M001', "Амоксициллин 500мг", "Amoxicillin", 350, 50, 30),
    ('M002', "Метформин 500мг", "Metformin", 120, 70, 90),
    ('M003', "Амлодипин 5мг", "Amlodipine", 180, 70, 60),
    ('M004', "Парацетамол 500мг", "Paracetamol", 60, 30, 40),
    ('M005', "Сальбутамол ингалятор", "Salbutamol", 8500, 50, 2),
    ('M006', "Омепразол 20мг", "Omeprazole", 220, 50, 60),
    ]


def generate(scale, random):
    pool = Pool()
    Party = pool.get('party.party')
    Office = pool.get('sigo.office')
    User = pool.get('res.user')
    WebUser = pool.get('web.user')
    Secret = pool.get('authentication.totp.secret')
    Provider = pool.get('claim.provider')
    Tariff = pool.get('claim.tariff')
    Medicine = pool.get('claim.medicine')
    ModelData = pool.get('ir.model.data')

    offices = {o.code: o for o in Office.search([('code', 'in',
                    [p[3] for p in PROVIDERS] + [s[3] for s in STAFF])])}
    User.create([{
                'login': login, 'name': name, 'password': DEMO_PASSWORD,
                'email': f'{login}@sigo.gov.mn',
                'offices': [('add', [offices[office].id])],
                'office': offices[office].id,
                'roles': [('create', [{
                                'role': ModelData.get_id(*role)}])],
                } for login, name, role, office in STAFF])

    parties = Party.create([{'name': p[0]} for p in PROVIDERS])
    providers = Provider.create([{
                'party': party.id, 'code': code, 'kind': kind,
                'office': offices[office].id,
                'copayment_percent': Decimal(copayment),
                'contracts': [('create', [{
                                'number': f'ЭМД-{code[-3:]}-2020',
                                'start_date': dt.date(2020, 1, 1),
                                }])],
                } for party, (_, code, kind, office, copayment, _)
            in zip(parties, PROVIDERS)])
    web_users = WebUser.create([{
                'email': email, 'password': DEMO_PASSWORD,
                'email_valid': True, 'claim_provider': provider.id,
                } for provider, (*_, email) in zip(providers, PROVIDERS)])
    Secret.create([{
                'owner': str(w), 'secret': DEMO_PORTAL_TOTP_KEY,
                'confirmed': True} for w in web_users])
    User.create([{
                'login': 'claims.api', 'name': "Архангай эмнэлгийн систем",
                'claim_provider': providers[0].id,
                'applications': [('create', [{
                                'application': 'claims_portal',
                                'key': DEMO_API_KEY,
                                }])],
                }])
    start = dt.date(2020, 1, 1)
    Tariff.create([{
                'code': code, 'name': name, 'kind': kind,
                'price': Decimal(price), 'max_quantity': most,
                'start_date': start,
                } for code, name, kind, price, most in TARIFFS])
    Medicine.create([{
                'code': code, 'name': name, 'generic_name': generic,
                'reference_price': Decimal(price),
                'reimbursement_percent': Decimal(percent),
                'max_quantity': most, 'start_date': start,
                } for code, name, generic, price, percent, most
            in MEDICINES])
    _claims(providers, web_users, random)


def insured_patients(random, count):
    """(register number, date) of citizens insured for health on the date:
    paid months of the sigo_insurance demo, else the eligibility list the
    demo imports for a sample of citizens"""
    pool = Pool()
    Party = pool.get('party.party')
    Eligibility = pool.get('claim.eligibility')
    today = pool.get('ir.date').today()
    recent = (today - dt.timedelta(days=80)).replace(day=1)
    pairs = []
    try:
        Coverage = pool.get('insurance.coverage')
    except KeyError:
        Coverage = None
    if Coverage:
        months = Coverage.search([
                ('fund.code', '=', 'HLT'), ('month', '>=', recent)])
        for month in random.sample(months, min(count, len(months))):
            day = month.month + dt.timedelta(days=random.randrange(28))
            if day <= today:
                pairs.append((month.person.register_number, day))
    if len(pairs) < count:
        citizens = Party.search([('register_number', '!=', None)])
        chosen = random.sample(citizens, min(len(citizens), count))
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(['register_number', 'start_date', 'end_date'])
        for citizen in chosen:
            writer.writerow([citizen.register_number, '2020-01-01', ''])
        Eligibility.import_rows(
            'eligibility-demo.csv', output.getvalue().encode())
        pairs.extend((c.register_number, today - dt.timedelta(
                        days=random.randrange(1, 60)))
            for c in chosen[:count - len(pairs)])
    return pairs


def _lines(provider, patients, random, count):
    "count good lines of the provider for insured patients"
    lines = []
    for number, date in random.sample(patients, count):
        if provider.kind == 'hospital':
            code, _, kind, price, most = random.choice(TARIFFS[:5])
            quantity = random.randint(1, most)
            amount = Decimal(price) * quantity * Decimal('0.9')
            diagnosis = random.choice(['J18.9', 'I10', 'E11.9', 'K35.8'])
        else:
            code, _, _, price, percent, most = random.choice(MEDICINES)
            quantity = random.randint(1, most)
            amount = Decimal(price) * quantity * percent / 100
            diagnosis = ''
        lines.append({
                'patient_register_number': number,
                'service_date': date.isoformat(),
                'diagnosis': diagnosis, 'item_code': code,
                'quantity': quantity, 'amount': f'{amount:.2f}'})
    return lines


def _claim_file(lines):
    output = io.StringIO()
    writer = csv.DictWriter(output, fieldnames=list(lines[0]))
    writer.writeheader()
    writer.writerows(lines)
    return output.getvalue().encode('utf-8')


def _claims(providers, web_users, random):
    """A claim of every state: the hospital's upload still in draft with
    lines to correct, claims under review, returned, approved and paid;
    the pharmacy's partially approved, rejected and paid ones"""
    pool = Pool()
    Claim = pool.get('claim.claim')
    Line = pool.get('claim.line')
    Reason = pool.get('claim.reason')
    Batch = pool.get('claim.payment.batch')
    User = pool.get('res.user')
    today = pool.get('ir.date').today()
    hospital, pharmacy, hospital2 = providers
    users = {u.login: u for u in User.search([
                ('login', 'in', ['claims.reviewer', 'claims.finance'])])}
    reasons = Reason.by_code()
    patients = insured_patients(random, 60)

    def claim(provider, web_user, count, bad=(), reference=None):
        lines = _lines(provider, patients, random, count) + list(bad)
        with Transaction().set_context(web_user=web_user.id):
            return Claim.import_file(provider,
                f'{reference or provider.code}.csv', _claim_file(lines),
                web_user=web_user)

    def submit(claims, web_user):
        with Transaction().set_context(web_user=web_user.id):
            Claim.submit(claims)

    # Lines the portal shows with their reasons: a citizen not insured,
    # a code not on the tariff, an amount above the tariff
    uninsured = 'АР99022811'
    bad = [
        {'patient_register_number': uninsured,
            'service_date': (today - dt.timedelta(days=5)).isoformat(),
            'diagnosis': 'J18.9', 'item_code': 'S001', 'quantity': 1,
            'amount': '13500.00'},
        {'patient_register_number': patients[0][0],
            'service_date': patients[0][1].isoformat(),
            'diagnosis': 'I10', 'item_code': 'S999', 'quantity': 1,
            'amount': '20000.00'},
        {'patient_register_number': patients[1][0],
            'service_date': patients[1][1].isoformat(),
            'diagnosis': 'J18.9', 'item_code': 'S003', 'quantity': 1,
            'amount': '90000.00'},
        ]
    claim(hospital, web_users[0], 6, bad, 'upload-draft')
    review = claim(hospital, web_users[0], 8, bad[:1], 'review')
    returned = claim(hospital, web_users[0], 5, bad[2:], 'returned')
    approved = claim(hospital, web_users[0], 10, (), 'approved')
    partial = claim(pharmacy, web_users[1], 8, (), 'partial')
    rejected = claim(pharmacy, web_users[1], 3, (), 'rejected')
    paid_hospital = claim(hospital, web_users[0], 7, (), 'paid')
    paid = claim(pharmacy, web_users[1], 12, (), 'paid')
    other = claim(hospital2, web_users[2], 4, (), 'other')
    submit([review, returned, approved, paid_hospital], web_users[0])
    submit([partial, rejected, paid], web_users[1])
    submit([other], web_users[2])

    with Transaction().set_user(users['claims.reviewer'].id):
        Claim.review([review, returned, approved, paid_hospital, partial,
                rejected, paid])
        Claim.write([returned], {'review_note':
                "Рентген зургийн дүгнэлтийг хавсаргаж, дүнг тарифт "
                "тааруулна уу."})
        Claim.return_([returned])
        for record in [approved, paid_hospital, paid]:
            Line.approve([l for l in record.lines
                    if l.decision == 'pending'])
        lines = [l for l in partial.lines if l.decision == 'pending'] \
            or list(partial.lines)
        Line.write(lines[:1], {'decision': 'rejected',
                'decision_reason': reasons['R20'].id})
        Line.approve(lines[1:])
        Line.write(list(rejected.lines), {'decision': 'rejected',
                'decision_reason': reasons['R21'].id})
        Claim.write([rejected], {'review_note':
                "Жорын хуулбар ирүүлээгүй."})
        Claim.decide([approved, paid_hospital, partial, rejected, paid])

    with Transaction().set_user(users['claims.finance'].id):
        batch, = Batch.create([{'date': today}])
        Claim.write([paid_hospital, paid], {'payment_batch': batch.id})
        Batch.confirm([batch])
        Batch.pay([batch])
        Batch.create([{'date': today}])
