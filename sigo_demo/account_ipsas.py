# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"The books of every reporting entity, with this year's fiscal year"
import datetime as dt

from trytond.pool import Pool


def generate(scale, random):
    pool = Pool()
    Entity = pool.get('account.ipsas.entity')
    FiscalYear = pool.get('account.fiscalyear')
    Sequence = pool.get('ir.sequence.strict')
    SequenceType = pool.get('ir.sequence.type')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Date = pool.get('ir.date')

    entities = Entity.search([])
    Entity.open_books(entities)
    year = Date.today().year
    sequence_type = SequenceType(
        ModelData.get_id('account', 'sequence_type_account_move'))
    for entity in entities:
        sequence, = Sequence.create([{
                    'name': f"{entity.code} {year}",
                    'sequence_type': sequence_type.id,
                    'company': entity.company.id}])
        fiscalyear, = FiscalYear.create([{
                    'name': f"{entity.code} {year}",
                    'company': entity.company.id,
                    'start_date': dt.date(year, 1, 1),
                    'end_date': dt.date(year, 12, 31),
                    'move_sequence': sequence.id}])
        FiscalYear.create_period([fiscalyear])
    companies = [e.company.id for e in entities]
    for login in ['admin', 'finance', 'auditor']:
        user, = User.search([('login', '=', login)])
        User.write([user], {
                'companies': [('add', companies)],
                'company': companies[0],
                'company_filter': 'all'})
