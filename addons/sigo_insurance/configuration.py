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
    posting_queue_lines = fields.Integer(
        "Post in the Background Above (Lines)",
        help="A confirmed declaration with more lines is posted by the task "
        "queue, so the officer does not wait; empty: always at once.")

    @classmethod
    def default_posting_queue_lines(cls):
        return 1000
