# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Time-based one-time passwords (RFC 6238) for staff and portal users.

The secret and the recovery codes sit in their own tables, reachable only
from the server: no client can read them, and the secret is shown once, at
enrolment.
"""
import datetime as dt
import hmac
import secrets

import pyotp

import trytond.config as config
from trytond.model import Index, ModelSQL, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

# RFC 6238 defaults: 30 s steps, 6 digits; one step either side for clocks
STEP = 30
DIGITS = 6
WINDOW = 1
RECOVERY_CODES = 10
# Staff log in to the web client, portal users to the portal
OWNERS = [
    ('res.user', "User"),
    ('web.user', "Web User"),
    ]


def issuer():
    return config.get('authentication_totp', 'issuer', default='SIGO')


class TOTPSecret(ModelSQL):
    "The TOTP secret of a user or web user"
    __name__ = 'authentication.totp.secret'
    __string__ = "Two-Factor Secret"
    owner = fields.Reference("Owner", selection=OWNERS, required=True)
    secret = fields.Char("Secret", required=True, strip=False)
    confirmed = fields.Boolean("Confirmed")
    last_counter = fields.Integer(
        "Last Counter", required=True,
        help="The time step of the last code accepted: "
        "no code of that step or before is accepted again.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('owner_unique', Unique(t, t.owner),
                'authentication_totp.msg_secret_owner_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.owner, Index.Equality())))

    @classmethod
    def default_confirmed(cls):
        return False

    @classmethod
    def default_last_counter(cls):
        return 0

    @classmethod
    @without_check_access
    def get(cls, owner, confirmed=True):
        records = cls.search([
                ('owner', '=', str(owner)),
                ('confirmed', '=', confirmed),
                ], limit=1)
        return records[0] if records else None

    @classmethod
    @without_check_access
    def start(cls, owner):
        "Replace any unconfirmed secret of the owner by a new one"
        cls.delete(cls.search([
                    ('owner', '=', str(owner)),
                    ('confirmed', '=', False),
                    ]))
        record = cls(owner=owner, secret=pyotp.random_base32())
        record.save()
        return record

    @property
    def totp(self):
        return pyotp.TOTP(self.secret, digits=DIGITS, interval=STEP)

    def provisioning_uri(self, name):
        return self.totp.provisioning_uri(name=name, issuer_name=issuer())

    @without_check_access
    def verify(self, code, _now=None):
        """Accept a current code once: a code of a step already used, or of
        an earlier step, is refused"""
        code = (code or '').strip().replace(' ', '')
        if len(code) != DIGITS or not code.isdigit():
            return False
        now = _now or dt.datetime.now()
        counter = self.totp.timecode(now)
        for step in range(counter - WINDOW, counter + WINDOW + 1):
            if step <= (self.last_counter or 0):
                continue
            if hmac.compare_digest(self.totp.generate_otp(step), code):
                return self._use_step(step)
        return False

    def _use_step(self, step):
        # One conditional UPDATE: of two logins racing with the same code,
        # only one moves the counter
        table = self.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.last_counter], [step],
                where=(table.id == self.id) & (table.last_counter < step)))
        return cursor.rowcount == 1


class TOTPRecoveryCode(ModelSQL):
    "A one-time recovery code, stored hashed"
    __name__ = 'authentication.totp.recovery_code'
    __string__ = "Two-Factor Recovery Code"
    owner = fields.Reference("Owner", selection=OWNERS, required=True)
    code_hash = fields.Char("Code Hash", required=True, strip=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.owner, Index.Equality())))

    @classmethod
    @without_check_access
    def generate(cls, owner):
        "Replace the owner's codes by new ones and return them in clear"
        pool = Pool()
        User = pool.get('res.user')
        cls.delete(cls.search([('owner', '=', str(owner))]))
        codes = ['-'.join(secrets.token_hex(2) for _ in range(3))
            for _ in range(RECOVERY_CODES)]
        cls.create([{
                    'owner': str(owner),
                    'code_hash': User.hash_password(code),
                    } for code in codes])
        return codes

    @classmethod
    @without_check_access
    def use(cls, owner, code):
        "Accept the code once, then forget it"
        pool = Pool()
        User = pool.get('res.user')
        code = (code or '').strip().lower()
        for record in cls.search([('owner', '=', str(owner))]):
            valid, _ = User.check_password(code, record.code_hash)
            if valid:
                cls.delete([record])
                return True
        return False


class TOTPOwnerMixin:
    "What res.user and web.user share: enrolment state, checks and reset"
    __slots__ = ()

    totp_enrolled = fields.Function(
        fields.Boolean("Two-Factor Enrolled"), 'get_totp_enrolled')

    @classmethod
    @without_check_access
    def get_totp_enrolled(cls, owners, name):
        pool = Pool()
        Secret = pool.get('authentication.totp.secret')
        enrolled = {s.owner.id for s in Secret.search([
                    ('owner', 'in', [str(o) for o in owners]),
                    ('confirmed', '=', True),
                    ])}
        return {o.id: o.id in enrolled for o in owners}

    def totp_check(self, code):
        """Accept a current TOTP code or an unused recovery code of the
        owner"""
        pool = Pool()
        Secret = pool.get('authentication.totp.secret')
        Recovery = pool.get('authentication.totp.recovery_code')
        secret = Secret.get(self)
        if secret and secret.verify(code):
            return True
        return Recovery.use(self, code)

    @classmethod
    @without_check_access
    def totp_reset(cls, owners):
        "Forget the secret and recovery codes: the owner enrols again"
        pool = Pool()
        Secret = pool.get('authentication.totp.secret')
        Recovery = pool.get('authentication.totp.recovery_code')
        owners = [str(o) for o in owners]
        Secret.delete(Secret.search([('owner', 'in', owners)]))
        Recovery.delete(Recovery.search([('owner', 'in', owners)]))

    @classmethod
    def on_delete(cls, owners):
        callback = super().on_delete(owners)
        # Remove the secrets with their owner
        owners = list(owners)
        callback.append(lambda: cls.totp_reset(owners))
        return callback
