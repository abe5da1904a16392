# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional

ALERT_KINDS = [
    ('backup_failed', "Backup Failed"),
    ('backup_late', "Backup Late"),
    ('drill_failed', "Drill Failed"),
    ('drill_late', "Drill Late"),
    ]


class Alert(ModelSQL, ModelView):
    __name__ = 'it_ops.alert'
    __string__ = "IT Operations Alert"

    date = fields.Timestamp("Date", required=True, readonly=True)
    kind = fields.Selection(ALERT_KINDS, "Kind", required=True, readonly=True)
    kind_string = kind.translated('kind')
    database = fields.Char("Database", readonly=True)
    origin = fields.Reference("Origin", selection=[
            (None, ''),
            ('it_ops.backup.run', "Backup Run"),
            ('it_ops.drill', "Restore Drill"),
            ], readonly=True)
    message = fields.Text("Message", readonly=True)
    recipients = fields.Char("Sent To", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))

    def get_rec_name(self, name):
        return (f'{self.kind_string}: {self.database} '
            f'{self.date:%Y-%m-%d %H:%M}')

    @classmethod
    def recipients_for_alerts(cls):
        "The configured mailbox and every IT administrator with an e-mail"
        pool = Pool()
        Configuration = pool.get('it_ops.configuration')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        return User.group_addresses(
            ModelData.get_id('sigo_base', 'group_it'),
            Configuration(1).alert_email)

    @classmethod
    def raise_alert(cls, kind, database, origin, message):
        "Record the alert and mail it when the transaction commits"
        recipients = cls.recipients_for_alerts()
        alert, = cls.create([{
                    'date': dt.datetime.now(),
                    'kind': kind,
                    'database': database,
                    'origin': origin,
                    'message': message,
                    'recipients': ', '.join(recipients) or None,
                    }])
        if recipients:
            email = EmailMessage()
            email['From'] = config.get('email', 'from')
            email['To'] = ', '.join(recipients)
            email['Subject'] = gettext(
                'it_ops.msg_alert_subject',
                kind=alert.kind_string, database=database)
            email.set_content(message)
            send_message_transactional(email)
        return alert

    @classmethod
    def check_freshness(cls):
        """Alert once per database when its backups or drills are late:
        again only after a success has ended the earlier lateness"""
        pool = Pool()
        Configuration = pool.get('it_ops.configuration')
        Run = pool.get('it_ops.backup.run')
        Drill = pool.get('it_ops.drill')
        configuration = Configuration(1)
        now = dt.datetime.now()
        for kind, Model, state, limit in [
                ('backup_late', Run, 'succeeded',
                    configuration.backup_max_age),
                ('drill_late', Drill, 'passed',
                    configuration.drill_interval)]:
            for database in sorted({r.database for r in Model.search([])}):
                last = Model.search([
                        ('database', '=', database),
                        ('state', '=', state),
                        ], order=[('started', 'DESC')], limit=1)
                since = last[0].started if last else dt.datetime.min
                if now - since <= limit:
                    continue
                if cls.search([
                            ('kind', '=', kind),
                            ('database', '=', database),
                            ('date', '>', since),
                            ], limit=1):
                    continue
                cls.raise_alert(kind, database, None, gettext(
                        f'it_ops.msg_{kind}', database=database,
                        since=(since.strftime('%Y-%m-%d %H:%M')
                            if last else '-')))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('it_ops.alert|check_freshness',
                    "Alert on Late Backups and Drills"),
                ('it_ops.drill|run_scheduled', "Run the Restore Drill"),
                ])
