# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The pensioner's statement: the award, its amount history and every
payment, as XLSX and as PDF"""
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report

from trytond.modules.sigo_base.printed_document import PrintedDocument
from trytond.modules.sigo_insurance.employer_statement import _strings
from trytond.modules.sigo_insurance.spreadsheet import Workbook


def _selection(model, name, value):
    return _selections(model, name).get(value, value)


def _selections(model, name):
    "The translated labels of a selection field"
    definition = Pool().get(model).fields_get([name])[name]
    return dict(definition['selection'])


def _payments(award):
    "The award's payroll lines, but those of cancelled payrolls"
    Line = Pool().get('pension.payroll.line')
    return Line.search([
            ('award', '=', award.id),
            ('payroll.state', '!=', 'cancelled'),
            ], order=[('month', 'ASC'), ('id', 'ASC')])


class PensionerStatement(Report):
    "Pensioner Statement"
    __name__ = 'pension.award.statement'

    @classmethod
    def _execute(cls, records, header, data, action):
        Date = Pool().get('ir.date')
        workbook = Workbook()
        for award in records:
            person = award.person
            sheet = workbook.sheet(person.register_number or str(award.id),
                award.rec_name, gettext('sigo_pension.msg_statement_at',
                    date=Date.today(), office=award.office.rec_name))
            names = ['start_date', 'end_date', 'state',
                'life_certificate_due']
            row = workbook.table(sheet, 3,
                _strings('pension.award', names),
                [[award.start_date, award.end_date,
                        _selection('pension.award', 'state', award.state),
                        award.life_certificate_due]],
                ['date', 'date', None, 'date'])
            names = ['effective_date', 'amount', 'reason', 'note']
            row = workbook.table(sheet, row,
                _strings('pension.award.amount', names),
                [[a.effective_date, a.amount, _selection(
                            'pension.award.amount', 'reason', a.reason),
                        a.note]
                    for a in sorted(award.amounts,
                        key=lambda a: (a.effective_date, a.id))],
                ['date', 'money', None, None])
            lines = _payments(award)
            names = ['month', 'kind', 'amount']
            workbook.table(sheet, row,
                _strings('pension.payroll.line', names)
                + [gettext('sigo_pension.msg_statement_payroll')],
                [[l.month, _selection(
                            'pension.payroll.line', 'kind', l.kind),
                        l.amount, l.payroll.rec_name] for l in lines],
                ['month', None, 'money', None], totals=[2])
        return 'xlsx', workbook.close()


class PensionerStatementPrint(PrintedDocument):
    """Pensioner Statement as PDF (the HTML template, which Tryton turns into
    PDF with WeasyPrint)"""
    __name__ = 'pension.award.statement_print'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['today'] = Pool().get('ir.date').today()
        context['payments'] = {a.id: _payments(a) for a in records}
        context['reasons'] = _selections('pension.award.amount', 'reason')
        context['kinds'] = _selections('pension.payroll.line', 'kind')
        return context
