# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('change.request|flag_overdue_emergencies',
                    "Flag Emergency Changes Not Approved in Time"),
                ('change.access|expire_grants',
                    "Expire Production Access Grants"),
                ])
