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
                ('insurance.penalty|charge_month_end',
                    "Charge Penalty Interest to the End of Last Month"),
                ('insurance.voluntary.contract|bill_current_month',
                    "Bill the Month's Voluntary Insurance Dues"),
                ('account.dunning|generate_dunnings',
                    "Create Dunnings of Overdue Contributions"),
                ])
