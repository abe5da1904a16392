# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Access requests: who needs which roles in which offices, why and until
when; the supervisor and each role's data owner approve, then IT provisions"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.sigo_base.model import RecNameSearchMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction


class AccessRequest(RecNameSearchMixin, Workflow, ModelSQL, ModelView):
    "Access Request"
    __name__ = 'access.request'
    _rec_name_search = ['name', 'login']
    __string__ = "Access Request"
    _states = {
        'readonly': Eval('state') != 'draft',
        }

    login = fields.Char(
        "Login", required=True, states=_states,
        help="The account to create, or the existing account to extend.")
    name = fields.Char("Name", required=True, states=_states)
    email = fields.Char("E-Mail", states=_states)
    user = fields.Many2One(
        'res.user', "User", readonly=True,
        context={'active_test': False})
    offices = fields.Many2Many(
        'access.request-sigo.office', 'request', 'office', "Offices",
        required=True, states=_states)
    roles = fields.One2Many(
        'access.request.role', 'request', "Roles", required=True,
        states=_states)
    reason = fields.Text("Reason", required=True, states=_states)
    from_date = fields.Date(
        "From Date", required=True, states=_states,
        domain=[('from_date', '<=', Eval('to_date', None))])
    to_date = fields.Date(
        "Until", required=True, states=_states,
        help="The end of the assignment: access ends that day.")
    requested_by = fields.Many2One(
        'res.user', "Requested By", readonly=True)
    supervisor = fields.Many2One(
        'res.user', "Supervisor", required=True, states=_states,
        help="Approves the request for the person's work.")
    supervisor_approved_by = fields.Many2One(
        'res.user', "Approved by Supervisor", readonly=True)
    supervisor_approved_at = fields.DateTime(
        "Approved by Supervisor at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('approved', "Approved"),
            ('provisioned', "Provisioned"),
            ('refused', "Refused"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'approved'),
            ('submitted', 'refused'),
            ('approved', 'provisioned'),
            ('draft', 'cancelled'),
            ('submitted', 'cancelled'),
            ('refused', 'draft'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': ~Eval('state').in_(['refused', 'cancelled']),
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': ((Eval('state') != 'submitted')
                        | Bool(Eval('supervisor_approved_by'))),
                    'depends': ['state', 'supervisor_approved_by'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'submitted']),
                    'depends': ['state'],
                    },
                'provision': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    @classmethod
    def default_requested_by(cls):
        return Transaction().user

    @classmethod
    def default_supervisor(cls):
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        return user.supervisor.id if user.supervisor else None

    def get_rec_name(self, name):
        return f'{self.name} ({self.login})'

    def existing_user(self):
        pool = Pool()
        User = pool.get('res.user')
        users = User.search([('login', '=', self.login)], limit=1)
        return users[0] if users else None

    def check_conflicts(self):
        "Refuse roles that conflict together or with those the user holds"
        pool = Pool()
        Conflict = pool.get('access.role_conflict')
        roles = [line.role for line in self.roles]
        if user := self.existing_user():
            now = dt.datetime.now()
            roles += [r.role for r in user.roles if r.valid(now)]
        Conflict.check(roles, self.rec_name)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, requests):
        pool = Pool()
        Line = pool.get('access.request.role')
        cls.write(requests, {
                'supervisor_approved_by': None,
                'supervisor_approved_at': None,
                })
        Line.write([l for r in requests for l in r.roles], {
                'approved_by': None,
                'approved_at': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, requests):
        for request in requests:
            request.check_conflicts()

    @classmethod
    @ModelView.button
    def approve(cls, requests):
        "The supervisor's approval"
        user_id = Transaction().user
        for request in requests:
            if request.supervisor.id != user_id:
                raise AccessError(gettext(
                        'user_access.msg_request_not_supervisor',
                        request=request.rec_name,
                        supervisor=request.supervisor.rec_name))
            request.check_conflicts()
        cls.write(requests, {
                'supervisor_approved_by': user_id,
                'supervisor_approved_at': dt.datetime.now(),
                })
        cls.check_approved(requests)

    @classmethod
    def check_approved(cls, requests):
        cls.approved([r for r in requests
                if r.supervisor_approved_by
                and all(l.approved_by for l in r.roles)])

    @classmethod
    @Workflow.transition('approved')
    def approved(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('provisioned')
    def provision(cls, requests):
        "Create or extend the account with the offices and dated roles"
        pool = Pool()
        User = pool.get('res.user')
        UserRole = pool.get('res.user.role')
        for request in requests:
            request.check_conflicts()
            user = request.existing_user()
            if not user:
                user = User(login=request.login, name=request.name,
                    email=request.email, offices=[], office=None,
                    access_until=None)
            user.active = True
            user.supervisor = request.supervisor
            user.offices = list(set(user.offices) | set(request.offices))
            if not user.office:
                user.office = request.offices[0]
            if not user.access_until or user.access_until < request.to_date:
                user.access_until = request.to_date
            user.save()
            UserRole.create([{
                        'user': user.id,
                        'role': line.role.id,
                        'from_date': dt.datetime.combine(
                            request.from_date, dt.time.min),
                        'to_date': dt.datetime.combine(
                            request.to_date, dt.time.max),
                        } for line in request.roles])
            request.user = user
        cls.save(requests)
        User.sync_roles(list({r.user for r in requests}))


class AccessRequestOffice(ModelSQL):
    "Access Request Office"
    __name__ = 'access.request-sigo.office'
    __string__ = "Access Request Office"
    request = fields.Many2One(
        'access.request', "Request", required=True, ondelete='CASCADE')
    office = fields.Many2One(
        'sigo.office', "Office", required=True, ondelete='CASCADE')


class AccessRequestRole(ModelSQL, ModelView):
    "Requested Role"
    __name__ = 'access.request.role'
    __string__ = "Requested Role"
    request = fields.Many2One(
        'access.request', "Request", required=True, ondelete='CASCADE',
        states={
            'readonly': Eval('request_state') != 'draft',
            })
    role = fields.Many2One(
        'res.role', "Role", required=True,
        states={
            'readonly': Eval('request_state') != 'draft',
            })
    data_owner = fields.Function(
        fields.Many2One('res.user', "Data Owner"), 'get_data_owner')
    approved_by = fields.Many2One('res.user', "Approved By", readonly=True)
    approved_at = fields.DateTime("Approved at", readonly=True)
    request_state = fields.Function(
        fields.Selection('get_request_states', "Request State"),
        'on_change_with_request_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('request')
        cls._buttons.update({
                'approve': {
                    'invisible': ((Eval('request_state') != 'submitted')
                        | Bool(Eval('approved_by'))),
                    'depends': ['request_state', 'approved_by'],
                    },
                })

    @classmethod
    def get_request_states(cls):
        pool = Pool()
        Request = pool.get('access.request')
        return Request.fields_get(['state'])['state']['selection']

    @fields.depends('request', '_parent_request.state')
    def on_change_with_request_state(self, name=None):
        return self.request.state if self.request else None

    def get_data_owner(self, name):
        return self.role.data_owner.id if self.role.data_owner else None

    @classmethod
    @ModelView.button
    def approve(cls, lines):
        "The data owner's approval of the role"
        pool = Pool()
        Request = pool.get('access.request')
        user_id = Transaction().user
        for line in lines:
            if line.request.state != 'submitted':
                raise AccessError(gettext(
                        'user_access.msg_request_not_submitted',
                        request=line.request.rec_name))
            if not line.data_owner or line.data_owner.id != user_id:
                raise AccessError(gettext(
                        'user_access.msg_request_not_data_owner',
                        role=line.role.rec_name,
                        request=line.request.rec_name))
            line.request.check_conflicts()
        cls.write(lines, {
                'approved_by': user_id,
                'approved_at': dt.datetime.now(),
                })
        Request.check_approved(Request.browse({l.request for l in lines}))
