# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Periodic access reviews: per office, the manager certifies or revokes each
user's access; overdue campaigns are flagged; the report goes to XLSX"""
import datetime as dt
import io

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.sigo_base.spreadsheet import new_workbook
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.report import Report
from trytond.transaction import Transaction

REVIEW_DAYS = 30


class AccessReview(Workflow, ModelSQL, ModelView):
    "Access Review"
    __name__ = 'access.review'
    __string__ = "Access Review"
    office = fields.Many2One(
        'sigo.office', "Office", required=True,
        states={'readonly': Eval('state') != 'draft'})
    reviewer = fields.Many2One(
        'res.user', "Reviewer", required=True,
        states={'readonly': Eval('state') != 'draft'})
    date = fields.Date(
        "Date", required=True,
        states={'readonly': Eval('state') != 'draft'})
    due_date = fields.Date(
        "Due Date", required=True,
        domain=[('due_date', '>=', Eval('date', None))],
        states={'readonly': Eval('state') != 'draft'})
    lines = fields.One2Many(
        'access.review.line', 'review', "Users",
        states={'readonly': Eval('state') != 'open'})
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'done'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'done': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    def get_rec_name(self, name):
        return f'{self.office.rec_name} {self.date}'

    def get_overdue(self, name):
        pool = Pool()
        Date = pool.get('ir.date')
        return self.state != 'done' and self.due_date < Date.today()

    @classmethod
    def search_overdue(cls, name, clause):
        pool = Pool()
        Date = pool.get('ir.date')
        _, operator, value = clause
        overdue = [('state', '!=', 'done'), ('due_date', '<', Date.today())]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR', ('state', '=', 'done'),
            ('due_date', '>=', Date.today())]

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, reviews):
        "List the office's active users with their roles and last login"
        pool = Pool()
        User = pool.get('res.user')
        Line = pool.get('access.review.line')
        LoginEvent = pool.get('access.login')
        Request = pool.get('access.request')
        now = dt.datetime.now()
        lines = []
        for review in reviews:
            users = User.search([
                    ('offices', '=', review.office.id),
                    ('active', '=', True),
                    ])
            last_login = LoginEvent.last_success(users)
            # The latest provisioned request of each user, in one query
            granted = {}
            for request in Request.search([
                        ('user', 'in', [u.id for u in users]),
                        ('state', '=', 'provisioned'),
                        ], order=[('id', 'ASC')]):
                granted[request.user.id] = request.id
            for user in users:
                lines.append({
                        'review': review.id,
                        'user': user.id,
                        'roles': ', '.join(sorted(
                                r.role.rec_name for r in user.roles
                                if r.valid(now))),
                        'access_until': user.access_until,
                        'last_login': last_login.get(user.id),
                        'request': granted.get(user.id),
                        })
        Line.create(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, reviews):
        for review in reviews:
            if pending := [l for l in review.lines if not l.decision]:
                raise AccessError(gettext(
                        'user_access.msg_review_pending',
                        review=review.rec_name,
                        users=', '.join(l.user.rec_name for l in pending)))

    @classmethod
    def create_campaigns(cls, date=None):
        "Run by the scheduler: a review of every staffed office"
        pool = Pool()
        Date = pool.get('ir.date')
        Office = pool.get('sigo.office')
        if date is None:
            date = Date.today()
        offices = Office.search([
                ('manager', '!=', None),
                ('staff.active', '=', True),
                ])
        reviews = cls.create([{
                    'office': office.id,
                    'reviewer': office.manager.id,
                    'date': date,
                    'due_date': date + dt.timedelta(days=REVIEW_DAYS),
                    } for office in offices])
        cls.open(reviews)
        return reviews


class AccessReviewLine(ModelSQL, ModelView):
    "Access Review Line"
    __name__ = 'access.review.line'
    __string__ = "Reviewed Access"
    review = fields.Many2One(
        'access.review', "Review", required=True, ondelete='CASCADE',
        readonly=True)
    user = fields.Many2One(
        'res.user', "User", required=True, readonly=True,
        context={'active_test': False})
    roles = fields.Char("Roles", readonly=True)
    access_until = fields.Date("Access Until", readonly=True)
    last_login = fields.DateTime("Last Login", readonly=True)
    request = fields.Many2One(
        'access.request', "Approved Request", readonly=True)
    decision = fields.Selection([
            (None, ""),
            ('certified', "Certified"),
            ('revoked', "Revoked"),
            ], "Decision", readonly=True)
    decided_by = fields.Many2One('res.user', "Decided By", readonly=True)
    decided_at = fields.DateTime("Decided at", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('review')
        cls._buttons.update({
                'certify': {
                    'invisible': Bool(Eval('decision')),
                    'depends': ['decision'],
                    },
                'revoke': {
                    'invisible': Bool(Eval('decision')),
                    'depends': ['decision'],
                    },
                })

    @classmethod
    def _decide(cls, lines, decision):
        user_id = Transaction().user
        for line in lines:
            if line.review.state != 'open':
                raise AccessError(gettext(
                        'user_access.msg_review_not_open',
                        review=line.review.rec_name))
            if line.review.reviewer.id != user_id:
                raise AccessError(gettext(
                        'user_access.msg_review_not_reviewer',
                        review=line.review.rec_name,
                        reviewer=line.review.reviewer.rec_name))
        cls.write(lines, {
                'decision': decision,
                'decided_by': user_id,
                'decided_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    def certify(cls, lines):
        cls._decide(lines, 'certified')

    @classmethod
    @ModelView.button
    def revoke(cls, lines):
        pool = Pool()
        User = pool.get('res.user')
        cls._decide(lines, 'revoked')
        User.leave(list({l.user for l in lines}))


class AccessReviewSpreadsheet(Report):
    "The access review as an XLSX workbook"
    __name__ = 'access.review.xlsx'

    @classmethod
    def _execute(cls, records, header, data, action):
        pool = Pool()
        Line = pool.get('access.review.line')
        Review = pool.get('access.review')
        fields_ = Line.fields_get(
            ['user', 'roles', 'access_until', 'last_login', 'request',
                'decision', 'decided_by', 'decided_at'])
        decisions = dict(fields_['decision']['selection'])
        output = io.BytesIO()
        workbook = new_workbook(output)
        bold = workbook.add_format({'bold': True, 'bg_color': '#DDEBF7'})
        date_format = workbook.add_format({'num_format': 'yyyy-mm-dd'})
        time_format = workbook.add_format({'num_format': 'yyyy-mm-dd hh:mm'})
        review_fields = Review.fields_get(['office', 'reviewer', 'due_date'])
        for review in records:
            sheet = workbook.add_worksheet(
                f'{review.office.code} {review.date}'[:31])
            sheet.write(0, 0, review_fields['office']['string'], bold)
            sheet.write(0, 1, review.office.rec_name)
            sheet.write(1, 0, review_fields['reviewer']['string'], bold)
            sheet.write(1, 1, review.reviewer.rec_name)
            sheet.write(2, 0, review_fields['due_date']['string'], bold)
            sheet.write_datetime(2, 1, review.due_date, date_format)
            columns = ['user', 'roles', 'access_until', 'last_login',
                'request', 'decision', 'decided_by', 'decided_at']
            for column, name in enumerate(columns):
                sheet.write(4, column, fields_[name]['string'], bold)
            for row, line in enumerate(review.lines, 5):
                sheet.write(row, 0, line.user.rec_name)
                sheet.write(row, 1, line.roles or '')
                if line.access_until:
                    sheet.write_datetime(
                        row, 2, line.access_until, date_format)
                if line.last_login:
                    sheet.write_datetime(row, 3, line.last_login, time_format)
                sheet.write(row, 4, line.request.rec_name
                    if line.request else '')
                sheet.write(row, 5, decisions.get(line.decision, ''))
                sheet.write(row, 6, line.decided_by.rec_name
                    if line.decided_by else '')
                if line.decided_at:
                    sheet.write_datetime(row, 7, line.decided_at, time_format)
            sheet.set_column(0, 0, 28)
            sheet.set_column(1, 1, 40)
            sheet.set_column(2, 7, 18)
            sheet.autofilter(4, 0, 4 + len(review.lines), len(columns) - 1)
        workbook.close()
        return 'xlsx', output.getvalue()
