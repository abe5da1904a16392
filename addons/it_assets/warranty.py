# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Warranty expiry alerts: a daily e-mail to IT with the assets whose
warranty ends soon, each asset once per warranty end date"""
import datetime as dt
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction


class Asset(metaclass=PoolMeta):
    __name__ = 'it.asset'

    @classmethod
    def alert_recipients(cls):
        "The configured mailbox and every IT administrator with an e-mail"
        pool = Pool()
        Configuration = pool.get('it.asset.configuration')
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        return User.group_addresses(
            ModelData.get_id('sigo_base', 'group_it'),
            Configuration(1).alert_email)

    @classmethod
    def alert_warranty_expiry(cls):
        """Mail IT the assets whose warranty ends within the configured days
        of the context's date (today by default)"""
        pool = Pool()
        Configuration = pool.get('it.asset.configuration')
        today = Transaction().context.get('date') or dt.date.today()
        horizon = today + dt.timedelta(
            days=Configuration(1).warranty_alert_days)
        assets = [a for a in cls.search([
                    ('state', '!=', 'retired'),
                    ('warranty_end', '>=', today),
                    ('warranty_end', '<=', horizon),
                    ], order=[('warranty_end', 'ASC'), ('code', 'ASC')])
            if a.warranty_alerted != a.warranty_end]
        if not assets:
            return
        recipients = cls.alert_recipients()
        if recipients:
            email = EmailMessage()
            email['From'] = config.get('email', 'from')
            email['To'] = ', '.join(recipients)
            email['Subject'] = gettext(
                'it_assets.msg_warranty_alert_subject', count=len(assets))
            email.set_content('\n'.join(gettext(
                        'it_assets.msg_warranty_alert_line',
                        asset=a.rec_name,
                        serial_number=a.serial_number,
                        office=a.office.rec_name,
                        date=a.warranty_end.isoformat())
                    for a in assets))
            send_message_transactional(email)
        for asset in assets:
            asset.warranty_alerted = asset.warranty_end
        cls.save(assets)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('it.asset|alert_warranty_expiry', "Alert on Expiring Warranties"))
