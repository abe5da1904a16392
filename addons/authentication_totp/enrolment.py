# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"The user's own enrolment: scan a QR code, confirm a code, keep the recovery codes"
import io

import segno

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard


class EnrolStart(ModelView):
    "Two-Factor Enrolment"
    __name__ = 'authentication.totp.enrol.start'
    __string__ = "Two-Factor Enrolment"
    enrolled = fields.Boolean("Already Enrolled", readonly=True)


class EnrolConfirm(ModelView):
    "Two-Factor Enrolment"
    __name__ = 'authentication.totp.enrol.confirm'
    __string__ = "Two-Factor Enrolment Confirmation"
    qr_code = fields.Binary("QR Code", readonly=True)
    key = fields.Char(
        "Key", readonly=True,
        help="Type this key in the app when the QR code cannot be scanned.")
    code = fields.Char(
        "Code", required=True,
        help="The 6-digit code the app shows now.")


class EnrolDone(ModelView):
    "Two-Factor Enrolment"
    __name__ = 'authentication.totp.enrol.done'
    __string__ = "Two-Factor Recovery Codes"
    recovery_codes = fields.Text(
        "Recovery Codes", readonly=True,
        help="Each code opens your account once if your phone is lost. "
        "Keep them somewhere safe: they are not shown again.")


class Enrol(Wizard):
    "Enrol in Two-Factor Login"
    __name__ = 'authentication.totp.enrol'
    start = StateView(
        'authentication.totp.enrol.start',
        'authentication_totp.enrol_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Start", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateTransition()
    confirm = StateView(
        'authentication.totp.enrol.confirm',
        'authentication_totp.enrol_confirm_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Confirm", 'check', 'tryton-ok', default=True),
            ])
    check = StateTransition()
    done = StateView(
        'authentication.totp.enrol.done',
        'authentication_totp.enrol_done_view_form', [
            Button("Done", 'end', 'tryton-ok', default=True),
            ])

    @property
    def user(self):
        pool = Pool()
        User = pool.get('res.user')
        # Always the user running the wizard: nobody enrols someone else
        return User(Transaction().user)

    def default_start(self, fields):
        return {'enrolled': self.user.totp_enrolled}

    def transition_generate(self):
        pool = Pool()
        Secret = pool.get('authentication.totp.secret')
        Secret.start(self.user)
        return 'confirm'

    def default_confirm(self, fields):
        pool = Pool()
        Secret = pool.get('authentication.totp.secret')
        secret = Secret.get(self.user, confirmed=False)
        uri = secret.provisioning_uri(self.user.login)
        image = io.BytesIO()
        segno.make(uri, error='m').save(image, kind='png', scale=5, border=2)
        return {
            'qr_code': image.getvalue(),
            'key': secret.secret,
            }

    def transition_check(self):
        pool = Pool()
        Secret = pool.get('authentication.totp.secret')
        Recovery = pool.get('authentication.totp.recovery_code')
        user = self.user
        secret = Secret.get(user, confirmed=False)
        if not secret or not secret.verify(self.confirm.code):
            raise ValidationError(gettext(
                    'authentication_totp.msg_enrol_wrong_code'))
        with without_check_access():
            # The new secret replaces the one of an earlier enrolment
            Secret.delete(Secret.search([
                        ('owner', '=', str(user)),
                        ('confirmed', '=', True),
                        ]))
            secret.confirmed = True
            secret.save()
        self.done.recovery_codes = '\n'.join(Recovery.generate(user))
        return 'done'

    def default_done(self, fields):
        return {'recovery_codes': self.done.recovery_codes}
