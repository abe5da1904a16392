# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""SLA policies and their escalation: the job finds the tickets near or
past their deadlines in one query on the stored deadlines and writes the
escalations and their effects set by set"""
import datetime as dt
from collections import defaultdict
from email.message import EmailMessage

from sql import Literal, Null
from sql.conditionals import Case
from sql.operators import Exists

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

from .ticket import PRIORITIES, now

RAISED = {'low': 'normal', 'normal': 'high', 'high': 'urgent'}


class Policy(DeactivableMixin, ModelSQL, ModelView):
    "Targets in working hours for a category and priority"
    __name__ = 'helpdesk.sla.policy'
    __string__ = "SLA Policy"

    name = fields.Char("Name", required=True, translate=True)
    category = fields.Many2One('helpdesk.category', "Category",
        help="Leave empty for the default policy of tickets whose category "
        "has none.")
    priority = fields.Selection([(None, "")] + PRIORITIES, "Priority",
        sort=False, help="Leave empty for every priority.")
    calendar = fields.Many2One('helpdesk.calendar', "Working Hours",
        required=True)
    response_hours = fields.Float("First Response (Working Hours)",
        required=True, digits=(16, 2))
    resolution_hours = fields.Float("Resolution (Working Hours)",
        required=True, digits=(16, 2))
    warning_percent = fields.Integer("Warning At (%)", required=True,
        help="The share of a target after which the ticket is near breach.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('category', 'ASC NULLS LAST'), ('priority', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def default_warning_percent(cls):
        return 75

    @classmethod
    def validate_fields(cls, policies, field_names):
        super().validate_fields(policies, field_names)
        for policy in policies:
            for name in ['response_hours', 'resolution_hours']:
                if getattr(policy, name) <= 0:
                    raise ValidationError(gettext(
                            'helpdesk.msg_policy_positive',
                            policy=policy.rec_name,
                            field=cls.__names__(name)['field']))
            if not 0 < policy.warning_percent <= 100:
                raise ValidationError(gettext(
                        'helpdesk.msg_policy_warning_percent',
                        policy=policy.rec_name))

    @classmethod
    def find(cls, category, priority):
        """The policy of the category and priority, of the category for
        any priority, else the default one"""
        candidates = cls.search([
                ('category', 'in', [category.id if category else None,
                        None]),
                ('priority', 'in', [priority, None]),
                ])
        candidates.sort(key=lambda p: (
                p.category is None, p.priority is None, p.id))
        return candidates[0] if candidates else None

    def deadlines(self, opened):
        "The ticket values of the policy's deadlines for a ticket opened"
        values = {'policy': self.id}
        share = self.warning_percent / 100
        for target, target_hours in [
                ('response', self.response_hours),
                ('resolution', self.resolution_hours)]:
            values[f'{target}_deadline'] = self.calendar.add(
                opened, dt.timedelta(hours=target_hours))
            values[f'{target}_warning'] = self.calendar.add(
                opened, dt.timedelta(hours=target_hours * share))
        return values


class EscalationRule(
        sequence_ordered(), DeactivableMixin, ModelSQL, ModelView):
    "What happens once to a ticket near or past a deadline"
    __name__ = 'helpdesk.escalation.rule'
    __string__ = "Escalation Rule"

    name = fields.Char("Name", required=True, translate=True)
    policy = fields.Many2One('helpdesk.sla.policy', "SLA Policy",
        ondelete='CASCADE', help="Leave empty to apply to every policy.")
    target = fields.Selection([
            ('response', "First Response"),
            ('resolution', "Resolution"),
            ], "Target", required=True)
    condition = fields.Selection([
            ('nearing', "Near Breach"),
            ('breached', "Breached"),
            ], "Condition", required=True)
    action = fields.Selection([
            ('notify', "Notify"),
            ('reassign', "Reassign"),
            ('raise_priority', "Raise Priority"),
            ], "Action", required=True)
    notify_assignee = fields.Boolean("Notify Assignee",
        states={'invisible': Eval('action') != 'notify'})
    notify_team = fields.Boolean("Notify Team",
        states={'invisible': Eval('action') != 'notify'},
        help="Mail the e-mail address of the ticket's team.")
    email = fields.Char("Also Notify",
        states={'invisible': Eval('action') != 'notify'},
        help="Other addresses, separated by commas, such as the IT "
        "manager's.")
    team = fields.Many2One('helpdesk.team', "Reassign to Team",
        states={
            'invisible': Eval('action') != 'reassign',
            'required': Eval('action') == 'reassign',
            })
    user = fields.Many2One('res.user', "Reassign to Agent",
        states={'invisible': Eval('action') != 'reassign'})

    @classmethod
    def default_notify_assignee(cls):
        return True


class Escalation(ModelSQL, ModelView):
    "One escalation rule fired for a ticket"
    __name__ = 'helpdesk.escalation'
    __string__ = "Escalation"

    # The job checks that a rule fired once for a ticket through the index
    # Tryton makes on ticket for the tickets' One2Many: a ticket has a few
    # escalations, and one index less is faster to write
    ticket = fields.Many2One('helpdesk.ticket', "Ticket", required=True,
        ondelete='CASCADE', readonly=True)
    rule = fields.Many2One('helpdesk.escalation.rule', "Rule", required=True,
        ondelete='CASCADE', readonly=True)
    date = fields.Timestamp("Date", required=True, readonly=True)
    action = fields.Selection('get_actions', "Action", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('ticket')
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_actions(cls):
        Rule = Pool().get('helpdesk.escalation.rule')
        return Rule.fields_get(['action'])['action']['selection']

    @classmethod
    def escalate(cls):
        """Fire every rule whose condition a ticket now meets and that has
        not fired for it yet; returns how many escalations were made"""
        pool = Pool()
        Ticket = pool.get('helpdesk.ticket')
        Rule = pool.get('helpdesk.escalation.rule')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        date = now()
        user = transaction.user
        ticket = Ticket.__table__()
        rule = Rule.__table__()
        escalation = cls.__table__()
        fired = cls.__table__()

        cursor.execute(*escalation.select(
                escalation.id, order_by=[escalation.id.desc], limit=1))
        row = cursor.fetchone()
        last = row[0] if row else 0

        unanswered = ticket.first_response == Null
        at_risk = (
            ((rule.target == 'response') & unanswered
                & (rule.condition == 'nearing')
                & (ticket.response_warning <= date))
            | ((rule.target == 'response') & unanswered
                & (rule.condition == 'breached')
                & (ticket.response_deadline <= date))
            | ((rule.target == 'resolution')
                & (rule.condition == 'nearing')
                & (ticket.resolution_warning <= date))
            | ((rule.target == 'resolution')
                & (rule.condition == 'breached')
                & (ticket.resolution_deadline <= date)))
        # The at-risk set is read first and written after: an INSERT reading
        # the table it fills would scan its own new rows for each one
        cursor.execute(*ticket.join(rule,
                condition=(rule.policy == Null)
                | (rule.policy == ticket.policy)
                ).select(
                ticket.id, rule.id, rule.action, ticket.subject,
                ticket.assignee, ticket.team,
                where=ticket.state.in_(['new', 'open'])
                & (rule.active == Literal(True))
                & at_risk
                & ~Exists(fired.select(Literal(1),
                        where=(fired.ticket == ticket.id)
                        & (fired.rule == rule.id)))))
        rows = sorted(cursor.fetchall())
        if not rows:
            return 0
        if backend.name == 'postgresql':
            # Three arrays as parameters rather than thousands of values
            cursor.execute(
                f'INSERT INTO "{cls._table}" (ticket, rule, action, date, '
                'create_uid, create_date) '
                'SELECT t, r, a, %s, %s, %s '
                'FROM unnest(%s::integer[], %s::integer[], %s::varchar[]) '
                'AS x(t, r, a)',
                (date, user, date, [r[0] for r in rows],
                    [r[1] for r in rows], [r[2] for r in rows]))
        else:
            insert, _ = tuple(escalation.insert(
                    [escalation.ticket, escalation.rule, escalation.action,
                        escalation.date, escalation.create_uid,
                        escalation.create_date],
                    [[0, 0, '', date, user, date]]))
            cursor.executemany(insert, [(t, r, action, date, user, date)
                    for t, r, action, *_ in rows])
        new = (escalation.id > last) & (escalation.date == date)

        for reassign in Rule.search([('action', '=', 'reassign')]):
            values = [reassign.team.id]
            columns = [ticket.team]
            if reassign.user:
                columns.append(ticket.assignee)
                values.append(reassign.user.id)
            cursor.execute(*ticket.update(
                    columns + [ticket.write_uid, ticket.write_date],
                    values + [user, date],
                    where=ticket.id.in_(escalation.select(
                            escalation.ticket,
                            where=new & (escalation.rule == reassign.id)))))

        cursor.execute(*ticket.update(
                [ticket.priority, ticket.write_uid, ticket.write_date],
                [Case(*((ticket.priority == k, v)
                            for k, v in RAISED.items()),
                        else_=ticket.priority), user, date],
                where=ticket.id.in_(escalation.select(
                        escalation.ticket,
                        where=new & (escalation.action == 'raise_priority')))))

        # The tickets changed under the ORM: drop what it has cached of them
        transaction.counter += 1
        for cache in transaction.cache.values():
            if Ticket.__name__ in cache:
                cache[Ticket.__name__].clear()
        cls._notify(rows)
        return len(rows)

    @classmethod
    def _notify(cls, rows):
        """One e-mail per recipient listing the tickets escalated to them,
        from the rows (ticket, rule, action, subject, assignee, team) of the
        new escalations, as the tickets were when they met the rules"""
        pool = Pool()
        Rule = pool.get('helpdesk.escalation.rule')
        Team = pool.get('helpdesk.team')
        User = pool.get('res.user')
        rules = {r.id: r for r in Rule.search([('action', '=', 'notify')])}
        rows = [r for r in rows if r[1] in rules]
        if not rows:
            return
        team_emails = {t.id: t.email for t in Team.search([])}
        user_ids = {r[4] for r in rows if r[4]}
        user_emails = {u.id: u.email for u in User.browse(list(user_ids))}
        conditions = dict(
            Rule.fields_get(['condition'])['condition']['selection'])
        targets = dict(Rule.fields_get(['target'])['target']['selection'])
        # Translated once per rule, filled in per ticket
        templates = {r.id: gettext('helpdesk.msg_escalation_line',
                reference='\x00reference\x00', subject='\x00subject\x00',
                target=targets[r.target], condition=conditions[r.condition])
            for r in rules.values()}
        # Read from the rules once: thousands of rows are escalated a run
        recipients = {r.id: (
                [a.strip() for a in (r.email or '').split(',') if a.strip()],
                r.notify_assignee, r.notify_team) for r in rules.values()}
        lines = defaultdict(list)
        for ticket_id, rule_id, _, subject, assignee, team in rows:
            others, notify_assignee, notify_team = recipients[rule_id]
            to = list(others)
            if notify_assignee and user_emails.get(assignee):
                to.append(user_emails[assignee])
            if notify_team and team_emails.get(team):
                to.append(team_emails[team])
            line = templates[rule_id].replace(
                '\x00reference\x00', f'HD-{ticket_id:06d}').replace(
                '\x00subject\x00', subject)
            for recipient in dict.fromkeys(to):
                lines[recipient].append(line)
        for recipient, ticket_lines in lines.items():
            email = EmailMessage()
            email['From'] = config.get('email', 'from')
            email['To'] = recipient
            email['Subject'] = gettext('helpdesk.msg_escalation_subject',
                count=len(ticket_lines))
            email.set_content('\n'.join(ticket_lines))
            send_message_transactional(email)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('helpdesk.escalation|escalate', "Escalate Service Desk Tickets"))
