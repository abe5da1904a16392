# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""A case an officer prepares and a supervisor decides: a short-term benefit
case, a pension application"""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.transaction import Transaction


class SupervisedCaseMixin:
    """A case whose worksheet decides eligibility with the reason for each
    condition not met; the officer submits an eligible case and a supervisor
    other than the officer approves or refuses it (maker-checker), each
    step keeping who took it and when.

    The class declares its states (draft, submitted, approved, refused,
    cancelled), transitions and buttons, and gives:
    - fill_worksheet(sheet, reasons): the inputs and the amount on the
      sheet, a reason for each condition not met;
    - check_duplicate(records): raise when the person already has such a
      case;
    - _approve(records): what the approval makes, set on the records;
    - _case_messages: its message id for each error ('not_eligible',
      'own_approval', 'delete'), and _case_variable: the variable that
      names the case in them."""
    __slots__ = ()
    eligible = fields.Boolean("Eligible", readonly=True)
    reason = fields.Text(
        "Reason", readonly=True,
        help="Why the person is not eligible, as the officer tells them.")
    submitted_by = fields.Many2One('res.user', "Submitted By", readonly=True)
    submitted_at = fields.DateTime("Submitted At", readonly=True)
    approved_by = fields.Many2One('res.user', "Approved By", readonly=True)
    approved_at = fields.DateTime("Approved At", readonly=True)
    refused_by = fields.Many2One('res.user', "Refused By", readonly=True)
    refused_at = fields.DateTime("Refused At", readonly=True)

    @classmethod
    def default_state(cls):
        return 'draft'

    def case_error(self, error, **variables):
        "The text of the case's error, naming the case"
        variables[self._case_variable] = self.rec_name
        return gettext(self._case_messages[error], **variables)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            for record in records:
                if record.state not in {'draft', 'cancelled'}:
                    raise AccessError(record.case_error('delete'))

    @classmethod
    def copy(cls, records, default=None):
        default = default.copy() if default is not None else {}
        for name in ['submitted_by', 'submitted_at', 'approved_by',
                'approved_at', 'refused_by', 'refused_at']:
            default.setdefault(name, None)
        return super().copy(records, default=default)

    def worksheet(self):
        """Every input of the decision and the amount, with the reasons: an
        ineligible case is worth nothing"""
        sheet, reasons = {}, []
        self.fill_worksheet(sheet, reasons)
        sheet['eligible'] = not reasons
        sheet['reason'] = '\n'.join(reasons) or None
        if reasons:
            sheet['amount'] = Decimal(0)
        return sheet

    @classmethod
    @ModelView.button
    def check_eligibility(cls, records):
        "Fill the worksheet from the records as they are now"
        to_write = []
        for record in records:
            to_write.extend(([record], record.worksheet()))
        if to_write:
            cls.write(*to_write)

    def check_submission(self):
        "Raise when the case cannot be submitted as its worksheet stands"
        if not self.eligible:
            raise ValidationError(self.case_error(
                    'not_eligible', reason=self.reason))

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, records):
        "The officer submits an eligible case for approval"
        cls.check_eligibility(records)
        for record in records:
            record.check_submission()
        cls.check_duplicate(records)
        cls.write(records, {
                'submitted_by': Transaction().user,
                'submitted_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, records):
        cls.write(records, {
                'submitted_by': None, 'submitted_at': None,
                'refused_by': None, 'refused_at': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, records):
        cls.write(records, {
                'refused_by': Transaction().user,
                'refused_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, records):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, records):
        """The supervisor approves what another officer submitted, with the
        worksheet as submitted"""
        user = Transaction().user
        for record in records:
            if record.submitted_by and record.submitted_by.id == user:
                raise AccessError(record.case_error(
                        'own_approval', user=record.submitted_by.rec_name))
        cls._approve(records)
        now = dt.datetime.now()
        for record in records:
            record.approved_by = user
            record.approved_at = now
        cls.save(records)
