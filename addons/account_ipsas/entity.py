# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Reporting entities: each SIGO fund, SIGO administration and GOSWS/HDF
keeps its own books as a Tryton company, consolidated with eliminations"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.modules.sigo_base.office import ORGANIZATIONS
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction


class ReportingEntity(sequence_ordered(), ModelSQL, ModelView):
    "IPSAS Reporting Entity"
    __name__ = 'account.ipsas.entity'
    __string__ = "Reporting Entity"
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    organization = fields.Selection(
        ORGANIZATIONS, "Organization", required=True)
    kind = fields.Selection([
            ('fund', "Insurance Fund"),
            ('administration', "Administration"),
            ('welfare', "Welfare and HDF"),
            ], "Kind", required=True)
    company = fields.Many2One(
        'company.company', "Company", readonly=True,
        help="The books of the entity.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'account_ipsas.msg_entity_code_unique'),
            ]
        cls._buttons.update({
                'open_books': {
                    'invisible': Bool(Eval('company')),
                    'depends': ['company'],
                    },
                })

    def get_rec_name(self, name):
        return f'{self.code} - {self.name}'

    @classmethod
    @ModelView.button
    def open_books(cls, entities):
        """Create the company of each entity with the IPSAS chart, its
        receivable and payable defaults, in tugriks"""
        pool = Pool()
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        mnt = Currency(ModelData.get_id('account_ipsas', 'currency_mnt'))
        for entity in entities:
            if entity.company:
                raise AccessError(gettext(
                        'account_ipsas.msg_entity_books_open',
                        entity=entity.rec_name))
            party, = Party.create([{'name': entity.name}])
            company, = Company.create([{
                        'party': party.id, 'currency': mnt.id,
                        'timezone': 'Asia/Ulaanbaatar'}])
            entity.company = company
            entity.save()
            cls._create_chart(company)
        # The administrator keeps the books of every entity
        admin = User(ModelData.get_id('res', 'user_admin'))
        User.write([admin], {'companies': [
                    ('add', [e.company.id for e in entities])]})

    @classmethod
    def open_fiscal_year(cls, entities, year):
        """Open the calendar year with monthly periods in the books of each
        entity; return the fiscal years"""
        pool = Pool()
        FiscalYear = pool.get('account.fiscalyear')
        Sequence = pool.get('ir.sequence.strict')
        SequenceType = pool.get('ir.sequence.type')
        ModelData = pool.get('ir.model.data')
        sequence_type = SequenceType(
            ModelData.get_id('account', 'sequence_type_account_move'))
        invoice_type = SequenceType(
            ModelData.get_id('account_invoice', 'sequence_type_account_invoice'))
        fiscalyears = []
        for entity in entities:
            sequence, invoice_sequence = Sequence.create([{
                        'name': f"{entity.code} {year}",
                        'sequence_type': type_.id,
                        'company': entity.company.id}
                    for type_ in [sequence_type, invoice_type]])
            # The funds issue no invoices, but Tryton's invoicing (which
            # bank statements depend on) asks every year for the sequences
            invoice_sequences = {
                f'{kind}_sequence': invoice_sequence.id for kind in [
                    'out_invoice', 'in_invoice', 'out_credit_note',
                    'in_credit_note']}
            invoice_sequences['company'] = entity.company.id
            fiscalyears.extend(FiscalYear.create([{
                            'name': f"{entity.code} {year}",
                            'company': entity.company.id,
                            'start_date': dt.date(year, 1, 1),
                            'end_date': dt.date(year, 12, 31),
                            'move_sequence': sequence.id,
                            'invoice_sequences': [
                                ('create', [invoice_sequences])],
                            }]))
        for fiscalyear in fiscalyears:
            # One at a time: the overlap check of many periods at once
            # exceeds SQLite's parser
            FiscalYear.create_period([fiscalyear])
        return fiscalyears

    @classmethod
    def _create_chart(cls, company):
        "Run Tryton's own chart wizard with the IPSAS template"
        pool = Pool()
        CreateChart = pool.get('account.create_chart', type='wizard')
        AccountTemplate = pool.get('account.account.template')
        Account = pool.get('account.account')
        ModelData = pool.get('ir.model.data')
        # Records are kept in Mongolian: the Mongolian chart when loaded
        for fs_id in ['account_root_mn', 'account_root_en']:
            try:
                template = AccountTemplate(
                    ModelData.get_id('account_ipsas', fs_id))
                break
            except KeyError:
                continue
        session_id, _, _ = CreateChart.create()
        try:
            with Transaction().set_context(company=company.id):
                wizard = CreateChart(session_id)
                wizard.account.company = company
                wizard.account.account_template = template
                wizard.transition_create_account()

                def account(code):
                    account, = Account.search([
                            ('company', '=', company.id),
                            ('code', '=', code)])
                    return account
                wizard.properties.company = company
                wizard.properties.account_receivable = account('1210')
                wizard.properties.account_payable = account('2110')
                wizard.transition_create_properties()
        finally:
            CreateChart.delete(session_id)
