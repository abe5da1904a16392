# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "IT asset settings: when to warn about warranties, and whom"
    __name__ = 'it.asset.configuration'
    __string__ = "IT Asset Configuration"

    warranty_alert_days = fields.Integer(
        "Warn Days Before Warranty End", required=True,
        domain=[('warranty_alert_days', '>=', 0)],
        help="IT is alerted once about each asset whose warranty ends "
        "within so many days.")
    alert_email = fields.Char(
        "Alert E-mail",
        help="Mailbox that receives the alerts besides the IT group's users "
        "(comma-separated).")
    monitoring_category = fields.Many2One(
        'helpdesk.category', "Monitoring Ticket Category",
        ondelete='SET NULL',
        help="The help desk category of the tickets opened for storage "
        "and monitoring alerts.")

    @classmethod
    def default_warranty_alert_days(cls):
        return 30
