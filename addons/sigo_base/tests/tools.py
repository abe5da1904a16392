# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"What the module tests of every addon share"
from contextlib import contextmanager

from trytond.transaction import Transaction


@contextmanager
def acting_as(user):
    "Run as the user through the access checks of a client request"
    with Transaction().set_user(user.id), \
            Transaction().set_context(_check_access=True):
        yield
