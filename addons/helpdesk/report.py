# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The service desk's reports: SLA compliance and resolution times per
category, team and month, the backlog of open tickets, and both as XLSX"""
import io

from sql import Literal, Null
from sql.aggregate import Avg, Count, Max, Min, Sum
from sql.conditionals import Case
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.sigo_base.spreadsheet import new_workbook
from trytond.pool import Pool
from trytond.report import Report

from .ticket import OPEN_STATES, now


class SLACompliance(ModelSQL, ModelView):
    "Tickets opened in a month, how many met their SLA targets"
    __name__ = 'helpdesk.report.sla'
    __string__ = "SLA Compliance"

    category = fields.Many2One('helpdesk.category', "Category")
    team = fields.Many2One('helpdesk.team', "Team")
    year = fields.Integer("Year")
    month = fields.Integer("Month")
    tickets = fields.Integer("Tickets")
    responded = fields.Integer("Responded")
    response_met = fields.Integer("First Response in Time")
    resolved = fields.Integer("Resolved")
    resolution_met = fields.Integer("Resolved in Time")
    response_compliance = fields.Function(
        fields.Float("First Response Compliance (%)", digits=(16, 1)),
        'get_compliance')
    resolution_compliance = fields.Function(
        fields.Float("Resolution Compliance (%)", digits=(16, 1)),
        'get_compliance')
    average_resolution_hours = fields.Float(
        "Average Resolution (Working Hours)", digits=(16, 2))
    longest_resolution_hours = fields.Float(
        "Longest Resolution (Working Hours)", digits=(16, 2))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'DESC'), ('month', 'DESC'),
            ('category', 'ASC'), ('team', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        ticket = Pool().get('helpdesk.ticket').__table__()
        year = Extract('YEAR', ticket.opened)
        month = Extract('MONTH', ticket.opened)
        resolved = ticket.resolved != Null

        def count(condition):
            return Sum(Case((condition, Literal(1)), else_=Literal(0)))
        return ticket.select(
            Max(ticket.id).as_('id'),
            ticket.category, ticket.team,
            year.as_('year'), month.as_('month'),
            Count(ticket.id).as_('tickets'),
            count(ticket.first_response != Null).as_('responded'),
            count((ticket.first_response != Null)
                & (ticket.first_response <= ticket.response_deadline)
                ).as_('response_met'),
            count(resolved).as_('resolved'),
            count(resolved
                & (ticket.resolved <= ticket.resolution_deadline)
                ).as_('resolution_met'),
            Avg(ticket.resolution_hours).as_('average_resolution_hours'),
            Max(ticket.resolution_hours).as_('longest_resolution_hours'),
            where=~ticket.state.in_(['cancelled', 'merged']),
            group_by=[ticket.category, ticket.team, year, month])

    @classmethod
    def get_compliance(cls, records, names):
        result = {n: {} for n in names}
        for record in records:
            for name, met, total in [
                    ('response_compliance', record.response_met,
                        record.responded),
                    ('resolution_compliance', record.resolution_met,
                        record.resolved)]:
                if name in names:
                    result[name][record.id] = (
                        round(100 * met / total, 1) if total else None)
        return result


class Backlog(ModelSQL, ModelView):
    "The open tickets per team, category and state"
    __name__ = 'helpdesk.report.backlog'
    __string__ = "Service Desk Backlog"

    team = fields.Many2One('helpdesk.team', "Team")
    category = fields.Many2One('helpdesk.category', "Category")
    state = fields.Selection('get_states', "State")
    tickets = fields.Integer("Tickets")
    breached = fields.Integer("Past Resolution Deadline")
    oldest = fields.Timestamp("Oldest Opened")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('team', 'ASC'), ('category', 'ASC'),
            ('state', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_states(cls):
        Ticket = Pool().get('helpdesk.ticket')
        return Ticket.fields_get(['state'])['state']['selection']

    @classmethod
    def table_query(cls):
        ticket = Pool().get('helpdesk.ticket').__table__()
        return ticket.select(
            Max(ticket.id).as_('id'),
            ticket.team, ticket.category, ticket.state,
            Count(ticket.id).as_('tickets'),
            Sum(Case((ticket.resolution_deadline <= now(), Literal(1)),
                    else_=Literal(0))).as_('breached'),
            Min(ticket.opened).as_('oldest'),
            where=ticket.state.in_(OPEN_STATES),
            group_by=[ticket.team, ticket.category, ticket.state])


class ReportSpreadsheet(Report):
    "SLA compliance, resolution times and the backlog as an XLSX workbook"
    __name__ = 'helpdesk.report.xlsx'

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Compliance = pool.get('helpdesk.report.sla')
        Backlog = pool.get('helpdesk.report.backlog')
        output = io.BytesIO()
        workbook = new_workbook(output)
        bold = workbook.add_format({'bold': True, 'bg_color': '#DDEBF7'})
        time_format = workbook.add_format({'num_format': 'yyyy-mm-dd hh:mm'})
        number = workbook.add_format({'num_format': '0.0'})

        columns = ['year', 'month', 'category', 'team', 'tickets',
            'responded', 'response_met', 'response_compliance', 'resolved',
            'resolution_met', 'resolution_compliance',
            'average_resolution_hours', 'longest_resolution_hours']
        strings = Compliance.fields_get(columns)
        sheet = workbook.add_worksheet(Compliance.__string__[:31])
        for column, name in enumerate(columns):
            sheet.write(0, column, strings[name]['string'], bold)
        for row, line in enumerate(records, 1):
            for column, name in enumerate(columns):
                value = getattr(line, name)
                if isinstance(value, ModelSQL):
                    sheet.write(row, column, value.rec_name)
                elif isinstance(value, float):
                    sheet.write_number(row, column, value, number)
                elif value is not None:
                    sheet.write(row, column, value)
        sheet.set_column(0, 1, 8)
        sheet.set_column(2, 3, 28)
        sheet.set_column(4, len(columns) - 1, 16)
        sheet.autofilter(0, 0, len(records), len(columns) - 1)

        columns = ['team', 'category', 'state', 'tickets', 'breached',
            'oldest']
        strings = Backlog.fields_get(columns)
        states = dict(Backlog.get_states())
        sheet = workbook.add_worksheet(Backlog.__string__[:31])
        for column, name in enumerate(columns):
            sheet.write(0, column, strings[name]['string'], bold)
        lines = Backlog.search([])
        for row, line in enumerate(lines, 1):
            sheet.write(row, 0, line.team.rec_name if line.team else '')
            sheet.write(row, 1,
                line.category.rec_name if line.category else '')
            sheet.write(row, 2, states[line.state])
            sheet.write(row, 3, line.tickets)
            sheet.write(row, 4, line.breached)
            sheet.write_datetime(row, 5, line.oldest, time_format)
        sheet.set_column(0, 1, 28)
        sheet.set_column(2, 5, 18)
        sheet.autofilter(0, 0, len(lines), len(columns) - 1)
        workbook.close()
        return 'xlsx', output.getvalue()
