# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta

from .statement import CASH_FLOWS


class TypeTemplate(metaclass=PoolMeta):
    __name__ = 'account.account.type.template'
    consolidation = fields.Many2One(
        'account.consolidation', "Consolidation",
        help="Where the type of every entity adds up in the consolidated "
        "statements.")

    def _get_type_value(self, type=None):
        # Each entity's chart joins the consolidated statements at creation
        values = super()._get_type_value(type=type)
        if not type or type.consolidation != self.consolidation:
            values['consolidation'] = (
                self.consolidation.id if self.consolidation else None)
        return values


class Consolidation(metaclass=PoolMeta):
    __name__ = 'account.consolidation'
    cash_flow = fields.Selection(
        CASH_FLOWS, "Cash Flow",
        help="The line of the cash flow statement where the cash paid or "
        "received against this heading is shown.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The headings are the statements' lines, read in mn and en
        cls.name.translate = True
