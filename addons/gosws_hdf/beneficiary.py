# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Enrolments: a citizen in a programme at a soum office. The legacy soum
databases enrolled some citizens at two soums; the register number is the
key that makes a payment cycle pay them once"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Beneficiary(JurisdictionMixin, ModelSQL, ModelView):
    "Programme Beneficiary"
    __name__ = 'hdf.beneficiary'
    __string__ = "Programme Beneficiary"
    party = fields.Many2One('party.party', "Citizen", required=True,
        ondelete='RESTRICT', domain=[('register_number', '!=', None)])
    register_number = fields.Function(
        fields.Char("Register Number"), 'get_register_number',
        searcher='search_register_number')
    programme = fields.Many2One('hdf.programme', "Programme", required=True,
        ondelete='RESTRICT')
    household = fields.Many2One('hdf.household', "Household",
        ondelete='RESTRICT')
    resident = fields.Boolean("Resident",
        help="The citizen lives in the soum or district of the enrolment.")
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None))])
    bank_account = fields.Many2One('bank.account', "Bank Account",
        ondelete='RESTRICT',
        help="The account the payments are transferred to.")
    eligibility = fields.Function(
        fields.Text("Eligibility"), 'get_eligibility')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.office.string = "Enrolment Office"
        cls._sql_indexes.update({
                Index(t, (t.programme, Index.Equality()),
                    (t.start_date, Index.Range())),
                Index(t, (t.party, Index.Equality())),
                })
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_resident(cls):
        return True

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return (f'{self.party.rec_name} - {self.programme.code} '
            f'({self.office.code})')

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('party.rec_name', *clause[1:]),
            ('programme.rec_name', *clause[1:]),
            ]

    def get_register_number(self, name):
        return self.party.register_number

    @classmethod
    def search_register_number(cls, name, clause):
        return [('party.register_number', *clause[1:])]

    @classmethod
    def validate(cls, beneficiaries):
        super().validate(beneficiaries)
        for beneficiary in beneficiaries:
            if beneficiary.household and beneficiary.party not in (
                    {m.party for m in beneficiary.household.members}
                    | {beneficiary.household.head}):
                raise ValidationError(gettext(
                        'gosws_hdf.msg_beneficiary_household',
                        beneficiary=beneficiary.rec_name,
                        household=beneficiary.household.rec_name))

    def in_force(self, month_start, month_end):
        "The enrolment covers part of the month"
        return (self.start_date <= month_end
            and (not self.end_date or self.end_date >= month_start))

    def enrolled_elsewhere(self, programme, date):
        """The citizen has an enrolment in force at date in the programme, at
        any office: the exclusions look past the staff's jurisdiction"""
        with Transaction().set_context(_check_access=False):
            return bool(self.__class__.search([
                        ('party', '=', self.party.id),
                        ('programme', '=', programme.id),
                        ('start_date', '<=', date),
                        ['OR', ('end_date', '=', None),
                            ('end_date', '>=', date)],
                        ], limit=1))

    def citizen_household(self):
        """The household of the enrolment or, for enrolments the legacy
        databases kept without one, any household the citizen belongs to"""
        Household = Pool().get('hdf.household')
        if self.household:
            return self.household
        with Transaction().set_context(_check_access=False):
            households = Household.search(['OR',
                    ('head', '=', self.party.id),
                    ('members.party', '=', self.party.id),
                    ], order=[('id', 'ASC')], limit=1)
        if households:
            return households[0]

    def ineligibility(self, date):
        """The reasons the enrolment is not eligible on the first day of the
        month date under the programme's rule in force then; empty when
        eligible"""
        rule = self.programme.rule_at(date)
        if not rule:
            return [gettext('gosws_hdf.msg_reason_no_rule',
                    programme=self.programme.rec_name, date=date)]
        return rule.reasons(self, date)

    def get_eligibility(self, name):
        today = Pool().get('ir.date').today().replace(day=1)
        reasons = self.ineligibility(today)
        if not reasons:
            return gettext('gosws_hdf.msg_eligible')
        return '\n'.join(reasons)
