# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Two-factor login over JSON-RPC and in the web client: enrolment from the
menu, then a login that asks for the one-time code."""
import datetime as dt

import pyotp

from sigo_demo.authentication_totp import DEMO_TOTP_KEY
from sigo_demo.sigo_base import DEMO_PASSWORD

from .webclient import WebClientCase, answer_code_prompt, enter_credentials


def wrong_code(totp):
    "A code valid in no step of the accepted window"
    now = dt.datetime.now()
    valid = {totp.at(now + dt.timedelta(seconds=s)) for s in (-60, -30, 0,
            30, 60)}
    return next(c for c in ['000000', '111111', '222222'] if c not in valid)


class TwoFactorTestCase(WebClientCase):

    def db_login(self, login, **parameters):
        return self.rpc('common.db.login', login, parameters, 'en')

    def test_enforced_user_over_rpc(self):
        "The auditor needs a current, unused code; the password is not enough"
        totp = pyotp.TOTP(DEMO_TOTP_KEY)

        answer = self.db_login('auditor', password=DEMO_PASSWORD)
        self.assertEqual(answer['error'][0], 'LoginException')
        self.assertEqual(answer['error'][1][0], 'totp_code')

        answer = self.db_login('auditor', password=DEMO_PASSWORD,
            totp_code=wrong_code(totp))
        self.assertEqual(answer, {'status': 401})

        code = totp.now()
        answer = self.db_login('auditor', password=DEMO_PASSWORD,
            totp_code=code)
        self.assertTrue(answer.get('result'), answer)

        answer = self.db_login('auditor', password=DEMO_PASSWORD,
            totp_code=code)
        self.assertEqual(answer, {'status': 401})

    def test_wrong_code_in_web_client(self):
        "A wrong one-time code in the web client does not open a session"
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        totp = pyotp.TOTP(DEMO_TOTP_KEY)
        browser, wait = self.browser()
        enter_credentials(
            browser, wait, self.server, 'auditor', DEMO_PASSWORD)
        answer_code_prompt(wait, wrong_code(totp))
        # The web client starts the login again
        wait.until(EC.visibility_of_element_located((By.ID, 'login')))
        self.assertNotIn("Social Protection", self.body_text(browser))

    def test_unenforced_user_over_rpc(self):
        "An officer who did not enrol logs in with the password alone"
        answer = self.db_login('soum.battsengel', password=DEMO_PASSWORD)
        self.assertTrue(answer['result'])

    def test_enrolment_and_login_in_web_client(self):
        "An officer enrols from My Account, then logs in with a code"
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC

        browser, wait = self.login('district.bayanzurkh', DEMO_PASSWORD)
        for text in ["My Account", "Two-Factor Login"]:
            wait.until(EC.element_to_be_clickable((By.XPATH,
                        f"//*[normalize-space(text())='{text}']"))).click()
        self.click_button(wait, "Start")
        key_field = wait.until(EC.visibility_of_element_located(
                (By.XPATH, "//div[contains(@class, 'modal')]"
                    "//input[@id='key' or @name='key']")))
        totp = pyotp.TOTP(key_field.get_attribute('value'))
        self.assertTrue(browser.find_element(
                By.XPATH, "//div[contains(@class, 'modal')]//img"))
        code_field = browser.find_element(By.XPATH,
            "//div[contains(@class, 'modal')]"
            "//input[@id='code' or @name='code']")
        code_field.send_keys(totp.now())
        self.click_button(wait, "Confirm")
        codes = wait.until(EC.visibility_of_element_located(
                (By.XPATH, "//div[contains(@class, 'modal')]//textarea")))
        wait.until(lambda _: codes.get_attribute('value'))
        self.assertEqual(
            len(codes.get_attribute('value').strip().split('\n')), 10)
        self.click_button(wait, "Done")

        answer = self.db_login('district.bayanzurkh', password=DEMO_PASSWORD)
        self.assertEqual(answer['error'][1][0], 'totp_code')

        # The confirmation used the current step: the next one logs in
        self.login('district.bayanzurkh', DEMO_PASSWORD,
            code=lambda: totp.at(
                dt.datetime.now() + dt.timedelta(seconds=30)))

    def click_button(self, wait, text):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        wait.until(EC.element_to_be_clickable((By.XPATH,
                    "//div[contains(@class, 'modal')]"
                    f"//button[normalize-space(.)='{text}']"))).click()
