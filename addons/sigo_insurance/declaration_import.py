# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Declarations uploaded as XLSX or CSV: read, check every row, store only a
clean file; and the template employers fill in"""
import csv
import io
import zipfile

import openpyxl

from trytond.exceptions import UserWarning
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base.spreadsheet import new_workbook
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .declaration import DeclarationError, DeclaredRow, month_bounds, parse_wage

# Accepted headings of the two columns, in English and Mongolian
COLUMNS = {
    'register_number': {'register_number', 'register number',
        'регистрийн дугаар', 'регистр'},
    'wage': {'wage', 'salary', 'цалин', 'цалин хөлс'},
    }
TEMPLATE_HEADINGS = ['Регистрийн дугаар / Register number',
    'Цалин / Wage', 'Нэр / Name']


class DeclarationFileError(ValidationError):
    pass


def _heading(value):
    text = str(value or '').strip().lower()
    # "Регистрийн дугаар / Register number" as in the template
    return {part.strip() for part in text.split('/')}


def read_table(filename, data, columns,
        missing='sigo_insurance.msg_file_columns'):
    """The rows of an XLSX or CSV file as {column: value} for the columns
    named (each a set of accepted headings), numbered as the file shows;
    missing is the message when a column is not found"""
    if zipfile.is_zipfile(io.BytesIO(data)):
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True)
        table = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    else:
        try:
            text = data.decode('utf-8-sig')
        except UnicodeDecodeError:
            raise DeclarationFileError(gettext(
                    'sigo_insurance.msg_file_encoding', filename=filename))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=',;\t')
        except csv.Error:
            # One column, or too little text to tell: read it with commas,
            # and a missing column is then named as such
            dialect = csv.excel
        table = list(csv.reader(io.StringIO(text), dialect))
    if not table:
        raise DeclarationFileError(gettext(
                'sigo_insurance.msg_file_empty', filename=filename))
    headings = [_heading(h) for h in table[0]]
    positions = {}
    for column, names in columns.items():
        for index, heading in enumerate(headings):
            if heading & names:
                positions[column] = index
                break
    if set(positions) != set(columns):
        raise DeclarationFileError(gettext(
                missing, filename=filename,
                columns=', '.join(str(h) for h in table[0] if h)))
    rows = []
    for number, values in enumerate(table[1:], 2):
        if not any(v not in (None, '') for v in values):
            continue
        values = list(values) + [None] * len(table[0])
        rows.append((number, {c: values[i] for c, i in positions.items()}))
    return rows


def read_rows(filename, data):
    "The declared rows of an XLSX or CSV file, numbered as the file shows"
    return [DeclaredRow(
            number,
            str(values['register_number']).strip()
            if values['register_number'] is not None else '',
            parse_wage(values['wage']))
        for number, values in read_table(filename, data, COLUMNS)]


class ImportStart(ModelView):
    "Upload a Declaration"
    __name__ = 'insurance.declaration.import.start'
    __string__ = "Upload a Declaration"
    employer = fields.Many2One('insurance.employer', "Employer", required=True)
    period = fields.Date("Month", required=True)
    file = fields.Binary("File", required=True, filename='filename')
    filename = fields.Char("File Name")


class ImportErrors(ModelView):
    "Rows to Correct"
    __name__ = 'insurance.declaration.import.errors'
    __string__ = "Rows to Correct"
    errors = fields.Text("Rows to Correct", readonly=True)


class Import(Wizard):
    "Upload a Declaration"
    __name__ = 'insurance.declaration.import'
    start = StateView(
        'insurance.declaration.import.start',
        'sigo_insurance.declaration_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Upload", 'load', 'tryton-ok', default=True),
            ])
    load = StateTransition()
    errors = StateView(
        'insurance.declaration.import.errors',
        'sigo_insurance.declaration_import_errors_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])
    open_ = StateAction('sigo_insurance.act_declaration')

    def default_start(self, fields):
        context = Transaction().context
        if context.get('active_model') == 'insurance.employer':
            return {'employer': context.get('active_id')}
        return {}

    def transition_load(self):
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Warning = pool.get('res.user.warning')
        filename = self.start.filename or ''
        try:
            rows = read_rows(filename, bytes(self.start.file))
            self.declaration, created = Declaration.create_from_rows(
                self.start.employer, self.start.period, rows)
        except DeclarationError as error:
            self.errors.errors = '\n'.join(
                [error.message, ''] + error.description.split('\n'))
            return 'errors'
        if not created:
            # The officer is told that nothing new was stored before the
            # declaration received earlier opens
            key = Warning.format('declaration_received', [self.declaration])
            if Warning.check(key):
                raise UserWarning(key, gettext(
                        'sigo_insurance.msg_declaration_already_received',
                        declaration=self.declaration.rec_name,
                        date=self.declaration.create_date.date(),
                        version=self.declaration.version))
        return 'open_'

    def default_errors(self, fields):
        return {'errors': self.errors.errors}

    def do_open_(self, action):
        action['res_id'] = [self.declaration.id]
        action['views'].reverse()
        return action, {}


class DeclarationTemplate(Report):
    "The XLSX template an employer fills in, with its employees listed"
    __name__ = 'insurance.declaration.template'

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Date = pool.get('ir.date')
        Employment = pool.get('insurance.employment')
        start, end = month_bounds(Date.today())
        output = io.BytesIO()
        workbook = new_workbook(output)
        bold = workbook.add_format({'bold': True, 'bg_color': '#DDEBF7'})
        text = workbook.add_format({'num_format': '@'})
        money = workbook.add_format({'num_format': '#,##0'})
        for employer in records:
            sheet = workbook.add_worksheet(employer.registration_number)
            for column, heading in enumerate(TEMPLATE_HEADINGS):
                sheet.write(0, column, heading, bold)
            employments = Employment.in_month(employer, start, end).values()
            for row, employment in enumerate(
                    sorted(employments, key=lambda e: e.person.name), 1):
                sheet.write_string(
                    row, 0, employment.person.register_number, text)
                sheet.write_blank(row, 1, None, money)
                sheet.write_string(row, 2, employment.person.name)
            sheet.set_column(0, 0, 24, text)
            sheet.set_column(1, 1, 16, money)
            sheet.set_column(2, 2, 36)
            sheet.freeze_panes(1, 0)
        workbook.close()
        return 'xlsx', output.getvalue()
