# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The claim file providers upload (XLSX or CSV) and the rows the portal form
and the JSON API send: read, parse every row and report every bad one at
once; and the template providers fill in"""
import csv
import datetime as dt
import io
import re
import zipfile
from collections import namedtuple
from decimal import Decimal, InvalidOperation

import openpyxl

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.modules.sigo_base.register_number import (
    InvalidRegisterNumber, normalize, parse)
from trytond.modules.sigo_base.spreadsheet import new_workbook

# The columns of the file, in the template's order
COLUMNS = ['patient_register_number', 'service_date', 'diagnosis',
    'item_code', 'quantity', 'amount']
# ICD-10: a letter, two digits, optionally a dot and up to four more
ICD10 = re.compile(r'^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$')
# Codes of the tariff and the medicines list
ITEM_CODE = re.compile(r'^[A-Z0-9][A-Z0-9.\-]{0,19}$')
MAX_AMOUNT = Decimal('1e12')
# What a workbook may unpack to and the rows a file may hold: a small XLSX
# can declare millions of cells
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100000

ClaimRow = namedtuple('ClaimRow', ['number', 'patient_register_number',
        'service_date', 'diagnosis', 'item_code', 'quantity', 'amount'])


def _text(value):
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(filename, data):
    "The rows of a claim file as (row number, {column: value})"
    return read_table_columns(filename, data, COLUMNS)


def read_table_columns(filename, data, columns, required=None):
    """The rows of an XLSX (first sheet) or CSV (UTF-8 or CP1251) file as
    (row number, {column: value}); the first row names the columns, each
    one of columns, every one of required (default: all) present"""
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise UserError(gettext('claims_portal.msg_file_too_many_rows',
                    filename=filename, rows=MAX_ROWS))
        try:
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise UserError(gettext(
                    'claims_portal.msg_file_unreadable', filename=filename))
        sheet = workbook.worksheets[0]
        # The sheet's declared size is not trusted: rows are read as stored
        sheet.reset_dimensions()
        table = []
        for values in sheet.iter_rows(values_only=True):
            if len(table) > MAX_ROWS:
                break
            table.append(list(values))
        workbook.close()
    else:
        for encoding in ['utf-8-sig', 'cp1251']:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(gettext(
                    'claims_portal.msg_file_encoding', filename=filename))
        if '\0' in text:
            raise UserError(gettext(
                    'claims_portal.msg_file_unreadable', filename=filename))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=',;\t')
        except csv.Error:
            dialect = csv.excel
        table = list(csv.reader(io.StringIO(text), dialect))
    while table and not any(_text(v) for v in table[0]):
        table.pop(0)
    if not table:
        raise UserError(gettext(
                'claims_portal.msg_file_empty', filename=filename))
    if len(table) > MAX_ROWS:
        raise UserError(gettext('claims_portal.msg_file_too_many_rows',
                filename=filename, rows=MAX_ROWS))
    headings = [_text(h).lower() for h in table[0]]
    while headings and not headings[-1]:
        headings.pop()
    unknown = [h or '""' for h in headings if h not in columns]
    missing = [c for c in (columns if required is None else required)
        if c not in headings]
    if unknown or missing or len(set(headings)) != len(headings):
        raise UserError(gettext('claims_portal.msg_file_columns',
                filename=filename, unknown=', '.join(unknown) or '-',
                missing=', '.join(missing) or '-',
                columns=', '.join(columns)))
    rows = []
    for number, values in enumerate(table[1:], 2):
        if not any(_text(v) for v in values):
            continue
        values = list(values) + [None] * len(headings)
        rows.append((number, dict(zip(headings, values))))
    return rows


def parse_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value))


def parse_quantity(value):
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = value
    else:
        number = float(_text(value).replace(' ', '').replace(',', '.'))
    if not float(number).is_integer() or not 0 < number < 1e6:
        raise ValueError(value)
    return int(number)


def parse_amount(value):
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        if isinstance(value, float):
            # A spreadsheet's binary fractions (0.1 + 0.2 is
            # 0.30000000000000004) are not typed decimals
            amount = Decimal(repr(round(value, 6)))
        elif isinstance(value, (int, Decimal)):
            amount = Decimal(value)
        else:
            text = _text(value).replace(' ', '').replace('\u00a0', '')
            amount = Decimal(text.replace(',', '.') if text.count(',') == 1
                and '.' not in text else text.replace(',', ''))
    except InvalidOperation:
        raise ValueError(value)
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise ValueError(value)
    # Tugriks and möngö: a third decimal is a typing error, not rounded away
    if amount != amount.quantize(Decimal('0.01')):
        raise ValueError(value)
    return amount.quantize(Decimal('0.01'))


def parse_rows(rows):
    """ClaimRow of each (number, {column: value}), or a UserError
    listing every bad row with its reason"""
    parsed, errors = [], []
    for number, values in rows:
        problems = []
        register_number = normalize(_text(
                values.get('patient_register_number')))
        try:
            parse(register_number)
        except InvalidRegisterNumber:
            problems.append(gettext('claims_portal.msg_row_register_number',
                    value=register_number or '""'))
        try:
            service_date = parse_date(values.get('service_date'))
        except (TypeError, ValueError):
            service_date = None
            problems.append(gettext('claims_portal.msg_row_date',
                    value=_text(values.get('service_date')) or '""'))
        diagnosis = _text(values.get('diagnosis')).upper()
        if diagnosis and not ICD10.match(diagnosis):
            problems.append(gettext('claims_portal.msg_row_diagnosis',
                    value=diagnosis))
        item_code = _text(values.get('item_code')).upper()
        if not item_code:
            problems.append(gettext('claims_portal.msg_row_item_code'))
        elif not ITEM_CODE.match(item_code):
            problems.append(gettext('claims_portal.msg_row_item_code_invalid',
                    value=item_code))
        try:
            quantity = parse_quantity(values.get('quantity'))
        except (TypeError, ValueError):
            quantity = None
            problems.append(gettext('claims_portal.msg_row_quantity',
                    value=_text(values.get('quantity')) or '""'))
        try:
            amount = parse_amount(values.get('amount'))
        except (TypeError, ValueError):
            amount = None
            problems.append(gettext('claims_portal.msg_row_amount',
                    value=_text(values.get('amount')) or '""'))
        if problems:
            errors.append(gettext('claims_portal.msg_row_error',
                    row=number, problems='; '.join(problems)))
        else:
            parsed.append(ClaimRow(number, register_number, service_date,
                    diagnosis or None, item_code, quantity, amount))
    if errors:
        raise UserError(
            gettext('claims_portal.msg_rows_invalid', count=len(errors)),
            '\n'.join(errors))
    return parsed


def template(format):
    "The empty claim file, with its header row and one example row"
    example = ['АР85062304', '2026-01-15', 'J18.9', 'S001', 1, 45000]
    if format == 'csv':
        output = io.StringIO()
        writer = csv.writer(output, lineterminator='\r\n')
        writer.writerow(COLUMNS)
        writer.writerow(example)
        return output.getvalue().encode('utf-8')
    output = io.BytesIO()
    workbook = new_workbook(output)
    bold = workbook.add_format({'bold': True, 'bg_color': '#DDEBF7'})
    text = workbook.add_format({'num_format': '@'})
    money = workbook.add_format({'num_format': '#,##0.00'})
    sheet = workbook.add_worksheet('claim')
    for column, heading in enumerate(COLUMNS):
        sheet.write_string(0, column, heading, bold)
    for column, value in enumerate(example):
        if isinstance(value, str):
            sheet.write_string(1, column, value, text)
        else:
            sheet.write_number(1, column, value)
    sheet.set_column(0, 3, 22, text)
    sheet.set_column(4, 4, 10)
    sheet.set_column(5, 5, 16, money)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()
