# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The bank's list of contribution transfers (XLSX or CSV): every row
checked, nothing stored unless all are good, transfers already recorded
skipped, the others recorded and posted"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .declaration import RowError, parse_wage
from .declaration_import import read_table

COLUMNS = {
    'date': {'date', 'огноо'},
    'employer': {'employer', 'employer registration', 'ажил олгогч',
        'байгууллагын регистр'},
    'amount': {'amount', 'дүн'},
    'reference': {'reference', 'гүйлгээний дугаар', 'лавлах'},
    }


def parse_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or '').strip())
    except ValueError:
        return None


def check_payment_rows(rows):
    """The payments of the rows not yet recorded, the number already
    recorded, and every bad row with its reason"""
    pool = Pool()
    Employer = pool.get('insurance.employer')
    Payment = pool.get('insurance.payment')
    numbers = {str(v['employer'] or '').strip() for _, v in rows}
    # Searched with the officer's rights: another office's employer is
    # unknown to him
    employers = {e.registration_number: e for e in Employer.search([
                ('registration_number', 'in', list(numbers))])}
    errors, payments, recorded, seen = [], [], 0, {}
    for number, values in rows:
        registration = str(values['employer'] or '').strip()
        reference = str(values['reference'] or '').strip()
        date = parse_date(values['date'])
        amount = parse_wage(values['amount'])
        employer = employers.get(registration)
        reason = None
        if not employer:
            reason = gettext('sigo_insurance.msg_payment_row_employer')
        elif date is None:
            reason = gettext('sigo_insurance.msg_payment_row_date')
        elif amount is None or amount <= 0:
            reason = gettext('sigo_insurance.msg_payment_row_amount')
        elif not reference:
            reason = gettext('sigo_insurance.msg_payment_row_reference')
        elif (registration, reference) in seen:
            reason = gettext('sigo_insurance.msg_payment_row_duplicate',
                first=seen[registration, reference])
        if reason:
            errors.append(RowError(number, registration, reason))
            continue
        seen[registration, reference] = number
        existing = Payment.search([
                ('employer', '=', employer.id),
                ('reference', '=', reference),
                ])
        if existing:
            if existing[0].amount != amount or existing[0].date != date:
                errors.append(RowError(number, registration, gettext(
                            'sigo_insurance.msg_payment_row_recorded',
                            payment=existing[0].rec_name)))
            else:
                recorded += 1
            continue
        payments.append(Payment(
                employer=employer, date=date, amount=amount,
                reference=reference))
    return payments, recorded, errors


class ImportPaymentsStart(ModelView):
    "Upload Bank Payments"
    __name__ = 'insurance.payment.import.start'
    __string__ = "Upload Bank Payments"
    file = fields.Binary("File", required=True, filename='filename')
    filename = fields.Char("File Name")


class ImportPaymentsResult(ModelView):
    "Bank Payments Uploaded"
    __name__ = 'insurance.payment.import.result'
    __string__ = "Bank Payments Uploaded"
    summary = fields.Text("Result", readonly=True)


class ImportPayments(Wizard):
    "Upload Bank Payments"
    __name__ = 'insurance.payment.import'
    start = StateView(
        'insurance.payment.import.start',
        'sigo_insurance.payment_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Upload", 'load', 'tryton-ok', default=True),
            ])
    load = StateTransition()
    result = StateView(
        'insurance.payment.import.result',
        'sigo_insurance.payment_import_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_load(self):
        pool = Pool()
        Payment = pool.get('insurance.payment')
        filename = self.start.filename or ''
        rows = read_table(filename, bytes(self.start.file), COLUMNS,
            missing='sigo_insurance.msg_payment_file_columns')
        payments, recorded, errors = check_payment_rows(rows)
        if errors:
            self.result.summary = '\n'.join([
                    gettext('sigo_insurance.msg_payment_file_errors',
                        filename=filename, count=len(errors)), ''] + [
                    gettext('sigo_insurance.msg_declaration_row_error',
                        row=e.row, number=e.register_number or '',
                        reason=e.reason)
                    for e in errors])
            return 'result'
        payments.sort(key=lambda p: (p.date, p.employer.id))
        Payment.save(payments)
        Payment.post(payments)
        self.result.summary = gettext(
            'sigo_insurance.msg_payment_file_done', filename=filename,
            posted=len(payments), recorded=recorded)
        return 'result'

    def default_result(self, fields):
        return {'summary': self.result.summary}
