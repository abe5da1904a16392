# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The service desk of SIGO's IT department: its support inbox, office hours
with 2026's public holidays, three teams, categories per IT system with their
SLA policies and escalation rules, and three weeks of tickets from e-mail,
phone and monitoring in every state (some escalated, one merged, rated ones)
with knowledge base articles"""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

from .sigo_base import DEMO_PASSWORD

HOLIDAYS_2026 = [
    (dt.date(2026, 1, 1), "New Year"),
    (dt.date(2026, 2, 18), "Tsagaan Sar"),
    (dt.date(2026, 2, 19), "Tsagaan Sar"),
    (dt.date(2026, 2, 20), "Tsagaan Sar"),
    (dt.date(2026, 3, 8), "International Women's Day"),
    (dt.date(2026, 6, 1), "Children's Day"),
    *((dt.date(2026, 7, d), "Naadam") for d in range(11, 16)),
    (dt.date(2026, 11, 26), "Independence Day"),
    (dt.date(2026, 12, 29), "National Freedom and Independence Day"),
    ]
# login, name, team
AGENTS = [
    ('sd.bold', "Болд Үйлчилгээ", "Service Desk"),
    ('sd.saraa', "Сараа Үйлчилгээ", "Service Desk"),
    ('net.tuvshin', "Түвшин Сүлжээ", "Network"),
    ('app.nomin', "Номин Програм", "Application Support"),
    ('app.erdene', "Эрдэнэ Програм", "Application Support"),
    ]
TEAMS = [
    ("Service Desk", 'servicedesk@sigo.example.mn'),
    ("Network", 'network@sigo.example.mn'),
    ("Application Support", 'app-support@sigo.example.mn'),
    ]
# name, IT system, team, (response, resolution) hours for high priority
CATEGORIES = [
    ("E-mail", "mail.sigo.gov.mn", "Service Desk", (2, 8)),
    ("Network and VPN", "VPN to aimag and soum offices", "Network", (1, 4)),
    ("SIGO web system", "e-SIGO contributions and pensions",
        "Application Support", (1, 6)),
    ("Printers and scanners", "Office printers", "Service Desk", None),
    ("Workstations", "Staff computers", "Service Desk", None),
    ("User accounts", "Logins, passwords, second factor", "Service Desk",
        (2, 8)),
    ]
# subject, category, channel, priority, requester (office code), days ago,
# what happened: new, answered, waiting, resolved, closed (rated), late
TICKETS = [
    ("Cannot send e-mail with attachments over 10 MB", "E-mail", 'email'),
    ("Outlook asks for the password every hour", "E-mail", 'email'),
    ("VPN to the soum office drops every afternoon", "Network and VPN",
        'phone'),
    ("No network in the archive room", "Network and VPN", 'phone'),
    ("Pension calculation page times out", "SIGO web system", 'email'),
    ("Declaration upload rejects XLSX from an employer", "SIGO web system",
        'email'),
    ("Contribution report shows last month's totals", "SIGO web system",
        'email'),
    ("Printer in room 204 jams on every page", "Printers and scanners",
        'phone'),
    ("Scanner driver missing after update", "Printers and scanners",
        'email'),
    ("Computer does not start", "Workstations", 'phone'),
    ("Need Mongolian keyboard layout installed", "Workstations", 'email'),
    ("Forgot my password", "User accounts", 'phone'),
    ("Lost phone with the authenticator app", "User accounts", 'phone'),
    ("New employee needs a SIGO account", "User accounts", 'email'),
    ]
OFFICES = ['SIGO', 'SIGO-MN-039', 'SIGO-MN-073', 'SIGO-MN-073-01',
    'SIGO-MN-073-02', 'SIGO-MN-1-04']
REQUESTERS = ["Оюун", "Батбаяр", "Солонго", "Ганчимэг", "Мөнх-Эрдэнэ",
    "Цэцэгмаа", "Хонгорзул", "Энхжаргал"]
ARTICLES = [
    ("E-mail", "Send large files",
        "Attachments are limited to 10 MB. Put larger files on the shared "
        "drive and send the link."),
    ("Network and VPN", "Reconnect the VPN",
        "Right-click the VPN icon, choose Disconnect, wait ten seconds and "
        "Connect. If it fails three times, call the service desk."),
    ("Printers and scanners", "Clear a paper jam",
        "Switch the printer off, open the back cover, pull the paper "
        "gently in the direction of the paper path."),
    ("User accounts", "Reset your password",
        "Use 'Forgot password' on the SIGO login page; the link is sent "
        "to your work e-mail."),
    ("User accounts", "Enrol a new phone for the second factor",
        "Ask the service desk to reset your second factor, then scan the "
        "code shown at your next login."),
    ]


def generate(scale, random):
    pool = Pool()
    User = pool.get('res.user')
    Office = pool.get('sigo.office')
    ModelData = pool.get('ir.model.data')
    Calendar = pool.get('helpdesk.calendar')
    Team = pool.get('helpdesk.team')
    Category = pool.get('helpdesk.category')
    Policy = pool.get('helpdesk.sla.policy')
    Rule = pool.get('helpdesk.escalation.rule')
    Article = pool.get('helpdesk.article')
    Inbox = pool.get('inbound.email.inbox')

    calendar = Calendar(ModelData.get_id('helpdesk', 'calendar_default'))
    Calendar.write([calendar], {'holidays': [('create', [
                        {'date': d, 'name': n}
                        for d, n in HOLIDAYS_2026])]})

    head_office, = Office.search([('code', '=', 'SIGO')])
    it_group = ModelData.get_id('sigo_base', 'group_it')
    agents = {u.login: u for u in User.create([{
                    'login': login, 'name': name, 'password': DEMO_PASSWORD,
                    'email': f'{login}@sigo.example.mn',
                    'offices': [('add', [head_office.id])],
                    'office': head_office.id,
                    'groups': [('add', [it_group])],
                    } for login, name, _ in AGENTS])}
    teams = {t.name: t for t in Team.create([{
                    'name': name, 'email': email,
                    'members': [('add', [agents[login].id
                                for login, _, team in AGENTS
                                if team == name])],
                    } for name, email in TEAMS])}
    categories = {c.name: c for c in Category.create([{
                    'name': name, 'system': system, 'team': teams[team].id,
                    } for name, system, team, _ in CATEGORIES])}
    Policy.create([{
                'name': f"{name}: high priority",
                'category': categories[name].id, 'priority': priority,
                'calendar': calendar.id,
                'response_hours': targets[0], 'resolution_hours': targets[1],
                } for name, _, _, targets in CATEGORIES if targets
            for priority in ['high', 'urgent']])
    Rule.create([{
                'name': "First response near: remind the agent",
                'target': 'response', 'condition': 'nearing',
                'action': 'notify', 'notify_assignee': True,
                }, {
                'name': "First response late: raise priority",
                'target': 'response', 'condition': 'breached',
                'action': 'raise_priority',
                }, {
                'name': "Resolution late: tell the team and the IT manager",
                'target': 'resolution', 'condition': 'breached',
                'action': 'notify', 'notify_team': True,
                'email': 'it-manager@sigo.example.mn',
                }, {
                'name': "Resolution late on SIGO: application support",
                'target': 'resolution', 'condition': 'breached',
                'action': 'reassign',
                'policy': Policy.search([
                        ('category', '=',
                            categories["SIGO web system"].id),
                        ('priority', '=', 'urgent')])[0].id,
                'team': teams["Application Support"].id,
                }])
    Article.create([{
                'category': categories[category].id, 'title': title,
                'body': body, 'published': True,
                } for category, title, body in ARTICLES])
    Inbox.create([{
                'name': "support@sigo.gov.mn",
                'rules': [('create', [{
                                'action': (
                                    'helpdesk.ticket|from_inbound_email'),
                                }])],
                }])
    _tickets(random, categories, agents, teams)


def _at_office_hour(day, random):
    "A time in office hours of a local day, as naive UTC"
    local = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(
        minutes=random.randrange(0, 8 * 60))
    return local - dt.timedelta(hours=8)


def _tickets(random, categories, agents, teams):
    """Three weeks of tickets, each through the steps it reached at the
    times they happened"""
    pool = Pool()
    Ticket = pool.get('helpdesk.ticket')
    Message = pool.get('helpdesk.ticket.message')
    Escalation = pool.get('helpdesk.escalation')
    Office = pool.get('sigo.office')
    Party = pool.get('party.party')

    offices = Office.search([('code', 'in', OFFICES)])
    requesters = Party.create([{
                'name': f"{name} ({office.code})",
                'contact_mechanisms': [('create', [{
                                'type': 'email',
                                'value': f'user{n}@{office.code.lower()}'
                                '.sigo.example.mn'}])],
                } for n, (name, office) in enumerate(
                (name, offices[n % len(offices)])
                for n, name in enumerate(REQUESTERS))])
    today = dt.date.today()
    days = [today - dt.timedelta(days=d) for d in range(1, 22)
        if (today - dt.timedelta(days=d)).weekday() < 5]
    outcomes = (['closed'] * 12 + ['resolved'] * 8 + ['open'] * 8
        + ['waiting'] * 4 + ['new'] * 6)
    random.shuffle(outcomes)
    created = []
    for n, outcome in enumerate(outcomes):
        subject, category, channel = TICKETS[n % len(TICKETS)]
        requester = requesters[n % len(requesters)]
        opened = _at_office_hour(
            days[-1 - n % len(days)] if outcome in {'closed', 'resolved'}
            else days[n % 5], random)
        priority = random.choice(['normal', 'normal', 'high', 'low'])
        with Transaction().set_context(helpdesk_now=opened):
            ticket, = Ticket.create([{
                        'subject': subject, 'channel': channel,
                        'priority': priority,
                        'category': categories[category].id,
                        'requester': requester.id,
                        'description': subject + ".",
                        }])
            Message.create([{'ticket': ticket.id, 'kind': 'request',
                        'sender': ticket.requester_email,
                        'body': subject + "."}])
        if outcome == 'new':
            created.append(ticket)
            continue
        answered = opened + dt.timedelta(minutes=random.randrange(10, 300))
        agent = ticket.assignee or agents['sd.bold']
        with Transaction().set_user(agent.id), \
                Transaction().set_context(helpdesk_now=answered):
            Message.create([{'ticket': ticket.id, 'kind': 'reply',
                        'body': "We are looking into it."}])
            if outcome == 'waiting':
                Ticket.wait([ticket])
        if outcome in {'resolved', 'closed'}:
            done = answered + dt.timedelta(hours=random.randrange(1, 40))
            with Transaction().set_user(agent.id), \
                    Transaction().set_context(helpdesk_now=done):
                Ticket.resolve([ticket])
                if outcome == 'closed':
                    Ticket.write([ticket], {
                            'rating': random.choice(['3', '4', '5', '5']),
                            'rating_comment': random.choice([
                                    None, "Thank you", "Quick help",
                                    "Took a while but works now"]),
                            })
                    Ticket.close([ticket])
        created.append(ticket)

    # A phoned-in duplicate of an e-mail about the same outage
    first = next(t for t in created if t.state in {'new', 'open'})
    with Transaction().set_context(helpdesk_now=first.opened
            + dt.timedelta(minutes=20)):
        duplicate, = Ticket.create([{
                    'subject': first.subject + " (phoned)",
                    'channel': 'phone', 'category': first.category.id,
                    'requester': first.requester.id,
                    'merged_into': first.id,
                    }])
        Message.create([{'ticket': duplicate.id, 'kind': 'request',
                    'body': "Same problem, called to be sure."}])
        Ticket.merge([duplicate])

    # The job as it ran this morning: the old open ones are escalated
    with Transaction().set_context(helpdesk_now=dt.datetime.now()):
        Escalation.escalate()
