# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from sql import Literal
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool


class SystemMonth(ModelSQL, ModelView):
    "How many changes each system had in a month, by type and outcome"
    __name__ = 'change.report.system_month'
    __string__ = "Changes per System and Month"

    system = fields.Many2One('change.system', "System")
    year = fields.Integer("Year")
    month = fields.Integer("Month")
    total = fields.Integer("Changes")
    standard = fields.Integer("Standard")
    normal = fields.Integer("Normal")
    emergency = fields.Integer("Emergency")
    implemented = fields.Integer("Implemented")
    failed = fields.Integer(
        "Failed", help="Failed in implementation or reviewed as failed or "
        "rolled back.")
    rejected = fields.Integer("Rejected")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('year', 'DESC'), ('month', 'DESC'), ('system', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        request = Pool().get('change.request').__table__()
        year = Extract('YEAR', request.request_date)
        month = Extract('MONTH', request.request_date)

        def count(condition):
            return Sum(Case((condition, Literal(1)), else_=Literal(0)))
        failed = ((request.state == 'failed')
            | request.review_result.in_(['failed', 'rolled_back']))
        return request.select(
            Max(request.id).as_('id'),
            request.system,
            year.as_('year'),
            month.as_('month'),
            Count(request.id).as_('total'),
            count(request.type == 'standard').as_('standard'),
            count(request.type == 'normal').as_('normal'),
            count(request.type == 'emergency').as_('emergency'),
            count(request.state.in_(['implemented', 'closed'])
                & ~failed).as_('implemented'),
            count(failed).as_('failed'),
            count(request.state == 'rejected').as_('rejected'),
            group_by=[request.system, year, month])
