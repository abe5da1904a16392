# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.pool import Pool
from trytond.report import Report

from .statement_xlsx import statement_columns


class StatementPackageSpreadsheet(Report):
    "The package as an XLSX workbook in the reader's language"
    __name__ = 'account.ipsas.statement.package.xlsx'

    @classmethod
    def _execute(cls, records, header, data, action):
        package, = records
        return 'xlsx', package.workbook()


class StatementPackageReport(Report):
    "The package printed: one section per statement"
    __name__ = 'account.ipsas.statement.package'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Line = pool.get('account.ipsas.statement.line')
        context = super().get_context(records, header, data)
        definitions = Line.fields_get(
            ['statement', 'label', 'amount', 'comparative_amount',
                'eliminated_amount', 'budget_amount', 'variance'])
        context['headings'] = {
            k: v['string'] for k, v in definitions.items()}

        def sections(package):
            "Title, columns and each line with its figures, per statement"
            for statement, title in definitions['statement']['selection']:
                columns = statement_columns(package, statement)
                yield title, columns, [
                    (l, [getattr(l, c) for c in columns])
                    for l in package.lines if l.statement == statement]
        context['sections'] = sections
        return context


class StatementPackageEmail(Report):
    "The e-mail telling the finance staff a package is ready"
    __name__ = 'account.ipsas.statement.package.email'
