# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class SigoInsuranceTestCase(ModuleTestCase):
    "Test SIGO Insurance module"
    module = 'sigo_insurance'


del ModuleTestCase
