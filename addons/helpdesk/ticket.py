# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Service desk tickets.

Interface other modules rely on (it_assets and it_ops open tickets for their
alerts through `open_for_alert`, which creates them as root with only these
values)::

    Ticket.create([{
        'subject': str,                 # required
        'description': str,
        'channel': 'monitoring',        # 'email', 'portal', 'phone',
                                        # 'monitoring'
        'priority': 'high',             # 'low', 'normal', 'high', 'urgent'
        'category': category_id,        # helpdesk.category or None
        'origin': 'model,id',           # models from Ticket._get_origin()
        }])

- `_get_origin()` is a classmethod returning a list of model names; a module
  extends it to name its records as a ticket's origin.
- `open_about(origin)` is the ticket still open about a record, if any, and
  `open_for_alert(origin, subject, description, category)` opens a
  high-priority monitoring ticket about it: an alert that repeats while its
  ticket is open checks the first and does not call the second.
- `state`: open states 'new', 'open', 'waiting' (waiting for the requester:
  the SLA is paused) and closed states 'resolved', 'closed', 'cancelled',
  'merged'.
- The SLA deadlines are computed on create, from the policy of the category
  and priority or else the default policy (one without category).
"""
import datetime as dt
import re
from email.message import EmailMessage
from email.utils import parseaddr

from trytond import config
from trytond.i18n import gettext
from sql import Null

from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

OPEN_STATES = ['new', 'open', 'waiting']
STATES = [
    ('new', "New"),
    ('open', "Open"),
    ('waiting', "Waiting for Requester"),
    ('resolved', "Resolved"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ('merged', "Merged"),
    ]
PRIORITIES = [
    ('low', "Low"),
    ('normal', "Normal"),
    ('high', "High"),
    ('urgent', "Urgent"),
    ]
CHANNELS = [
    ('email', "E-mail"),
    ('portal', "Portal"),
    ('phone', "Phone"),
    ('monitoring', "Monitoring"),
    ]
RATINGS = [
    (None, ""),
    ('1', "1 - Very Dissatisfied"),
    ('2', "2 - Dissatisfied"),
    ('3', "3 - Neutral"),
    ('4', "4 - Satisfied"),
    ('5', "5 - Very Satisfied"),
    ]
REFERENCE = re.compile(r'\[HD-(\d+)\]')


def now():
    "The service desk's clock: the context fixes it for tests and benchmarks"
    return Transaction().context.get('helpdesk_now') or dt.datetime.now()


def hours(delta):
    return delta.total_seconds() / 3600


class Ticket(Workflow, ModelSQL, ModelView):
    __name__ = 'helpdesk.ticket'
    __string__ = "Service Desk Ticket"
    _rec_name = 'subject'

    _closed = ~Eval('state').in_(OPEN_STATES)

    reference = fields.Function(fields.Char("Reference"),
        'get_reference', searcher='search_reference')
    subject = fields.Char("Subject", required=True,
        states={'readonly': _closed})
    description = fields.Text("Description", states={'readonly': _closed})
    channel = fields.Selection(CHANNELS, "Channel", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    priority = fields.Selection(PRIORITIES, "Priority", required=True,
        sort=False, states={'readonly': _closed})
    category = fields.Many2One('helpdesk.category', "Category",
        states={'readonly': _closed})
    team = fields.Many2One('helpdesk.team', "Team",
        states={'readonly': _closed})
    assignee = fields.Many2One('res.user', "Assignee",
        states={'readonly': _closed})
    requester = fields.Many2One('party.party', "Requester",
        states={'readonly': _closed})
    requester_email = fields.Char("Requester E-mail",
        states={'readonly': _closed},
        help="Replies and status changes are mailed here.")
    origin = fields.Reference("Origin", selection='get_origin',
        readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    opened = fields.Timestamp("Opened", required=True, readonly=True)
    policy = fields.Many2One('helpdesk.sla.policy', "SLA Policy",
        readonly=True)
    response_deadline = fields.Timestamp("Respond By", readonly=True)
    response_warning = fields.Timestamp("Response Warning At", readonly=True)
    resolution_deadline = fields.Timestamp("Resolve By", readonly=True)
    resolution_warning = fields.Timestamp(
        "Resolution Warning At", readonly=True)
    first_response = fields.Timestamp("First Response", readonly=True)
    waiting_since = fields.Timestamp("Waiting Since", readonly=True)
    resolved = fields.Timestamp("Resolved", readonly=True)
    resolution_hours = fields.Float("Resolution Time (Working Hours)",
        digits=(16, 2), readonly=True,
        help="Working hours from opening to resolution, "
        "without the time spent waiting for the requester.")
    waited_hours = fields.Float("Waiting Time (Working Hours)",
        digits=(16, 2), readonly=True)
    merged_into = fields.Many2One('helpdesk.ticket', "Merged Into",
        domain=[('id', '!=', Eval('id', -1))],
        states={'readonly': _closed},
        help="The ticket this duplicate is merged into.")
    messages = fields.One2Many('helpdesk.ticket.message', 'ticket',
        "Messages")
    events = fields.One2Many('helpdesk.ticket.event', 'ticket', "History",
        readonly=True)
    escalations = fields.One2Many('helpdesk.escalation', 'ticket',
        "Escalations", readonly=True)
    rating = fields.Selection(RATINGS, "Satisfaction", sort=False,
        states={'readonly': ~Eval('state').in_(['resolved', 'closed'])},
        help="The requester's rating of the service.")
    rating_comment = fields.Text("Rating Comment",
        states={'readonly': ~Eval('state').in_(['resolved', 'closed'])})
    del _closed

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('opened', 'DESC'), ('id', 'DESC')]
        t = cls.__table__()
        open_ = t.state.in_(['new', 'open'])
        # The escalation job reads only the open tickets past a timestamp
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.response_warning, Index.Range()),
                    where=open_ & (t.first_response == Null)),
                Index(t, (t.resolution_warning, Index.Range()),
                    where=open_),
                Index(t, (t.assignee, Index.Range())),
                })
        cls._transitions |= {
            ('new', 'open'),
            ('new', 'waiting'),
            ('open', 'waiting'),
            ('waiting', 'open'),
            ('new', 'resolved'),
            ('open', 'resolved'),
            ('waiting', 'resolved'),
            ('resolved', 'closed'),
            ('resolved', 'open'),
            ('new', 'cancelled'),
            ('open', 'cancelled'),
            ('waiting', 'cancelled'),
            ('new', 'merged'),
            ('open', 'merged'),
            ('waiting', 'merged'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': ~Eval('state').in_(
                        ['new', 'waiting', 'resolved']),
                    'icon': If(Eval('state') == 'resolved',
                        'tryton-back', 'tryton-forward'),
                    'depends': ['state'],
                    },
                'wait': {
                    'invisible': ~Eval('state').in_(['new', 'open']),
                    'depends': ['state'],
                    },
                'resolve': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'resolved',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'merge': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'readonly': ~Bool(Eval('merged_into')),
                    'depends': ['state', 'merged_into'],
                    },
                })

    @classmethod
    def _get_origin(cls):
        "The models whose records may be a ticket's origin"
        return ['helpdesk.ticket']

    @classmethod
    def get_origin(cls):
        Model = Pool().get('ir.model')
        models = cls._get_origin()
        return [(None, '')] + [
            (m, Model.get_name(m)) for m in models]

    @classmethod
    def open_about(cls, origin):
        "The ticket still open about the origin, if any"
        # Alerts come from cron, from tools' users and from the operations
        # scripts: whether a ticket is open must not depend on who may read
        # tickets
        with Transaction().set_user(0):
            tickets = cls.search([
                    ('origin', '=', str(origin)),
                    ('state', 'in', OPEN_STATES),
                    ], order=[('id', 'DESC')], limit=1)
        return cls(tickets[0].id) if tickets else None

    @classmethod
    def open_for_alert(cls, origin, subject, description, category=None):
        "Open a high-priority monitoring ticket about the origin"
        with Transaction().set_user(0):
            ticket, = cls.create([{
                        'subject': subject,
                        'description': description,
                        'channel': 'monitoring',
                        'priority': 'high',
                        'category': category.id if category else None,
                        'origin': str(origin),
                        }])
        return cls(ticket.id)

    @classmethod
    def default_state(cls):
        return 'new'

    @classmethod
    def default_channel(cls):
        return 'phone'

    @classmethod
    def default_priority(cls):
        return 'normal'

    @classmethod
    def default_opened(cls):
        return now()

    def get_reference(self, name):
        return f'HD-{self.id:06d}'

    @classmethod
    def search_reference(cls, name, clause):
        "A whole reference, HD-000123 or 123, finds its ticket"
        _, operator, value = clause[:3]
        match = re.fullmatch(r'(?:HD-)?(\d+)', str(value or '').strip('% '),
            re.IGNORECASE)
        number = int(match.group(1)) if match else -1
        if operator in {'!=', 'not ilike', 'not like'}:
            return [('id', '!=', number)]
        return [('id', '=', number)]

    def get_rec_name(self, name):
        return f'[{self.reference}] {self.subject}'

    @classmethod
    def search_rec_name(cls, name, clause):
        value = clause[2]
        if isinstance(value, str) and re.fullmatch(
                r'%?HD-\d+%?', value.strip(), re.IGNORECASE):
            return [('reference',) + tuple(clause[1:])]
        return [('subject',) + tuple(clause[1:])]

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Category = pool.get('helpdesk.category')
        Team = pool.get('helpdesk.team')
        Party = pool.get('party.party')
        Policy = pool.get('helpdesk.sla.policy')
        vlist = [v.copy() for v in vlist]
        pending = {}
        for values in vlist:
            if not values.get('opened'):
                values['opened'] = now()
            if not values.get('priority'):
                values['priority'] = cls.default_priority()
            category = Category(values['category']) \
                if values.get('category') else None
            if not values.get('team') and category and category.team:
                values['team'] = category.team.id
            if values.get('team') and not values.get('assignee'):
                member = Team(values['team']).least_busy_member(pending)
                if member:
                    values['assignee'] = member.id
                    pending[member.id] = pending.get(member.id, 0) + 1
            if values.get('requester') and not values.get('requester_email'):
                values['requester_email'] = Party(
                    values['requester']).email or None
            policy = Policy.find(category, values['priority'])
            if policy:
                values.update(policy.deadlines(values['opened']))
        tickets = super().create(vlist)
        cls._record_events(tickets, 'new')
        return tickets

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        changed = []
        for tickets, values in zip(actions, actions):
            if 'state' in values:
                changed.append((tickets, values['state']))
        super().write(*args)
        for tickets, state in changed:
            cls._record_events(tickets, state)
            if state != 'merged':
                cls.notify_requester(tickets, 'status')

    @classmethod
    def delete(cls, tickets):
        for ticket in tickets:
            if ticket.state != 'cancelled':
                raise AccessError(gettext(
                        'helpdesk.msg_ticket_delete_cancel',
                        ticket=ticket.rec_name))
        super().delete(tickets)

    @classmethod
    def copy(cls, tickets, default=None):
        default = default.copy() if default else {}
        for name in ['messages', 'events', 'escalations', 'first_response',
                'resolved', 'waiting_since', 'rating', 'rating_comment',
                'merged_into', 'resolution_hours', 'waited_hours']:
            default.setdefault(name, None)
        default.setdefault('opened', None)
        return super().copy(tickets, default=default)

    @classmethod
    def _record_events(cls, tickets, state):
        Event = Pool().get('helpdesk.ticket.event')
        user = Transaction().user
        Event.create([{
                    'ticket': t.id, 'state': state, 'date': now(),
                    'user': user,
                    } for t in tickets])

    @classmethod
    def notify_requester(cls, tickets, kind, message=None):
        """Mail the requester of each ticket its new status (kind 'status')
        or an agent's reply (kind 'reply', with the message)"""
        states = dict(cls.fields_get(['state'])['state']['selection'])
        for ticket in tickets:
            if not ticket.requester_email:
                continue
            email = EmailMessage()
            email['From'] = config.get('email', 'from')
            email['To'] = ticket.requester_email
            if kind == 'reply':
                email['Subject'] = gettext('helpdesk.msg_reply_subject',
                    reference=ticket.reference, subject=ticket.subject)
                body = message.body
            else:
                state = states[ticket.state]
                email['Subject'] = gettext('helpdesk.msg_status_subject',
                    reference=ticket.reference, subject=ticket.subject,
                    state=state)
                body = gettext('helpdesk.msg_status_body',
                    reference=ticket.reference, subject=ticket.subject,
                    state=state)
            email.set_content(body)
            send_message_transactional(email)

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, tickets):
        for ticket in tickets:
            if ticket.state == 'waiting':
                ticket._resume()
            elif ticket.state == 'resolved':
                ticket.resolved = None
                ticket.resolution_hours = None
        cls.save(tickets)

    @classmethod
    @ModelView.button
    @Workflow.transition('waiting')
    def wait(cls, tickets):
        for ticket in tickets:
            ticket.waiting_since = now()
        cls.save(tickets)

    def _resume(self):
        "Push the deadlines not met by the working time spent waiting"
        if not self.waiting_since:
            return
        if self.policy:
            calendar = self.policy.calendar
            paused = calendar.between(self.waiting_since, now())
            self.waited_hours = (self.waited_hours or 0) + hours(paused)
            names = ['resolution_deadline', 'resolution_warning']
            if not self.first_response:
                names += ['response_deadline', 'response_warning']
            for name in names:
                if getattr(self, name):
                    setattr(self, name, calendar.add(
                            getattr(self, name), paused))
        self.waiting_since = None

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, tickets):
        for ticket in tickets:
            if ticket.state == 'waiting':
                ticket._resume()
            ticket.resolved = now()
            if ticket.policy:
                worked = ticket.policy.calendar.between(
                    ticket.opened, ticket.resolved)
                ticket.resolution_hours = round(
                    hours(worked) - (ticket.waited_hours or 0), 2)
        cls.save(tickets)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, tickets):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, tickets):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('merged')
    def merge(cls, tickets):
        """Move the duplicates' messages to the ticket they are merged into;
        the requester gets no mail for it"""
        Message = Pool().get('helpdesk.ticket.message')
        for ticket in tickets:
            target = ticket.merged_into
            if not target or target.state not in OPEN_STATES:
                raise ValidationError(gettext(
                        'helpdesk.msg_ticket_merge_target',
                        ticket=ticket.rec_name))
            Message.write(list(ticket.messages), {'ticket': target.id})

    @classmethod
    def from_inbound_email(cls, email_, rule):
        """An e-mail to the support address: a new ticket, or a message of
        the ticket whose reference its subject carries"""
        pool = Pool()
        Message = pool.get('helpdesk.ticket.message')
        data = email_.as_dict()
        subject = (data.get('subject') or '').strip()
        sender = data.get('from')
        body = data.get('text') or data.get('html') or ''
        match = REFERENCE.search(subject)
        tickets = cls.search([('id', '=', int(match.group(1)))]) \
            if match else []
        if tickets:
            ticket, = tickets
            if ticket.state == 'merged' and ticket.merged_into:
                ticket = ticket.merged_into
            Message.create([{
                        'ticket': ticket.id, 'kind': 'request',
                        'sender': sender, 'body': body,
                        }])
            # The requester's answer resumes a paused SLA; one to a resolved
            # ticket says the problem is not solved
            if ticket.state in {'waiting', 'resolved'}:
                cls.open([ticket])
            return ticket
        name, _ = parseaddr(data.get('headers', {}).get('From', ''))
        requester = cls._requester(sender, name)
        ticket, = cls.create([{
                    'subject': subject or sender,
                    'description': body,
                    'channel': 'email',
                    'requester': requester.id if requester else None,
                    'requester_email': sender,
                    'category': None,
                    }])
        Message.create([{
                    'ticket': ticket.id, 'kind': 'request',
                    'sender': sender, 'body': body,
                    }])
        return ticket

    @classmethod
    def _requester(cls, address, name):
        "The party with the e-mail address, created if there is none"
        pool = Pool()
        Party = pool.get('party.party')
        Contact = pool.get('party.contact_mechanism')
        if not address:
            return None
        contacts = Contact.search([
                ('type', '=', 'email'),
                ('value', '=', address),
                ], limit=1)
        if contacts:
            return contacts[0].party
        party, = Party.create([{
                    'name': name or address,
                    'contact_mechanisms': [('create', [{
                                    'type': 'email', 'value': address}])],
                    }])
        return party


class TicketMessage(ModelSQL, ModelView):
    __name__ = 'helpdesk.ticket.message'
    __string__ = "Service Desk Ticket Message"

    ticket = fields.Many2One('helpdesk.ticket', "Ticket", required=True,
        ondelete='CASCADE')
    date = fields.Timestamp("Date", required=True, readonly=True)
    kind = fields.Selection([
            ('request', "From Requester"),
            ('reply', "Reply to Requester"),
            ('note', "Internal Note"),
            ], "Kind", required=True,
        states={'readonly': Eval('id', -1) >= 0},
        help="Replies are mailed to the requester; notes are not.")
    author = fields.Many2One('res.user', "Agent", readonly=True)
    sender = fields.Char("Sender", readonly=True)
    body = fields.Text("Message", required=True,
        states={'readonly': Eval('id', -1) >= 0})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('ticket')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'reply'

    @classmethod
    def default_date(cls):
        return now()

    @classmethod
    def create(cls, vlist):
        "An agent's reply is mailed and is the first response if none was"
        pool = Pool()
        Ticket = pool.get('helpdesk.ticket')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            values.setdefault('date', now())
            if values.get('kind', 'reply') != 'request':
                values.setdefault('author', Transaction().user)
        messages = super().create(vlist)
        for message in messages:
            if message.kind != 'reply':
                continue
            ticket = message.ticket
            if ticket.state not in OPEN_STATES:
                raise ValidationError(gettext(
                        'helpdesk.msg_ticket_reply_closed',
                        ticket=ticket.rec_name))
            if not ticket.first_response:
                Ticket.write([ticket], {'first_response': message.date})
            Ticket.notify_requester([ticket], 'reply', message)
            if ticket.state == 'new':
                Ticket.open([ticket])
        return messages


class TicketEvent(ModelSQL, ModelView):
    "Who changed a ticket's state, and when"
    __name__ = 'helpdesk.ticket.event'
    __string__ = "Service Desk Ticket Event"

    ticket = fields.Many2One('helpdesk.ticket', "Ticket", required=True,
        ondelete='CASCADE', readonly=True)
    date = fields.Timestamp("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('ticket')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]


class InboundEmailRule(metaclass=PoolMeta):
    __name__ = 'inbound.email.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append(
            ('helpdesk.ticket|from_inbound_email', "Service Desk Ticket"))
