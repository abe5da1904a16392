# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Arrears in the web client, inside each officer's jurisdiction."""
from sigo_demo.sigo_base import DEMO_PASSWORD

from .webclient import WebClientCase

MINE = "Хангай Уурхай ХК"


class ArrearsWebTestCase(WebClientCase):

    def test_aimag_supervisor_sees_the_mine_in_arrears(self):
        "The Arkhangai supervisor sees the mine's unpaid months, aged"
        browser, wait = self.login('aimag.arkhangai', DEMO_PASSWORD)
        body = self.open(browser, wait, 'model/insurance.arrears', MINE)
        self.assertIn("91-180 Days", body)
        self.assertIn("Chuluut", body)

    def test_other_soum_does_not_see_the_mine(self):
        "A Battsengel officer's arrears list leaves the Chuluut mine out"
        browser, wait = self.login('soum.battsengel', DEMO_PASSWORD)
        body = self.open(
            browser, wait, 'model/insurance.arrears', "Over 180 Days")
        self.assertNotIn(MINE, body)
