# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"The social insurance funds, insured-person types and risk classes"
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.modules.sigo_base.model import RecNameSearchMixin
from trytond.pool import Pool


class CodedMixin(RecNameSearchMixin, DeactivableMixin):
    "Reference records found by a stable code"
    __slots__ = ()
    _rec_name_search = ['code', 'name']
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'sigo_insurance.msg_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    def get_rec_name(self, name):
        return f'{self.code} - {self.name}'


class Fund(CodedMixin, ModelSQL, ModelView):
    "Social Insurance Fund"
    __name__ = 'insurance.fund'
    __string__ = "Social Insurance Fund"
    sequence = fields.Integer("Sequence")
    entity = fields.Many2One(
        'account.ipsas.entity', "Reporting Entity",
        help="The books the fund's contributions are posted in.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('sequence', 'ASC NULLS LAST'))

    @classmethod
    def on_modification(cls, mode, funds, field_names=None):
        super().on_modification(mode, funds, field_names=field_names)
        # The rates of a month are cached in the funds' order
        Pool().get('insurance.rate')._in_month_cache.clear()


class InsuredType(CodedMixin, ModelSQL, ModelView):
    "Insured-person type, with its own rates (01 ordinary employee, ...)"
    __name__ = 'insurance.insured_type'
    __string__ = "Insured Type"
    description = fields.Text("Description", translate=True)


class RiskClass(CodedMixin, ModelSQL, ModelView):
    "Industrial-accident risk class of an employer's work"
    __name__ = 'insurance.risk_class'
    __string__ = "Industrial Accident Risk Class"
