# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The claims API of hospitals' and pharmacies' own systems, authenticated
by a key of the user application "Health Claims Portal"
(``Authorization: bearer <key>``) whose user belongs to the provider:

- ``POST /<db>/claims_portal/api/claims`` with ``{"reference": "...",
  "submit": true|false, "lines": [{"patient_register_number": ...,
  "service_date": "YYYY-MM-DD", "diagnosis": ..., "item_code": ...,
  "quantity": n, "amount": n}]}`` → 201 ``{"id", "number", "state",
  "lines": [{"id", "reasons": [codes]}]}``; a bad line → 400 naming every
  bad line;
- ``GET /<db>/claims_portal/api/claims``: the provider's claims;
- ``GET /<db>/claims_portal/api/claims/<id>``: state, amounts, lines with
  reasons and decisions, history; another provider's claim → 404.

Amounts are strings with two decimals, dates ISO 8601."""
import json

from werkzeug.exceptions import Forbidden

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.web_portal.portal import rate_limit
from trytond.protocols.wrappers import (
    Response, user_application, with_pool, with_transaction)
from trytond.transaction import Transaction, without_check_access
from trytond.wsgi import app

from . import claim_file
from .portal import UPLOAD_WINDOW_SECONDS, UPLOADS_PER_WINDOW
from .provider import CLAIMS_APPLICATION

claims_application = user_application(CLAIMS_APPLICATION)


def _provider(pool):
    "The provider of the application key's user"
    User = pool.get('res.user')
    with without_check_access():
        provider = User(Transaction().user).claim_provider
    # A provider no longer active has no claims to send or read
    if not provider or not provider.active:
        raise Forbidden()
    return provider


def _amount(value):
    return None if value is None else f'{value:.2f}'


def _json(data, status=200):
    return Response(json.dumps(data, ensure_ascii=False), status=status,
        content_type='application/json')


def _not_found():
    return _json({'error': 'not found'}, status=404)


def _summary(claim):
    return {
        'id': claim.id,
        'number': claim.number,
        'reference': claim.reference,
        'state': claim.state,
        'channel': claim.channel,
        'amount_asked': _amount(claim.amount_asked),
        'amount_approved': _amount(claim.amount_approved),
        }


def _reasons(line):
    return [c for c in (line.reason_codes or '').split(', ') if c]


def _detail(claim):
    return {
        **_summary(claim),
        'amount_allowed': _amount(claim.amount_allowed),
        'payment_batch': claim.payment_batch.id
        if claim.payment_batch else None,
        'lines': [{
                'id': l.id,
                'line_number': l.line_number,
                'patient_register_number': l.patient_register_number,
                'service_date': l.service_date.isoformat(),
                'diagnosis': l.diagnosis,
                'item_code': l.item_code,
                'quantity': l.quantity,
                'amount': _amount(l.amount_asked),
                'amount_allowed': _amount(l.amount_allowed),
                'amount_approved': _amount(l.amount_approved),
                'reasons': _reasons(l),
                'decision': l.decision,
                'decision_reason': l.decision_reason.code
                if l.decision_reason else None,
                } for l in claim.lines],
        'history': [{
                'date': e.date.isoformat(),
                'from_state': e.from_state,
                'to_state': e.to_state,
                'by': e.who,
                'note': e.note,
                } for e in claim.events],
        }


@app.route('/<database_name>/claims_portal/api/claims', methods={'POST'})
@with_pool
@with_transaction()
@claims_application
def create_claim(request, pool):
    "A claim of the provider's lines, submitted at once if asked"
    Claim = pool.get('claim.claim')
    provider = _provider(pool)
    try:
        data = json.loads(request.get_data(as_text=True))
    except ValueError as exception:
        raise UserError(gettext('claims_portal.msg_api_json',
                error=str(exception)))
    if (not isinstance(data, dict)
            or not isinstance(data.get('lines'), list)
            or not all(isinstance(l, dict) for l in data['lines'])):
        raise UserError(gettext('claims_portal.msg_api_body'))
    submit = data.get('submit', False)
    if not isinstance(submit, bool):
        raise UserError(gettext('claims_portal.msg_api_body'))
    # As many claims an hour as a provider's uploads through the portal
    with without_check_access():
        rate_limit(request, 'claims_portal.upload', UPLOADS_PER_WINDOW,
            UPLOAD_WINDOW_SECONDS, key=f'res.user,{Transaction().user}')
        rows = claim_file.parse_rows(list(enumerate(data['lines'], 1)))
        if not rows:
            raise UserError(gettext('claims_portal.msg_api_body'))
        reference = data.get('reference')
        claim = Claim.create_with_rows(provider, rows, 'api',
            reference=str(reference) if reference else None)
        if submit:
            Claim.submit([claim])
        claim = Claim(claim.id)
        return _json({
                'id': claim.id,
                'number': claim.number,
                'state': claim.state,
                'lines': [{'id': l.id, 'reasons': _reasons(l)}
                    for l in claim.lines],
                }, status=201)


@app.route('/<database_name>/claims_portal/api/claims', methods={'GET'})
@with_pool
@with_transaction()
@claims_application
def list_claims(request, pool):
    Claim = pool.get('claim.claim')
    provider = _provider(pool)
    with without_check_access():
        return _json([_summary(c) for c in Claim.search(
                    [('provider', '=', provider.id)])])


@app.route('/<database_name>/claims_portal/api/claims/<claim_id>',
    methods={'GET'})
@with_pool
@with_transaction()
@claims_application
def get_claim(request, pool, claim_id):
    "The claim of the provider, or 404 for any other id"
    Claim = pool.get('claim.claim')
    provider = _provider(pool)
    with without_check_access():
        try:
            claim_id = int(claim_id)
        except ValueError:
            return _not_found()
        claims = Claim.search([
                ('id', '=', claim_id), ('provider', '=', provider.id)],
            limit=1) if claim_id > 0 else []
        if not claims:
            return _not_found()
        return _json(_detail(claims[0]))

