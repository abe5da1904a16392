# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt

from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'it_ops.configuration'
    __string__ = "IT Operations Configuration"

    backup_max_age = fields.TimeDelta(
        "Backup Late After", required=True,
        help="A database without a successful backup for longer is late.")
    drill_interval = fields.TimeDelta(
        "Drill Due Every", required=True,
        help="A database without a passed restore drill for longer is late; "
        "the scheduled drill runs at this rhythm.")
    alert_email = fields.Char(
        "Alert E-mail",
        help="Mailbox that receives the alerts besides the IT group's users "
        "(comma-separated).")

    @classmethod
    def default_backup_max_age(cls):
        # A daily backup with two hours of slack
        return dt.timedelta(hours=26)

    @classmethod
    def default_drill_interval(cls):
        return dt.timedelta(days=31)
