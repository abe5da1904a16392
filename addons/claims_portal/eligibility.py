# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Who is insured for health care, when: the list imported from the health
insurance register (the state insures children, pensioners and others
whose contributions no employer declares); where sigo_insurance is
activated, its paid coverage months count as well"""
from collections import defaultdict

from sql.operators import In

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.sigo_base.register_number import (
    InvalidRegisterNumber, normalize, parse)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .claim_file import parse_date, read_table_columns


class Eligibility(ModelSQL, ModelView):
    "Health Insurance Eligibility"
    __name__ = 'claim.eligibility'
    __string__ = "Health Insurance Eligibility"
    _rec_name = 'register_number'
    register_number = fields.Char("Register Number", required=True)
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date("End Date",
        domain=['OR', ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None))],
        help="Empty while the person is insured.")
    source = fields.Char("Source", readonly=True,
        help="The file the period was imported from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('period_unique', Unique(t, t.register_number, t.start_date),
                'claims_portal.msg_eligibility_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.register_number, Index.Equality())))
        cls._order = [('register_number', 'ASC'), ('start_date', 'DESC'),
            ('id', 'DESC')]

    @classmethod
    def insured(cls, pairs):
        """The (register number, date) pairs whose person is insured on the
        date, found in a query per thousand register numbers"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        periods = defaultdict(list)
        numbers = sorted({n for n, _ in pairs})
        for sub in grouped_slice(numbers, 1000):
            cursor.execute(*table.select(
                    table.register_number, table.start_date, table.end_date,
                    where=In(table.register_number, list(sub))))
            for number, start, end in cursor:
                periods[number].append((start, end))
        return {(n, d) for n, d in pairs
            if any(s <= d and (not e or d <= e) for s, e in periods[n])}

    @classmethod
    def import_rows(cls, filename, data):
        """Store the file's periods (register_number, start_date, end_date):
        every bad row refused at once, a period already known updated"""
        rows = read_table_columns(filename, data,
            ['register_number', 'start_date', 'end_date'],
            required=['register_number', 'start_date'])
        periods, errors = {}, []
        for number, values in rows:
            register_number = normalize(str(values['register_number'] or ''))
            problems = []
            try:
                parse(register_number)
            except InvalidRegisterNumber:
                problems.append(gettext(
                        'claims_portal.msg_row_register_number',
                        value=register_number or '""'))
            dates = []
            for column in ['start_date', 'end_date']:
                value = values.get(column)
                if column == 'end_date' and value in (None, ''):
                    dates.append(None)
                    continue
                try:
                    dates.append(parse_date(value))
                except (TypeError, ValueError):
                    problems.append(gettext('claims_portal.msg_row_date',
                            value=str(value or '""')))
            if not problems and dates[1] and dates[1] < dates[0]:
                problems.append(gettext('claims_portal.msg_row_period'))
            if problems:
                errors.append(gettext('claims_portal.msg_row_error',
                        row=number, problems='; '.join(problems)))
            else:
                periods[register_number, dates[0]] = dates[1]
        if errors:
            raise UserError(
                gettext('claims_portal.msg_rows_invalid', count=len(errors)),
                '\n'.join(errors))
        known = {}
        for sub in grouped_slice(sorted({n for n, _ in periods}), 1000):
            for record in cls.search([('register_number', 'in', list(sub))]):
                known[record.register_number, record.start_date] = record
        to_save = []
        for key, end_date in periods.items():
            record = known.get(key) or cls(
                register_number=key[0], start_date=key[1])
            if record.id is None or record.end_date != end_date:
                record.end_date = end_date
                record.source = filename
                to_save.append(record)
        cls.save(to_save)
        return len(periods)


class EligibilityImportStart(ModelView):
    "Import the Eligibility List"
    __name__ = 'claim.eligibility.import.start'
    __string__ = "Import the Eligibility List"
    file = fields.Binary("File", required=True, filename='filename',
        help="XLSX or CSV with the columns register_number, start_date "
        "(YYYY-MM-DD) and end_date (empty while insured).")
    filename = fields.Char("File Name")


class EligibilityImport(Wizard):
    "Import the Eligibility List"
    __name__ = 'claim.eligibility.import'
    start = StateView('claim.eligibility.import.start',
        'claims_portal.eligibility_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()

    def transition_import_(self):
        Eligibility = Pool().get('claim.eligibility')
        Eligibility.import_rows(
            self.start.filename or '', bytes(self.start.file))
        return 'end'
