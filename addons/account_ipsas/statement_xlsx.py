# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""A statement package as an XLSX workbook: one sheet per statement, the
same lines and figures as on screen, labels in the reader's language"""
import io

from trytond.i18n import gettext
from trytond.modules.sigo_base.spreadsheet import new_workbook
from trytond.pool import Pool

BUDGET_COLUMNS = ['budget_amount', 'amount', 'variance']
COLUMNS = ['amount', 'comparative_amount']
CONSOLIDATED_COLUMNS = COLUMNS + ['eliminated_amount']
SHEET_NAME_FORBIDDEN = str.maketrans({c: ' ' for c in '[]:*?/\\'})


def statement_columns(package, statement):
    "The figures shown for a statement, in order"
    if statement == 'budget':
        return BUDGET_COLUMNS
    return CONSOLIDATED_COLUMNS if package.consolidated else COLUMNS


def write_workbook(package):
    pool = Pool()
    Line = pool.get('account.ipsas.statement.line')
    definitions = Line.fields_get(
        ['statement', 'label'] + CONSOLIDATED_COLUMNS + BUDGET_COLUMNS)
    output = io.BytesIO()
    workbook = new_workbook(output)
    title_format = workbook.add_format({'bold': True, 'font_size': 14})
    subtitle_format = workbook.add_format({'bold': True})
    header_format = workbook.add_format({
            'bold': True, 'bottom': 1, 'bg_color': '#DDE7F0',
            'text_wrap': True, 'align': 'center'})
    amount_format = workbook.add_format({'num_format': '#,##0.00'})
    total_amount_format = workbook.add_format({
            'num_format': '#,##0.00', 'bold': True, 'top': 1})
    label_formats = {}

    def label_format(level, total):
        key = (level, total)
        if key not in label_formats:
            label_formats[key] = workbook.add_format({
                    'indent': level, 'bold': total})
        return label_formats[key]

    scope = (package.entity.rec_name if package.entity
        else gettext('account_ipsas.msg_consolidated'))
    period = gettext('account_ipsas.msg_statement_period',
        from_date=package.from_date, to_date=package.to_date,
        cmp_from_date=package.comparative_from_date,
        cmp_to_date=package.comparative_to_date,
        version=package.version)
    for statement, title in definitions['statement']['selection']:
        lines = [l for l in package.lines if l.statement == statement]
        columns = statement_columns(package, statement)
        sheet = workbook.add_worksheet(
            title.translate(SHEET_NAME_FORBIDDEN)[:31])
        sheet.write(0, 0, scope, title_format)
        sheet.write(1, 0, title, subtitle_format)
        sheet.write(2, 0, period)
        sheet.write(4, 0, definitions['label']['string'], header_format)
        for column, name in enumerate(columns, 1):
            sheet.write(4, column, definitions[name]['string'], header_format)
        for row, line in enumerate(lines, 5):
            sheet.write(row, 0, line.label.lstrip('\u2003'),
                label_format(line.level, line.total))
            for column, name in enumerate(columns, 1):
                value = getattr(line, name)
                if value is not None:
                    sheet.write_number(row, column, float(value),
                        total_amount_format if line.total else amount_format)
        sheet.set_column(0, 0, 60)
        sheet.set_column(1, len(columns), 18)
        sheet.freeze_panes(5, 1)
    workbook.close()
    return output.getvalue()
