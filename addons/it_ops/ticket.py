# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""With helpdesk: an alert opens a help desk ticket, one per database and
kind of alert for as long as that ticket stays open. The ticket's origin is
the alert, whose own origin is the failed backup run or drill."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'it_ops.configuration'

    ops_category = fields.Many2One(
        'helpdesk.category', "Ticket Category", ondelete='SET NULL',
        help="The help desk category of the tickets opened for failed or "
        "late backups and restore drills.")


class Alert(metaclass=PoolMeta):
    __name__ = 'it_ops.alert'

    ticket = fields.Many2One(
        'helpdesk.ticket', "Ticket Opened", readonly=True,
        ondelete='SET NULL',
        help="The help desk ticket this alert opened; an alert that repeats "
        "a problem whose ticket is still open opens none.")

    @classmethod
    def raise_alert(cls, kind, database, origin, message):
        alert = super().raise_alert(kind, database, origin, message)
        alert.open_ticket()
        return alert

    def open_ticket(self):
        """Open a ticket unless the last one opened for this kind of alert on
        the database is still open: the help desk follows the problem, not
        each night it repeats"""
        pool = Pool()
        Configuration = pool.get('it_ops.configuration')
        Ticket = pool.get('helpdesk.ticket')
        openers = self.search([
                ('kind', '=', self.kind),
                ('database', '=', self.database),
                ('ticket', '!=', None),
                ], order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
        if openers and Ticket.open_about(openers[0]):
            return
        self.ticket = Ticket.open_for_alert(
            self,
            gettext('it_ops.msg_alert_ticket_subject',
                kind=self.kind_string, database=self.database),
            gettext('it_ops.msg_alert_ticket_description',
                kind=self.kind_string, database=self.database,
                date=self.date.strftime('%Y-%m-%d %H:%M'),
                message=self.message or ''),
            Configuration(1).ops_category)
        self.save()


class Ticket(metaclass=PoolMeta):
    __name__ = 'helpdesk.ticket'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['it_ops.alert']
