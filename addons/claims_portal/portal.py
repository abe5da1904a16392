# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The provider's claim pages of the portal: the list of its claims, file
upload, the form, a claim with its lines, reasons and history, corrections
and submission, attachments and the remittance advice.

Every page reaches a claim only through Claim.portal_get with the session's
web user: an id of another provider's record gives 404, whatever the URL or
the form says."""
import math
import mimetypes

from werkzeug.exceptions import NotFound

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.web_portal.portal import (
    portal_route, rate_limit, redirect, render, send_file, uploaded_file)
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .claim import DECIDED, EDITABLE
from .claim_file import COLUMNS

CLAIMS_PER_PAGE = 50
# A page of 100 lines stays far below 30 KB compressed
LINES_PER_PAGE = 100
# trytond refuses a larger request of a visitor ([request] max_size, 2 MB
# by default) before the page sees it; 2 MB of CSV is some 40,000 lines
CLAIM_FILE_MEGABYTES = 2
CLAIM_FILE_EXTENSIONS = ['xlsx', 'csv']
ATTACHMENT_MEGABYTES = 2
ATTACHMENT_EXTENSIONS = ['pdf', 'jpg', 'jpeg', 'png']
# Uploads (claim files and attachments) of one user or address
UPLOADS_PER_WINDOW = 30
UPLOAD_WINDOW_SECONDS = 600
REMITTANCE_STATES = {'approved', 'partially_approved', 'paid'}
REMITTANCE_FORMATS = {
    'xlsx': 'application/vnd.openxmlformats-officedocument'
    '.spreadsheetml.sheet',
    'pdf': 'application/pdf',
    }
# What the claim page shows of each line
LINE_FIELDS = ['line_number', 'patient_register_number', 'service_date',
    'diagnosis', 'item_code', 'quantity', 'amount_asked', 'amount_allowed',
    'amount_approved', 'decision', 'decision_reason', 'reasons']
TEMPLATE_FORMATS = {
    'xlsx': REMITTANCE_FORMATS['xlsx'],
    'csv': 'text/csv',
    }


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    def portal_menu(self):
        menu = super().portal_menu()
        if self.claim_provider:
            menu += [
                ('/claims', gettext('claims_portal.msg_portal_menu_claims')),
                ('/claims/upload',
                    gettext('claims_portal.msg_portal_menu_upload')),
                ('/claims/new',
                    gettext('claims_portal.msg_portal_menu_new_claim')),
                ]
        return menu


def provider_of(request):
    """The provider the web user works for; the claim pages do not exist
    for a portal user of no provider"""
    provider = Pool().get('claim.claim').portal_provider(request.web_user)
    if not provider:
        raise NotFound()
    return provider


def selection_labels(model, field):
    "{value: label} of a selection field in the page's language"
    return dict(model.fields_get([field])[field]['selection'])


def number_format():
    "Amounts as the page's language writes them"
    Lang = Pool().get('ir.lang')
    lang = Lang.get()

    def formatted(value):
        if value is None:
            return ''
        return lang.format_number(value, 2, grouping=True)
    return formatted


def page_number(request, count, per_page):
    "The page asked for (1 when absent or out of range) and the page count"
    pages = max(1, math.ceil(count / per_page))
    try:
        page = int(request.args.get('page', 1))
    except ValueError:
        page = 1
    return min(max(page, 1), pages), pages


def rolled_back(error):
    "Undo what the failed POST wrote, so that only the error page is sent"
    Transaction().rollback()
    return error


def claim_labels(pool):
    "What the claim pages write in words: states, channels, decisions, amounts"
    Claim = pool.get('claim.claim')
    Line = pool.get('claim.line')
    return {
        'states': selection_labels(Claim, 'state'),
        'channels': selection_labels(Claim, 'channel'),
        'decisions': selection_labels(Line, 'decision'),
        'number': number_format(),
        }


def form_values(request):
    "The line fields of a form, as the file has them"
    return {c: request.form.get(c, '').strip() for c in COLUMNS}


def line_values(line):
    "The form values of a stored line"
    return {
        'patient_register_number': line.patient_register_number or '',
        'service_date': (
            line.service_date.isoformat() if line.service_date else ''),
        'diagnosis': line.diagnosis or '',
        'item_code': line.item_code or '',
        'quantity': str(line.quantity or ''),
        'amount': str(line.amount_asked or ''),
        }


def error_lines(error):
    "The message of a UserError and its details, one per line"
    lines = [error.message]
    if error.description:
        lines += [d for d in error.description.splitlines() if d.strip()]
    return lines


@portal_route('/claims')
def claims_page(request, pool):
    Claim = pool.get('claim.claim')
    provider_of(request)
    claims = Claim.portal_claims(request.web_user)
    page, pages = page_number(request, len(claims), CLAIMS_PER_PAGE)
    start = (page - 1) * CLAIMS_PER_PAGE
    return render(request, 'claims_portal/claims.html',
        title=gettext('claims_portal.msg_portal_claims_title'),
        claims=claims[start:start + CLAIMS_PER_PAGE], page=page, pages=pages,
        **claim_labels(pool))


@portal_route('/claims/template.<any(xlsx, csv):format>')
def template_download(request, pool, format):
    Claim = pool.get('claim.claim')
    provider_of(request)
    return send_file(request, Claim.template_file(format),
        f'claim_template.{format}', TEMPLATE_FORMATS[format])


def upload_page(request, errors=(), status=200):
    return render(request, 'claims_portal/upload.html', status=status,
        title=gettext('claims_portal.msg_portal_upload_title'),
        columns=', '.join(COLUMNS), megabytes=CLAIM_FILE_MEGABYTES,
        extensions=CLAIM_FILE_EXTENSIONS, errors=errors)


@portal_route('/claims/upload', methods=('GET', 'POST'))
def upload(request, pool):
    Claim = pool.get('claim.claim')
    provider = provider_of(request)
    if request.method != 'POST':
        return upload_page(request)
    rate_limit(request, 'claims_portal.upload', UPLOADS_PER_WINDOW,
        UPLOAD_WINDOW_SECONDS)
    try:
        filename, data = uploaded_file(request, 'file',
            CLAIM_FILE_MEGABYTES * 1024 * 1024, CLAIM_FILE_EXTENSIONS)
        claim = Claim.import_file(provider, filename,
            data, channel='file', web_user=request.web_user)
    except UserError as error:
        return upload_page(
            request, errors=error_lines(rolled_back(error)), status=400)
    return redirect(request, f'/claims/{claim.id}')


def new_claim_page(request, values, errors=(), status=200):
    return render(request, 'claims_portal/new.html', status=status,
        title=gettext('claims_portal.msg_portal_new_title'),
        values=values, errors=errors)


@portal_route('/claims/new', methods=('GET', 'POST'))
def new_claim(request, pool):
    Claim = pool.get('claim.claim')
    provider_of(request)
    if request.method != 'POST':
        return new_claim_page(request, dict.fromkeys(COLUMNS, ''))
    values = form_values(request)
    reference = request.form.get('reference', '').strip()
    try:
        claim = Claim.portal_create(request.web_user, {
                'reference': reference,
                'lines': [values],
                })
    except UserError as error:
        values['reference'] = reference
        return new_claim_page(request, values,
            errors=error_lines(rolled_back(error)), status=400)
    return redirect(request, f'/claims/{claim.id}')


def with_reasons(pool, lines):
    """Put the reasons' code and name in the read lines: a page of 100
    lines read at once renders several times faster than record by record"""
    Reason = pool.get('claim.reason')
    ids = {r for l in lines for r in l['reasons']} | {
        l['decision_reason'] for l in lines if l['decision_reason']}
    reasons = {r['id']: r for r in Reason.read(list(ids), ['code', 'name'])}
    for line in lines:
        line['reasons'] = [reasons[r] for r in line['reasons']]
        line['decision_reason'] = reasons.get(line['decision_reason'])


def claim_page(request, pool, claim, new_line=None, errors=(), status=200):
    Line = pool.get('claim.line')
    Claim = pool.get('claim.claim')
    domain = [('claim', '=', claim.id)]
    reasons_only = request.args.get('reasons') == '1'
    if reasons_only:
        domain.append(('reasons', '!=', None))
    count = Line.search_count(domain)
    page, pages = page_number(request, count, LINES_PER_PAGE)
    lines = Line.search_read(domain, offset=(page - 1) * LINES_PER_PAGE,
        limit=LINES_PER_PAGE, order=[('line_number', 'ASC'), ('id', 'ASC')],
        fields_names=LINE_FIELDS)
    with_reasons(pool, lines)
    returned_note = None
    if claim.state == 'returned':
        notes = [e.note for e in claim.events
            if e.to_state == 'returned' and e.note]
        returned_note = notes[-1] if notes else None
    return render(request, 'claims_portal/claim.html', status=status,
        title=gettext('claims_portal.msg_portal_claim_title',
            number=claim.number),
        claim=claim, lines=lines, page=page, pages=pages,
        reasons_only=reasons_only,
        editable=claim.state in EDITABLE,
        remittance=claim.state in REMITTANCE_STATES,
        returned_note=returned_note,
        attachments=Claim.portal_attachments(request.web_user, claim.id),
        can_attach=claim.state not in DECIDED,
        attachment_megabytes=ATTACHMENT_MEGABYTES,
        new_line=new_line or dict.fromkeys(COLUMNS, ''), errors=errors,
        **claim_labels(pool))


@portal_route('/claims/<int:claim_id>')
def claim_view(request, pool, claim_id):
    Claim = pool.get('claim.claim')
    return claim_page(
        request, pool, Claim.portal_get(request.web_user, claim_id))


@portal_route('/claims/<int:claim_id>/lines', methods=('POST',))
def line_add(request, pool, claim_id):
    Claim = pool.get('claim.claim')
    Line = pool.get('claim.line')
    claim = Claim.portal_get(request.web_user, claim_id)
    values = form_values(request)
    try:
        Line.portal_create(request.web_user, claim.id, values)
    except UserError as error:
        rolled_back(error)
        return claim_page(request, pool,
            Claim.portal_get(request.web_user, claim_id),
            new_line=values, errors=error_lines(error), status=400)
    return redirect(request, f'/claims/{claim.id}')


def line_page(request, pool, line, values, errors=(), status=200):
    return render(request, 'claims_portal/line.html', status=status,
        title=gettext('claims_portal.msg_portal_line_title',
            line=line.line_number, number=line.claim.number),
        claim=line.claim, line=line, values=values, errors=errors,
        editable=line.claim.state in EDITABLE)


@portal_route('/claims/<int:claim_id>/lines/<int:line_id>',
    methods=('GET', 'POST'))
def line_edit(request, pool, claim_id, line_id):
    Line = pool.get('claim.line')
    line = Line.portal_get(request.web_user, claim_id, line_id)
    if request.method != 'POST':
        return line_page(request, pool, line, line_values(line))
    values = form_values(request)
    try:
        Line.portal_write(request.web_user, claim_id, line_id, values)
    except UserError as error:
        rolled_back(error)
        return line_page(request, pool,
            Line.portal_get(request.web_user, claim_id, line_id), values,
            errors=error_lines(error), status=400)
    return redirect(request, f'/claims/{claim_id}#line-{line_id}')


@portal_route('/claims/<int:claim_id>/lines/<int:line_id>/delete',
    methods=('POST',))
def line_delete(request, pool, claim_id, line_id):
    Line = pool.get('claim.line')
    Line.portal_delete(request.web_user, claim_id, line_id)
    return redirect(request, f'/claims/{claim_id}#lines')


@portal_route('/claims/<int:claim_id>/submit', methods=('POST',))
def claim_submit(request, pool, claim_id):
    Claim = pool.get('claim.claim')
    claim = Claim.portal_get(request.web_user, claim_id)
    try:
        # The history names the portal user who sent the claim
        with Transaction().set_context(web_user=request.web_user.id):
            Claim.submit([claim])
    except UserError as error:
        rolled_back(error)
        return claim_page(request, pool,
            Claim.portal_get(request.web_user, claim_id),
            errors=error_lines(error), status=400)
    return redirect(request, f'/claims/{claim.id}')


@portal_route('/claims/<int:claim_id>/attachments', methods=('POST',))
def attachment_add(request, pool, claim_id):
    Claim = pool.get('claim.claim')
    claim = Claim.portal_get(request.web_user, claim_id)
    rate_limit(request, 'claims_portal.upload', UPLOADS_PER_WINDOW,
        UPLOAD_WINDOW_SECONDS)
    try:
        filename, data = uploaded_file(request, 'file',
            ATTACHMENT_MEGABYTES * 1024 * 1024, ATTACHMENT_EXTENSIONS)
        Claim.portal_add_attachment(
            request.web_user, claim.id, filename, data)
    except UserError as error:
        rolled_back(error)
        return claim_page(request, pool,
            Claim.portal_get(request.web_user, claim_id),
            errors=error_lines(error), status=400)
    return redirect(request, f'/claims/{claim.id}#attachments')


@portal_route('/claims/<int:claim_id>/attachments/<int:attachment_id>')
def attachment_download(request, pool, claim_id, attachment_id):
    Claim = pool.get('claim.claim')
    attachment = Claim.portal_attachment(
        request.web_user, claim_id, attachment_id)
    mimetype, _ = mimetypes.guess_type(attachment.name)
    return send_file(request, attachment.data, attachment.name,
        mimetype or 'application/octet-stream')


@portal_route('/claims/<int:claim_id>/remittance.<any(xlsx, pdf):format>')
def remittance_download(request, pool, claim_id, format):
    Claim = pool.get('claim.claim')
    claim = Claim.portal_get(request.web_user, claim_id)
    if claim.state not in REMITTANCE_STATES:
        raise NotFound()
    return send_file(request, claim.remittance_advice(format),
        f'remittance_{claim.number}.{format}', REMITTANCE_FORMATS[format])
