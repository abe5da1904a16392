# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"The auditor reads confidential records: the demo makes it two-factor"
from trytond.pool import Pool

# Published with the demo logins so anyone can add it to an authenticator app
DEMO_TOTP_KEY = 'SIGODEMOAUDITORTWOFACTORKEY23456'
TOTP_USERS = ['auditor']


def generate(scale, random):
    pool = Pool()
    Group = pool.get('res.group')
    Role = pool.get('res.role')
    User = pool.get('res.user')
    Secret = pool.get('authentication.totp.secret')
    ModelData = pool.get('ir.model.data')

    group, = Group.create([{
                'name': "Confidential Records (two-factor login)",
                'totp_required': True,
                }])
    auditor = Role(ModelData.get_id('sigo_base', 'role_auditor'))
    Role.write([auditor], {'groups': [('add', [group.id])]})
    for user in User.search([('login', 'in', TOTP_USERS)]):
        Secret.create([{
                    'owner': str(user),
                    'secret': DEMO_TOTP_KEY,
                    'confirmed': True,
                    }])
