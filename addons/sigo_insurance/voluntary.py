# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Voluntary insurance of herders and the self-employed: a contract with a
declared monthly income in the allowed band. The insured person pays as
their own employer, so the month's dues are a declaration of one line:
assessed at the voluntary rates, posted, paid, aged and covered like any
other."""

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .declaration import AMOUNT, DeclaredRow, month_bounds


class VoluntaryContract(JurisdictionMixin, Workflow, ModelSQL, ModelView):
    "Voluntary Insurance Contract"
    __name__ = 'insurance.voluntary.contract'
    __string__ = "Voluntary Insurance Contract"
    _states = {'readonly': Eval('state') != 'draft'}
    person = fields.Many2One(
        'party.party', "Insured Person", required=True, ondelete='RESTRICT',
        domain=[('register_number', '!=', None)], states=_states)
    kind = fields.Selection([
            ('herder', "Herder"),
            ('self_employed', "Self-Employed"),
            ], "Kind", required=True, states=_states)
    insured_type = fields.Many2One(
        'insurance.insured_type', "Insured Type", required=True,
        ondelete='RESTRICT', states=_states)
    declared_income = fields.Numeric(
        "Declared Monthly Income", digits=AMOUNT, required=True,
        states=_states,
        help="Between the minimum wage and its ceiling (10 × minimum wage) "
        "of the first month.")
    start_date = fields.Date("First Month", required=True, states=_states)
    end_date = fields.Date(
        "Last Month", states={'readonly': Eval('state') == 'ended'},
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date'))])
    payer = fields.Many2One(
        'insurance.employer', "Payer", readonly=True,
        help="The insured person as payer of their own contributions.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "Active"),
            ('ended', "Ended"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'active'), ('active', 'ended')}
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'end': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'herder'

    @classmethod
    def default_insured_type(cls):
        return Pool().get('ir.model.data').get_id(
            'sigo_insurance', 'insured_type_voluntary')

    def get_rec_name(self, name):
        return f'{self.person.rec_name} {self.start_date:%Y-%m}'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for name in ['start_date', 'end_date']:
            if values.get(name):
                values[name] = values[name].replace(day=1)
        return values

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        WageLimit = Pool().get('insurance.wage_limit')
        if field_names and not {'declared_income', 'start_date'} & set(
                field_names):
            return
        for contract in contracts:
            limit = WageLimit.get(contract.start_date)
            if not (limit.minimum_wage <= contract.declared_income
                    <= limit.ceiling):
                raise ValidationError(gettext(
                        'sigo_insurance.msg_voluntary_income_band',
                        contract=contract.rec_name,
                        income=contract.declared_income,
                        minimum=limit.minimum_wage, ceiling=limit.ceiling))

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, contracts):
        "Register the person as payer, employed by themselves"
        pool = Pool()
        Employer = pool.get('insurance.employer')
        Employment = pool.get('insurance.employment')
        for contract in contracts:
            number = contract.person.register_number
            payers = Employer.search([('registration_number', '=', number)])
            if payers:
                payer, = payers
            else:
                payer, = Employer.create([{
                            'party': contract.person.id,
                            'kind': 'individual',
                            'registration_number': number,
                            'office': contract.office.id,
                            'sector': contract.kind,
                            }])
            Employment.create([{
                        'employer': payer.id,
                        'person': contract.person.id,
                        'insured_type': contract.insured_type.id,
                        'start_date': contract.start_date,
                        'end_date': (month_bounds(contract.end_date)[1]
                            if contract.end_date else None),
                        }])
            contract.payer = payer
        cls.save(contracts)

    @classmethod
    @ModelView.button
    @Workflow.transition('ended')
    def end(cls, contracts):
        pool = Pool()
        Date = pool.get('ir.date')
        Employment = pool.get('insurance.employment')
        last = Date.today().replace(day=1)
        for contract in contracts:
            contract.end_date = contract.end_date or last
            Employment.write(Employment.search([
                        ('employer', '=', contract.payer.id),
                        ('person', '=', contract.person.id),
                        ('end_date', '=', None),
                        ]), {'end_date': month_bounds(contract.end_date)[1]})
        cls.save(contracts)

    @classmethod
    def bill(cls, month):
        """The month's dues of every active contract: a confirmed
        declaration of the declared income; billing again changes
        nothing"""
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        month = month.replace(day=1)
        contracts = cls.search([
                ('state', 'in', ['active', 'ended']),
                ('start_date', '<=', month),
                ['OR', ('end_date', '=', None), ('end_date', '>=', month)],
                ])
        to_confirm = []
        for contract in contracts:
            declaration, _ = Declaration.create_from_rows(
                contract.payer, month, [DeclaredRow(
                        1, contract.person.register_number,
                        contract.declared_income)], source='contract')
            if declaration.state == 'draft':
                to_confirm.append(declaration)
        Declaration.confirm(to_confirm)
        return to_confirm

    @classmethod
    def bill_current_month(cls):
        "The monthly run"
        return cls.bill(Pool().get('ir.date').today())


class BillStart(ModelView):
    "Bill Voluntary Insurance Dues"
    __name__ = 'insurance.voluntary.bill.start'
    __string__ = "Bill Voluntary Insurance Dues"
    month = fields.Date("Month", required=True)

    @classmethod
    def default_month(cls):
        return Pool().get('ir.date').today().replace(day=1)


class Bill(Wizard):
    "Bill Voluntary Insurance Dues"
    __name__ = 'insurance.voluntary.bill'
    start = StateView('insurance.voluntary.bill.start',
        'sigo_insurance.voluntary_bill_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Bill", 'bill', 'tryton-ok', default=True),
            ])
    bill = StateTransition()

    def transition_bill(self):
        Pool().get('insurance.voluntary.contract').bill(self.start.month)
        return 'end'
