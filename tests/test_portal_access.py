# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Every page of the claims portal and every route of the claims API, taken
from trytond's URL map so that a new route is covered as soon as it exists:
another provider's claim, line or attachment gives 404 (and nothing
changes); without a session the portal answers with its login page, without
an application key the API refuses."""
import datetime as dt
import gzip
import http.cookiejar
import importlib
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

import pyotp

from sigo_demo.claims_portal import DEMO_PORTAL_TOTP_KEY
from sigo_demo.sigo_base import DEMO_PASSWORD

from .webclient import WebClientCase

HOSPITAL = 'hospital@demo.sigo.mn'
OTHER_HOSPITAL = 'hospital2@demo.sigo.mn'
CLAIMS_MODULE = 'trytond.modules.claims_portal.'
# <converter(arguments):name> or <name> in a werkzeug rule
RULE_ARGUMENT = re.compile(
    r'<(?:(?P<converter>\w+)(?:\((?P<arguments>[^)]*)\))?:)?(?P<name>\w+)>')
# The TOTP steps each portal user logged in with during this run: a step
# is accepted once
_used_steps = {}


def fresh_code(email, key=DEMO_PORTAL_TOTP_KEY):
    "A one-time code of a step the user did not log in with yet"
    totp = pyotp.TOTP(key)
    while True:
        step = totp.timecode(dt.datetime.now())
        if step > _used_steps.get(email, 0):
            _used_steps[email] = step
            return totp.generate_otp(step)
        time.sleep(1)


class Answer:
    "A response as the server sent it"

    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw

    @property
    def body(self):
        if self.headers.get('Content-Encoding') == 'gzip':
            return gzip.decompress(self.raw)
        return self.raw

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')

    @property
    def location(self):
        return self.headers.get('Location', '')


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    "Give the redirection itself to the caller"

    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields, files):
    "The body and content type of a form with files"
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; '
            f'name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, mimetype) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; '
            f'name="{name}"; filename="{filename}"\r\n'
            f'Content-Type: {mimetype}\r\n\r\n'.encode() + data + b'\r\n')
    parts.append(f'--{boundary}--\r\n'.encode())
    return b''.join(parts), f'multipart/form-data; boundary={boundary}'


class PortalClient:
    """A browser without JavaScript on the portal: it keeps the cookies and
    puts the form token in what it posts"""

    def __init__(self, server):
        self.root = server.url.rstrip('/')
        self.prefix = f'/{server.name}/portal'
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies),
            _KeepRedirects())
        self.csrf_token = None

    def request(self, method, path, data=None, headers=None):
        "path is a portal page ('/claims') or a server path ('/db/…')"
        if not path.startswith(f'/{self.prefix.split("/")[1]}/'):
            path = self.prefix + path
        request = urllib.request.Request(self.root + path, data=data,
            method=method, headers={'Accept-Encoding': 'gzip',
                'Accept-Language': 'en', **(headers or {})})
        try:
            response = self.opener.open(request, timeout=300)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return Answer(response.status, response.headers, response.read())

    def get(self, path):
        answer = self.request('GET', path)
        token = re.search(r'name="csrf_token" value="(\w+)"', answer.text)
        if token:
            self.csrf_token = token.group(1)
        return answer

    def post(self, path, fields=None, files=None, csrf=True):
        fields = dict(fields or {})
        if csrf:
            if self.csrf_token is None:
                self.get('/login')
            fields.setdefault('csrf_token', self.csrf_token)
        if files:
            data, content_type = multipart(fields, files)
        else:
            data = urllib.parse.urlencode(fields).encode()
            content_type = 'application/x-www-form-urlencoded'
        return self.request(
            'POST', path, data, {'Content-Type': content_type})

    def login(self, email, password=DEMO_PASSWORD):
        """Log in with the password and a fresh one-time code; a second
        try with the next code when a step was used elsewhere"""
        for attempt in range(2):
            self.get('/login')
            answer = self.post('/login', {
                    'email': email,
                    'password': password,
                    'totp_code': fresh_code(email),
                    'next': self.prefix + '/claims',
                    })
            if answer.status in {302, 303}:
                # The session's own form token
                self.get('/claims')
                return answer
        raise AssertionError(
            f"{email} could not log in: {answer.status} {answer.text[:500]}")


def claims_rules():
    """The werkzeug rules of the claims portal's pages and API, as trytond
    serves them"""
    importlib.import_module('trytond.modules.claims_portal')
    from trytond.wsgi import app
    return sorted((r for r in app.url_map.iter_rules()
            if r.endpoint.__module__.startswith(CLAIMS_MODULE)),
        key=lambda r: r.rule)


def record_arguments(rule):
    """The names of the record ids in the rule: its int arguments and those
    named *_id (the API reads its own ids, to answer 404 in JSON)"""
    return {m['name'] for m in RULE_ARGUMENT.finditer(rule.rule)
        if m['converter'] == 'int' or m['name'].endswith('_id')}


def is_portal(rule):
    return rule.rule.startswith('/<database_name>/portal/')


def methods(rule):
    return sorted(rule.methods - {'HEAD', 'OPTIONS'})


def build_path(rule, database, ids):
    """The rule's path with database for the database, ids[name] for each
    record id and the first choice of any other argument"""
    def argument(match):
        name, converter = match['name'], match['converter']
        if name == 'database_name':
            return database
        if converter == 'any':
            return match['arguments'].split(',')[0].strip()
        if name not in ids:
            raise AssertionError(
                f"{rule.rule}: tell the access test which record "
                f"<{name}> names")
        return str(ids[name])
    return RULE_ARGUMENT.sub(argument, rule.rule)


class PortalAccessTestCase(WebClientCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._records = None

    def admin_rpc(self, method, *params):
        if not getattr(type(self), '_admin_session', None):
            user_id, key, *_ = self.rpc('common.db.login', 'admin',
                {'password': 'admin'}, 'en')['result']
            type(self)._admin_session = f'admin:{user_id}:{key}'
        answer = self.rpc(method, *params, {},
            session=type(self)._admin_session)
        self.assertIn('result', answer, answer)
        return answer['result']

    def provider_claims(self, email):
        return self.admin_rpc('model.claim.claim.search_read',
            [('provider.web_users.email', '=', email)], 0, None,
            [('id', 'ASC')], ['id', 'state', 'lines', 'number'])

    def records(self):
        """The first hospital's claims (one of each state), a line of each
        and an attachment; the second hospital's client, logged in, with a
        claim, line and attachment of its own"""
        cls = type(self)
        if cls._records:
            return cls._records
        claims = {}
        for claim in self.provider_claims(HOSPITAL):
            if claim['lines']:
                claims.setdefault(claim['state'], claim)
        self.assertGreaterEqual(len(claims), 3, claims)
        attachment, = self.admin_rpc('model.ir.attachment.create', [{
                    'name': 'discharge-summary.pdf',
                    'resource': f"claim.claim,{claims['draft']['id']}"
                    if 'draft' in claims else
                    f"claim.claim,{next(iter(claims.values()))['id']}",
                    'data': {'__class__': 'bytes', 'base64': 'JVBERi0xLjQK'},
                    }])
        client = PortalClient(self.server)
        client.login(OTHER_HOSPITAL)
        own = self.own_claim(client)
        cls._records = {
            'foreign': list(claims.values()),
            'foreign_attachment': attachment,
            'client': client,
            'own': own,
            }
        return cls._records

    def own_claim(self, client):
        "A draft claim of the second hospital, with an attachment"
        from sigo_demo.sigo_base import KNOWN_CITIZEN
        answer = client.post('/claims/new', {
                'reference': f'access-test-{secrets.token_hex(4)}',
                'patient_register_number': KNOWN_CITIZEN[1],
                'service_date': dt.date.today().isoformat(),
                'diagnosis': 'J18.9',
                'item_code': 'S001',
                'quantity': '1',
                'amount': '1000',
                })
        self.assertEqual(answer.status, 303, answer.text[:2000])
        claim_id = int(re.search(r'/claims/(\d+)', answer.location).group(1))
        answer = client.post(f'/claims/{claim_id}/attachments', files={
                'file': ('referral.pdf', b'%PDF-1.4\n%%EOF\n',
                    'application/pdf')})
        self.assertEqual(answer.status, 303, answer.text[:2000])
        page = client.get(f'/claims/{claim_id}').text
        line_id = int(re.search(r'id="line-(\d+)"', page).group(1))
        attachment_id = int(re.search(
                rf'/claims/{claim_id}/attachments/(\d+)', page).group(1))
        return {'claim_id': claim_id, 'line_id': line_id,
            'attachment_id': attachment_id}

    def test_rules_found(self):
        "The URL map has the claim pages and the API the issue asks for"
        rules = {r.rule for r in claims_rules()}
        for rule in ['/<database_name>/portal/claims',
                '/<database_name>/portal/claims/<int:claim_id>',
                '/<database_name>/portal/claims/upload']:
            self.assertIn(rule, rules)
        self.assertTrue(any(r.startswith('/<database_name>/claims_portal/')
                for r in rules), rules)

    def test_own_records_open(self):
        "The second hospital opens its own claim, line and attachment"
        own = self.records()['own']
        client = self.records()['client']
        for path in [f"/claims/{own['claim_id']}",
                f"/claims/{own['claim_id']}/lines/{own['line_id']}",
                f"/claims/{own['claim_id']}/attachments/"
                f"{own['attachment_id']}"]:
            self.assertEqual(client.get(path).status, 200, path)

    def test_other_providers_ids_give_404(self):
        "Every portal page and API route with the first hospital's ids: 404"
        records = self.records()
        client = records['client']
        api_key = self.api_key(OTHER_HOSPITAL)
        before = self.provider_claims(HOSPITAL)
        tried = 0
        for claim in records['foreign']:
            foreign = {
                'claim_id': claim['id'],
                'line_id': claim['lines'][0],
                'attachment_id': records['foreign_attachment'],
                }
            # The second hospital's own claim with the first one's line
            # or attachment: the line must belong to the claim of the URL
            mixed = dict(foreign, claim_id=records['own']['claim_id'])
            for rule in claims_rules():
                if not record_arguments(rule):
                    continue
                for ids in [foreign, mixed]:
                    if ids is mixed and record_arguments(rule) == {
                            'claim_id'}:
                        continue
                    path = build_path(rule, self.server.name, ids)
                    for method in methods(rule):
                        if is_portal(rule):
                            answer = (client.get(path) if method == 'GET'
                                else client.post(path, files={'file': (
                                            'x.pdf', b'%PDF-1.4\n',
                                            'application/pdf')}))
                        else:
                            answer = client.request(method, path,
                                b'{}' if method != 'GET' else None, {
                                    'Authorization': f'bearer {api_key}',
                                    'Content-Type': 'application/json'})
                        self.assertEqual(answer.status, 404,
                            f"{method} {path}: {answer.text[:300]}")
                        tried += 1
        self.assertGreater(tried, 20)
        # Nothing posted changed the first hospital's claims
        self.assertEqual(self.provider_claims(HOSPITAL), before)

    def test_other_providers_claims_not_listed(self):
        "The list of claims and the API list show only the own claims"
        records = self.records()
        page = records['client'].get('/claims').text
        listed = {int(i) for i in re.findall(r'data-claim-id="(\d+)"', page)}
        self.assertIn(records['own']['claim_id'], listed)
        self.assertFalse(listed & {c['id'] for c in records['foreign']})

    def test_logged_out_gets_login_page(self):
        """Without a session every page leads to the login page (a form
        post is refused); without a key the API answers 401"""
        records = self.records()
        ids = {
            'claim_id': records['foreign'][0]['id'],
            'line_id': records['foreign'][0]['lines'][0],
            'attachment_id': records['foreign_attachment'],
            }
        visitor = PortalClient(self.server)
        visitor.get('/login')
        tried = 0
        for rule in claims_rules():
            path = build_path(rule, self.server.name, ids)
            for method in methods(rule):
                if is_portal(rule):
                    if method == 'GET':
                        answer = visitor.get(path)
                        self.assertEqual(answer.status, 302, path)
                        target = urllib.parse.urlsplit(answer.location)
                        self.assertEqual(target.path,
                            f'/{self.server.name}/portal/login', path)
                        self.assertEqual(urllib.parse.parse_qs(
                                target.query)['next'][0].rstrip('?'), path)
                        login = visitor.get(answer.location)
                        self.assertEqual(login.status, 200)
                        self.assertIn('id="totp_code"', login.text)
                    else:
                        answer = visitor.post(path)
                        self.assertEqual(answer.status, 403, path)
                else:
                    answer = visitor.request(method, path,
                        b'{}' if method != 'GET' else None,
                        {'Content-Type': 'application/json'})
                    self.assertIn(answer.status, {401, 403}, path)
                tried += 1
        self.assertGreater(tried, 10)

    def api_key(self, email):
        """An application key of the API user of the web user's provider
        (made for the test when the provider has none)"""
        web_user, = self.admin_rpc('model.web.user.search_read',
            [('email', '=', email)], 0, 1, None, ['claim_provider'])
        provider = web_user['claim_provider']
        users = self.admin_rpc('model.res.user.search',
            [('claim_provider', '=', provider)], 0, 1, None)
        if not users:
            users = self.admin_rpc('model.res.user.create', [{
                        'name': 'Access test API', 'login': 'access.test.api',
                        'claim_provider': provider}])
        key = secrets.token_urlsafe(32)
        self.admin_rpc('model.res.user.application.create', [{
                    'user': users[0], 'key': key,
                    'application': 'claims_portal', 'state': 'validated'}])
        return key
