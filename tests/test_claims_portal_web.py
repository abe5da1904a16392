# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""A hospital's claim in Chromium, from the upload to the remittance: the
provider logs in with the one-time code, uploads a file with good and bad
lines, reads the reason of each bad one, corrects it on the page and
submits; a reviewer approves in the back office; the portal shows the new
status and the remittance advice to download."""
import csv
import datetime as dt
import io
import os
import re
import tempfile
import urllib.request
from decimal import Decimal

import openpyxl
import pypdf

from sigo_demo.sigo_base import DEMO_PASSWORD, KNOWN_CITIZEN

from .test_portal_access import HOSPITAL, PortalClient, fresh_code
from .webclient import WebClientCase

PAGE_LIMIT = 30 * 1024
COLUMNS = ['patient_register_number', 'service_date', 'diagnosis',
    'item_code', 'quantity', 'amount']
UNKNOWN_ITEM = 'ZZ999'


def left(page):
    """Whether the browser left the page whose root element this is
    (Chromium tells it by a stale element or an unknown node)"""
    from selenium.common.exceptions import WebDriverException
    try:
        page.is_enabled()
    except WebDriverException:
        return True
    return False


class ClaimsPortalWebTestCase(WebClientCase):

    def portal(self, path=''):
        return f'{self.server.url}{self.server.name}/portal{path}'

    def session_rpc(self, login, password):
        "A JSON-RPC caller logged in as the user, with its context"
        user_id, key, *_ = self.rpc('common.db.login', login,
            {'password': password}, 'en')['result']
        session = f'{login}:{user_id}:{key}'
        context = self.rpc('model.res.user.get_preferences', True, {},
            session=session)['result']

        def call(method, *params):
            answer = self.rpc(method, *params, context, session=session)
            self.assertIn('result', answer, f"{method}: {answer}")
            return answer['result']
        return call

    def good_lines(self, admin, count):
        """Lines the automatic check accepts: the patient, service and unit
        amount of one of the hospital's clean demo lines, on other days of
        the same month (insured, under contract, not claimed yet)"""
        lines = admin('model.claim.line.search_read', [
                ('claim.provider.web_users.email', '=', HOSPITAL),
                ('reasons', '=', None),
                ('tariff', '!=', None),
                ], 0, 1, [('id', 'DESC')],
            ['patient_register_number', 'item_code', 'service_date',
                'diagnosis', 'quantity', 'amount_asked'])
        self.assertTrue(lines, "the demo has no clean hospital line")
        line, = lines
        claimed = {(d['year'], d['month'], d['day'])
            for d in (l['service_date'] for l in admin(
                    'model.claim.line.search_read', [
                        ('patient_register_number', '=',
                            line['patient_register_number'])],
                    0, None, None, ['service_date']))}
        day = dt.date(*(line['service_date'][k]
                for k in ['year', 'month', 'day']))
        days = [day + dt.timedelta(days=n) for n in range(-27, 28)]
        days = sorted((d for d in days if d.month == day.month
                and d <= dt.date.today()
                and (d.year, d.month, d.day) not in claimed),
            key=lambda d: abs(d - day))[:count]
        self.assertEqual(len(days), count)
        unit = (Decimal(line['amount_asked']['decimal'])
            / line['quantity']).quantize(Decimal('0.01'))
        return [{
                'patient_register_number': line['patient_register_number'],
                'service_date': d.isoformat(),
                'diagnosis': line['diagnosis'] or 'J18.9',
                'item_code': line['item_code'],
                'quantity': 1,
                'amount': unit,
                } for d in days]

    def claim_file(self, rows):
        "A CSV claim file on disk, as a provider saves it"
        directory = tempfile.mkdtemp(prefix='sigo-claim-')
        path = os.path.join(directory, 'claim.csv')
        with open(path, 'w', newline='', encoding='utf-8') as file:
            writer = csv.writer(file)
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow([row[c] for c in COLUMNS])
        return path

    def log_in(self, browser, wait):
        """Log in from the login page a claims page leads to, in English;
        once more with the next code if this step's was used elsewhere"""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        browser.get(self.portal('/claims'))
        wait.until(EC.element_to_be_clickable(
                (By.ID, 'language-en'))).click()
        for attempt in range(2):
            wait.until(EC.visibility_of_element_located(
                    (By.ID, 'email'))).clear()
            browser.find_element(By.ID, 'email').send_keys(HOSPITAL)
            browser.find_element(By.ID, 'password').send_keys(DEMO_PASSWORD)
            browser.find_element(By.ID, 'totp_code').send_keys(
                fresh_code(HOSPITAL))
            page = browser.find_element(By.TAG_NAME, 'html')
            browser.find_element(By.ID, 'login-submit').click()
            wait.until(lambda browser: left(page))
            wait.until(EC.any_of(
                    EC.visibility_of_element_located((By.ID, 'claims')),
                    EC.visibility_of_element_located((By.ID, 'page-error'))))
            if browser.find_elements(By.ID, 'claims'):
                return
        self.fail("the hospital could not log in: "
            + self.body_text(browser))

    def fetch(self, browser, path):
        "The page or file as the server sends it, with the browser's session"
        cookie = browser.get_cookie('portal_session')
        request = urllib.request.Request(self.portal(path), headers={
                'Cookie': f"portal_session={cookie['value']}",
                'Accept-Encoding': 'gzip', 'Accept-Language': 'en'})
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()

    def follow(self, browser, wait, element, element_id):
        """Click the link or button and wait for the element of the page it
        leads to (the page before may have one of the same id)"""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        page = browser.find_element(By.TAG_NAME, 'html')
        element.click()
        wait.until(lambda browser: left(page))
        return wait.until(EC.visibility_of_element_located(
                (By.ID, element_id)))

    def row(self, browser, line_id):
        from selenium.webdriver.common.by import By
        return browser.find_element(By.ID, f'line-{line_id}')

    def test_upload_correct_submit_approve_remittance(self):
        """The hospital reads why two lines are refused, corrects them on
        the page and submits; once the reviewer approves, the portal shows
        the approved claim and its remittance advice"""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        admin = self.session_rpc('admin', 'admin')
        good, unknown_item, too_expensive = self.good_lines(admin, 3)
        unknown_item['item_code'] = UNKNOWN_ITEM
        too_expensive['amount'] *= 3
        path = self.claim_file([good, unknown_item, too_expensive])

        browser, wait = self.browser()
        self.log_in(browser, wait)

        self.follow(browser, wait, browser.find_element(
                By.LINK_TEXT, "Upload a claim file"), 'file').send_keys(path)
        state = self.follow(browser, wait,
            browser.find_element(By.ID, 'upload-submit'), 'claim-state')
        self.assertEqual(state.text, "Draft")
        claim_id = int(re.search(r'/claims/(\d+)', browser.current_url)[1])

        # Each bad line says why, with the reason's code and text
        rows = browser.find_elements(By.CSS_SELECTOR, '#lines tbody tr')
        self.assertEqual(len(rows), 3)
        line_ids = [int(r.get_attribute('id').split('-')[1]) for r in rows]
        reasons = [r.find_element(By.CLASS_NAME, 'reasons').text
            for r in rows]
        self.assertEqual(reasons[0], '')
        self.assertIn('R03', reasons[1])
        self.assertRegex(reasons[1], r'R03 \w+')
        self.assertIn('R04', reasons[2])
        self.assertRegex(reasons[2], r'R04 \w+')
        self.assertIn("2 of the 3 lines have a reason to check",
            self.body_text(browser))

        # The unknown item becomes the service on the tariff
        item = self.follow(browser, wait, self.row(
                browser, line_ids[1]).find_element(By.LINK_TEXT, "Edit"),
            'item_code')
        self.assertEqual(item.get_attribute('value'), UNKNOWN_ITEM)
        item.clear()
        item.send_keys(good['item_code'])
        self.follow(browser, wait,
            browser.find_element(By.ID, 'line-submit'), 'claim-state')
        self.assertEqual(self.row(browser, line_ids[1]).find_element(
                By.CLASS_NAME, 'reasons').text, '')

        # The amount above the tariff is brought down to it
        amount = self.follow(browser, wait, self.row(
                browser, line_ids[2]).find_element(By.LINK_TEXT, "Edit"),
            'amount')
        amount.clear()
        amount.send_keys(str(good['amount']))
        self.follow(browser, wait,
            browser.find_element(By.ID, 'line-submit'), 'claim-state')
        self.assertIn("No line has a reason to check.",
            self.body_text(browser))

        status, headers, raw = self.fetch(browser, f'/claims/{claim_id}')
        self.assertEqual(headers['Content-Encoding'], 'gzip')
        self.assertLessEqual(len(raw), PAGE_LIMIT)

        state = self.follow(browser, wait,
            browser.find_element(By.ID, 'submit-claim'), 'claim-state')
        self.assertEqual(state.text, "Under Review")
        self.assertFalse(browser.find_elements(By.ID, 'submit-claim'))
        history = browser.find_element(By.ID, 'history').text
        self.assertIn("Submitted", history)
        self.assertIn(HOSPITAL, history)

        # The reviewer approves the lines left to review, then decides
        reviewer = self.session_rpc('claims.reviewer', DEMO_PASSWORD)
        reviewer('model.claim.claim.review', [claim_id])
        pending = reviewer('model.claim.line.search', [
                ('claim', '=', claim_id), ('decision', '=', 'pending')],
            0, None, None)
        if pending:
            reviewer('model.claim.line.approve', pending)
        reviewer('model.claim.claim.decide', [claim_id])
        claim, = admin('model.claim.claim.read', [claim_id],
            ['number', 'amount_approved'])
        approved = Decimal(claim['amount_approved']['decimal'])
        self.assertGreater(approved, 0)

        browser.refresh()
        state = wait.until(EC.visibility_of_element_located(
                (By.ID, 'claim-state')))
        self.assertEqual(state.text, "Approved")
        self.assertIn("Approved",
            browser.find_element(By.ID, 'history').text)
        xlsx = browser.find_element(By.ID, 'remittance-xlsx')
        pdf = browser.find_element(By.ID, 'remittance-pdf')

        status, headers, data = self.fetch(browser,
            xlsx.get_attribute('href').split('/portal', 1)[1])
        self.assertIn('attachment', headers['Content-Disposition'])
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells = [c for row in workbook.worksheets[0].iter_rows(
                values_only=True) for c in row if c is not None]
        self.assertIn(claim['number'], ' '.join(map(str, cells)))
        amounts = {Decimal(str(c)) for c in cells
            if isinstance(c, (int, float, Decimal))
            and not isinstance(c, bool)}
        amounts |= {Decimal(c.replace(',', '').replace(' ', ''))
            for c in cells if isinstance(c, str)
            and re.fullmatch(r'\d[\d, ]*(\.\d+)?', c.strip())}
        self.assertIn(approved, amounts)

        status, headers, data = self.fetch(browser,
            pdf.get_attribute('href').split('/portal', 1)[1])
        self.assertTrue(data.startswith(b'%PDF'))
        text = ''.join(p.extract_text()
            for p in pypdf.PdfReader(io.BytesIO(data)).pages)
        self.assertIn(claim['number'], text)

    def test_long_claim_page_is_small(self):
        """A claim of 450 lines, each with a reason, shows a page of lines
        at a time, and the page stays under 30 KB compressed"""
        client = PortalClient(self.server)
        client.login(HOSPITAL)
        rows = io.StringIO()
        writer = csv.writer(rows)
        writer.writerow(COLUMNS)
        # Codes on no list, in a year before the demo's claims: every line
        # has reasons, the longest cell the page shows
        for number in range(450):
            writer.writerow([KNOWN_CITIZEN[1],
                    (dt.date(2021, 1, 1) + dt.timedelta(days=number)
                        ).isoformat(), 'J18.9', f'ZZ{number:03d}',
                    1 + number % 3, 1000 + number])
        answer = client.post('/claims/upload', files={'file': (
                    'long.csv', rows.getvalue().encode(), 'text/csv')})
        self.assertEqual(answer.status, 303, answer.text[:2000])
        path = answer.location.split('/portal', 1)[1]
        page = client.get(path)
        self.assertEqual(page.headers['Content-Encoding'], 'gzip')
        self.assertLessEqual(len(page.raw), PAGE_LIMIT)
        self.assertEqual(len(re.findall(r'<tr id="line-', page.text)), 100)
        self.assertIn("Page 1 of 5", page.text)
        last = client.get(path + '?page=5')
        self.assertEqual(len(re.findall(r'<tr id="line-', last.text)), 50)
        self.assertLessEqual(len(last.raw), PAGE_LIMIT)
