# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.pyson import Eval, If


class OutcomeMixin:
    "Backup runs and drills: the newest first, failures in red"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('started', 'DESC'))

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree/field[@name="state"]', 'visual',
                If(Eval('state') == 'failed', 'danger', '')),
            ]
