# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class AccountIPSASTestCase(ModuleTestCase):
    "Test Account IPSAS module"
    module = 'account_ipsas'


del ModuleTestCase
