# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Demo staff for every role, citizens with valid register numbers, requests"
import datetime as dt

from trytond.modules.sigo_base.register_number import compose
from trytond.pool import Pool

DEMO_PASSWORD = 'sigo-demo'

# login, name, role, office code
STAFF = [
    ('soum.battsengel', "Оюунаа Батцэнгэл", 'role_soum_officer',
        'SIGO-MN-073-01'),
    ('soum.bulgan', "Ганбат Булган", 'role_soum_officer', 'SIGO-MN-073-02'),
    ('aimag.arkhangai', "Энхтуяа Архангай", 'role_aimag_supervisor',
        'SIGO-MN-073'),
    ('district.bayanzurkh', "Мөнхбат Баянзүрх", 'role_soum_officer',
        'SIGO-MN-1-04'),
    ('gosws.battsengel', "Сарангэрэл Батцэнгэл", 'role_soum_officer',
        'GOSWS-MN-073-01'),
    ('head.officer', "Нарантуяа Төв", 'role_head_office_officer', 'SIGO'),
    ('finance', "Болормаа Санхүү", 'role_finance', 'SIGO'),
    ('it.admin', "Тэмүүлэн МТ", 'role_it', 'SIGO'),
    ('auditor', "Должин Аудит", 'role_auditor', 'SIGO'),
    ]
ROLE_NAMES = {
    'role_soum_officer': "soum/district officer",
    'role_aimag_supervisor': "aimag supervisor",
    'role_head_office_officer': "head office officer",
    'role_finance': "finance",
    'role_it': "IT administrator",
    'role_auditor': "auditor (read-only)",
    }
# A citizen registered in Battsengel whom the Bulgan officer can find but
# whose Battsengel request stays hidden from him (the browser test uses it)
KNOWN_CITIZEN = ("Доржийн Оюунчимэг", 'АР85062304')
HOME_OFFICES = [
    'SIGO-MN-073-01', 'SIGO-MN-073-02', 'SIGO-MN-073-03', 'SIGO-MN-073-04',
    'SIGO-MN-073-05', 'SIGO-MN-1-04', 'SIGO-MN-1-03', 'SIGO-MN-1-08',
    'SIGO-MN-039-03', 'GOSWS-MN-073-01']
LETTERS = ['АР', 'УБ', 'УЕ', 'УК', 'ЧД', 'ХЭ', 'БЗ', 'СҮ', 'ДА', 'ЖГ', 'ЗН',
    'ОН', 'ӨВ', 'ТА', 'ЕЮ']
MALE = ['Бат', 'Болд', 'Ганбаатар', 'Мөнхбат', 'Эрдэнэ', 'Баатар', 'Тэмүүлэн',
    'Батбаяр', 'Сүхбаатар', 'Ганзориг', 'Отгонбаяр', 'Төмөр', 'Хүрэлбаатар',
    'Дорж', 'Пүрэв', 'Нямдорж', 'Энхбаяр', 'Билгүүн', 'Тэмүжин', 'Очир']
FEMALE = ['Оюунчимэг', 'Сарангэрэл', 'Энхтуяа', 'Нарантуяа', 'Болормаа',
    'Должин', 'Цэцэг', 'Оюун', 'Мөнхцэцэг', 'Алтанцэцэг', 'Ариунаа', 'Үүрийнтуяа',
    'Номин', 'Солонго', 'Анужин', 'Хулан', 'Сувд', 'Гэрэл', 'Уранчимэг', 'Туяа']
# Patronymics are written in the genitive: "Батын Болд" is Bold, son of Bat
FATHERS = ['Батын', 'Болдын', 'Доржийн', 'Пүрэвийн', 'Ганбаатарын',
    'Мөнхбатын', 'Баатарын', 'Төмөрийн', 'Очирын', 'Сүхбаатарын',
    'Нямдоржийн', 'Энхбаярын', 'Батбаярын', 'Ганзоригийн', 'Отгонбаярын',
    'Хүрэлбаатарын', 'Дашийн', 'Цэрэнгийн', 'Лхагвын', 'Жамцын']
SUBJECTS = [
    "Pension calculation inquiry", "Contribution record correction",
    "Sickness benefit documents", "Maternity benefit application",
    "Employer did not pay contributions", "Insurance book request",
    "Child money question", "Change of address",
    ]


def demo_logins():
    "(login, role, office code) of the demo staff, for ./run demo to print"
    return [(login, ROLE_NAMES[role], office)
        for login, _, role, office in STAFF]


def generate(scale, random):
    pool = Pool()
    User = pool.get('res.user')
    Office = pool.get('sigo.office')
    Party = pool.get('party.party')
    Request = pool.get('sigo.citizen.request')
    ModelData = pool.get('ir.model.data')

    offices = {o.code: o for o in Office.search([('code', 'in',
                    [s[3] for s in STAFF] + HOME_OFFICES)])}
    User.create([{
                'login': login,
                'name': name,
                'password': DEMO_PASSWORD,
                'offices': [('add', [offices[office].id])],
                'office': offices[office].id,
                'roles': [('create', [{
                                'role': ModelData.get_id('sigo_base', role),
                                }])],
                } for login, name, role, office in STAFF])

    numbers = {KNOWN_CITIZEN[1]}
    citizens = [{'name': KNOWN_CITIZEN[0], 'register_number': KNOWN_CITIZEN[1]}]
    while len(citizens) < 200 * scale:
        sex = random.choice(['male', 'female'])
        birth_date = dt.date(1950, 1, 1) + dt.timedelta(
            days=random.randrange(0, 365 * 55))
        number = compose(random.choice(LETTERS), birth_date, sex,
            random.randrange(5), random.randrange(10))
        if number in numbers:
            continue
        numbers.add(number)
        given = random.choice(MALE if sex == 'male' else FEMALE)
        citizens.append({
                'name': f"{random.choice(FATHERS)} {given}",
                'register_number': number,
                })
    # Small batches: on SQLite trytond checks the unique register number
    # with one OR clause per record, which overflows SQLite's parser
    citizens = [p for i in range(0, len(citizens), 50)
        for p in Party.create(citizens[i:i + 50])]

    today = dt.date.today()
    requests = [{
            'office': offices['SIGO-MN-073-01'].id,
            'citizen': citizens[0].id,
            'subject': "Pension calculation inquiry",
            'description': "Asks which years count towards her pension.",
            'received_date': today - dt.timedelta(days=3),
            }]
    for citizen in citizens[1:]:
        if random.random() < 0.5:
            continue
        requests.append({
                'office': offices[random.choice(HOME_OFFICES)].id,
                'citizen': citizen.id,
                'subject': random.choice(SUBJECTS),
                'channel': random.choice(['visit', 'visit', 'phone', 'letter']),
                'received_date': today - dt.timedelta(
                    days=random.randrange(0, 120)),
                })
    requests = Request.create(requests)
    answered = [r for r in requests[1:] if random.random() < 0.4]
    Request.write(answered, {
            'response': "Explained to the citizen at the office.",
            })
    Request.answer(answered)
    Request.close([r for r in answered if random.random() < 0.4])
