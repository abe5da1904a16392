# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The statement of account of an employer (XLSX and PDF), and the
insurance book of a citizen (XLSX)"""
from collections import defaultdict

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.sigo_base.printed_document import PrintedDocument
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import without_check_access

from .spreadsheet import Workbook


def _strings(model, names):
    "The field labels in the reader's language"
    definitions = Pool().get(model).fields_get(names)
    return [definitions[n]['string'] for n in names]


def statement_of_account(employer):
    """The employer's months (month, due date, assessed, penalty, paid,
    outstanding), oldest first, and its posted payments"""
    pool = Pool()
    Receivable = pool.get('insurance.receivable')
    Payment = pool.get('insurance.payment')
    months = defaultdict(lambda: [None, None, 0, 0, 0, 0])
    for receivable in Receivable.search([('employer', '=', employer.id)]):
        values = months[receivable.month]
        values[0], values[1] = receivable.month, receivable.due_date
        for i, name in enumerate(
                ['assessed', 'penalty', 'paid', 'outstanding'], 2):
            values[i] += getattr(receivable, name)
    payments = Payment.search([
            ('employer', '=', employer.id),
            ('state', '=', 'posted'),
            ], order=[('date', 'ASC'), ('id', 'ASC')])
    return [months[m] for m in sorted(months)], payments


class EmployerStatement(Report):
    "Employer Statement of Account"
    __name__ = 'insurance.employer.statement'

    @classmethod
    def _execute(cls, records, header, data, action):
        today = Pool().get('ir.date').today()
        workbook = Workbook()
        for employer in records:
            months, payments = statement_of_account(employer)
            sheet = workbook.sheet(employer.registration_number,
                employer.rec_name, gettext(
                    'sigo_insurance.msg_statement_at', date=today))
            names = ['month', 'due_date', 'assessed', 'penalty', 'paid',
                'outstanding']
            row = workbook.table(sheet, 3,
                _strings('insurance.receivable', names), months,
                ['month', 'date'] + ['money'] * 4, totals=range(2, 6))
            names = ['date', 'reference', 'amount', 'unallocated']
            workbook.table(sheet, row,
                _strings('insurance.payment', names),
                [[p.date, p.reference, p.amount, p.unallocated]
                    for p in payments],
                ['date', None, 'money', 'money'], totals=[2, 3])
        return 'xlsx', workbook.close()


class EmployerStatementPrint(PrintedDocument):
    """Employer Statement of Account as PDF (the HTML template, which Tryton
    turns into PDF with WeasyPrint)"""
    __name__ = 'insurance.employer.statement_print'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['today'] = Pool().get('ir.date').today()
        context['statements'] = {
            e.id: statement_of_account(e) for e in records}
        return context


class InsuranceBook(Report):
    "The citizen's insurance book: every month declared, per fund"
    __name__ = 'insurance.book'

    @classmethod
    def execute(cls, ids, data):
        # The book of the citizen the officer serves, not a bulk export of
        # every office's wages
        if len(ids) > 1:
            raise UserError(gettext('sigo_insurance.msg_insurance_book_one'))
        return super().execute(ids, data)

    @classmethod
    @without_check_access
    def _execute(cls, records, header, data, action):
        # Every employer's months, whatever the office that keeps them: the
        # officer was allowed to read the person before the book is made
        pool = Pool()
        Contribution = pool.get('insurance.contribution')
        Coverage = pool.get('insurance.coverage')
        Fund = pool.get('insurance.fund')
        funds = sorted(Fund.search([]), key=lambda f: f.sequence or 0)
        workbook = Workbook()
        for person in records:
            sheet = workbook.sheet(person.register_number or str(person.id),
                person.rec_name, gettext('sigo_insurance.msg_book_months',
                    months=len({c.month for c in Coverage.search([
                                    ('person', '=', person.id)])})))
            covered = {(c.month, c.fund.id) for c in Coverage.search([
                        ('person', '=', person.id)])}
            rows = {}
            for contribution in Contribution.search([
                        ('line.person', '=', person.id),
                        ('line.declaration.state', '=', 'confirmed'),
                        ], order=[('id', 'ASC')]):
                line = contribution.line
                declaration = line.declaration
                key = (declaration.period, declaration.employer.id)
                # The latest confirmed version of the month counts
                row = rows.get(key)
                if not row or row['version'] < declaration.version:
                    row = rows[key] = {
                        'version': declaration.version,
                        'values': [declaration.period,
                            declaration.employer.rec_name,
                            line.insurable_wage] + [None] * len(funds)}
                if row['version'] == declaration.version:
                    row['values'][3 + funds.index(contribution.fund)] = (
                        contribution.employee_amount
                        + contribution.employer_amount)
            lines = []
            for (month, _), row in sorted(rows.items()):
                paid = [f.code for f in funds if (month, f.id) in covered]
                lines.append(row['values'] + [', '.join(paid)])
            headings = _strings('insurance.coverage',
                ['month', 'employer', 'insurable_wage']) + [
                f.rec_name for f in funds] + [
                gettext('sigo_insurance.msg_book_covered')]
            workbook.table(sheet, 3, headings, lines,
                ['month', None] + ['money'] * (1 + len(funds)) + [None],
                totals=range(3, 3 + len(funds)))
        return 'xlsx', workbook.close()
