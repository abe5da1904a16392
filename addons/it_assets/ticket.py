# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Help desk tickets opened by storage and monitoring alerts: one per problem
for as long as its ticket stays open"""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# Ticket states in which the help desk is still working on the problem
OPEN_TICKET_STATES = ['new', 'open', 'waiting']


class Ticket(metaclass=PoolMeta):
    __name__ = 'helpdesk.ticket'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'it.storage.system', 'it.monitoring.problem']

    @classmethod
    def open_about(cls, origin):
        "The ticket still open about the origin, if any"
        # The alerts come from cron and from the monitoring tool's user:
        # whether a ticket is open must not depend on who may read tickets
        with Transaction().set_user(0):
            tickets = cls.search([
                    ('origin', '=', str(origin)),
                    ('state', 'in', OPEN_TICKET_STATES),
                    ], order=[('id', 'DESC')], limit=1)
        return cls(tickets[0].id) if tickets else None

    @classmethod
    def open_for_alert(cls, origin, subject, description):
        "Open a high-priority monitoring ticket about the origin"
        pool = Pool()
        Configuration = pool.get('it.asset.configuration')
        category = Configuration(1).monitoring_category
        with Transaction().set_user(0):
            ticket, = cls.create([{
                        'subject': subject,
                        'description': description,
                        'channel': 'monitoring',
                        'priority': 'high',
                        'category': category.id if category else None,
                        'origin': str(origin),
                        }])
        return cls(ticket.id)
