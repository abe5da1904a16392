# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt

import pyotp

import trytond.config as config
from trytond.exceptions import LoginException
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def create_user(login, required=False):
    pool = Pool()
    User = pool.get('res.user')
    Group = pool.get('res.group')
    values = {'login': login, 'name': login, 'password': 'secret-password'}
    if required:
        group, = Group.create([{
                    'name': "Confidential records", 'totp_required': True}])
        values['groups'] = [('add', [group.id])]
    user, = User.create([values])
    return user


def enrol(user):
    "Enrol the user through the wizard, as they would from the menu"
    pool = Pool()
    Enrol = pool.get('authentication.totp.enrol', type='wizard')
    with Transaction().set_user(user.id):
        session_id, _, _ = Enrol.create()
        wizard = Enrol(session_id)
        wizard.transition_generate()
        values = wizard.default_confirm(None)
        values['confirmation_code'] = pyotp.TOTP(values['key']).now()
        wizard.confirm.code = values['confirmation_code']
        wizard.transition_check()
        codes = wizard.default_done(None)['recovery_codes'].split('\n')
    return values, codes


def next_step_code(key):
    """The code of the next 30 s step, inside the accepted window: the
    current step was used by the enrolment's confirmation"""
    return pyotp.TOTP(key).at(dt.datetime.now() + dt.timedelta(seconds=30))


class AuthenticationTOTPTestCase(ModuleTestCase):
    "Test Authentication TOTP module"
    module = 'authentication_totp'

    def setUp(self):
        super().setUp()
        methods = config.get('session', 'authentications', default='')
        config.set('session', 'authentications', 'password+totp')
        self.addCleanup(
            config.set, 'session', 'authentications', methods)

    def login(self, login, **parameters):
        pool = Pool()
        User = pool.get('res.user')
        parameters.setdefault('password', 'secret-password')
        return User.get_login(login, parameters)

    @with_transaction()
    def test_unenforced_user_password_alone(self):
        "A user not required to use two-factor logs in with a password"
        user = create_user('clerk')
        self.assertEqual(self.login('clerk'), user.id)
        self.assertIsNone(self.login('clerk', password='wrong-password'))

    @with_transaction()
    def test_enforced_user_not_enrolled_refused(self):
        "An enforced user cannot log in with a password alone"
        create_user('auditor', required=True)
        self.assertIsNone(self.login('auditor'))

    @with_transaction()
    def test_enrolment_shows_qr_code_and_ten_recovery_codes(self):
        "Enrolment gives a scannable QR code and ten recovery codes"
        user = create_user('clerk')
        values, codes = enrol(user)
        self.assertTrue(values['qr_code'].startswith(b'\x89PNG'))
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        self.assertTrue(user.totp_enrolled)

    @with_transaction()
    def test_enrolment_refuses_wrong_confirmation_code(self):
        "A wrong confirmation code leaves the user unenrolled"
        pool = Pool()
        Enrol = pool.get('authentication.totp.enrol', type='wizard')
        user = create_user('clerk')
        with Transaction().set_user(user.id):
            session_id, _, _ = Enrol.create()
            wizard = Enrol(session_id)
            wizard.transition_generate()
            wizard.default_confirm(None)
            wizard.confirm.code = '000000'
            with self.assertRaises(ValidationError):
                wizard.transition_check()
        self.assertFalse(user.totp_enrolled)

    @with_transaction()
    def test_login_asks_for_code(self):
        "An enrolled user is asked for the code after the password"
        create_user('auditor', required=True)
        enrol(create_user('clerk'))
        with self.assertRaises(LoginException) as context:
            self.login('clerk')
        self.assertEqual(context.exception.name, 'totp_code')

    @with_transaction()
    def test_login_with_current_code(self):
        "The current code opens the session; a wrong one does not"
        user = create_user('auditor', required=True)
        values, _ = enrol(user)
        self.assertIsNone(self.login('auditor', totp_code='123456'))
        self.assertEqual(
            self.login('auditor', totp_code=next_step_code(
                    values['key'])),
            user.id)

    @with_transaction()
    def test_code_cannot_be_reused(self):
        "A code accepted once is refused the second time"
        user = create_user('auditor', required=True)
        values, _ = enrol(user)
        code = next_step_code(values['key'])
        self.assertEqual(self.login('auditor', totp_code=code), user.id)
        self.assertIsNone(self.login('auditor', totp_code=code))

    @with_transaction()
    def test_code_of_enrolment_step_refused(self):
        "The code typed to confirm enrolment cannot open a session"
        user = create_user('auditor', required=True)
        values, _ = enrol(user)
        self.assertIsNone(self.login(
                'auditor', totp_code=values['confirmation_code']))

    @with_transaction()
    def test_password_still_checked_first(self):
        "A valid code does not replace a wrong password"
        user = create_user('auditor', required=True)
        values, _ = enrol(user)
        self.assertIsNone(self.login(
                'auditor', password='wrong-password',
                totp_code=next_step_code(values['key'])))

    @with_transaction()
    def test_recovery_code_works_once(self):
        "A recovery code opens the account exactly once"
        user = create_user('auditor', required=True)
        _, codes = enrol(user)
        self.assertEqual(self.login('auditor', totp_code=codes[3]), user.id)
        self.assertIsNone(self.login('auditor', totp_code=codes[3]))
        self.assertEqual(self.login('auditor', totp_code=codes[4]), user.id)

    @with_transaction()
    def test_admin_reset(self):
        "After a reset the user must enrol again"
        pool = Pool()
        User = pool.get('res.user')
        user = create_user('auditor', required=True)
        values, codes = enrol(user)
        User.totp_reset_button([user])
        self.assertFalse(User(user.id).totp_enrolled)
        self.assertIsNone(self.login('auditor', totp_code=codes[0]))

    @with_transaction()
    def test_secret_not_readable(self):
        "No client can read a secret, not even its owner"
        pool = Pool()
        Secret = pool.get('authentication.totp.secret')
        user = create_user('clerk')
        enrol(user)
        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                Secret.search([])

    @with_transaction()
    def test_web_user_shares_the_mechanism(self):
        "A portal user needs the code too, with the same checks"
        pool = Pool()
        WebUser = pool.get('web.user')
        Secret = pool.get('authentication.totp.secret')
        web_user, = WebUser.create([{
                    'email': 'clinic@example.mn',
                    'password': 'clinic-password'}])
        self.assertIsNone(WebUser.authenticate_totp(
                'clinic@example.mn', 'clinic-password', None))
        secret = Secret.start(web_user)
        secret.confirmed = True
        secret.save()
        code = next_step_code(secret.secret)
        self.assertIsNone(WebUser.authenticate_totp(
                'clinic@example.mn', 'clinic-password', '000000'))
        self.assertEqual(WebUser.authenticate_totp(
                'clinic@example.mn', 'clinic-password', code), web_user)
        self.assertIsNone(WebUser.authenticate_totp(
                'clinic@example.mn', 'clinic-password', code))


del ModuleTestCase
