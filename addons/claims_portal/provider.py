# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Health care providers (hospitals and pharmacies) under contract with the
Health Insurance Fund, filed under the office that supervises them; their
portal users (web.user) and API users (res.user owning application keys)"""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.modules.sigo_base.model import RecNameSearchMixin
from trytond.pool import PoolMeta
from trytond.pyson import Eval

CLAIMS_APPLICATION = 'claims_portal'


class Provider(RecNameSearchMixin, JurisdictionMixin, DeactivableMixin,
        ModelSQL, ModelView):
    "Health Care Provider"
    __name__ = 'claim.provider'
    __string__ = "Health Care Provider"
    _rec_name_search = ['party.name', 'code']
    party = fields.Many2One('party.party', "Organisation", required=True,
        ondelete='RESTRICT',
        help="The hospital or pharmacy; the payable is booked to it.")
    code = fields.Char("Licence Number", required=True,
        help="The provider's licence number with the Ministry of Health.")
    kind = fields.Selection([
            ('hospital', "Hospital"),
            ('pharmacy', "Pharmacy"),
            ], "Kind", required=True,
        help="Hospitals claim services and DRG groups of the tariff, "
        "pharmacies the medicines of the discounted list.")
    copayment_percent = fields.Numeric("Co-payment %", digits=(5, 2),
        required=True,
        states={'invisible': Eval('kind') != 'hospital'},
        help="The share of the tariff the patient pays the hospital "
        "(10 % at aimag and district hospitals, 15 % at tertiary ones): "
        "the fund pays the rest.")
    email = fields.Char("E-Mail",
        help="Where status e-mails go, besides the portal users.")
    contracts = fields.One2Many(
        'claim.provider.contract', 'provider', "Contracts")
    web_users = fields.One2Many('web.user', 'claim_provider', "Portal Users",
        help="The provider's staff who log in to the portal.")
    api_users = fields.One2Many('res.user', 'claim_provider', "API Users",
        help="The users whose application keys (application \"Health "
        "Claims Portal\") submit claims through the API.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'claims_portal.msg_provider_code_unique'),
            ]
        cls.office.help = "The office that supervises the provider and " \
            "reviews its claims."
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'hospital'

    @classmethod
    def default_copayment_percent(cls):
        return 0

    def get_rec_name(self, name):
        return f'{self.code} - {self.party.name}'

    @classmethod
    def validate_fields(cls, providers, field_names):
        super().validate_fields(providers, field_names)
        for provider in providers:
            if not 0 <= (provider.copayment_percent or 0) < 100:
                raise ValidationError(gettext(
                        'claims_portal.msg_provider_copayment',
                        provider=provider.rec_name))

    def contract_on(self, date):
        "The contract in force on the date, if any"
        for contract in self.contracts:
            if contract.start_date <= date and (
                    not contract.end_date or date <= contract.end_date):
                return contract

    def notification_addresses(self):
        "The portal users' and the provider's own e-mail addresses"
        addresses = [u.email for u in self.web_users
            if u.email and u.active]
        if self.email and self.email not in addresses:
            addresses.append(self.email)
        return addresses


class ProviderContract(ModelSQL, ModelView):
    "Provider Contract"
    __name__ = 'claim.provider.contract'
    __string__ = "Provider Contract"
    _rec_name = 'number'
    provider = fields.Many2One('claim.provider', "Provider", required=True,
        ondelete='CASCADE')
    number = fields.Char("Number", required=True)
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None))],
        help="Empty while the contract runs.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('provider')
        cls._sql_indexes.add(Index(t, (t.provider, Index.Equality())))
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def validate(cls, contracts):
        super().validate(contracts)
        for contract in contracts:
            for other in contract.provider.contracts:
                if other != contract and _overlap(contract, other):
                    raise ValidationError(gettext(
                            'claims_portal.msg_contract_overlap',
                            contract=contract.number, other=other.number,
                            provider=contract.provider.rec_name))


def _overlap(first, second):
    "Whether two date ranges (open at the end when end_date is empty) meet"
    return ((not first.end_date or second.start_date <= first.end_date)
        and (not second.end_date or first.start_date <= second.end_date))


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'
    claim_provider = fields.Many2One('claim.provider', "Health Care Provider",
        ondelete='RESTRICT',
        help="The provider whose claims the portal user submits and sees.")


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    claim_provider = fields.Many2One('claim.provider', "Health Care Provider",
        ondelete='RESTRICT',
        help="The provider whose claims the user's application keys "
        "submit through the API; such a user needs no group.")


class UserApplication(metaclass=PoolMeta):
    __name__ = 'res.user.application'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.application.selection.append(
            (CLAIMS_APPLICATION, "Health Claims Portal"))
