# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Payment batches: finance gathers the approved claims, confirms and pays
them from the Health Insurance Fund's bank account, which settles each
provider's payable; the remittance advice tells the provider what is paid
for each claim and line"""
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.sigo_base.printed_document import PrintedDocument
from trytond.modules.sigo_base.spreadsheet import new_workbook
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access

from .claim import CASH_AT_BANK, CLAIMS_PAYABLE
from .tariff import AMOUNT

APPROVED = ['approved', 'partially_approved']


class PaymentBatch(Workflow, ModelSQL, ModelView):
    "Claim Payment Batch"
    __name__ = 'claim.payment.batch'
    __string__ = "Claim Payment Batch"
    # Who confirmed, took back and paid a batch, and when, stays readable
    _history = True
    _states = {'readonly': Eval('state') != 'draft'}
    date = fields.Date("Payment Date", required=True, states=_states)
    claims = fields.One2Many('claim.claim', 'payment_batch', "Claims",
        add_remove=[
            ('state', 'in', APPROVED),
            ('payment_batch', '=', None),
            ],
        domain=[('state', 'in', APPROVED + ['paid'])],
        states=_states)
    total = fields.Function(
        fields.Numeric("Total", digits=AMOUNT), 'get_total')
    move = fields.Many2One('account.move', "Payment Move", readonly=True,
        ondelete='RESTRICT')
    confirmed_by = fields.Many2One('res.user', "Confirmed By", readonly=True)
    confirmed_at = fields.DateTime("Confirmed At", readonly=True)
    paid_by = fields.Many2One('res.user', "Paid By", readonly=True)
    paid_at = fields.DateTime("Paid At", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('paid', "Paid"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('confirmed', 'draft'),
            ('confirmed', 'paid'),
            }
        cls._buttons.update({
                'fill': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-add',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'confirmed',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'pay': {
                    'invisible': Eval('state') != 'confirmed',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return f'{self.date} #{self.id}'

    @classmethod
    def get_total(cls, batches, name):
        return {b.id: sum((c.amount_approved or Decimal(0)
                    for c in b.claims), Decimal(0)) for b in batches}

    @classmethod
    def check_modification(cls, mode, batches, values=None, external=False):
        super().check_modification(
            mode, batches, values=values, external=external)
        if mode == 'delete':
            for batch in batches:
                if batch.state != 'draft':
                    raise AccessError(gettext(
                            'claims_portal.msg_batch_delete',
                            batch=batch.rec_name))

    @classmethod
    @ModelView.button
    def fill(cls, batches):
        "Add every approved claim not yet in a batch (the first batch)"
        Claim = Pool().get('claim.claim')
        batches = [b for b in batches if b.state == 'draft']
        if not batches:
            return
        claims = Claim.search([
                ('state', 'in', APPROVED),
                ('payment_batch', '=', None),
                ('move', '!=', None),
                ])
        Claim.write(claims, {'payment_batch': batches[0].id})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, batches):
        cls.write(batches, {'confirmed_by': None, 'confirmed_at': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, batches):
        for batch in batches:
            if not batch.claims:
                raise UserError(gettext('claims_portal.msg_batch_empty',
                        batch=batch.rec_name))
            for claim in batch.claims:
                if claim.state not in APPROVED or not claim.move:
                    raise UserError(gettext(
                            'claims_portal.msg_batch_claim_not_approved',
                            batch=batch.rec_name, claim=claim.rec_name))
        cls.write(batches, {
                'confirmed_by': Transaction().user, 'confirmed_at': now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('paid')
    @without_check_access
    def pay(cls, batches):
        """Pay each provider from the bank account, settle its payable and
        mark the claims paid"""
        pool = Pool()
        Claim = pool.get('claim.claim')
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        for batch in batches:
            payable = [l for c in batch.claims for l in c.payable_lines()]
            by_party = defaultdict(Decimal)
            for line in payable:
                by_party[line.party] += line.credit - line.debit
            move = Claim.book_move(batch, batch.date, 'journal_cash',
                [(CLAIMS_PAYABLE, a, p) for p, a in sorted(
                        by_party.items(), key=lambda i: i[0].id)]
                + [(CASH_AT_BANK, -sum(by_party.values()), None)],
                gettext('claims_portal.msg_move_batch',
                    batch=batch.rec_name))
            move.save()
            Move.post([move])
            to_reconcile = defaultdict(list)
            for line in payable + [l for l in move.lines
                    if l.account.code == CLAIMS_PAYABLE]:
                to_reconcile[line.party].append(line)
            for lines in to_reconcile.values():
                MoveLine.reconcile(lines)
            batch.move = move
            batch.paid_by = Transaction().user
            batch.paid_at = now()
            Claim.pay(list(batch.claims))
        cls.save(batches)

    def remittance(self, provider, format):
        "The XLSX or PDF advice of what the batch pays the provider"
        claims = [c for c in self.claims if c.provider == provider]
        if not claims:
            raise UserError(gettext('claims_portal.msg_batch_no_provider',
                    batch=self.rec_name, provider=provider.rec_name))
        return self.remittance_of(claims, format)

    @classmethod
    def remittance_of(cls, claims, format):
        "The remittance advice of claims of one provider, 'xlsx' or 'pdf'"
        pool = Pool()
        if format == 'pdf':
            RemittanceReport = pool.get('claim.remittance', type='report')
            _, data, _, _ = RemittanceReport.execute(
                [c.id for c in claims], {})
            return bytes(data)
        return remittance_xlsx(claims)


def now():
    return dt.datetime.now()


def remittance_rows(claim):
    "The claim's lines as the advice shows them"
    return [(l.line_number, l.patient_register_number, l.service_date,
            l.item_code, l.quantity, l.amount_asked, l.amount_allowed,
            l.amount_approved, l.decision_string,
            ', '.join(filter(None, [l.reason_codes,
                        l.decision_reason.code if l.decision_reason
                        else None])))
        for l in claim.lines]


def remittance_headings():
    return [gettext('claims_portal.msg_remittance_%s' % c) for c in [
            'row', 'patient', 'date', 'item', 'quantity', 'asked',
            'allowed', 'approved', 'decision', 'reasons']]


def remittance_xlsx(claims):
    """A sheet per claim: the claim's amounts, payment and every line with
    its decision and reasons"""
    output = io.BytesIO()
    book = new_workbook(output)
    title = book.add_format({'bold': True, 'font_size': 14})
    heading = book.add_format({'bold': True, 'bottom': 1,
            'bg_color': '#DDE7F0', 'text_wrap': True})
    money = book.add_format({'num_format': '#,##0.00'})
    total = book.add_format({'num_format': '#,##0.00', 'bold': True,
            'top': 1})
    date = book.add_format({'num_format': 'yyyy-mm-dd'})
    provider = claims[0].provider
    for claim in claims:
        sheet = book.add_worksheet(claim.number[:31])
        sheet.write(0, 0, gettext('claims_portal.msg_remittance_title'),
            title)
        summary = [
            ('provider_name', provider.rec_name),
            ('claim', claim.number),
            ('reference', claim.reference or ''),
            ('state', claim.state_string),
            ('batch', claim.payment_batch.rec_name
                if claim.payment_batch else ''),
            ('paid_on', str(claim.payment_batch.date)
                if claim.payment_batch and claim.state == 'paid' else ''),
            ]
        for row, (key, value) in enumerate(summary, 1):
            sheet.write(row, 0, gettext(f'claims_portal.msg_remittance_{key}'))
            sheet.write(row, 1, value)
        start = len(summary) + 2
        for column, text in enumerate(remittance_headings()):
            sheet.write(start, column, text, heading)
        rows = remittance_rows(claim)
        for row, values in enumerate(rows, start + 1):
            for column, value in enumerate(values):
                if value is None:
                    continue
                if column in {5, 6, 7}:
                    sheet.write_number(row, column, float(value), money)
                elif column == 2:
                    sheet.write_datetime(row, column, dt.datetime.combine(
                            value, dt.time()), date)
                else:
                    sheet.write(row, column, value)
        last = start + len(rows) + 1
        sheet.write(last, 0, gettext('claims_portal.msg_remittance_total'))
        for column, amount in [(5, claim.amount_asked),
                (7, claim.amount_approved)]:
            sheet.write_number(last, column, float(amount or 0), total)
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 1, 20)
        sheet.set_column(2, 8, 14)
        sheet.set_column(9, 9, 24)
        sheet.freeze_panes(start + 1, 0)
    book.close()
    return output.getvalue()


class Remittance(PrintedDocument):
    "The remittance advice of claims, for the provider"
    __name__ = 'claim.remittance'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['rows'] = remittance_rows
        context['headings'] = remittance_headings()
        return context


class RemittanceSpreadsheet(Report):
    "The remittance advice of claims as an XLSX workbook"
    __name__ = 'claim.remittance.xlsx'

    @classmethod
    def _execute(cls, records, header, data, action):
        by_provider = defaultdict(list)
        for claim in records:
            by_provider[claim.provider].append(claim)
        if len(by_provider) != 1:
            raise UserError(gettext('claims_portal.msg_remittance_provider'))
        claims, = by_provider.values()
        for claim in claims:
            if claim.state not in APPROVED + ['paid']:
                raise UserError(gettext(
                        'claims_portal.msg_remittance_not_ready',
                        claim=claim.rec_name))
        return 'xlsx', remittance_xlsx(claims)
