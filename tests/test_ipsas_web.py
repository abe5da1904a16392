# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Finance reads the IPSAS statement packages in the web client; soum staff
cannot."""
from sigo_demo.sigo_base import DEMO_PASSWORD

from .webclient import WebClientCase


class IPSASStatementsWebTestCase(WebClientCase):

    def test_finance_reads_the_pension_fund_statements(self):
        "The pension fund's package opens on its statement of position"
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        browser, wait = self.login('finance', DEMO_PASSWORD)
        self.open(browser, wait, 'model/account.ipsas.statement.package',
            "PEN - ")
        row = wait.until(EC.element_to_be_clickable(
                (By.XPATH, "//tr[contains(., 'PEN - ')]")))
        ActionChains(browser).double_click(row).perform()
        wait.until(EC.text_to_be_present_in_element(
                (By.TAG_NAME, 'body'), "Contributions Receivable"))
        body = self.body_text(browser)
        for text in ["Financial Position", "Financial Performance",
                "Changes in Net Assets", "Cash Flow", "Budget and Actual",
                "Cash and Cash Equivalents", "Comparative"]:
            self.assertIn(text, body)

    def test_soum_officer_cannot_read_statements(self):
        "A soum officer is refused the statement packages"
        browser, wait = self.login('soum.battsengel', DEMO_PASSWORD)
        body = self.open(browser, wait,
            'model/account.ipsas.statement.package', "not allowed")
        self.assertNotIn("PEN - ", body)
