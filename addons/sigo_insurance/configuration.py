# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from decimal import Decimal

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
    payment_due_days = fields.Integer(
        "Payment Due (Days after the Month)",
        help="Contributions of a month are due this many days after its "
        "end (the legal term is to be confirmed; configurable).")
    penalty_rate = fields.Numeric(
        "Penalty Interest (% per Day)", digits=(6, 4),
        help="Charged on overdue contributions for each day late (the legal "
        "rate is to be confirmed; configurable). Empty: no penalty.")

    @classmethod
    def default_payment_due_days(cls):
        return 10

    @classmethod
    def default_penalty_rate(cls):
        return Decimal('0.1')
