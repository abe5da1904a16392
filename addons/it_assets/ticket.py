# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Help desk tickets opened by storage and monitoring alerts, one per problem
for as long as its ticket stays open (helpdesk's open_about and
open_for_alert), about the storage system or monitoring problem"""
from trytond.pool import PoolMeta


class Ticket(metaclass=PoolMeta):
    __name__ = 'helpdesk.ticket'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'it.storage.system', 'it.monitoring.problem']
