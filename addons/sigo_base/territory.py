# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Subdivision(metaclass=PoolMeta):
    __name__ = 'country.subdivision'
    statistics_code = fields.Char(
        "Statistics Code",
        help="The National Statistics Office code of the unit.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.type.selection += [
            ('aimag', "Aimag"),
            ('soum', "Soum"),
            ]

    @classmethod
    def search_rec_name(cls, name, clause):
        # Officers also look units up by their statistics code
        _, operator, operand, *extra = clause
        return super().search_rec_name(name, clause) + [
            ('statistics_code', operator, operand, *extra)]
