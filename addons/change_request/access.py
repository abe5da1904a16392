# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, If, In
from trytond.transaction import Transaction

from .request import current_time
from .system import user_in_group

STATES = [
    ('requested', "Requested"),
    ('approved', "Approved"),
    ('granted', "Granted"),
    ('expired', "Expired"),
    ('rejected', "Rejected"),
    ('revoked', "Revoked"),
    ]


class ProductionAccess(Workflow, ModelSQL, ModelView):
    "A developer's time-boxed access to a system's production environment"
    __name__ = 'change.access'
    __string__ = "Production Access"

    _requested = {'readonly': Eval('state') != 'requested'}

    developer = fields.Many2One(
        'res.user', "Developer", required=True, states=_requested)
    system = fields.Many2One(
        'change.system', "System", required=True, states=_requested)
    reason = fields.Text("Reason", required=True, states=_requested)
    change = fields.Many2One(
        'change.request', "Change Request", states=_requested,
        domain=[If(Eval('system'), ('system', '=', Eval('system', -1)), ())],
        help="The change the access is needed for, if any.")
    duration = fields.TimeDelta(
        "Duration", required=True, states=_requested,
        domain=[('duration', '>', dt.timedelta(0))],
        help="How long the access lasts once granted.")
    approved_by = fields.Many2One('res.user', "Approved By", readonly=True)
    approved_at = fields.Timestamp("Approved At", readonly=True)
    granted_by = fields.Many2One('res.user', "Granted By", readonly=True)
    granted_at = fields.Timestamp("Granted At", readonly=True)
    expires_at = fields.Timestamp("Planned Expiry", readonly=True)
    ended_at = fields.Timestamp(
        "Actual End", readonly=True,
        help="When the access was actually removed: expired or revoked.")
    overdue = fields.Function(fields.Boolean(
            "Active Past Expiry",
            help="Still granted although its time is over."), 'get_overdue')
    events = fields.One2Many(
        'change.access.event', 'access', "History", readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)

    del _requested

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('requested', 'approved'),
            ('requested', 'rejected'),
            ('approved', 'granted'),
            ('approved', 'rejected'),
            ('granted', 'expired'),
            ('granted', 'revoked'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': ~In(Eval('state'), ['requested', 'approved']),
                    'depends': ['state'],
                    },
                'grant': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                'revoke': {
                    'invisible': Eval('state') != 'granted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('overdue', False), 'danger', '')),
            ]

    @classmethod
    def default_state(cls):
        return 'requested'

    @classmethod
    def default_developer(cls):
        return Transaction().user or None

    @classmethod
    def default_duration(cls):
        return dt.timedelta(hours=4)

    def get_rec_name(self, name):
        return f'{self.developer.rec_name} @ {self.system.code}'

    def get_overdue(self, name):
        return bool(self.state == 'granted' and self.expires_at
            and self.expires_at < current_time())

    @classmethod
    def record_events(cls, accesses, state):
        Event = Pool().get('change.access.event')
        Event.create([{
                    'access': a.id,
                    'date': current_time(),
                    'user': Transaction().user or None,
                    'from_state': a.state,
                    'to_state': state,
                    } for a in accesses if a.state != state])

    @classmethod
    def check_approver(cls, accesses):
        "Only the system owner or a change manager decides, never the developer"
        User = Pool().get('res.user')
        user = User(Transaction().user)
        if not Transaction().user:
            return
        for access in accesses:
            names = {'access': access.rec_name, 'user': user.rec_name}
            if user == access.developer:
                raise AccessError(gettext(
                        'change_request.msg_access_own_request', **names))
            if (user != access.system.owner
                    and not user_in_group(user, 'group_change_manager')):
                raise AccessError(gettext(
                        'change_request.msg_access_not_approver',
                        owner=access.system.owner.rec_name, **names))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, accesses):
        cls.check_approver(accesses)
        cls.record_events(accesses, 'approved')
        cls.write(accesses, {
                'approved_by': Transaction().user or None,
                'approved_at': current_time(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('rejected')
    def reject(cls, accesses):
        cls.check_approver(accesses)
        cls.record_events(accesses, 'rejected')

    @classmethod
    @ModelView.button
    @Workflow.transition('granted')
    def grant(cls, accesses):
        cls.check_approver(accesses)
        now = current_time()
        cls.record_events(accesses, 'granted')
        for access in accesses:
            access.granted_by = Transaction().user or None
            access.granted_at = now
            access.expires_at = now + access.duration
        cls.save(accesses)

    @classmethod
    @ModelView.button
    @Workflow.transition('revoked')
    def revoke(cls, accesses):
        cls.check_approver(accesses)
        cls.record_events(accesses, 'revoked')
        cls.write(accesses, {'ended_at': current_time()})

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, accesses):
        cls.record_events(accesses, 'expired')
        cls.write(accesses, {'ended_at': current_time()})

    @classmethod
    def expire_grants(cls):
        "End every grant whose time is over (run every few minutes)"
        cls.expire(cls.search([
                    ('state', '=', 'granted'),
                    ('expires_at', '<=', current_time()),
                    ]))


class AccessEvent(ModelSQL, ModelView):
    "Who moved a production access from one state to another, and when"
    __name__ = 'change.access.event'
    __string__ = "Production Access Event"

    access = fields.Many2One(
        'change.access', "Production Access", required=True,
        ondelete='CASCADE')
    date = fields.Timestamp("Date", required=True)
    user = fields.Many2One('res.user', "User")
    from_state = fields.Selection(STATES, "From")
    to_state = fields.Selection(STATES, "To", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
