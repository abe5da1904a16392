# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Dunning of employers in arrears, with the packaged account_dunning"
from trytond.pool import PoolMeta


class Dunning(metaclass=PoolMeta):
    __name__ = 'account.dunning'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Each fund's books are a company and the letter report makes one
        # letter per run of the same company: listed by fund, an employer
        # gets one letter per fund with all its months
        cls._order.insert(0, ('company', 'ASC'))
