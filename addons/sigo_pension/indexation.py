# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The yearly indexation of pensions: a preview lists every award with its
amount before and after, and applying records exactly the previewed amounts
on each award's history"""
import datetime as dt
from decimal import Decimal

from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.sigo_insurance.declaration import AMOUNT
from trytond.modules.sigo_insurance.fund_books import insert_rows
from trytond.modules.sigo_insurance.rate import RATE_DIGITS, whole_tugriks
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Indexation(Workflow, ModelSQL, ModelView):
    "Pension Indexation"
    __name__ = 'pension.indexation'
    __string__ = "Pension Indexation"
    _states = {'readonly': Eval('state') != 'draft'}
    date = fields.Date(
        "Effective Date", required=True, states=_states,
        help="Awards started before this date are indexed from it.")
    percentage = fields.Numeric(
        "Percentage", digits=RATE_DIGITS, required=True, states=_states,
        domain=[('percentage', '>', -100)])
    lines = fields.One2Many(
        'pension.indexation.line', 'indexation', "Preview", readonly=True)
    previewed_by = fields.Many2One('res.user', "Previewed By", readonly=True)
    previewed_at = fields.DateTime("Previewed At", readonly=True)
    applied_by = fields.Many2One('res.user', "Applied By", readonly=True)
    applied_at = fields.DateTime("Applied At", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('previewed', "Previewed"),
            ('applied', "Applied"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'previewed'),
            ('previewed', 'draft'),
            ('previewed', 'applied'),
            }
        cls._buttons.update({
                'preview': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'previewed',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'apply': {
                    'invisible': Eval('state') != 'previewed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.date} {self.percentage}%'

    @classmethod
    def check_modification(cls, mode, indexations, values=None,
            external=False):
        super().check_modification(
            mode, indexations, values=values, external=external)
        if mode == 'delete':
            for indexation in indexations:
                if indexation.state == 'applied':
                    raise AccessError(gettext(
                            'sigo_pension.msg_indexation_delete',
                            indexation=indexation.rec_name))

    def current_amounts(self):
        """[(award id, amount in force the day before)] of the awards
        started before the date and not ended before it, read at once"""
        pool = Pool()
        Award = pool.get('pension.award')
        Amount = pool.get('pension.award.amount')
        award = Award.__table__()
        amount = Amount.__table__()
        before = self.date - dt.timedelta(days=1)
        current = amount.select(amount.amount,
            where=(amount.award == award.id)
            & (amount.effective_date <= before),
            order_by=[amount.effective_date.desc, amount.id.desc], limit=1)
        cursor = Transaction().connection.cursor()
        cursor.execute(*award.select(award.id, current,
                where=(award.start_date < self.date)
                & ((award.end_date == Null) | (award.end_date >= self.date)),
                order_by=[award.id]))
        return [(i, Decimal(str(a))) for i, a in cursor if a is not None]

    @classmethod
    def delete_lines(cls, indexations):
        Line = Pool().get('pension.indexation.line')
        line = Line.__table__()
        cursor = Transaction().connection.cursor()
        for indexation in indexations:
            cursor.execute(*line.delete(
                    where=line.indexation == indexation.id))

    @classmethod
    @ModelView.button
    @Workflow.transition('previewed')
    def preview(cls, indexations):
        "List every award's amount before and after"
        Line = Pool().get('pension.indexation.line')
        cls.delete_lines(indexations)
        for indexation in indexations:
            factor = 1 + indexation.percentage / 100
            insert_rows(Line, ['indexation', 'award', 'old_amount',
                    'new_amount'], [
                    [indexation.id, award, old, whole_tugriks(old * factor)]
                    for award, old in indexation.current_amounts()])
        cls.write(indexations, {
                'previewed_by': Transaction().user,
                'previewed_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, indexations):
        cls.delete_lines(indexations)
        cls.write(indexations, {'previewed_by': None, 'previewed_at': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('applied')
    def apply(cls, indexations):
        """Record the previewed amounts from the date; refused if an award
        changed since the preview, which must then be made again"""
        pool = Pool()
        Amount = pool.get('pension.award.amount')
        Line = pool.get('pension.indexation.line')
        Award = pool.get('pension.award')
        for indexation in indexations:
            now = dict(indexation.current_amounts())
            previewed = {}
            for line in Line.search([('indexation', '=', indexation.id)]):
                previewed[line.award.id] = line
            for award_id in set(now) ^ set(previewed):
                raise ValidationError(gettext(
                        'sigo_pension.msg_indexation_stale',
                        indexation=indexation.rec_name,
                        award=Award(award_id).rec_name))
            for award_id, line in previewed.items():
                if line.old_amount != now[award_id]:
                    raise ValidationError(gettext(
                            'sigo_pension.msg_indexation_stale',
                            indexation=indexation.rec_name,
                            award=line.award.rec_name))
            insert_rows(Amount, ['award', 'effective_date', 'amount',
                    'reason', 'indexation'], [
                    [a, indexation.date, l.new_amount, 'indexation',
                        indexation.id]
                    for a, l in sorted(previewed.items())])
        cls.write(indexations, {
                'applied_by': Transaction().user,
                'applied_at': dt.datetime.now(),
                })


class IndexationLine(ModelSQL, ModelView):
    "Pension Indexation Line"
    __name__ = 'pension.indexation.line'
    __string__ = "Pension Indexation Line"
    indexation = fields.Many2One(
        'pension.indexation', "Indexation", required=True,
        ondelete='CASCADE')
    award = fields.Many2One(
        'pension.award', "Award", required=True, ondelete='CASCADE')
    old_amount = fields.Numeric("Before", digits=AMOUNT, required=True)
    new_amount = fields.Numeric("After", digits=AMOUNT, required=True)
    difference = fields.Function(
        fields.Numeric("Difference", digits=AMOUNT), 'get_difference')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('indexation')
        cls._order = [('award', 'ASC'), ('id', 'ASC')]

    def get_difference(self, name):
        return self.new_amount - self.old_amount
