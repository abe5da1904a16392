# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.helpdesk.working_hours import (
    add_working_time, working_time_between)
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from sigo_run.mailbox import MailboxTestMixin

UB = ZoneInfo('Asia/Ulaanbaatar')
OFFICE = {d: [(dt.time(9), dt.time(18))] for d in range(5)}
# Friday 27 November 2026, 16:00 in Ulaanbaatar
FRIDAY_4PM = dt.datetime(2026, 11, 27, 8, 0)


def at(day, hour, minute=0):
    "A naive UTC timestamp of a local Ulaanbaatar time in November 2026"
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UB).astimezone(
        dt.timezone.utc).replace(tzinfo=None)


def deliver():
    """Send the mail queued in the transaction as its commit would, without
    committing the test's records"""
    transaction = Transaction()
    for manager in transaction._datamanagers:
        manager.tpc_vote(transaction)
        manager.tpc_finish(transaction)
    transaction._datamanagers.clear()


def raw_email(sender, subject, text, name=''):
    message = EmailMessage()
    message['From'] = f'{name} <{sender}>' if name else sender
    message['To'] = 'support@sigo.example.mn'
    message['Subject'] = subject
    message.set_content(text)
    return message.as_bytes()


class HelpdeskTestCase(MailboxTestMixin, ModuleTestCase):
    "Test Service Desk module"
    module = 'helpdesk'

    def test_working_time_skips_nights_weekends_and_holidays(self):
        "Working hours count only Monday to Friday 9 to 18, not holidays"
        # 4 working hours from Friday 16:00: 2 on Friday, 2 on Monday
        self.assertEqual(
            add_working_time(at(27, 16), dt.timedelta(hours=4), OFFICE,
                set(), UB), at(30, 11))
        # Monday is a holiday: Tuesday 11:00
        self.assertEqual(
            add_working_time(at(27, 16), dt.timedelta(hours=4), OFFICE,
                {dt.date(2026, 11, 30)}, UB),
            at(30, 11) + dt.timedelta(days=1))
        # Opened on Saturday night: counting starts on Monday 9:00
        self.assertEqual(
            add_working_time(at(28, 22), dt.timedelta(hours=1), OFFICE,
                set(), UB), at(30, 10))
        self.assertEqual(
            working_time_between(at(27, 16), at(30, 11), OFFICE, set(), UB),
            dt.timedelta(hours=4))
        self.assertEqual(
            working_time_between(at(27, 19), at(30, 8), OFFICE, set(), UB),
            dt.timedelta())

    def agents(self):
        pool = Pool()
        User = pool.get('res.user')
        Team = pool.get('helpdesk.team')
        ModelData = pool.get('ir.model.data')
        it = ModelData.get_id('sigo_base', 'group_it')
        bold, saraa = User.create([{
                    'login': login, 'name': name, 'email': email,
                    'groups': [('add', [it])],
                    } for login, name, email in [
                    ('bold', "Bold", 'bold@sigo.example.mn'),
                    ('saraa', "Saraa", 'saraa@sigo.example.mn')]])
        team, = Team.create([{
                    'name': "Service Desk",
                    'email': 'servicedesk@sigo.example.mn',
                    'members': [('add', [bold.id, saraa.id])],
                    }])
        return team, bold, saraa

    @with_transaction()
    def test_monitoring_ticket_gets_default_sla_and_least_busy_agent(self):
        "A monitoring alert's ticket has the default SLA and an agent"
        pool = Pool()
        Ticket = pool.get('helpdesk.ticket')
        Category = pool.get('helpdesk.category')
        team, bold, saraa = self.agents()
        storage, = Category.create([{
                    'name': "Storage", 'system': "SAN", 'team': team.id}])
        with Transaction().set_context(helpdesk_now=FRIDAY_4PM):
            first, second, third = Ticket.create([{
                        'subject': f"Disk {n} 91% full",
                        'description': "Volume /data on db-01",
                        'channel': 'monitoring', 'priority': 'high',
                        'category': storage.id,
                        'origin': None,
                        } for n in range(3)])
            uncategorised, = Ticket.create([{
                        'subject': "Ping lost", 'channel': 'monitoring',
                        'priority': 'high', 'category': None}])
        self.assertEqual(first.state, 'new')
        self.assertEqual(first.reference, f'HD-{first.id:06d}')
        self.assertEqual(Ticket.search([('rec_name', '=', first.reference)]),
            [first])
        # The default policy: first response in 4 working hours, warned at
        # 3; Friday 16:00 + 4 h is Monday 11:00
        self.assertEqual(first.response_deadline, at(30, 11))
        self.assertEqual(first.response_warning, at(30, 10))
        self.assertEqual(uncategorised.policy, first.policy)
        self.assertEqual(uncategorised.response_deadline, at(30, 11))
        self.assertEqual(uncategorised.team, None)
        self.assertEqual(
            [t.assignee for t in [first, second, third]],
            [bold, saraa, bold])
        self.assertEqual([e.state for e in first.events], ['new'])
        self.assertEqual(
            set(dict(Ticket.get_origin())), {None, 'helpdesk.ticket'})

    def inbox(self):
        pool = Pool()
        Inbox = pool.get('inbound.email.inbox')
        inbox, = Inbox.create([{
                    'name': "Support",
                    'rules': [('create', [{
                                    'action': (
                                        'helpdesk.ticket|from_inbound_email'),
                                    }])],
                    }])
        return inbox

    def receive(self, inbox, data):
        Email = Pool().get('inbound.email')
        email_, = Email.create([{
                    'inbox': inbox.id, 'data': data, 'data_type': 'raw'}])
        Email.process([email_])
        return email_.result

    @with_transaction()
    def test_email_thread_pauses_sla_while_waiting(self):
        "Replies are mailed; a requester's answer resumes the paused SLA"
        pool = Pool()
        Message = pool.get('helpdesk.ticket.message')
        Ticket = pool.get('helpdesk.ticket')
        inbox = self.inbox()
        with Transaction().set_context(helpdesk_now=at(26, 10)):
            ticket = self.receive(inbox, raw_email(
                    'tsetseg@sigo.example.mn', "Cannot print payslips",
                    "The printer in room 204 jams.", name="Tsetseg"))
        self.assertEqual(ticket.channel, 'email')
        self.assertEqual(ticket.requester.name, "Tsetseg")
        self.assertEqual(ticket.requester_email, 'tsetseg@sigo.example.mn')
        resolve_by = ticket.resolution_deadline
        with Transaction().set_context(helpdesk_now=at(26, 11)):
            Message.create([{'ticket': ticket.id, 'kind': 'reply',
                        'body': "Which printer model is it?"}])
            Ticket.wait([ticket])
        self.assertEqual(ticket.first_response, at(26, 11))
        self.assertEqual(ticket.state, 'waiting')
        deliver()
        reply, opened, waiting = self.mailbox.messages
        self.assertEqual(reply['To'], 'tsetseg@sigo.example.mn')
        self.assertEqual(reply['Subject'],
            f'[{ticket.reference}] Cannot print payslips')
        self.assertIn('Open', opened['Subject'])
        self.assertIn('Waiting for Requester', waiting['Subject'])

        # She answers the next day at 11:00: 9 working hours waited
        with Transaction().set_context(helpdesk_now=at(27, 11)):
            same = self.receive(inbox, raw_email('tsetseg@sigo.example.mn',
                    f"Re: [{ticket.reference}] Cannot print payslips",
                    "HP LaserJet M404."))
        self.assertEqual(same, ticket)
        self.assertEqual(ticket.state, 'open')
        self.assertEqual(ticket.waited_hours, 9)
        self.assertEqual(ticket.resolution_deadline,
            resolve_by + dt.timedelta(days=1))
        self.assertEqual(
            [m.kind for m in ticket.messages], ['request', 'reply', 'request'])
        self.assertEqual(Ticket.search_count([]), 1)

    @with_transaction()
    def test_escalation_fires_once_and_mails_one_digest(self):
        "Breached tickets are escalated once; each recipient gets one mail"
        pool = Pool()
        Ticket = pool.get('helpdesk.ticket')
        Rule = pool.get('helpdesk.escalation.rule')
        Escalation = pool.get('helpdesk.escalation')
        team, bold, saraa = self.agents()
        network, = pool.get('helpdesk.team').create([{'name': "Network"}])
        Rule.create([{
                    'name': "Warn agent", 'target': 'response',
                    'condition': 'nearing', 'action': 'notify',
                    'notify_assignee': True,
                    'email': 'it.manager@sigo.example.mn',
                    }, {
                    'name': "Raise", 'target': 'response',
                    'condition': 'breached', 'action': 'raise_priority',
                    }, {
                    'name': "To network", 'target': 'resolution',
                    'condition': 'breached', 'action': 'reassign',
                    'team': network.id,
                    }])
        with Transaction().set_context(helpdesk_now=at(26, 9)):
            tickets = Ticket.create([{
                        'subject': f"VPN down in soum {n}", 'team': team.id,
                        'channel': 'phone', 'priority': 'normal',
                        } for n in range(3)])
            answered, = Ticket.create([{
                        'subject': "Answered", 'team': team.id,
                        'channel': 'phone'}])
        answered.first_response = at(26, 9, 30)
        answered.save()
        deliver()
        # 12:30: past the 3 h warning, not the 4 h deadline
        with Transaction().set_context(helpdesk_now=at(26, 12, 30)):
            self.assertEqual(Escalation.escalate(), 3)
            self.assertEqual(Escalation.escalate(), 0)
        deliver()
        self.assertEqual(sorted(m['To'] for m in self.mailbox.messages),
            ['bold@sigo.example.mn', 'it.manager@sigo.example.mn',
                'saraa@sigo.example.mn'])
        manager, = [m for m in self.mailbox.messages
            if m['To'] == 'it.manager@sigo.example.mn']
        self.assertIn('3', manager['Subject'])
        body = manager.get_payload(decode=True).decode()
        for ticket in tickets:
            self.assertIn(ticket.reference, body)
        self.assertNotIn(answered.reference, body)

        # Resolution in 24 working hours from Thursday 9:00 is Monday 15:00
        with Transaction().set_context(helpdesk_now=at(30, 16)):
            self.assertEqual(Escalation.escalate(), 7)
        tickets = Ticket.browse(tickets)
        answered = Ticket(answered.id)
        self.assertEqual({t.priority for t in tickets}, {'high'})
        self.assertEqual({t.team for t in tickets}, {network})
        self.assertEqual(answered.priority, 'normal')
        self.assertEqual(answered.team, network)
        self.assertEqual(len(tickets[0].escalations), 3)

    @with_transaction()
    def test_merge_moves_messages_without_mailing_requester(self):
        "Merging a duplicate moves its messages and mails nobody"
        pool = Pool()
        Ticket = pool.get('helpdesk.ticket')
        inbox = self.inbox()
        first = self.receive(inbox, raw_email(
                'dorj@sigo.example.mn', "E-mail quota full", "Help"))
        duplicate = self.receive(inbox, raw_email(
                'dorj@sigo.example.mn', "Mailbox full again", "Still"))
        duplicate.merged_into = first
        duplicate.save()
        Ticket.merge([duplicate])
        deliver()
        self.assertEqual(duplicate.state, 'merged')
        self.assertEqual(len(first.messages), 2)
        self.assertEqual(self.mailbox.messages, [])
        self.assertEqual([e.state for e in duplicate.events],
            ['new', 'merged'])

    @with_transaction()
    def test_resolution_counts_in_report_and_rating(self):
        "A resolved ticket is rated and counted in the SLA compliance"
        pool = Pool()
        Ticket = pool.get('helpdesk.ticket')
        Message = pool.get('helpdesk.ticket.message')
        Compliance = pool.get('helpdesk.report.sla')
        Backlog = pool.get('helpdesk.report.backlog')
        team, _, _ = self.agents()
        with Transaction().set_context(helpdesk_now=at(26, 9)):
            done, late, pending = Ticket.create([{
                        'subject': s, 'team': team.id, 'channel': 'phone'}
                    for s in ["Reset password", "Slow SIGO", "New PC"]])
        with Transaction().set_context(helpdesk_now=at(26, 10)):
            Message.create([{'ticket': done.id, 'body': "Done."}])
            Ticket.resolve([done])
        with Transaction().set_context(helpdesk_now=at(30, 17)):
            Ticket.resolve([late])
        self.assertEqual(done.resolution_hours, 1)
        done.rating = '5'
        done.rating_comment = "Quick"
        done.save()
        Ticket.close([done])
        line, = Compliance.search([])
        self.assertEqual((line.tickets, line.responded, line.response_met,
                line.resolved, line.resolution_met),
            (3, 1, 1, 2, 1))
        self.assertEqual(line.resolution_compliance, 50.0)
        self.assertEqual((line.year, line.month), (2026, 11))
        backlog, = Backlog.search([])
        self.assertEqual((backlog.tickets, backlog.state), (1, 'new'))
        Report = pool.get('helpdesk.report.xlsx', type='report')
        extension, content, _, _ = Report.execute([line.id], {})
        self.assertEqual((extension, bytes(content[:2])), ('xlsx', b'PK'))

    @with_transaction()
    def test_bad_policy_and_calendar_are_named_in_errors(self):
        "A target of zero hours or an unknown time zone is refused by name"
        pool = Pool()
        Policy = pool.get('helpdesk.sla.policy')
        Calendar = pool.get('helpdesk.calendar')
        calendar, = Calendar.search([])
        with self.assertRaises(ValidationError) as error:
            Policy.create([{'name': "Printers", 'calendar': calendar.id,
                        'response_hours': 0, 'resolution_hours': 8}])
        self.assertIn('"Printers"', str(error.exception))
        self.assertIn('First Response', str(error.exception))
        with self.assertRaises(ValidationError) as error:
            Calendar.create([{'name': "Khovd", 'timezone': 'Asia/Khovdd'}])
        self.assertIn('Asia/Khovdd', str(error.exception))

    @with_transaction()
    def test_answer_to_resolved_ticket_reopens_it(self):
        "The requester's answer to a resolved ticket opens it again"
        pool = Pool()
        Ticket = pool.get('helpdesk.ticket')
        inbox = self.inbox()
        ticket = self.receive(inbox, raw_email(
                'dorj@sigo.example.mn', "VPN down", "Since 9:00"))
        Ticket.resolve([ticket])
        self.receive(inbox, raw_email('dorj@sigo.example.mn',
                f"RE: [{ticket.reference}] VPN down: Resolved",
                "Still down."))
        self.assertEqual(ticket.state, 'open')
        self.assertEqual(ticket.resolved, None)
        self.assertEqual([e.state for e in ticket.events],
            ['new', 'resolved', 'open'])

    @with_transaction()
    def test_staff_outside_it_cannot_see_tickets(self):
        "Only IT reads tickets; others see published articles only"
        pool = Pool()
        User = pool.get('res.user')
        Ticket = pool.get('helpdesk.ticket')
        Category = pool.get('helpdesk.category')
        Article = pool.get('helpdesk.article')
        team, bold, _ = self.agents()
        ticket, = Ticket.create([{'subject': "Printer", 'channel': 'phone'}])
        category, = Category.create([{'name': "Printers"}])
        published, draft = Article.create([{
                    'title': t, 'category': category.id, 'body': "…",
                    'published': p} for t, p in [
                    ("Clear a jam", True), ("Draft", False)]])
        clerk, = User.create([{'login': 'clerk', 'name': "Clerk"}])
        with acting_as(clerk):
            with self.assertRaises(AccessError):
                Ticket.search([])
            with self.assertRaises(AccessError):
                Ticket.create([{'subject': "x", 'channel': 'phone'}])
            self.assertEqual(Article.search([]), [published])
        with acting_as(bold):
            self.assertEqual(Ticket.search([]), [ticket])
            self.assertEqual(len(Article.search([])), 2)
            Ticket.resolve([ticket])
            with self.assertRaises(AccessError):
                Ticket.delete([ticket])


del ModuleTestCase
