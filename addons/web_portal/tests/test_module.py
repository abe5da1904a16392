# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import gzip
import html
import io
import itertools
import re
import time
import urllib.parse

import pyotp
from werkzeug.exceptions import TooManyRequests
from werkzeug.test import EnvironBuilder

from trytond import config
from trytond.exceptions import UserError
from trytond.model.modelview import AccessButtonError
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.modules.web_portal.portal import (
    PATH_SAFE, rate_limit, send_file, uploaded_file)
from trytond.pool import Pool
from trytond.protocols.wrappers import Request, Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, ModuleTestCase, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from sigo_run.mailbox import MailboxTestMixin

PASSWORD = 'portal-secret-42'
PORTAL = f'/{urllib.parse.quote(DB_NAME, safe=PATH_SAFE)}/portal'
# Each test comes from its own address: failed logins of one test do not
# count against another's
ADDRESSES = (f'10.8.0.{n}' for n in itertools.count(1))


class PortalClient(Client):
    "A browser at one address, keeping its cookies"

    def __init__(self, address, **kwargs):
        super().__init__(app, Response, **kwargs)
        self.address = address

    def open(self, *args, **kwargs):
        environ = kwargs.setdefault('environ_base', {})
        environ.setdefault('REMOTE_ADDR', self.address)
        return super().open(*args, **kwargs)


def page_text(response):
    return html.unescape(response.get_data(as_text=True))


def csrf_token(response):
    return re.search(
        r'name="csrf_token" value="([0-9a-f]+)"',
        response.get_data(as_text=True)).group(1)


def set_cookie_headers(response, name):
    return [h for h in response.headers.getlist('Set-Cookie')
        if h.startswith(name + '=')]


def html_body(message):
    return '\n'.join(
        part.get_payload(decode=True).decode(
            part.get_content_charset() or 'utf-8')
        for part in message.walk()
        if part.get_content_type() == 'text/html')


def reset_link(message):
    "The set-password link of a reset e-mail"
    return html.unescape(re.search(
            r'href="(http[^"]*/portal/set-password\?[^"]+)"',
            html_body(message)).group(1))


def wrong_code(totp):
    "A code none of the steps the portal accepts now has"
    now = time.time()
    accepted = {totp.at(now + d) for d in (-30, 0, 30)}
    return next(c for c in ['000000', '111111', '222222', '333333']
        if c not in accepted)


class WebPortalTestCase(MailboxTestMixin, ModuleTestCase):
    "Test Web Portal module"
    module = 'web_portal'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Lang = pool.get('ir.lang')
            mn, = Lang.search([('code', '=', 'mn')])
            mn.translatable = True
            mn.save()
            Lang.load_translations([mn])

    def portal_user(self, email):
        """A web user with PASSWORD and a confirmed TOTP secret, committed
        as an administrator would have made it; returns the secret"""
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            WebUser = pool.get('web.user')
            Secret = pool.get('authentication.totp.secret')
            user = WebUser(email=email, password=PASSWORD)
            user.save()
            secret = Secret.start(user)
            secret.confirmed = True
            secret.save()
            return pyotp.TOTP(secret.secret)

    def browser(self, **kwargs):
        return PortalClient(next(ADDRESSES), **kwargs)

    def log_in(self, browser, email, password, code, next_=None):
        page = browser.get(PORTAL + '/login')
        data = {
            'email': email, 'password': password, 'totp_code': code,
            'csrf_token': csrf_token(page),
            }
        if next_ is not None:
            data['next'] = next_
        return browser.post(PORTAL + '/login', data=data)

    def test_login_page_renders(self):
        "The login page has a labelled field for each input and a form token"
        browser = self.browser()
        response = browser.get(
            PORTAL + '/login', headers={'Accept-Language': 'en'})
        self.assertEqual(response.status_code, 200)
        text = page_text(response)
        self.assertIn('<html lang="en">', text)
        for field in ['email', 'password', 'totp_code']:
            self.assertIn(f'<label for="{field}">', text)
            self.assertIn(f'id="{field}" name="{field}"', text)
        self.assertIn('id="login-submit"', text)
        self.assertIn('Skip to the main content', text)
        self.assertTrue(csrf_token(response))
        pre_session, = set_cookie_headers(response, 'portal_pre_session')
        self.assertIn('HttpOnly', pre_session)
        self.assertIn('SameSite=Lax', pre_session)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        self.assertIn("script-src 'none'",
            response.headers['Content-Security-Policy'])

    def test_wrong_password_or_code_is_refused(self):
        "A wrong password or code: the same message, no session"
        totp = self.portal_user('wrong@clinic.example.mn')
        browser = self.browser()
        for password, code in [
                ('not-the-password', totp.now()),
                (PASSWORD, '000000' if totp.now() != '000000' else '111111'),
                (PASSWORD, ''),
                ]:
            with self.subTest(password=password, code=code):
                response = self.log_in(
                    browser, 'wrong@clinic.example.mn', password, code)
                self.assertEqual(response.status_code, 200)
                self.assertIn(
                    'Имэйл хаяг, нууц үг эсвэл нэг удаагийн код буруу байна.',
                    page_text(response))
                self.assertFalse(
                    set_cookie_headers(response, 'portal_session'))
        self.assertEqual(
            browser.get(PORTAL + '/').status_code, 302)

    def test_password_and_code_log_in(self):
        "Password and code open a session in an HttpOnly SameSite cookie"
        totp = self.portal_user('login@clinic.example.mn')
        browser = self.browser()
        response = self.log_in(
            browser, 'Login@Clinic.example.mn', PASSWORD, totp.now())
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response.headers['Location'], PORTAL + '/')
        cookie, = set_cookie_headers(response, 'portal_session')
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Lax', cookie)
        self.assertIn(f'Path={PORTAL}', cookie)
        self.assertNotIn('Secure', cookie)
        home = browser.get(PORTAL + '/')
        self.assertEqual(home.status_code, 200)
        self.assertIn('login@clinic.example.mn', page_text(home))
        self.assertIn('id="logout"', page_text(home))

    def test_session_cookie_secure_over_tls(self):
        "Over https the session cookie is also Secure"
        totp = self.portal_user('tls@clinic.example.mn')
        browser = self.browser()
        page = browser.get(
            PORTAL + '/login', base_url='https://portal.example.mn/')
        response = browser.post(PORTAL + '/login', data={
                'email': 'tls@clinic.example.mn', 'password': PASSWORD,
                'totp_code': totp.now(), 'csrf_token': csrf_token(page),
                }, base_url='https://portal.example.mn/')
        cookie, = set_cookie_headers(response, 'portal_session')
        self.assertIn('Secure', cookie)
        self.assertIn('HttpOnly', cookie)

    def test_login_returns_to_next_page_on_portal_only(self):
        "After login the visitor goes back to the page asked, if local"
        browser = self.browser()
        response = browser.get(PORTAL + '/?tab=1')
        self.assertEqual(response.status_code, 302)
        location = urllib.parse.urlsplit(response.headers['Location'])
        self.assertEqual(location.path, PORTAL + '/login')
        next_, = urllib.parse.parse_qs(location.query)['next']
        self.assertEqual(next_, PORTAL + '/?tab=1')

        totp = self.portal_user('next@clinic.example.mn')
        response = self.log_in(browser, 'next@clinic.example.mn', PASSWORD,
            totp.now(), next_=next_)
        self.assertEqual(response.headers['Location'], PORTAL + '/?tab=1')

        totp = self.portal_user('away@clinic.example.mn')
        other = self.browser()
        response = self.log_in(other, 'away@clinic.example.mn', PASSWORD,
            totp.now(), next_='https://evil.example.com/')
        self.assertEqual(response.headers['Location'], PORTAL + '/')

    def test_logged_out_visitor_gets_login(self):
        "A logged-out GET of a portal page leads to login, a POST is refused"
        browser = self.browser()
        response = browser.get(PORTAL + '/')
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.headers['Location'].startswith(
                PORTAL + '/login?next='))
        page = browser.get(PORTAL + '/login')
        # Which addresses exist is not told before login
        self.assertEqual(
            browser.get(PORTAL + '/no/such/page').status_code, 302)
        response = browser.post(PORTAL + '/no/such/page', data={
                'csrf_token': csrf_token(page)})
        self.assertEqual(response.status_code, 403)
        # A forged or stale session cookie is no session
        browser.set_cookie(
            'portal_session', 'f' * 64, domain='localhost', path=PORTAL)
        self.assertEqual(browser.get(PORTAL + '/').status_code, 302)

        totp = self.portal_user('lost@clinic.example.mn')
        browser = self.browser()
        self.log_in(browser, 'lost@clinic.example.mn', PASSWORD, totp.now())
        # Logged in, a page that does not exist is the portal's 404
        response = browser.get(PORTAL + '/no/such/page')
        self.assertEqual(response.status_code, 404)
        self.assertIn('Хуудас олдсонгүй', page_text(response))
        self.assertIn('id="logout"', page_text(response))

    def test_post_needs_the_form_token(self):
        "A POST without or with a wrong form token is refused and does nothing"
        totp = self.portal_user('csrf@clinic.example.mn')
        browser = self.browser()
        # Even the right password and code are refused without the token
        response = browser.post(PORTAL + '/login', data={
                'email': 'csrf@clinic.example.mn', 'password': PASSWORD,
                'totp_code': totp.now()})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(set_cookie_headers(response, 'portal_session'))

        self.log_in(browser, 'csrf@clinic.example.mn', PASSWORD, totp.now())
        home = browser.get(PORTAL + '/')
        self.assertEqual(home.status_code, 200)
        token = csrf_token(home)
        for data in [{}, {'csrf_token': 'a' * 64}]:
            with self.subTest(data=data):
                response = browser.post(PORTAL + '/logout', data=data)
                self.assertEqual(response.status_code, 403)
                self.assertIn('Зөвшөөрөлгүй', page_text(response))
                # Still logged in
                self.assertEqual(browser.get(PORTAL + '/').status_code, 200)
        # The token of another visitor's session is not this one's
        other = self.browser()
        other_token = csrf_token(other.get(PORTAL + '/login'))
        self.assertNotEqual(other_token, token)
        response = browser.post(
            PORTAL + '/logout', data={'csrf_token': other_token})
        self.assertEqual(response.status_code, 403)
        # The header works as well as the field
        response = browser.post(
            PORTAL + '/logout', headers={'X-CSRF-Token': token})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(browser.get(PORTAL + '/').status_code, 302)

    def test_failed_logins_are_rate_limited(self):
        "After 10 failed logins from an address even a good one is refused"
        totp = self.portal_user('limit@clinic.example.mn')
        browser = self.browser()
        for n in range(10):
            response = self.log_in(browser,
                f'guess{n}@clinic.example.mn', 'guess', '123456')
            self.assertEqual(response.status_code, 200)
        response = self.log_in(
            browser, 'limit@clinic.example.mn', PASSWORD, totp.now())
        self.assertEqual(response.status_code, 429)
        self.assertIn('Хэт олон оролдлого', page_text(response))
        self.assertFalse(set_cookie_headers(response, 'portal_session'))
        # Another address is not held back
        response = self.log_in(
            self.browser(), 'limit@clinic.example.mn', PASSWORD, totp.now())
        self.assertEqual(response.status_code, 303)

    def test_language_switch(self):
        "The mn/en links change the language of the pages"
        browser = self.browser()
        login = PORTAL + '/login'
        response = browser.get(login)
        self.assertIn('<html lang="mn">', page_text(response))
        self.assertIn('Нэвтрэх', page_text(response))
        response = browser.get(
            PORTAL + '/language/en',
            headers={'Referer': 'http://localhost' + login})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(response.headers['Location'], login)
        response = browser.get(login)
        text = page_text(response)
        self.assertIn('<html lang="en">', text)
        self.assertIn('E-mail address', text)
        self.assertNotIn('Имэйл хаяг', text)
        # A referrer off the portal is not followed
        response = browser.get(
            PORTAL + '/language/mn',
            headers={'Referer': 'https://evil.example.com/x'})
        self.assertEqual(response.headers['Location'], PORTAL + '/')
        self.assertIn('Имэйл хаяг', page_text(browser.get(login)))
        self.assertEqual(
            browser.get(PORTAL + '/language/fr').status_code, 404)

    def test_reset_password_by_email(self):
        "The reset e-mail's link sets a new password that logs in"
        email = 'reset@clinic.example.mn'
        totp = self.portal_user(email)
        browser = self.browser()
        page = browser.get(PORTAL + '/reset-password')
        for address in [email, 'nobody@clinic.example.mn']:
            response = browser.post(PORTAL + '/reset-password', data={
                    'email': address, 'csrf_token': csrf_token(page)})
            self.assertEqual(response.status_code, 200)
            self.assertIn('id="reset-sent"', page_text(response))
        message, = self.mailbox.messages
        self.assertEqual(message['To'], email)
        link = reset_link(message)
        self.assertTrue(link.startswith('http://localhost' + PORTAL))
        # The e-mail is in the language the visitor reads the portal in
        self.assertIn('Нууц үг сэргээх', html_body(message))

        form = browser.get(link)
        self.assertEqual(form.status_code, 200)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(
                    link).query))
        data = {
            'email': query['email'], 'token': query['token'],
            'csrf_token': csrf_token(form),
            }
        response = browser.post(PORTAL + '/set-password', data={
                **data, 'password': 'new-secret-84',
                'password_confirm': 'other-secret'})
        self.assertIn('Хоёр нууц үг ижил биш байна.', page_text(response))
        # The portal keeps the password rules of Tryton
        response = browser.post(PORTAL + '/set-password', data={
                **data, 'password': email, 'password_confirm': email})
        self.assertEqual(response.status_code, 400)
        response = browser.post(PORTAL + '/set-password', data={
                **data, 'password': 'new-secret-84',
                'password_confirm': 'new-secret-84'})
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="password-set"', page_text(response))
        # The link works once
        response = browser.post(PORTAL + '/set-password', data={
                **data, 'password': 'third-secret-126',
                'password_confirm': 'third-secret-126'})
        self.assertIn('id="page-error"', page_text(response))

        response = self.log_in(
            self.browser(), email, PASSWORD, totp.now())
        self.assertFalse(set_cookie_headers(response, 'portal_session'))
        response = self.log_in(
            self.browser(), email, 'new-secret-84', totp.now())
        self.assertEqual(response.status_code, 303)
        self.assertTrue(set_cookie_headers(response, 'portal_session'))

    def test_reset_password_through_foreign_host_sends_no_link(self):
        "A reset asked with another Host header mails no link to that host"
        email = 'host@clinic.example.mn'
        self.portal_user(email)
        browser = self.browser()
        evil = 'http://evil.example/'
        page = browser.get(PORTAL + '/reset-password', base_url=evil)
        answers = []
        for address in [email, 'nobody@clinic.example.mn']:
            response = browser.post(PORTAL + '/reset-password', data={
                    'email': address, 'csrf_token': csrf_token(page)},
                base_url=evil)
            self.assertEqual(response.status_code, 200)
            answers.append(page_text(response))
        # The visitor cannot tell the address is known
        self.assertEqual(answers[0], answers[1])
        self.assertIn('id="reset-sent"', answers[0])
        self.assertFalse([m for m in self.mailbox.messages
                if 'evil.example' in m.as_string()])
        self.assertEqual(self.mailbox.messages, [])

        # No token was set: the reset through the portal's host still works
        page = browser.get(PORTAL + '/reset-password')
        browser.post(PORTAL + '/reset-password', data={
                'email': email, 'csrf_token': csrf_token(page)})
        message, = self.mailbox.messages
        self.assertTrue(
            reset_link(message).startswith('http://localhost' + PORTAL))

    def configure_code_failures(self, limit):
        "At most limit wrong one-time codes in a row, for this test"
        if not config.has_section('web_portal'):
            config.add_section('web_portal')
            self.addCleanup(config.remove_section, 'web_portal')
        config.set('web_portal', 'code_failures', str(limit))
        self.addCleanup(config.set, 'web_portal', 'code_failures', '20')

    def test_wrong_codes_lock_account_until_reset(self):
        "Wrong codes after the right password lock until a reset by e-mail"
        self.configure_code_failures(3)
        email = 'locked@clinic.example.mn'
        totp = self.portal_user(email)
        failed = 'Имэйл хаяг, нууц үг эсвэл нэг удаагийн код буруу байна.'
        hint = 'нууц үгээ имэйлээр сэргээнэ үү'
        for _ in range(3):
            response = self.log_in(
                self.browser(), email, PASSWORD, wrong_code(totp))
            self.assertIn(failed, page_text(response))
            self.assertNotIn(hint, page_text(response))
        # The right code no longer opens the account
        response = self.log_in(self.browser(), email, PASSWORD, totp.now())
        self.assertEqual(response.status_code, 200)
        self.assertFalse(set_cookie_headers(response, 'portal_session'))
        self.assertIn(failed, page_text(response))
        self.assertIn(hint, page_text(response))
        # Who does not know the password is not told
        response = self.log_in(self.browser(), email, 'guess', totp.now())
        self.assertIn(failed, page_text(response))
        self.assertNotIn(hint, page_text(response))

        browser = self.browser()
        page = browser.get(PORTAL + '/reset-password')
        browser.post(PORTAL + '/reset-password', data={
                'email': email, 'csrf_token': csrf_token(page)})
        message, = self.mailbox.messages
        link = reset_link(message)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(
                    link).query))
        response = browser.post(PORTAL + '/set-password', data={
                'email': query['email'], 'token': query['token'],
                'csrf_token': csrf_token(browser.get(link)),
                'password': 'after-lock-84',
                'password_confirm': 'after-lock-84'})
        self.assertIn('id="password-set"', page_text(response))
        response = self.log_in(
            self.browser(), email, 'after-lock-84', totp.now())
        self.assertEqual(response.status_code, 303)
        self.assertTrue(set_cookie_headers(response, 'portal_session'))

    def test_administrator_unlocks_locked_account(self):
        """The administrator sees that wrong codes locked the account and
        unlocks it, logged with who did it; a clerk cannot"""
        self.configure_code_failures(2)
        email = 'unlock@clinic.example.mn'
        totp = self.portal_user(email)
        for _ in range(2):
            self.log_in(self.browser(), email, PASSWORD, wrong_code(totp))
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            WebUser = pool.get('web.user')
            User = pool.get('res.user')
            user, = WebUser.search([('email', '=', email)])
            admin, = User.search([('login', '=', 'admin')])
            clerk, = User.create([{'login': 'portal.clerk', 'name': "Clerk"}])
            with acting_as(admin):
                self.assertTrue(WebUser(user.id).code_locked)
            with acting_as(clerk), self.assertRaises(AccessButtonError):
                WebUser.unlock([user])
            with acting_as(admin):
                WebUser.unlock([user])
                self.assertFalse(WebUser(user.id).code_locked)
            transaction.commit()
        with Transaction().start(DB_NAME, 0):
            log, = Pool().get('ir.model.log').search([
                    ('resource', '=', str(user)), ('event', '=', 'button')])
            self.assertEqual((log.target, log.user.login), ('unlock', 'admin'))
        response = self.log_in(self.browser(), email, PASSWORD, totp.now())
        self.assertEqual(response.status_code, 303)
        self.assertTrue(set_cookie_headers(response, 'portal_session'))

    def test_login_restarts_wrong_code_count(self):
        "Only wrong codes in a row count: a login in between starts again"
        self.configure_code_failures(3)
        email = 'forgiven@clinic.example.mn'
        totp = self.portal_user(email)
        for code in [wrong_code(totp), wrong_code(totp), totp.now(),
                wrong_code(totp), wrong_code(totp)]:
            self.log_in(self.browser(), email, PASSWORD, code)
        # The next step's code: the current one was used
        response = self.log_in(
            self.browser(), email, PASSWORD, totp.at(time.time() + 30))
        self.assertEqual(response.status_code, 303)
        self.assertTrue(set_cookie_headers(response, 'portal_session'))

    def test_static_css_cached_and_compressed(self):
        "The style sheet has a hashed address cached a year, sent gzipped"
        browser = self.browser()
        page = page_text(browser.get(PORTAL + '/login'))
        href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)[1]
        self.assertRegex(href, r'/static/portal\.[0-9a-f]{12}\.css$')
        response = browser.get(href, headers={'Accept-Encoding': 'gzip'})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.headers['Cache-Control'],
            'public, max-age=31536000, immutable')
        self.assertEqual(response.headers['Content-Encoding'], 'gzip')
        self.assertEqual(response.mimetype, 'text/css')
        css = gzip.decompress(response.get_data())
        self.assertIn(b':focus-visible', css)
        plain = browser.get(href)
        self.assertNotIn('Content-Encoding', plain.headers)
        self.assertEqual(plain.get_data(), css)
        again = browser.get(
            href, headers={'If-None-Match': response.headers['ETag']})
        self.assertEqual(again.status_code, 304)
        self.assertEqual(browser.get(
                PORTAL + '/static/missing.css').status_code, 404)

    def test_pages_are_small(self):
        "Every page of the portal is at most 30 KB gzipped, with its CSS"
        totp = self.portal_user('size@clinic.example.mn')
        browser = self.browser()
        gzip_headers = {'Accept-Encoding': 'gzip, deflate'}
        pages = {
            'login': PORTAL + '/login',
            'reset': PORTAL + '/reset-password',
            'set': PORTAL + '/set-password?email=a@b.mn&token=x',
            'not found': PORTAL + '/language/xx',
            }
        sizes = {}
        for name, path in pages.items():
            response = browser.get(path, headers=gzip_headers)
            self.assertEqual(response.headers['Content-Encoding'], 'gzip')
            sizes[name] = len(response.get_data())
        self.log_in(browser, 'size@clinic.example.mn', PASSWORD, totp.now())
        response = browser.get(PORTAL + '/', headers=gzip_headers)
        self.assertEqual(response.status_code, 200)
        sizes['home'] = len(response.get_data())
        href = re.search(r'<link rel="stylesheet" href="([^"]+)"',
            gzip.decompress(response.get_data()).decode())[1]
        css = len(browser.get(href, headers=gzip_headers).get_data())
        for name, size in sizes.items():
            with self.subTest(page=name):
                self.assertLessEqual(size + css, 30 * 1024)

    @with_transaction()
    def test_uploaded_file_checks_size_and_type(self):
        "An upload is refused when missing, too big or not what it says"
        def request(filename, content):
            data = {}
            if filename:
                data['file'] = (io.BytesIO(content), filename)
            request = EnvironBuilder(method='POST', data=data).get_request(
                Request)
            return request

        extensions = ['xlsx', 'csv']
        xlsx = b'PK\x03\x04' + b'x' * 100
        self.assertEqual(
            uploaded_file(request('claims.xlsx', xlsx), 'file', 1000,
                extensions),
            ('claims.xlsx', xlsx))
        self.assertEqual(
            uploaded_file(request('claims.CSV', b'a,b\n'),
                'file', 1000, extensions),
            ('claims.CSV', b'a,b\n'))
        for filename, content, message in [
                (None, b'', 'Choose a file'),
                ('claims.xlsx', xlsx * 20, 'too large'),
                ('claims.exe', b'MZ', 'not of a type'),
                ('claims.xlsx', b'%PDF-1.4', 'not that of a .xlsx'),
                ('claims.csv', b'a\x00b', 'not that of a .csv'),
                ('claims.csv', b'', 'empty'),
                ]:
            with self.subTest(filename=filename), \
                    self.assertRaisesRegex(UserError, message):
                uploaded_file(request(filename, content), 'file', 1000,
                    extensions)

    @with_transaction()
    def test_rate_limit_and_send_file(self):
        "rate_limit refuses the call after the limit; send_file downloads"
        request = EnvironBuilder(
            method='POST', environ_base={'REMOTE_ADDR': '10.9.9.9'}
            ).get_request(Request)
        request.web_user = None
        for _ in range(3):
            rate_limit(request, 'test-upload', 3, 60)
        with self.assertRaises(TooManyRequests):
            rate_limit(request, 'test-upload', 3, 60)
        # Another bucket counts apart
        rate_limit(request, 'test-other', 3, 60)

        response = send_file(
            request, b'data', 'Төлбөрийн мэдэгдэл.pdf', 'application/pdf')
        disposition = response.headers['Content-Disposition']
        self.assertTrue(disposition.startswith('attachment;'))
        self.assertIn("filename*=UTF-8''%D0%A2", disposition)
        self.assertEqual(response.mimetype, 'application/pdf')
        self.assertEqual(response.get_data(), b'data')


del ModuleTestCase
