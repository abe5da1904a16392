# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The demo through the real web client: logins and jurisdiction as staff
meet them in Chromium."""
import base64
import json
import unittest
import urllib.request

from sigo_demo.sigo_base import DEMO_PASSWORD, KNOWN_CITIZEN

from .webclient import DemoServer, chromium

WAIT = 30


class WebClientTestCase(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = DemoServer()
        try:
            cls.server.start()
        except Exception:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def rpc(self, method, *params, session=None):
        request = urllib.request.Request(
            f'{self.server.url}{self.server.name}/rpc/',
            data=json.dumps(
                {'id': 1, 'method': method, 'params': params}).encode(),
            headers={'Content-Type': 'application/json'})
        if session:
            request.add_header('Authorization', 'Session ' + base64.b64encode(
                    session.encode()).decode())
        with urllib.request.urlopen(request) as response:
            return json.load(response)

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

    def login(self, login, password):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait
        browser = chromium()
        self.addCleanup(browser.quit)
        wait = WebDriverWait(browser, WAIT)
        browser.get(f'{self.server.url}#{self.server.name}')
        wait.until(EC.visibility_of_element_located(
                (By.ID, 'login'))).send_keys(login, Keys.ENTER)
        wait.until(EC.visibility_of_element_located(
                (By.CSS_SELECTOR, 'input[type=password]'))).send_keys(
            password, Keys.ENTER)
        wait.until(EC.text_to_be_present_in_element(
                (By.TAG_NAME, 'body'), "Social Protection"))
        return browser, wait

    def open(self, browser, wait, path, text):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        browser.get(f'{self.server.url}#{self.server.name}/{path}')
        wait.until(EC.text_to_be_present_in_element(
                (By.TAG_NAME, 'body'), text))
        return browser.find_element(By.TAG_NAME, 'body').text

    def search(self, browser, wait, text, expected):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support import expected_conditions as EC
        field = wait.until(EC.visibility_of_element_located(
                (By.CSS_SELECTOR, 'input[placeholder="Search"]')))
        field.clear()
        field.send_keys(text, Keys.ENTER)
        wait.until(EC.text_to_be_present_in_element(
                (By.TAG_NAME, 'body'), expected))
        return browser.find_element(By.TAG_NAME, 'body').text

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
