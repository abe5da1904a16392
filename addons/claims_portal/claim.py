# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Health insurance claims of hospitals and pharmacies, line by line.

A claim is entered on the portal, uploaded as a file or posted to the API
(draft); each line is checked at once and its numbered reasons stored, so
the provider corrects before submitting. Submitting checks again
(checked), draws the sample the reviewer must see and approves the other
clean lines, then queues the claim for the reviewers of the provider's
office (under review). The reviewer decides each remaining line (approved,
rejected or reduced, with a reason) or returns the claim for correction;
the decision approves, partially approves or rejects the claim and books
what is approved as payable to the provider in the Health Insurance Fund's
books; a payment batch pays it. Every change of state is recorded with who
and when and e-mailed to the provider.

What the portal pages and the API call (every id of another provider
raises werkzeug's NotFound):

- ``Claim.portal_claims(web_user)``, ``Claim.portal_get(web_user, id)``,
- ``Claim.import_file(provider, filename, data, channel, web_user)``,
- ``Claim.portal_create(web_user, values)`` (values: ``reference`` and
  optionally the columns of one line, or ``lines``: a list of them),
- ``ClaimLine.portal_get / portal_create / portal_write / portal_delete``,
- ``Claim.portal_attachments / portal_attachment / portal_add_attachment``,
- ``Claim.submit(claims)``, ``Claim.template_file(format)``,
  ``claim.remittance_advice(format)``.
"""
import datetime as dt
import hashlib
import math
import random
import secrets
from collections import Counter, defaultdict
from decimal import Decimal
from email.message import EmailMessage

from sql.aggregate import Count, Sum
from sql.functions import CurrentTimestamp
from sql.conditionals import Coalesce
from sql.operators import In
from werkzeug.exceptions import NotFound

from trytond import backend, config
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.sendmail import send_message_transactional
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import claim_file
from .tariff import AMOUNT

HEALTH_FUND_ENTITY = 'HLT'
# Accounts of the IPSAS chart in the Health Insurance Fund's books
CLAIMS_EXPENSE = '5410'
CLAIMS_PAYABLE = '2120'
CASH_AT_BANK = '1110'
STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('checked', "Checked"),
    ('under_review', "Under Review"),
    ('approved', "Approved"),
    ('partially_approved', "Partially Approved"),
    ('rejected', "Rejected"),
    ('paid', "Paid"),
    ('returned', "Returned for Correction"),
    ]
# The states in which the provider may change the lines
EDITABLE = {'draft', 'returned'}
DECIDED = {'approved', 'partially_approved', 'rejected', 'paid'}
# The claims a new line may duplicate: sent to SIGO and not refused
DUPLICATE_STATES = ['submitted', 'checked', 'under_review', 'approved',
    'partially_approved', 'paid']
# The fields of a line the provider enters
ENTERED = {'patient_register_number', 'service_date', 'diagnosis',
    'item_code', 'quantity', 'amount_asked'}
# The fields of a line the reviewer decides
DECISION = {'decision', 'decision_reason', 'amount_approved'}
# What only the workflow and the check set: a client never writes them
CLAIM_WORKFLOW = {'state', 'provider', 'office', 'number', 'channel',
    'move', 'decided_at', 'reviewer', 'web_user', 'file_digest', 'filename',
    'events'}
LINE_WORKFLOW = {'claim', 'line_number', 'patient', 'tariff', 'medicine',
    'amount_allowed', 'reasons', 'sampled', 'decided_by'}
# The claims finance may put in a payment batch
PAYABLE_STATES = {'approved', 'partially_approved'}
# The reasons of the automatic check
NOT_INSURED = 'R01'
NO_CONTRACT = 'R02'
NOT_ON_LIST = 'R03'
ABOVE_TARIFF = 'R04'
ABOVE_QUANTITY = 'R05'
DUPLICATE_IN_CLAIM = 'R06'
ALREADY_CLAIMED = 'R07'
NO_DIAGNOSIS = 'R08'
FUTURE_DATE = 'R09'


def now():
    return dt.datetime.now()


def bulk_insert(Model, columns, rows):
    """Insert rows of values for columns in multi-row statements and
    return their ids: the lines of a file are already checked row by row,
    so the ORM's record-by-record validation would only repeat it for
    thousands of lines. Without multi-row inserts (SQLite) the ORM
    creates them."""
    transaction = Transaction()
    database = transaction.database
    if not rows:
        return []
    ids = database.nextid(transaction.connection, Model._table,
        count=len(rows)) if database.has_multirow_insert() else None
    if isinstance(ids, int):
        ids = [ids]
    elif ids is None:
        return [r.id for r in Model.create(
                [dict(zip(columns, r)) for r in rows])]
    table = Model.__table__()
    cursor = transaction.connection.cursor()
    sql_columns = [table.id, table.create_uid, table.create_date] + [
        getattr(table, c) for c in columns]
    size = backend.MAX_QUERY_PARAMS // len(sql_columns)
    for start in range(0, len(rows), size):
        cursor.execute(*table.insert(sql_columns, [
                    [i, transaction.user, CurrentTimestamp(), *r]
                    for i, r in zip(ids[start:start + size],
                        rows[start:start + size])]))
    Model._insert_history(ids)
    return ids


class Claim(JurisdictionMixin, Workflow, ModelSQL, ModelView):
    "Health Insurance Claim"
    __name__ = 'claim.claim'
    __string__ = "Health Insurance Claim"
    _history = True
    _rec_name = 'number'
    _states = {'readonly': ~Eval('state').in_(list(EDITABLE))}
    provider = fields.Many2One('claim.provider', "Provider", required=True,
        ondelete='RESTRICT', states=_states)
    number = fields.Char("Number", readonly=True)
    reference = fields.Char("Provider's Reference", states=_states,
        help="The provider's own number of the claim; unique per provider.")
    channel = fields.Selection([
            ('portal', "Portal Form"),
            ('file', "File Upload"),
            ('api', "API"),
            ], "Channel", required=True, readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    state_string = state.translated('state')
    lines = fields.One2Many('claim.line', 'claim', "Lines",
        states={'readonly': ~Eval('state').in_(
                list(EDITABLE) + ['under_review'])})
    line_count = fields.Function(fields.Integer("Lines"), 'get_totals')
    lines_with_reasons = fields.Function(
        fields.Integer("Lines with Reasons"), 'get_totals')
    amount_asked = fields.Function(
        fields.Numeric("Amount Asked", digits=AMOUNT), 'get_totals')
    amount_allowed = fields.Function(
        fields.Numeric("Amount Allowed", digits=AMOUNT), 'get_totals')
    amount_approved = fields.Function(
        fields.Numeric("Amount Approved", digits=AMOUNT), 'get_totals')
    events = fields.One2Many(
        'claim.claim.event', 'claim', "History", readonly=True)
    file_digest = fields.Char("File Digest", readonly=True,
        help="SHA-256 of the uploaded file: the same file again gives "
        "this claim.")
    filename = fields.Char("File Name", readonly=True)
    web_user = fields.Many2One('web.user', "Entered By", readonly=True,
        ondelete='RESTRICT', help="The portal user who entered the claim.")
    reviewer = fields.Many2One('res.user', "Reviewer", readonly=True,
        ondelete='RESTRICT')
    review_note = fields.Text("Note to the Provider",
        states={'readonly': Eval('state') != 'under_review'},
        help="Sent with the decision or the return for correction.")
    decided_at = fields.DateTime("Decided At", readonly=True)
    move = fields.Many2One('account.move', "Payable Move", readonly=True,
        ondelete='RESTRICT',
        help="The approved amount booked as payable to the provider.")
    payment_batch = fields.Many2One('claim.payment.batch', "Payment Batch",
        readonly=True, ondelete='RESTRICT')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('reference_unique', Unique(t, t.provider, t.reference),
                'claims_portal.msg_claim_reference_unique'),
            ('file_unique', Unique(t, t.provider, t.file_digest),
                'claims_portal.msg_claim_file_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.provider, Index.Equality())),
                Index(t, (t.payment_batch, Index.Equality())),
                })
        cls.office.readonly = True
        cls.office.help = "The office of the provider: its reviewers " \
            "decide the claim."
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('returned', 'submitted'),
            ('submitted', 'checked'),
            ('checked', 'under_review'),
            ('under_review', 'approved'),
            ('under_review', 'partially_approved'),
            ('under_review', 'rejected'),
            ('under_review', 'returned'),
            ('approved', 'paid'),
            ('partially_approved', 'paid'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': ~Eval('state').in_(list(EDITABLE)),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'review': {
                    'invisible': Eval('state') != 'under_review',
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                'decide': {
                    'invisible': Eval('state') != 'under_review',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'return_': {
                    'invisible': Eval('state') != 'under_review',
                    'readonly': ~Bool(Eval('review_note')),
                    'icon': 'tryton-back',
                    'depends': ['state', 'review_note'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_channel(cls):
        return 'portal'

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Provider = pool.get('claim.provider')
        Configuration = pool.get('claim.configuration')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if values.get('provider') is not None:
                values['office'] = Provider(values['provider']).office.id
            if not values.get('number'):
                values['number'] = Configuration(1).claim_sequence.get()
        return values

    @fields.depends('provider')
    def on_change_provider(self):
        if self.provider:
            self.office = self.provider.office

    def get_rec_name(self, name):
        return self.number or str(self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('number', *clause[1:]),
            ('reference', *clause[1:]),
            ('provider.rec_name', *clause[1:]),
            ]

    @classmethod
    def get_totals(cls, claims, names):
        pool = Pool()
        Line = pool.get('claim.line')
        LineReason = pool.get('claim.line-claim.reason')
        line = Line.__table__()
        with_reason = LineReason.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {c.id: None if n.startswith('amount') else 0
                for c in claims} for n in names}
        for sub in grouped_slice([c.id for c in claims], 1000):
            sub = list(sub)
            cursor.execute(*line.select(line.claim, Count(line.id),
                    Sum(line.amount_asked), Sum(line.amount_allowed),
                    Sum(line.amount_approved),
                    where=In(line.claim, sub),
                    group_by=[line.claim]))
            for claim, count, asked, allowed, approved in cursor:
                values = {'line_count': count, 'amount_asked': asked,
                    'amount_allowed': allowed, 'amount_approved': approved}
                for name in names:
                    if name in values:
                        value = values[name]
                        if name.startswith('amount') and value is not None:
                            value = Decimal(str(value)).quantize(
                                Decimal('0.01'))
                        result[name][claim] = value
            if 'lines_with_reasons' in names:
                cursor.execute(*line.join(with_reason,
                        condition=with_reason.line == line.id).select(
                        line.claim, Count(with_reason.line, distinct=True),
                        where=In(line.claim, sub),
                        group_by=[line.claim]))
                result['lines_with_reasons'].update(dict(cursor))
        return result

    @classmethod
    def check_modification(cls, mode, claims, values=None, external=False):
        super().check_modification(
            mode, claims, values=values, external=external)
        if mode == 'delete':
            for claim in claims:
                if claim.state != 'draft':
                    raise AccessError(gettext(
                            'claims_portal.msg_claim_delete',
                            claim=claim.rec_name))
        # A client (the back office through RPC) may only enter what the
        # form lets it: the workflow alone moves the claim and books it
        elif mode == 'create' and external:
            for claim in claims:
                if claim.state != 'draft':
                    cls._refuse_workflow_field(claim, 'state')
                for name in CLAIM_WORKFLOW - {'state', 'provider', 'office',
                        'number', 'channel', 'events'}:
                    if getattr(claim, name):
                        cls._refuse_workflow_field(claim, name)
                if claim.payment_batch:
                    cls._refuse_workflow_field(claim, 'payment_batch')
        elif mode == 'write' and external:
            for claim in claims:
                cls._check_external_write(claim, values)

    @classmethod
    def _refuse_workflow_field(cls, claim, name):
        raise AccessError(gettext('claims_portal.msg_claim_workflow_field',
                claim=claim.rec_name, **cls.__names__(field=name)))

    @classmethod
    def _check_external_write(cls, claim, values):
        pool = Pool()
        Batch = pool.get('claim.payment.batch')
        for name in sorted(values.keys() & CLAIM_WORKFLOW):
            cls._refuse_workflow_field(claim, name)
        editable = {
            'reference': claim.state in EDITABLE,
            'lines': claim.state in EDITABLE | {'under_review'},
            'review_note': claim.state == 'under_review',
            }
        if 'payment_batch' in values:
            # Finance adds or removes an approved and booked claim on a
            # draft batch's form
            batches = [b for b in [claim.payment_batch,
                    values['payment_batch']] if b is not None]
            editable['payment_batch'] = (claim.state in PAYABLE_STATES
                and bool(claim.move)
                and all(Batch(b).state == 'draft' for b in batches))
        for name in sorted(values.keys() & editable.keys()):
            if not editable[name]:
                raise AccessError(gettext(
                        'claims_portal.msg_claim_field_state',
                        claim=claim.rec_name, state=claim.state_string,
                        **cls.__names__(field=name)))

    @classmethod
    def copy(cls, claims, default=None):
        default = default.copy() if default else {}
        for name in ['number', 'file_digest', 'filename', 'reference',
                'events', 'move', 'payment_batch', 'reviewer', 'decided_at',
                'review_note', 'web_user']:
            default.setdefault(name, None)
        default.setdefault('channel', cls.default_channel())
        new_claims = super().copy(claims, default=default)
        cls.record_event(new_claims, 'draft', from_state=None)
        return new_claims

    # Creation: the file, the form and the API

    @classmethod
    def import_file(cls, provider, filename, data, channel='file',
            web_user=None):
        """The draft claim of the provider's file: the existing claim when
        the provider sent the same file before; a UserError listing every
        row that cannot be read, and nothing stored"""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        if web_user and cls.portal_provider(web_user) != provider:
            raise NotFound()
        digest = hashlib.sha256(data).hexdigest()
        existing = cls.search([
                ('provider', '=', provider.id),
                ('file_digest', '=', digest),
                ], limit=1)
        if existing:
            return existing[0]
        rows = claim_file.parse_rows(claim_file.read_table(filename, data))
        if not rows:
            raise UserError(gettext(
                    'claims_portal.msg_file_no_lines', filename=filename))
        claim = cls.create_with_rows(provider, rows, channel,
            web_user=web_user, file_digest=digest, filename=filename)
        Attachment.create([{
                    'name': filename, 'resource': str(claim),
                    'type': 'data', 'data': data,
                    }])
        return claim

    @classmethod
    def create_with_rows(cls, provider, rows, channel, web_user=None,
            **values):
        "A draft claim of the provider with the rows checked as its lines"
        Line = Pool().get('claim.line')
        if values.get('reference'):
            cls.check_reference(provider, values['reference'])
        claim, = cls.create([{
                    'provider': provider.id, 'channel': channel,
                    'web_user': web_user.id if web_user else None,
                    **values}])
        Line.create_rows(claim, rows)
        cls.record_event([claim], 'draft', from_state=None)
        return claim

    @classmethod
    def check_reference(cls, provider, reference, claim=None):
        "A provider's reference names one claim"
        domain = [('provider', '=', provider.id),
            ('reference', '=', reference)]
        if claim:
            domain.append(('id', '!=', claim.id))
        others = cls.search(domain, limit=1)
        if others:
            raise UserError(gettext('claims_portal.msg_claim_reference',
                    reference=reference, claim=others[0].rec_name))

    @classmethod
    def template_file(cls, format):
        "The file providers fill in: 'xlsx' or 'csv'"
        return claim_file.template(format)

    # The portal's access: a web user sees only its provider's claims

    @classmethod
    def portal_provider(cls, web_user):
        """The provider the web user works for, while it is active: the
        users of a provider no longer under contract see no claims"""
        provider = web_user.claim_provider if web_user else None
        if provider and provider.active:
            return provider

    @classmethod
    def portal_claims(cls, web_user):
        provider = cls.portal_provider(web_user)
        if not provider:
            return []
        return cls.search([('provider', '=', provider.id)])

    @classmethod
    def portal_get(cls, web_user, claim_id):
        "The claim of the web user's provider, or NotFound"
        try:
            claim_id = int(claim_id)
        except (TypeError, ValueError):
            raise NotFound()
        provider = cls.portal_provider(web_user)
        if not provider or claim_id <= 0:
            raise NotFound()
        claims = cls.search([
                ('id', '=', claim_id),
                ('provider', '=', provider.id),
                ], limit=1)
        if not claims:
            raise NotFound()
        return claims[0]

    @classmethod
    def portal_create(cls, web_user, values):
        """A draft claim entered on the portal form: its reference and one
        line (the columns of the file) or 'lines', a list of them"""
        provider = cls.portal_provider(web_user)
        if not provider:
            raise NotFound()
        lines = values.get('lines')
        if lines is None:
            lines = [values] if any(values.get(c) not in (None, '')
                for c in claim_file.COLUMNS) else []
        rows = claim_file.parse_rows(list(enumerate(lines, 1)))
        return cls.create_with_rows(provider, rows, 'portal',
            web_user=web_user, reference=values.get('reference') or None)

    def check_editable(self):
        if self.state not in EDITABLE:
            raise UserError(gettext('claims_portal.msg_claim_not_editable',
                    claim=self.rec_name))

    @staticmethod
    def provider_documents(claim):
        """The domain of the claim's attachments the provider added: on the
        portal, which runs as root, or with the keys of its API users; what
        the back office's users attach stays internal"""
        return [
            ('resource', '=', str(claim)),
            ['OR',
                ('create_uid', '=', 0),
                ('create_uid.claim_provider', '=', claim.provider.id),
                ],
            ]

    @classmethod
    def portal_attachments(cls, web_user, claim_id):
        Attachment = Pool().get('ir.attachment')
        claim = cls.portal_get(web_user, claim_id)
        return Attachment.search(cls.provider_documents(claim),
            order=[('id', 'ASC')])

    @classmethod
    def portal_attachment(cls, web_user, claim_id, attachment_id):
        "The attachment of the provider's claim, or NotFound"
        Attachment = Pool().get('ir.attachment')
        claim = cls.portal_get(web_user, claim_id)
        try:
            attachment_id = int(attachment_id)
        except (TypeError, ValueError):
            raise NotFound()
        attachments = Attachment.search([
                ('id', '=', attachment_id),
                cls.provider_documents(claim),
                ], limit=1)
        if not attachments:
            raise NotFound()
        return attachments[0]

    @classmethod
    def portal_add_attachment(cls, web_user, claim_id, filename, data):
        "A document the provider joins to the claim (not once decided)"
        Attachment = Pool().get('ir.attachment')
        claim = cls.portal_get(web_user, claim_id)
        if claim.state in DECIDED:
            raise UserError(gettext('claims_portal.msg_claim_decided',
                    claim=claim.rec_name))
        attachment, = Attachment.create([{
                    'name': filename, 'resource': str(claim),
                    'type': 'data', 'data': data,
                    }])
        return attachment

    # The automatic check

    @classmethod
    def check_lines(cls, claims):
        "Compute again the reasons of every line of the claims"
        Line = Pool().get('claim.line')
        for claim in claims:
            Line.recheck(claim)

    # The workflow

    @classmethod
    def record_event(cls, claims, to_state, note=None, from_state=False):
        """Who changed the claims' state, when: the back-office user, or
        the portal user (context web_user, else the one who entered the
        claim) when the provider acts through the portal"""
        Event = Pool().get('claim.claim.event')
        transaction = Transaction()
        user = transaction.user or None
        web_user = transaction.context.get('web_user')
        date = now()
        # The history is kept whatever the actor may change
        with without_check_access():
            Event.create([{
                        'claim': c.id, 'date': date, 'user': user,
                        'web_user': web_user or (c.web_user.id
                            if c.web_user and not user else None),
                        'from_state': c.state if from_state is False
                        else from_state,
                        'to_state': to_state, 'note': note,
                        } for c in claims])

    @classmethod
    @ModelView.button
    def submit(cls, claims):
        """The provider sends the claims: checked again, a sample drawn,
        queued for the reviewers of the provider's office"""
        claims = [c for c in claims if c.state in EDITABLE]
        for claim in claims:
            if not claim.lines:
                raise UserError(gettext('claims_portal.msg_claim_empty',
                        claim=claim.rec_name))
        cls._submitted(claims)
        cls.check(claims)
        cls._queue(claims)
        cls.notify(claims)

    @classmethod
    @Workflow.transition('submitted')
    def _submitted(cls, claims):
        cls.record_event(claims, 'submitted')

    @classmethod
    @Workflow.transition('checked')
    def check(cls, claims):
        """Every line checked; the sample of the clean lines left for the
        reviewer, the other clean lines approved"""
        pool = Pool()
        Line = pool.get('claim.line')
        Configuration = pool.get('claim.configuration')
        percent = Configuration(1).sample_percent
        cls.check_lines(claims)
        for claim in claims:
            Line.draw_sample(claim, percent)
        cls.record_event(claims, 'checked')

    @classmethod
    @Workflow.transition('under_review')
    def _queue(cls, claims):
        cls.record_event(claims, 'under_review')

    @classmethod
    @ModelView.button
    def review(cls, claims):
        "The reviewer takes the claims from the office's queue"
        claims = [c for c in claims if c.state == 'under_review']
        cls.write(claims, {'reviewer': Transaction().user})

    @classmethod
    @ModelView.button
    def decide(cls, claims):
        """Apply the reviewer's line decisions: every line approved gives
        an approved claim, none a rejected one, else partially approved;
        what is approved is booked payable to the provider"""
        pool = Pool()
        Line = pool.get('claim.line')
        claims = [c for c in claims if c.state == 'under_review']
        Line.settle_decisions([l for c in claims for l in c.lines])
        outcome = defaultdict(list)
        for claim in claims:
            decisions = {l.decision for l in claim.lines}
            if decisions == {'approved'}:
                outcome['approved'].append(claim)
            elif decisions == {'rejected'}:
                outcome['rejected'].append(claim)
            else:
                outcome['partially_approved'].append(claim)
        cls.write(claims, {
                'decided_at': now(),
                'reviewer': Transaction().user,
                })
        cls._approve(outcome['approved'])
        cls._partially_approve(outcome['partially_approved'])
        cls._reject(outcome['rejected'])
        cls.post(outcome['approved'] + outcome['partially_approved'])
        cls.notify(claims)

    @classmethod
    @Workflow.transition('approved')
    def _approve(cls, claims):
        for claim in claims:
            cls.record_event([claim], 'approved', note=claim.review_note)

    @classmethod
    @Workflow.transition('partially_approved')
    def _partially_approve(cls, claims):
        for claim in claims:
            cls.record_event([claim], 'partially_approved',
                note=claim.review_note)

    @classmethod
    @Workflow.transition('rejected')
    def _reject(cls, claims):
        for claim in claims:
            cls.record_event([claim], 'rejected', note=claim.review_note)

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_(cls, claims):
        "Send the claims back to the provider for correction, with the note"
        Line = Pool().get('claim.line')
        for claim in claims:
            if not claim.review_note:
                raise UserError(gettext('claims_portal.msg_claim_return_note',
                        claim=claim.rec_name))
            cls.record_event([claim], 'returned', note=claim.review_note)
        Line.write([l for c in claims for l in c.lines], {
                'decision': 'pending', 'decision_reason': None,
                'amount_approved': None, 'sampled': False,
                'decided_by': None,
                })
        cls.notify(claims, state='returned')

    @classmethod
    @Workflow.transition('paid')
    def pay(cls, claims):
        "The payment batch paid the claims"
        cls.record_event(claims, 'paid')
        cls.notify(claims, state='paid')

    # The books

    @classmethod
    def health_fund_books(cls):
        "The company of the Health Insurance Fund's books"
        Entity = Pool().get('account.ipsas.entity')
        entities = Entity.search([('code', '=', HEALTH_FUND_ENTITY)], limit=1)
        if not entities or not entities[0].company:
            raise UserError(gettext('claims_portal.msg_books_not_open'))
        return entities[0].company

    @classmethod
    def book_move(cls, origin, date, journal, lines, description):
        """A move in the Health Insurance Fund's books; lines are (account
        code, amount, party), positive on the debit"""
        pool = Pool()
        Account = pool.get('account.account')
        Journal = pool.get('account.journal')
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Period = pool.get('account.period')
        ModelData = pool.get('ir.model.data')
        company = cls.health_fund_books()
        accounts = {}
        for code, _, _ in lines:
            if code not in accounts:
                found = Account.search([
                        ('company', '=', company.id), ('code', '=', code)],
                    limit=1)
                if not found:
                    raise UserError(gettext(
                            'claims_portal.msg_account_missing', code=code))
                accounts[code] = found[0]
        with Transaction().set_context(company=company.id):
            period = Period.find(company, date=date)
        return Move(company=company, period=period, date=date,
            origin=origin, description=description,
            journal=Journal(ModelData.get_id('account', journal)),
            lines=[MoveLine(account=accounts[code], party=party,
                    debit=max(amount, 0), credit=max(-amount, 0))
                for code, amount, party in lines if amount])

    @classmethod
    @without_check_access
    def post(cls, claims):
        "Book each claim's approved amount as payable to the provider"
        pool = Pool()
        Move = pool.get('account.move')
        Date = pool.get('ir.date')
        today = Date.today()
        moves = {}
        for claim in claims:
            amount = claim.amount_approved or Decimal(0)
            if amount <= 0:
                continue
            moves[claim] = cls.book_move(claim, today, 'journal_expense', [
                    (CLAIMS_EXPENSE, amount, None),
                    (CLAIMS_PAYABLE, -amount, claim.provider.party),
                    ], gettext('claims_portal.msg_move_claim',
                    claim=claim.rec_name, provider=claim.provider.rec_name))
        if not moves:
            return
        Move.save(list(moves.values()))
        Move.post(list(moves.values()))
        for claim, move in moves.items():
            claim.move = move
        cls.save(list(moves))

    def payable_lines(self):
        "The move lines of the payable to the provider"
        if not self.move:
            return []
        return [l for l in self.move.lines
            if l.account.code == CLAIMS_PAYABLE]

    # The provider is told

    @classmethod
    @without_check_access
    def notify(cls, claims, state=None):
        """E-mail the provider's portal users the claims' new state (in the
        provider's language, Mongolian by default)"""
        sender = config.get('email', 'from')
        for claim in claims:
            addresses = claim.provider.notification_addresses()
            if not addresses:
                continue
            language = claim.provider.party.lang.code \
                if claim.provider.party.lang else 'mn'
            with Transaction().set_context(language=language):
                claim = cls(claim.id)
                states = dict(cls.fields_get(['state'])['state']['selection'])
                new_state = states[state or claim.state]
                email = EmailMessage()
                email['From'] = sender
                email['To'] = ', '.join(addresses)
                email['Subject'] = gettext(
                    'claims_portal.msg_email_subject',
                    number=claim.number, state=new_state)
                body = gettext('claims_portal.msg_email_body',
                    number=claim.number, reference=claim.reference or '-',
                    provider=claim.provider.rec_name, state=new_state,
                    asked=claim.amount_asked or 0,
                    approved=claim.amount_approved or 0)
                if claim.review_note and (state or claim.state) in (
                        DECIDED | {'returned'}):
                    body += '\n\n' + gettext(
                        'claims_portal.msg_email_note',
                        note=claim.review_note)
                email.set_content(body)
            send_message_transactional(email)

    # The remittance advice

    def remittance_advice(self, format):
        "The XLSX or PDF advice of what is paid (or approved) for the claim"
        Batch = Pool().get('claim.payment.batch')
        if self.state not in {'approved', 'partially_approved', 'paid'}:
            raise UserError(gettext('claims_portal.msg_remittance_not_ready',
                    claim=self.rec_name))
        return Batch.remittance_of([self], format)


class ClaimLine(ModelSQL, ModelView):
    "Health Insurance Claim Line"
    __name__ = 'claim.line'
    __string__ = "Health Insurance Claim Line"
    _history = True
    _states = {'readonly': ~Eval('claim_state').in_(list(EDITABLE))}
    _review = {'readonly': Eval('claim_state') != 'under_review'}
    claim = fields.Many2One('claim.claim', "Claim", required=True,
        ondelete='CASCADE', readonly=True)
    claim_state = fields.Function(
        fields.Selection(STATES, "Claim State"), 'on_change_with_claim_state')
    line_number = fields.Integer("Row", readonly=True,
        help="The row of the file, or the line's position on the form.")
    patient_register_number = fields.Char("Patient Register Number",
        required=True, states=_states)
    patient = fields.Many2One('party.party', "Patient", readonly=True,
        ondelete='RESTRICT',
        help="The citizen with the register number, when known.")
    service_date = fields.Date("Service Date", required=True, states=_states)
    diagnosis = fields.Char("Diagnosis (ICD-10)", states=_states)
    item_code = fields.Char("Item Code", required=True, states=_states,
        help="The code of the service, DRG group or medicine.")
    tariff = fields.Many2One('claim.tariff', "Tariff", readonly=True,
        ondelete='RESTRICT')
    medicine = fields.Many2One('claim.medicine', "Medicine", readonly=True,
        ondelete='RESTRICT')
    quantity = fields.Integer("Quantity", required=True, states=_states,
        domain=[('quantity', '>', 0)])
    amount_asked = fields.Numeric("Amount Asked", digits=AMOUNT,
        required=True, states=_states, domain=[('amount_asked', '>=', 0)])
    amount_allowed = fields.Numeric("Amount Allowed", digits=AMOUNT,
        readonly=True,
        help="What the tariff or the medicines list allows for the "
        "quantity, after the co-payment or at the reimbursement rate.")
    amount_approved = fields.Numeric("Amount Approved", digits=AMOUNT,
        states={
            'readonly': (Eval('claim_state') != 'under_review')
            | (Eval('decision') != 'reduced'),
            'required': Eval('decision') == 'reduced',
            },
        help="Set by the decision; the reviewer enters it for a reduced "
        "line.")
    reasons = fields.Many2Many('claim.line-claim.reason', 'line', 'reason',
        "Reasons", readonly=True,
        help="What the automatic check found.")
    reason_codes = fields.Function(
        fields.Char("Reasons"), 'get_reason_codes')
    decision = fields.Selection([
            ('pending', "Pending"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ('reduced', "Reduced"),
            ], "Decision", required=True, states=_review, sort=False)
    decision_string = decision.translated('decision')
    decision_reason = fields.Many2One('claim.reason', "Decision Reason",
        ondelete='RESTRICT', states={
            'readonly': _review['readonly'],
            'required': Eval('decision').in_(['rejected', 'reduced']),
            },
        help="Why the line is rejected or reduced.")
    sampled = fields.Boolean("Sampled", readonly=True,
        help="Drawn for the reviewer although the check found nothing.")
    decided_by = fields.Many2One('res.user', "Decided By", readonly=True,
        ondelete='RESTRICT')
    del _states, _review

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('claim')
        cls._sql_indexes.update({
                Index(t, (t.claim, Index.Equality())),
                Index(t, (t.patient_register_number, Index.Equality()),
                    (t.service_date, Index.Range())),
                })
        cls._order = [('claim', 'DESC'), ('line_number', 'ASC'),
            ('id', 'ASC')]
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('claim_state') != 'under_review',
                    'icon': 'tryton-ok',
                    'depends': ['claim_state'],
                    },
                })

    @classmethod
    def default_decision(cls):
        return 'pending'

    @classmethod
    def default_sampled(cls):
        return False

    @fields.depends('claim', '_parent_claim.state')
    def on_change_with_claim_state(self, name=None):
        return self.claim.state if self.claim else None

    @fields.depends('decision', 'amount_asked', 'amount_allowed')
    def on_change_decision(self):
        if self.decision == 'approved':
            self.amount_approved = self.payable()
        elif self.decision == 'rejected':
            self.amount_approved = Decimal(0)

    def get_rec_name(self, name):
        return f'{self.claim.rec_name}/{self.line_number or self.id}'

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external:
            return
        # A client enters a line only while the provider may correct the
        # claim, and decides it only while the claim is under review; the
        # check and the workflow set the rest
        for line in lines:
            state = line.claim.state
            if mode in {'create', 'delete'} and state not in EDITABLE:
                raise AccessError(gettext(
                        'claims_portal.msg_claim_not_editable',
                        claim=line.claim.rec_name))
            if mode == 'create' and (line.decision != 'pending'
                    or line.amount_approved is not None
                    or line.decision_reason or line.sampled
                    or line.decided_by):
                cls._refuse_field(line, 'decision')
            if mode != 'write':
                continue
            for name in sorted(values.keys() & LINE_WORKFLOW):
                cls._refuse_field(line, name)
            entered = values.keys() & ENTERED
            if entered and state not in EDITABLE:
                cls._refuse_field(line, min(entered), state=True)
            decided = values.keys() & DECISION
            if decided and state != 'under_review':
                cls._refuse_field(line, min(decided), state=True)

    @classmethod
    def _refuse_field(cls, line, name, state=False):
        if state:
            message = gettext('claims_portal.msg_line_field_state',
                line=line.rec_name, claim=line.claim.rec_name,
                state=line.claim.state_string, **cls.__names__(field=name))
        else:
            message = gettext('claims_portal.msg_line_workflow_field',
                line=line.rec_name, **cls.__names__(field=name))
        raise AccessError(message)

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default else {}
        default.setdefault('decision', cls.default_decision())
        default.setdefault('sampled', cls.default_sampled())
        for name in ['amount_approved', 'decision_reason', 'decided_by']:
            default.setdefault(name, None)
        return super().copy(lines, default=default)

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        pool = Pool()
        Claim = pool.get('claim.claim')
        super().on_modification(mode, lines, field_names=field_names)
        # A correction is checked at once: the provider sees its reasons
        if mode == 'write' and field_names & ENTERED:
            Claim.check_lines(Claim.browse(list({l.claim.id for l in lines})))

    @classmethod
    def get_reason_codes(cls, lines, name):
        pool = Pool()
        Reason = pool.get('claim.reason')
        LineReason = pool.get('claim.line-claim.reason')
        relation = LineReason.__table__()
        reason = Reason.__table__()
        cursor = Transaction().connection.cursor()
        codes = defaultdict(list)
        for sub in grouped_slice([l.id for l in lines], 1000):
            cursor.execute(*relation.join(reason,
                    condition=relation.reason == reason.id).select(
                    relation.line, reason.code,
                    where=In(relation.line, list(sub)),
                    order_by=[reason.code]))
            for line, code in cursor:
                codes[line].append(code)
        return {l.id: ', '.join(codes[l.id]) for l in lines}

    def payable(self):
        "What the fund pays for the line as asked: at most what is allowed"
        if self.amount_asked is None:
            return None
        if self.amount_allowed is None:
            return self.amount_asked
        return min(self.amount_asked, self.amount_allowed)

    # The check of a file's lines, in a few queries

    @classmethod
    def check_rows(cls, provider, claim, rows):
        """The values of each row (ClaimRow or line) as checked for the
        provider's claim: patient, tariff or medicine, amount allowed and
        the ids of its reasons; a few queries for the whole claim"""
        pool = Pool()
        Reason = pool.get('claim.reason')
        Eligibility = pool.get('claim.eligibility')
        Tariff = pool.get('claim.tariff')
        Medicine = pool.get('claim.medicine')
        Date = pool.get('ir.date')
        today = Date.today()
        reasons = Reason.by_code()
        numbers = {r.patient_register_number for r in rows}
        insured = Eligibility.insured(
            {(r.patient_register_number, r.service_date) for r in rows})
        patients = cls._patients(numbers)
        codes = {r.item_code for r in rows}
        items = (Tariff if provider.kind == 'hospital' else Medicine
            ).in_force(codes)
        earlier = cls._claimed_before(provider, claim, numbers)
        contracts = {}
        seen = Counter()
        result = []
        for row in rows:
            found = []
            date = row.service_date
            if (row.patient_register_number, date) not in insured:
                found.append(NOT_INSURED)
            if date not in contracts:
                contracts[date] = provider.contract_on(date)
            if not contracts[date]:
                found.append(NO_CONTRACT)
            if date > today:
                found.append(FUTURE_DATE)
            if provider.kind == 'hospital' and not row.diagnosis:
                found.append(NO_DIAGNOSIS)
            item = next((i for i in items.get(row.item_code, [])
                    if i.in_force_on(date)), None)
            allowed = None
            if not item:
                found.append(NOT_ON_LIST)
            else:
                allowed = item.allowed(provider, row.quantity)
                if row.amount > allowed:
                    found.append(ABOVE_TARIFF)
                if item.max_quantity and row.quantity > item.max_quantity:
                    found.append(ABOVE_QUANTITY)
            key = (row.patient_register_number, date, row.item_code)
            seen[key] += 1
            if seen[key] > 1:
                found.append(DUPLICATE_IN_CLAIM)
            if key in earlier:
                found.append(ALREADY_CLAIMED)
            result.append({
                    'patient': patients.get(row.patient_register_number),
                    'tariff': item.id if item and provider.kind == 'hospital'
                    else None,
                    'medicine': item.id
                    if item and provider.kind == 'pharmacy' else None,
                    'amount_allowed': allowed,
                    'reasons': sorted(reasons[c].id for c in found
                        if c in reasons),
                    })
        return result

    @classmethod
    def _patients(cls, numbers):
        "{register number: party id} of the citizens known"
        Party = Pool().get('party.party')
        party = Party.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        for sub in grouped_slice(sorted(numbers), 1000):
            cursor.execute(*party.select(party.register_number, party.id,
                    where=In(party.register_number, list(sub))))
            result.update(cursor)
        return result

    @classmethod
    def _claimed_before(cls, provider, claim, numbers):
        """(register number, date, item code) of the provider's lines in
        the claims sent before and not rejected"""
        pool = Pool()
        Claim = pool.get('claim.claim')
        line = cls.__table__()
        other = Claim.__table__()
        cursor = Transaction().connection.cursor()
        keys = set()
        for sub in grouped_slice(sorted(numbers), 1000):
            cursor.execute(*line.join(other,
                    condition=line.claim == other.id).select(
                    line.patient_register_number, line.service_date,
                    line.item_code,
                    where=In(line.patient_register_number, list(sub))
                    & (other.provider == provider.id)
                    & (other.id != claim.id)
                    & In(other.state, DUPLICATE_STATES)
                    & (Coalesce(line.decision, 'pending') != 'rejected')))
            keys.update((n, d if isinstance(d, dt.date)
                    else dt.date.fromisoformat(d), c)
                for n, d, c in cursor)
        return keys

    @classmethod
    def create_rows(cls, claim, rows):
        """Store the checked rows as the claim's lines, in bulk; return
        their ids"""
        pool = Pool()
        LineReason = pool.get('claim.line-claim.reason')
        checked = cls.check_rows(claim.provider, claim, rows)
        columns = ['claim', 'line_number', 'patient_register_number',
            'service_date', 'diagnosis', 'item_code', 'quantity',
            'amount_asked', 'patient', 'tariff', 'medicine',
            'amount_allowed', 'decision', 'sampled']
        ids = bulk_insert(cls, columns, [
                [claim.id, row.number, row.patient_register_number,
                    row.service_date, row.diagnosis, row.item_code,
                    row.quantity, row.amount, check['patient'],
                    check['tariff'], check['medicine'],
                    check['amount_allowed'], 'pending', False]
                for row, check in zip(rows, checked)])
        bulk_insert(LineReason, ['line', 'reason'], [[i, r]
                for i, c in zip(ids, checked) for r in c['reasons']])
        return ids

    @classmethod
    def recheck(cls, claim):
        "Compute again the reasons and allowed amounts of the claim's lines"
        pool = Pool()
        LineReason = pool.get('claim.line-claim.reason')
        lines = cls.search([('claim', '=', claim.id)])
        rows = [claim_file.ClaimRow(l.line_number, l.patient_register_number,
                l.service_date, l.diagnosis, l.item_code, l.quantity,
                l.amount_asked) for l in lines]
        checked = cls.check_rows(claim.provider, claim, rows)
        changes = defaultdict(list)
        for line, check in zip(lines, checked):
            values = (check['patient'], check['tariff'], check['medicine'],
                check['amount_allowed'])
            if values != (line.patient and line.patient.id,
                    line.tariff and line.tariff.id,
                    line.medicine and line.medicine.id, line.amount_allowed):
                changes[values].append(line)
        to_write = []
        for (patient, tariff, medicine, allowed), changed in changes.items():
            to_write.extend([changed, {'patient': patient, 'tariff': tariff,
                        'medicine': medicine, 'amount_allowed': allowed}])
        if to_write:
            cls.write(*to_write)
        relation = LineReason.__table__()
        cursor = Transaction().connection.cursor()
        for sub in grouped_slice([l.id for l in lines], 1000):
            cursor.execute(*relation.delete(
                    where=In(relation.line, list(sub))))
        LineReason.create([{'line': l.id, 'reason': r}
                for l, c in zip(lines, checked) for r in c['reasons']])

    @classmethod
    def draw_sample(cls, claim, percent):
        """Leave for the reviewer every line with a reason and the share
        percent of the others, drawn the same way whenever the claim is
        checked; approve the other clean lines"""
        SampleSeed = Pool().get('claim.claim.sample_seed')
        lines = cls.search([('claim', '=', claim.id)], order=[('id', 'ASC')])
        flagged = {l.id for l in lines if l.reason_codes}
        clean = [l for l in lines if l.id not in flagged]
        size = math.ceil(len(clean) * (percent or 0) / 100)
        rng = random.Random(SampleSeed.of_claim(claim))
        sample = set(rng.sample([l.id for l in clean], size))
        to_write = []
        pending = [l for l in lines if l.id in flagged or l.id in sample]
        if pending:
            to_write.extend([pending, {
                        'decision': 'pending', 'amount_approved': None,
                        'decision_reason': None, 'decided_by': None}])
        sampled = [l for l in lines if l.id in sample]
        if sampled:
            to_write.extend([sampled, {'sampled': True}])
        unsampled = [l for l in lines if l.id not in sample and l.sampled]
        if unsampled:
            to_write.extend([unsampled, {'sampled': False}])
        by_amount = defaultdict(list)
        for line in clean:
            if line.id not in sample:
                by_amount[line.payable()].append(line)
        for amount, approved in by_amount.items():
            to_write.extend([approved, {
                        'decision': 'approved', 'amount_approved': amount,
                        'decision_reason': None, 'decided_by': None}])
        if to_write:
            cls.write(*to_write)

    # The reviewer's decisions

    @classmethod
    @ModelView.button
    def approve(cls, lines):
        "Approve the lines as asked, within what is allowed"
        for line in lines:
            if line.claim.state != 'under_review':
                raise UserError(gettext(
                        'claims_portal.msg_line_not_under_review',
                        line=line.rec_name))
        by_amount = defaultdict(list)
        for line in lines:
            by_amount[line.payable()].append(line)
        to_write = []
        for amount, approved in by_amount.items():
            to_write.extend([approved, {'decision': 'approved',
                        'amount_approved': amount, 'decision_reason': None,
                        'decided_by': Transaction().user or None}])
        if to_write:
            cls.write(*to_write)

    @classmethod
    def settle_decisions(cls, lines):
        """Check every line is decided with its reason and set the approved
        amounts: as asked within the allowed for an approved line, nothing
        for a rejected one, the reviewer's amount for a reduced one"""
        pending, errors = [], []
        to_write = []
        user = Transaction().user or None
        for line in lines:
            if line.decision == 'pending':
                pending.append(line)
                continue
            if line.decision in {'rejected', 'reduced'} \
                    and not line.decision_reason:
                errors.append(gettext('claims_portal.msg_line_no_reason',
                        line=line.rec_name))
            if line.decision == 'reduced' and (
                    line.amount_approved is None
                    or not 0 <= line.amount_approved < (
                        line.payable() or 0)):
                errors.append(gettext('claims_portal.msg_line_reduced',
                        line=line.rec_name, amount=line.amount_approved,
                        allowed=line.payable()))
            values = {}
            if line.decision == 'approved' \
                    and line.amount_approved != line.payable():
                values['amount_approved'] = line.payable()
            elif line.decision == 'rejected' and line.amount_approved != 0:
                values['amount_approved'] = Decimal(0)
            if values or (not line.decided_by and (
                        line.sampled or line.decision != 'approved')):
                values['decided_by'] = user
                to_write.extend([[line], values])
        if pending:
            errors.insert(0, gettext('claims_portal.msg_lines_pending',
                    claim=pending[0].claim.rec_name, count=len(pending),
                    lines=', '.join(str(l.line_number or l.id)
                        for l in pending[:20])))
        if errors:
            raise UserError(errors[0], '\n'.join(errors[1:]))
        if to_write:
            cls.write(*to_write)

    # The portal's form entry and correction

    @classmethod
    def portal_get(cls, web_user, claim_id, line_id):
        "The line of the provider's claim, or NotFound"
        Claim = Pool().get('claim.claim')
        claim = Claim.portal_get(web_user, claim_id)
        try:
            line_id = int(line_id)
        except (TypeError, ValueError):
            raise NotFound()
        lines = cls.search([
                ('id', '=', line_id), ('claim', '=', claim.id)], limit=1)
        if not lines:
            raise NotFound()
        return lines[0]

    @classmethod
    def portal_create(cls, web_user, claim_id, values):
        "A line added on the form to a draft or returned claim"
        Claim = Pool().get('claim.claim')
        claim = Claim.portal_get(web_user, claim_id)
        claim.check_editable()
        last = max((l.line_number or 0 for l in claim.lines), default=0)
        row, = claim_file.parse_rows([(last + 1, values)])
        cls.create([{
                    'claim': claim.id, 'line_number': row.number,
                    'patient_register_number': row.patient_register_number,
                    'service_date': row.service_date,
                    'diagnosis': row.diagnosis, 'item_code': row.item_code,
                    'quantity': row.quantity, 'amount_asked': row.amount,
                    }])
        Claim.check_lines([claim])
        return cls.search([('claim', '=', claim.id),
                ('line_number', '=', row.number)], limit=1)[0]

    @classmethod
    def portal_write(cls, web_user, claim_id, line_id, values):
        """Correct a line of a draft or returned claim with the columns of
        the file; the claim is checked again"""
        line = cls.portal_get(web_user, claim_id, line_id)
        line.claim.check_editable()
        current = {
            'patient_register_number': line.patient_register_number,
            'service_date': line.service_date,
            'diagnosis': line.diagnosis,
            'item_code': line.item_code,
            'quantity': line.quantity,
            'amount': line.amount_asked,
            }
        current.update({k: v for k, v in values.items() if k in current})
        row, = claim_file.parse_rows([(line.line_number or 1, current)])
        cls.write([line], {
                'patient_register_number': row.patient_register_number,
                'service_date': row.service_date,
                'diagnosis': row.diagnosis, 'item_code': row.item_code,
                'quantity': row.quantity, 'amount_asked': row.amount,
                })
        return cls(line.id)

    @classmethod
    def portal_delete(cls, web_user, claim_id, line_id):
        "Remove a line from a draft or returned claim"
        Claim = Pool().get('claim.claim')
        line = cls.portal_get(web_user, claim_id, line_id)
        claim = line.claim
        claim.check_editable()
        cls.delete([line])
        Claim.check_lines([claim])


class ClaimImportStart(ModelView):
    "Upload a Claim File"
    __name__ = 'claim.claim.import.start'
    __string__ = "Upload a Claim File"
    provider = fields.Many2One('claim.provider', "Provider", required=True)
    file = fields.Binary("File", required=True, filename='filename',
        help="The provider's XLSX or CSV file with the columns "
        "patient_register_number, service_date, diagnosis, item_code, "
        "quantity and amount.")
    filename = fields.Char("File Name")


class ClaimImport(Wizard):
    """Upload a claim file a provider sent by e-mail: it becomes the
    provider's draft claim, as if uploaded on the portal"""
    __name__ = 'claim.claim.import'
    start = StateView('claim.claim.import.start',
        'claims_portal.claim_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Upload", 'open_', 'tryton-ok', default=True),
            ])
    open_ = StateAction('claims_portal.act_claim')

    def do_open_(self, action):
        Claim = Pool().get('claim.claim')
        claim = Claim.import_file(self.start.provider,
            self.start.filename or 'claim', bytes(self.start.file))
        action['res_id'] = [claim.id]
        action['views'].reverse()
        return action, {}


class ClaimLineReason(ModelSQL):
    "Claim Line Reason"
    __name__ = 'claim.line-claim.reason'
    __string__ = "Claim Line Reason"
    line = fields.Many2One('claim.line', "Line", required=True,
        ondelete='CASCADE')
    reason = fields.Many2One('claim.reason', "Reason", required=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('line')
        cls._sql_indexes.add(Index(t, (t.line, Index.Equality())))


class ClaimSampleSeed(ModelSQL):
    """The secret a claim's review sample is drawn with, drawn at its first
    check: the provider cannot foresee which clean lines a reviewer will
    see, and checking the claim again draws the same sample. Kept apart from
    the claim, where no user, reviewers included, may read it."""
    __name__ = 'claim.claim.sample_seed'
    __string__ = "Claim Sample Seed"
    claim = fields.Many2One('claim.claim', "Claim", required=True,
        ondelete='CASCADE')
    seed = fields.Char("Seed", required=True, strip=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('claim_unique', Unique(t, t.claim),
                'claims_portal.msg_claim_sample_seed_unique'),
            ]

    @classmethod
    def of_claim(cls, claim):
        seeds = cls.search([('claim', '=', claim.id)], limit=1)
        if seeds:
            return seeds[0].seed
        seed, = cls.create([{'claim': claim.id, 'seed': secrets.token_hex()}])
        return seed.seed


class ClaimEvent(ModelSQL, ModelView):
    "Health Insurance Claim Event"
    __name__ = 'claim.claim.event'
    __string__ = "Health Insurance Claim Event"
    claim = fields.Many2One('claim.claim', "Claim", required=True,
        ondelete='CASCADE', readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='RESTRICT', help="The SIGO user who acted.")
    web_user = fields.Many2One('web.user', "Portal User", readonly=True,
        ondelete='RESTRICT', help="The provider's user who acted.")
    who = fields.Function(fields.Char("By"), 'get_who')
    from_state = fields.Selection(
        [(None, "")] + STATES, "From", readonly=True)
    to_state = fields.Selection(STATES, "To", required=True, readonly=True)
    note = fields.Text("Note", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('claim')
        cls._sql_indexes.add(Index(t, (t.claim, Index.Equality())))
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    def get_who(self, name):
        if self.user:
            return self.user.rec_name
        if self.web_user:
            return self.web_user.email
        return ''

