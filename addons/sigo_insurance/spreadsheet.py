# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Tables of figures in an XLSX sheet, as the employer statement and the
insurance book print them, and the transfer files banks import"""
import csv
import io

from trytond.modules.sigo_base.spreadsheet import new_workbook


class Workbook:
    "An in-memory workbook with the formats every table uses"

    def __init__(self):
        self.output = io.BytesIO()
        self.book = new_workbook(self.output)
        self.title = self.book.add_format({'bold': True, 'font_size': 14})
        self.heading = self.book.add_format({
                'bold': True, 'bottom': 1, 'bg_color': '#DDE7F0',
                'text_wrap': True})
        self.money = self.book.add_format({'num_format': '#,##0.00'})
        self.total = self.book.add_format({
                'num_format': '#,##0.00', 'bold': True, 'top': 1})
        self.date = self.book.add_format({'num_format': 'yyyy-mm-dd'})
        self.month = self.book.add_format({'num_format': 'yyyy-mm'})

    def sheet(self, name, title, subtitle=''):
        sheet = self.book.add_worksheet(name[:31])
        sheet.write(0, 0, title, self.title)
        sheet.write(1, 0, subtitle)
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 12, 18)
        return sheet

    def table(self, sheet, row, headings, rows, formats, totals=()):
        """Write headings and rows from row on, each value with its format
        ('money', 'date', 'month' or None); sum the columns in totals; return
        the next free row"""
        for column, heading in enumerate(headings):
            sheet.write(row, column, heading, self.heading)
        for row, values in enumerate(rows, row + 1):
            for column, (value, kind) in enumerate(zip(values, formats)):
                if value is None:
                    continue
                if kind == 'money':
                    sheet.write_number(row, column, float(value), self.money)
                elif kind in {'date', 'month'}:
                    sheet.write_datetime(
                        row, column, value, getattr(self, kind))
                else:
                    sheet.write(row, column, value)
        if totals and rows:
            row += 1
            for column in totals:
                sheet.write_number(row, column, float(sum(
                            r[column] or 0 for r in rows)), self.total)
        return row + 2

    def close(self):
        self.book.close()
        return self.output.getvalue()


def bank_transfer_file(headings, rows, bank, title, format):
    """The file a bank imports to pay: rows of (register number, name,
    account number, amount) under the headings, as CSV or XLSX"""
    if format == 'csv':
        output = io.StringIO()
        writer = csv.writer(output, lineterminator='\r\n')
        writer.writerow(headings)
        for register_number, name, account, amount in rows:
            writer.writerow(
                [register_number, name, account, f'{amount:.2f}'])
        return output.getvalue().encode('utf-8')
    workbook = Workbook()
    sheet = workbook.sheet(bank[:31], bank, title)
    workbook.table(sheet, 3, headings, [list(r) for r in rows],
        [None, None, None, 'money'], totals=[3])
    return workbook.close()
