# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import logging

import trytond.config as config
from trytond.exceptions import LoginException
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .totp import TOTPOwnerMixin

logger = logging.getLogger(__name__)


class Group(metaclass=PoolMeta):
    __name__ = 'res.group'
    totp_required = fields.Boolean(
        "Two-Factor Login Required",
        help="Members must log in with a one-time code from an "
        "authenticator app besides their password.")


class User(TOTPOwnerMixin, metaclass=PoolMeta):
    __name__ = 'res.user'
    totp_required = fields.Function(
        fields.Boolean("Two-Factor Login Required"), 'get_totp_required')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._preferences_fields += ['totp_enrolled', 'totp_required']
        cls._buttons.update({
                'totp_reset_button': {
                    'invisible': ~Eval('totp_enrolled', False),
                    'depends': ['totp_enrolled'],
                    },
                })

    def get_totp_required(self, name):
        return any(g.totp_required for g in self.groups)

    @classmethod
    @ModelView.button
    def totp_reset_button(cls, users):
        cls.totp_reset(users)

    @classmethod
    def _login_totp(cls, login, parameters):
        """The second factor of the chain password+totp: users who must or
        chose to use a one-time code are asked for it; others pass"""
        user_id, _, _ = cls._get_login(login)
        if not user_id:
            return
        user = cls(user_id)
        if not user.totp_enrolled:
            if user.totp_required:
                # Enrolment is done by IT or before the requirement applies:
                # a password alone never opens an enforced account
                logger.info("two-factor login refused to %s: not enrolled",
                    login)
                return
            return user_id
        if code := parameters.get('totp_code'):
            if user.totp_check(code):
                return user_id
            return
        raise LoginException(
            'totp_code',
            gettext('authentication_totp.msg_user_totp_code', login=login),
            type='char')


class WebUser(TOTPOwnerMixin, metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def totp_required_for_web_users(cls):
        return config.getboolean(
            'authentication_totp', 'web_user_required', default=True)

    @classmethod
    def authenticate_totp(cls, email, password, code):
        """Authenticate a portal user with password and one-time code; the
        portal asks for the code when this returns None without one"""
        user = cls.authenticate(email, password)
        if not user:
            return None
        if not user.totp_enrolled:
            if cls.totp_required_for_web_users():
                return None
            return user
        if code and user.totp_check(code):
            return user
        return None
