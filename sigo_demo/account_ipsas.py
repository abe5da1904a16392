# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The books of every reporting entity, open for this year and the two
before (the demo's 24 months of declarations post into them)"""
from trytond.pool import Pool

YEARS = 3


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
