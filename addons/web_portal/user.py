# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import trytond.config as config
from trytond.exceptions import RateLimitException
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

# The attempts bucket of the one-time codes checked after a right password
CODE_BUCKET = 'login-code'


class CodeLockout(RateLimitException):
    """The password is right but the account had too many wrong one-time
    codes in a row: it opens again once its password is reset by e-mail"""


def code_failure_limit():
    return config.getint('web_portal', 'code_failures', default=20)


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'
    code_locked = fields.Function(fields.Boolean("Locked Out",
            help="Too many wrong one-time codes after the right password: "
            "the portal refuses the account until it is unlocked here or "
            "its password is reset by e-mail."),
        'get_code_locked')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'unlock': {
                    'invisible': ~Eval('code_locked', False),
                    'depends': ['code_locked'],
                    },
                })

    @classmethod
    def get_code_locked(cls, users, name):
        Attempt = Pool().get('web.portal.attempt')
        limit = code_failure_limit()
        return {u.id: Attempt.count(CODE_BUCKET, u._code_attempt_key) >= limit
            for u in users}

    @classmethod
    @ModelView.button
    def unlock(cls, users):
        """Forgive the wrong codes once the help desk has made sure who is
        asking; the click is logged with who and when"""
        Attempt = Pool().get('web.portal.attempt')
        for user in users:
            Attempt.clear(CODE_BUCKET, user._code_attempt_key)

    def portal_menu(self):
        """The portal pages this user may open, as (path, label) pairs in
        menu order; each module with portal pages extends it"""
        return []

    @property
    def _code_attempt_key(self):
        return f'web.user,{self.id}'

    @classmethod
    def authenticate(cls, email, password):
        pool = Pool()
        Attempt = pool.get('web.portal.attempt')
        user = super().authenticate(email, password)
        # Whoever knows the password of a locked account learns it is
        # locked; nobody else does
        if user and Attempt.count(
                CODE_BUCKET, user._code_attempt_key) >= code_failure_limit():
            raise CodeLockout()
        return user

    def totp_check(self, code):
        pool = Pool()
        Attempt = pool.get('web.portal.attempt')
        key = self._code_attempt_key
        # Counted before the check, committed: codes guessed in parallel
        # requests cannot pass the limit together
        Attempt.add(CODE_BUCKET, key)
        if Attempt.count(CODE_BUCKET, key) > code_failure_limit():
            raise CodeLockout()
        if super().totp_check(code):
            Attempt.clear(CODE_BUCKET, key)
            return True
        return False

    @classmethod
    def set_password_token(cls, email, token, password):
        pool = Pool()
        Attempt = pool.get('web.portal.attempt')
        done = super().set_password_token(email, token, password)
        if done:
            # The reset link proves the mailbox: the wrong codes are forgiven
            for user in cls.search([('email', '=', email.lower())]):
                Attempt.clear(CODE_BUCKET, user._code_attempt_key)
        return done

    def get_email_reset_password_url(self, url=None):
        # Without a configured [web] reset_password_url, the link of the
        # e-mail leads back to the portal host the request came through
        if url is None and not config.get('web', 'reset_password_url'):
            url = Transaction().context.get('web_portal_set_password_url')
        return super().get_email_reset_password_url(url=url)
