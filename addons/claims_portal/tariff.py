# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""What the Health Insurance Fund pays for, effective-dated: the tariff of
hospital services and DRG groups (a price per unit), and the discounted
medicines list (a reference price and the share the fund reimburses,
30-70 % since 2020)"""
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base.model import RecNameSearchMixin
from trytond.pyson import Eval

AMOUNT = (16, 2)


class EffectiveDatedMixin(RecNameSearchMixin):
    """A priced item in force from start_date to end_date; an item code has
    one record per period, without overlap"""
    __slots__ = ()
    _history = True
    _rec_name_search = ['code', 'name']
    code = fields.Char("Code", required=True,
        help="The code providers put in the item_code column.")
    name = fields.Char("Name", required=True, translate=True)
    max_quantity = fields.Integer("Maximum Quantity",
        domain=['OR', ('max_quantity', '=', None), ('max_quantity', '>', 0)],
        help="The most one claim line may claim; empty: no limit.")
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None))],
        help="Empty while in force.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.code, Index.Equality())))
        cls._order = [('code', 'ASC'), ('start_date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.code} - {self.name}'

    @classmethod
    def validate(cls, records):
        super().validate(records)
        codes = {r.code for r in records}
        by_code = defaultdict(list)
        for record in cls.search([('code', 'in', list(codes))]):
            by_code[record.code].append(record)
        for record in records:
            for other in by_code[record.code]:
                if other != record and (
                        not record.end_date
                        or other.start_date <= record.end_date) and (
                        not other.end_date
                        or record.start_date <= other.end_date):
                    raise ValidationError(gettext(
                            'claims_portal.msg_item_overlap',
                            item=record.rec_name, start=record.start_date,
                            other=other.start_date))

    @classmethod
    def in_force(cls, codes):
        """{code: [records]} of the codes, every period: the claim check
        picks the one in force on each line's service date"""
        result = defaultdict(list)
        codes = sorted(codes)
        for start in range(0, len(codes), 1000):
            for record in cls.search(
                    [('code', 'in', codes[start:start + 1000])]):
                result[record.code].append(record)
        return result

    def in_force_on(self, date):
        return self.start_date <= date and (
            not self.end_date or date <= self.end_date)


class Tariff(EffectiveDatedMixin, ModelSQL, ModelView):
    "Hospital Tariff"
    __name__ = 'claim.tariff'
    __string__ = "Hospital Tariff"
    kind = fields.Selection([
            ('service', "Service"),
            ('drg', "DRG Group"),
            ], "Kind", required=True,
        help="A service priced per unit, or a diagnosis-related group "
        "priced per in-patient stay.")
    price = fields.Numeric("Price", digits=AMOUNT, required=True,
        domain=[('price', '>=', 0)],
        help="The fund's price per unit, before the co-payment.")

    @classmethod
    def default_kind(cls):
        return 'service'

    def allowed(self, provider, quantity):
        "What the fund pays the provider for the quantity"
        share = (Decimal(100) - (provider.copayment_percent or 0)) / 100
        return (self.price * quantity * share).quantize(Decimal('0.01'))


class Medicine(EffectiveDatedMixin, ModelSQL, ModelView):
    "Discounted Medicine"
    __name__ = 'claim.medicine'
    __string__ = "Discounted Medicine"
    generic_name = fields.Char("Generic Name", required=True,
        help="The international non-proprietary name.")
    reference_price = fields.Numeric("Reference Price", digits=AMOUNT,
        required=True, domain=[('reference_price', '>=', 0)],
        help="The price per unit the reimbursement is computed on.")
    reimbursement_percent = fields.Numeric("Reimbursement %", digits=(5, 2),
        required=True,
        domain=[('reimbursement_percent', '>', 0),
            ('reimbursement_percent', '<=', 100)],
        help="The share of the reference price the fund pays the pharmacy "
        "(the patient's discount).")

    def allowed(self, provider, quantity):
        "What the fund pays the pharmacy for the quantity"
        return (self.reference_price * quantity
            * self.reimbursement_percent / 100).quantize(Decimal('0.01'))
