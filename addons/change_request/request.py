# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.sigo_base.model import RecNameSearchMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If, In
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access

from .system import user_in_group

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('approved', "Approved"),
    ('in_progress', "In Progress"),
    ('implemented', "Implemented"),
    ('failed', "Failed"),
    ('closed', "Closed"),
    ('rejected', "Rejected"),
    ('cancelled', "Cancelled"),
    ]
ROLES = [
    ('change_manager', "Change Manager"),
    ('system_owner', "System Owner"),
    ('cab', "Change Advisory Board"),
    ]
# Where an emergency change, implemented first, still takes its approvals
AFTER_THE_FACT = {'submitted', 'in_progress', 'implemented', 'failed', 'closed'}


def current_time():
    "Now, or the clock the context fixes (cron runs in tests, replays)"
    return Transaction().context.get('now') or dt.datetime.now()


def selection_string(record, field, value):
    return dict(record.fields_get([field])[field]['selection'])[value]


class ChangeRequest(RecNameSearchMixin, Workflow, ModelSQL, ModelView):
    "A planned modification of an IT system, approved before it is made"
    __name__ = 'change.request'
    __string__ = "Change Request"
    _rec_name = 'number'
    _rec_name_search = ['number', 'title']

    _draft = {'readonly': Eval('state') != 'draft'}

    number = fields.Char("Number", readonly=True)
    title = fields.Char("Title", required=True, states=_draft)
    request_date = fields.Date("Requested On", required=True, states=_draft)
    system = fields.Many2One(
        'change.system', "System", required=True, states=_draft)
    environment = fields.Many2One(
        'change.system.environment', "Environment", required=True,
        domain=[('system', '=', Eval('system', -1))], states=_draft)
    type = fields.Selection([
            ('standard', "Standard"),
            ('normal', "Normal"),
            ('emergency', "Emergency"),
            ], "Type", required=True, states=_draft,
        help="Standard: a pre-approved routine change.\n"
        "Normal: approved by the change manager and the system owner, "
        "and by the change advisory board when the risk is high.\n"
        "Emergency: implemented at once and approved after the fact.")
    risk = fields.Selection([
            ('low', "Low"),
            ('medium', "Medium"),
            ('high', "High"),
            ], "Risk", required=True, states=_draft)
    impact = fields.Text("Impact", required=True, states=_draft)
    implementation_plan = fields.Text(
        "Implementation Plan", required=True, states=_draft)
    rollback_plan = fields.Text("Rollback Plan", required=True, states=_draft)
    planned_start = fields.Timestamp("Planned Start", states=_draft)
    planned_end = fields.Timestamp(
        "Planned End", states=_draft,
        domain=[If(Bool(Eval('planned_start')) & Bool(Eval('planned_end')),
                ('planned_end', '>=', Eval('planned_start')), ())])
    requester = fields.Many2One(
        'res.user', "Requester", required=True, readonly=True)
    implementer = fields.Many2One(
        'res.user', "Implementer",
        states={'readonly': ~In(Eval('state'),
                ['draft', 'submitted', 'approved'])})
    approval_state = fields.Selection([
            ('not_required', "Not Required"),
            ('pending', "Pending"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ], "Approval", readonly=True)
    approvals = fields.One2Many(
        'change.approval', 'request', "Approvals",
        states={'readonly': ~In(Eval('state'), list(AFTER_THE_FACT))})
    approved_at = fields.Timestamp("Approvals Complete", readonly=True)
    approval_deadline = fields.Timestamp(
        "Approve Before", readonly=True,
        help="An emergency change must have its approvals by then.")
    approval_overdue = fields.Boolean(
        "Approval Overdue", readonly=True,
        help="The emergency change was not approved in time; "
        "the change managers were told.")
    started_at = fields.Timestamp("Started", readonly=True)
    implemented_at = fields.Timestamp("Implemented", readonly=True)
    log_lines = fields.One2Many(
        'change.request.log', 'request', "Implementation Log",
        states={'readonly': ~In(Eval('state'),
                ['in_progress', 'implemented', 'failed'])})
    review_result = fields.Selection([
            (None, ''),
            ('successful', "Successful"),
            ('failed', "Failed"),
            ('rolled_back', "Rolled Back"),
            ], "Review Result",
        states={
            'readonly': ~In(Eval('state'), ['implemented', 'failed']),
            'required': Eval('state') == 'closed',
            })
    lessons = fields.Text(
        "Lessons Learned",
        states={'readonly': ~In(Eval('state'), ['implemented', 'failed'])})
    events = fields.One2Many(
        'change.request.event', 'request', "History", readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('request_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'approved'),
            ('submitted', 'rejected'),
            ('approved', 'in_progress'),
            ('draft', 'in_progress'),
            ('submitted', 'in_progress'),
            ('in_progress', 'implemented'),
            ('in_progress', 'failed'),
            ('implemented', 'closed'),
            ('failed', 'closed'),
            ('draft', 'cancelled'),
            ('submitted', 'cancelled'),
            ('approved', 'cancelled'),
            }
        emergency = Eval('type') == 'emergency'
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': ~((Eval('state') == 'approved')
                        | (emergency
                            & In(Eval('state'), ['draft', 'submitted']))),
                    'depends': ['state', 'type'],
                    },
                'implement': {
                    'invisible': Eval('state') != 'in_progress',
                    'depends': ['state'],
                    },
                'fail': {
                    'invisible': Eval('state') != 'in_progress',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': ~In(Eval('state'), ['implemented', 'failed']),
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~In(Eval('state'),
                        ['draft', 'submitted', 'approved']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_type(cls):
        return 'normal'

    @classmethod
    def default_risk(cls):
        return 'medium'

    @classmethod
    def default_approval_state(cls):
        return 'pending'

    @classmethod
    def default_approval_overdue(cls):
        return False

    @classmethod
    def default_request_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_requester(cls):
        return Transaction().user or None

    @fields.depends('system', 'environment')
    def on_change_system(self):
        if self.environment and self.environment.system != self.system:
            self.environment = None
        if self.system and not self.environment:
            production = [e for e in self.system.environments
                if e.kind == 'production']
            if production:
                self.environment = production[0]

    def get_rec_name(self, name):
        return f'{self.number} {self.title}'

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if not values.get('number'):
                values['number'] = Sequence(ModelData.get_id(
                        'change_request', 'sequence_change_request')).get()
            if not values.get('requester'):
                values['requester'] = Transaction().user
        return values

    @classmethod
    def copy(cls, requests, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'approvals', 'approved_at', 'log_lines',
                'approval_deadline', 'started_at', 'implemented_at',
                'review_result', 'lessons', 'events', 'requester']:
            default.setdefault(name)
        default.setdefault('approval_state', 'pending')
        default.setdefault('approval_overdue', False)
        return super().copy(requests, default=default)

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'delete':
            for request in requests:
                if request.state not in {'draft', 'cancelled'}:
                    raise AccessError(gettext(
                            'change_request.msg_request_delete',
                            request=request.rec_name))

    def required_roles(self):
        "The roles whose approval the change needs, with how many of each"
        Configuration = Pool().get('change.configuration')
        if self.type == 'standard':
            return {}
        roles = {'change_manager': 1, 'system_owner': 1}
        if self.risk == 'high':
            roles['cab'] = Configuration(1).cab_quorum
        return roles

    def compute_approval_state(self):
        required = self.required_roles()
        if not required:
            return 'not_required'
        if any(a.decision == 'rejected' for a in self.approvals):
            return 'rejected'
        for role, count in required.items():
            if len({a.user for a in self.approvals
                        if a.role == role and a.decision == 'approved'}
                    ) < count:
                return 'pending'
        return 'approved'

    @classmethod
    def process_approvals(cls, requests):
        """Follow the approvals given: a submitted change goes on or is
        rejected; an emergency one records when its approvals were complete"""
        to_approve, to_reject = [], []
        for request in requests:
            state = request.compute_approval_state()
            values = {'approval_state': state}
            if (state in {'approved', 'not_required'}
                    and not request.approved_at):
                values['approved_at'] = current_time()
            cls.write([request], values)
            if request.state == 'submitted' and request.type != 'emergency':
                if state in {'approved', 'not_required'}:
                    to_approve.append(request)
                elif state == 'rejected':
                    to_reject.append(request)
        cls.approve(to_approve)
        cls.reject(to_reject)

    @classmethod
    def record_events(cls, requests, state, comment=None):
        "Who moved the changes to state, from which, and when"
        Event = Pool().get('change.request.event')
        Event.create([{
                    'request': r.id,
                    'date': current_time(),
                    'user': Transaction().user or None,
                    'from_state': r.state,
                    'to_state': state,
                    'comment': comment,
                    } for r in requests if r.state != state])

    @classmethod
    @ModelView.button
    def submit(cls, requests):
        cls.to_submitted(requests)
        # A standard change is pre-approved: it goes on at once
        cls.process_approvals(requests)

    @classmethod
    @Workflow.transition('submitted')
    def to_submitted(cls, requests):
        cls.record_events(requests, 'submitted')

    @classmethod
    @Workflow.transition('approved')
    def approve(cls, requests):
        cls.record_events(requests, 'approved')

    @classmethod
    @Workflow.transition('rejected')
    def reject(cls, requests):
        cls.record_events(requests, 'rejected')

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, requests):
        for request in requests:
            if request.state != 'approved' and request.type != 'emergency':
                raise AccessError(gettext(
                        'change_request.msg_request_start_not_approved',
                        request=request.rec_name))
        cls.record_events(requests, 'in_progress')
        cls.write(requests, {'started_at': current_time()})
        for request in requests:
            if not request.implementer:
                request.implementer = Transaction().user or None
        cls.save(requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('implemented')
    def implement(cls, requests):
        Configuration = Pool().get('change.configuration')
        delay = Configuration(1).emergency_approval_delay
        now = current_time()
        cls.record_events(requests, 'implemented')
        for request in requests:
            request.implemented_at = now
            if (request.type == 'emergency'
                    and request.approval_state == 'pending'):
                request.approval_deadline = now + delay
        cls.save(requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('failed')
    def fail(cls, requests):
        cls.record_events(requests, 'failed')

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, requests):
        for request in requests:
            if not request.review_result:
                raise ValidationError(gettext(
                        'change_request.msg_request_review_missing',
                        request=request.rec_name))
        cls.record_events(requests, 'closed')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, requests):
        cls.record_events(requests, 'cancelled')

    @classmethod
    def flag_overdue_emergencies(cls):
        """Flag the emergency changes not approved by their deadline and
        tell the change managers, once per change"""
        pool = Pool()
        Event = pool.get('change.request.event')
        now = current_time()
        requests = cls.search([
                ('type', '=', 'emergency'),
                ('approval_state', '=', 'pending'),
                ('approval_overdue', '=', False),
                ('approval_deadline', '<', now),
                ])
        if not requests:
            return
        cls.write(requests, {'approval_overdue': True})
        Event.create([{
                    'request': r.id,
                    'date': now,
                    'user': Transaction().user or None,
                    'from_state': r.state,
                    'to_state': r.state,
                    'comment': gettext(
                        'change_request.msg_emergency_overdue_event',
                        deadline=r.approval_deadline.strftime(
                            '%Y-%m-%d %H:%M')),
                    } for r in requests])
        cls.mail_change_managers(requests)

    @classmethod
    def mail_change_managers(cls, requests):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        group = ModelData.get_id('change_request', 'group_change_manager')
        recipients = sorted(User.group_addresses(group))
        if not recipients:
            return
        email = EmailMessage()
        email['From'] = config.get('email', 'from')
        email['To'] = ', '.join(recipients)
        email['Subject'] = gettext(
            'change_request.msg_emergency_overdue_subject',
            count=len(requests))
        email.set_content('\n'.join(gettext(
                    'change_request.msg_emergency_overdue_line',
                    request=r.rec_name, system=r.system.rec_name,
                    deadline=r.approval_deadline.strftime('%Y-%m-%d %H:%M'))
                for r in requests))
        send_message_transactional(email)


class Event(ModelSQL, ModelView):
    "Who moved a change from one state to another, and when"
    __name__ = 'change.request.event'
    __string__ = "Change Request Event"

    request = fields.Many2One(
        'change.request', "Change Request", required=True,
        ondelete='CASCADE')
    date = fields.Timestamp("Date", required=True)
    user = fields.Many2One('res.user', "User")
    from_state = fields.Selection(STATES, "From")
    to_state = fields.Selection(STATES, "To", required=True)
    comment = fields.Text("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]


class Approval(ModelSQL, ModelView):
    "The decision of one approver, in one role, on a change"
    __name__ = 'change.approval'
    __string__ = "Change Approval"

    request = fields.Many2One(
        'change.request', "Change Request", required=True,
        ondelete='CASCADE')
    role = fields.Selection(ROLES, "Role", required=True)
    user = fields.Many2One('res.user', "Approver", readonly=True)
    decision = fields.Selection([
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ], "Decision", required=True)
    date = fields.Timestamp("Date", readonly=True)
    comment = fields.Text("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_decision(cls):
        return 'approved'

    @classmethod
    def default_user(cls):
        return Transaction().user or None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # The approver is whoever records the decision; only the
            # superuser (data loads) records it for someone else
            if Transaction().user or not values.get('user'):
                values['user'] = Transaction().user
            values['date'] = current_time()
        return values

    @classmethod
    def check_modification(cls, mode, approvals, values=None, external=False):
        super().check_modification(
            mode, approvals, values=values, external=external)
        if mode == 'create':
            for approval in approvals:
                approval.check_approver()

    def check_approver(self):
        request = self.request
        names = {
            'request': request.rec_name,
            'user': self.user.rec_name if self.user else '',
            'role': selection_string(self, 'role', self.role),
            }
        allowed_states = (AFTER_THE_FACT if request.type == 'emergency'
            else {'submitted'})
        if request.state not in allowed_states:
            raise AccessError(gettext(
                    'change_request.msg_approval_state',
                    state=selection_string(request, 'state', request.state),
                    **names))
        if not self.user:
            return
        if self.user == request.requester:
            raise AccessError(gettext(
                    'change_request.msg_approval_own_change', **names))
        if self.role == 'system_owner':
            holds = self.user == request.system.owner
        else:
            holds = user_in_group(self.user, {
                    'change_manager': 'group_change_manager',
                    'cab': 'group_change_advisory_board',
                    }[self.role])
        if not holds:
            raise AccessError(gettext(
                    'change_request.msg_approval_role_not_held', **names))

    @classmethod
    def on_modification(cls, mode, approvals, field_names=None):
        super().on_modification(mode, approvals, field_names=field_names)
        Request = Pool().get('change.request')
        if mode == 'create':
            with without_check_access():
                Request.process_approvals(
                    Request.browse({a.request.id for a in approvals}))


class LogLine(ModelSQL, ModelView):
    "What the implementer did and saw, step by step"
    __name__ = 'change.request.log'
    __string__ = "Change Implementation Log"

    request = fields.Many2One(
        'change.request', "Change Request", required=True,
        ondelete='CASCADE')
    date = fields.Timestamp("Date", required=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    text = fields.Text("Text", required=True)
    outcome = fields.Selection([
            ('done', "Done"),
            ('problem', "Problem"),
            ('rolled_back', "Rolled Back"),
            ], "Outcome", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_date(cls):
        return current_time()

    @classmethod
    def default_user(cls):
        return Transaction().user or None

    @classmethod
    def default_outcome(cls):
        return 'done'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and Transaction().user:
            values['user'] = Transaction().user
        return values
