# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Households: the members and income that household and income tests use"
from decimal import Decimal

from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin

from .programme import AMOUNT


class Household(JurisdictionMixin, ModelSQL, ModelView):
    "Household"
    __name__ = 'hdf.household'
    __string__ = "Household"
    head = fields.Many2One('party.party', "Head", required=True,
        ondelete='RESTRICT', domain=[('register_number', '!=', None)])
    address = fields.Char("Address")
    members = fields.One2Many('hdf.household.member', 'household', "Members")
    monthly_income = fields.Numeric("Monthly Income", digits=AMOUNT,
        required=True, domain=[('monthly_income', '>=', 0)],
        help="The household's declared income per month, all members.")
    size = fields.Function(fields.Integer("Size"), 'get_size')
    income_per_member = fields.Function(
        fields.Numeric("Income per Member", digits=AMOUNT), 'get_size')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.office.string = "Soum of Residence"
        cls.office.help = "The soum or district office where it lives."
        cls._order = [('id', 'DESC')]

    @classmethod
    def default_monthly_income(cls):
        return Decimal(0)

    def get_rec_name(self, name):
        return self.head.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('head.rec_name', *clause[1:])]

    @classmethod
    def get_size(cls, households, names):
        result = {n: {} for n in names}
        for household in households:
            # The head counts even when not listed among the members
            size = len({m.party for m in household.members}
                | {household.head})
            if 'size' in names:
                result['size'][household.id] = size
            if 'income_per_member' in names:
                result['income_per_member'][household.id] = (
                    household.monthly_income / size).quantize(
                    Decimal('0.01'))
        return result


class HouseholdMember(ModelSQL, ModelView):
    "Household Member"
    __name__ = 'hdf.household.member'
    __string__ = "Household Member"
    household = fields.Many2One('hdf.household', "Household", required=True,
        ondelete='CASCADE')
    party = fields.Many2One('party.party', "Citizen", required=True,
        ondelete='RESTRICT', domain=[('register_number', '!=', None)])
    relation = fields.Selection([
            ('head', "Head"),
            ('spouse', "Spouse"),
            ('child', "Child"),
            ('parent', "Parent"),
            ('other', "Other"),
            ], "Relation", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('household_party_unique', Unique(t, t.household, t.party),
                'gosws_hdf.msg_member_unique'),
            ]
        cls.__access__.add('household')
        cls._order = [('household', 'DESC'), ('id', 'ASC')]

    @classmethod
    def default_relation(cls):
        return 'child'
