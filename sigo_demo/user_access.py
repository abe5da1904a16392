# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Supervisors, data owners, conflicting roles, a request and a review to act on"
import datetime as dt

from trytond.pool import Pool

SUPERVISORS = {
    'soum.battsengel': 'aimag.arkhangai',
    'soum.bulgan': 'aimag.arkhangai',
    'aimag.arkhangai': 'head.officer',
    'district.bayanzurkh': 'head.officer',
    'gosws.battsengel': 'head.officer',
    'finance': 'head.officer',
    'it.admin': 'head.officer',
    'auditor': 'head.officer',
    }
DATA_OWNERS = {
    'role_soum_officer': 'head.officer',
    'role_aimag_supervisor': 'head.officer',
    'role_head_office_officer': 'head.officer',
    'role_finance': 'finance',
    'role_it': 'it.admin',
    'role_auditor': 'head.officer',
    }
CONFLICTS = [
    ('role_soum_officer', 'role_finance',
        "Who enters declarations and benefit cases must not approve "
        "payments."),
    ('role_it', 'role_auditor',
        "Who administers the system must not audit it."),
    ]
MANAGERS = {
    'SIGO-MN-073-01': 'aimag.arkhangai',
    'SIGO-MN-073-02': 'aimag.arkhangai',
    }


def generate(scale, random):
    pool = Pool()
    User = pool.get('res.user')
    Role = pool.get('res.role')
    Office = pool.get('sigo.office')
    Conflict = pool.get('access.role_conflict')
    Request = pool.get('access.request')
    Review = pool.get('access.review')
    ModelData = pool.get('ir.model.data')

    users = {u.login: u for u in User.search([])}

    def role(fs_id):
        return Role(ModelData.get_id('sigo_base', fs_id))

    for login, supervisor in SUPERVISORS.items():
        User.write([users[login]], {'supervisor': users[supervisor].id})
    for fs_id, owner in DATA_OWNERS.items():
        Role.write([role(fs_id)], {'data_owner': users[owner].id})
    Conflict.create([{
                'role_a': role(a).id, 'role_b': role(b).id, 'reason': reason,
                } for a, b, reason in CONFLICTS])
    offices = {o.code: o for o in Office.search([
                ('code', 'in', list(MANAGERS))])}
    for code, manager in MANAGERS.items():
        Office.write([offices[code]], {'manager': users[manager].id})

    today = dt.date.today()
    request, = Request.create([{
                'login': 'soum.battsengel2',
                'name': "Батбаярын Цэцэг",
                'email': 'tsetseg@sigo.example.mn',
                'supervisor': users['aimag.arkhangai'].id,
                'requested_by': users['soum.battsengel'].id,
                'from_date': today,
                'to_date': today + dt.timedelta(days=180),
                'reason': "Replaces an officer on maternity leave.",
                'offices': [('add', [offices['SIGO-MN-073-01'].id])],
                'roles': [('create', [{
                                'role': role('role_soum_officer').id}])],
                }])
    Request.submit([request])

    review, = Review.create([{
                'office': offices['SIGO-MN-073-01'].id,
                'reviewer': users['aimag.arkhangai'].id,
                'date': today,
                'due_date': today + dt.timedelta(days=30),
                }])
    Review.open([review])
