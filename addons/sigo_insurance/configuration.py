# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Social Insurance Configuration"
    __name__ = 'insurance.configuration'
    __string__ = "Social Insurance Configuration"
    closed_until = fields.Date(
        "Declarations Closed Until",
        help="Months up to this date are closed: no declaration for them "
        "is accepted.")
