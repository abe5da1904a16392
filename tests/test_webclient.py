# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The demo through the real web client: logins and jurisdiction as staff
meet them in Chromium."""
from sigo_demo.sigo_base import DEMO_PASSWORD, KNOWN_CITIZEN

from .webclient import WebClientCase


class WebClientTestCase(WebClientCase):

    def known_request_id(self):
        "The Battsengel request of the citizen, looked up as admin"
        user_id, key, *_ = self.rpc(
            'common.db.login', 'admin', {'password': 'admin'}, 'en')['result']
        result = self.rpc(
            'model.sigo.citizen.request.search',
            [('citizen.register_number', '=', KNOWN_CITIZEN[1])],
            0, None, None, {}, session=f'admin:{user_id}:{key}')['result']
        self.assertEqual(len(result), 1)
        return result[0]

    def test_admin_logs_in(self):
        "The administrator logs in and sees the offices of the country"
        browser, wait = self.login('admin', 'admin')
        self.open(browser, wait, 'model/sigo.office', "Organization")
        body = self.search(browser, wait, "Arkhangai aimag",
            "SIGO Arkhangai aimag")
        self.assertIn("GOSWS Arkhangai aimag", body)

    def test_soum_officer_finds_citizen_of_another_soum(self):
        "A Bulgan officer finds a citizen whose request is in Battsengel"
        browser, wait = self.login('soum.bulgan', DEMO_PASSWORD)
        self.open(browser, wait, 'model/party.party', "Register Number")
        body = self.search(
            browser, wait, KNOWN_CITIZEN[1], KNOWN_CITIZEN[0])
        self.assertIn(KNOWN_CITIZEN[1], body)

    def test_soum_officer_cannot_open_another_soums_request(self):
        "The Battsengel request stays out of the Bulgan officer's reach"
        request_id = self.known_request_id()

        browser, wait = self.login('soum.battsengel', DEMO_PASSWORD)
        body = self.open(browser, wait, 'model/sigo.citizen.request',
            KNOWN_CITIZEN[0])
        self.assertIn("Pension calculation inquiry", body)

        browser, wait = self.login('soum.bulgan', DEMO_PASSWORD)
        body = self.open(browser, wait, 'model/sigo.citizen.request',
            "Subject")
        self.assertNotIn(KNOWN_CITIZEN[0], body)
        body = self.open(browser, wait,
            f'model/sigo.citizen.request/{request_id}', "not allowed")
        self.assertNotIn("Asks which years count", body)
