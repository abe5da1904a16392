# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The IT systems of SIGO and GOSWS, four months of changes in every state
(one emergency approved late, one rolled back, one still unapproved past its
deadline) and developers' production access, one of them active now"""
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

from .sigo_base import DEMO_PASSWORD

# login, name, change-management group, what they do
PEOPLE = [
    ('change.manager', "Ганзориг Өөрчлөлт", 'group_change_manager',
        "change manager"),
    ('cab.security', "Мөнхцэцэг Аюулгүй", 'group_change_advisory_board',
        "change advisory board"),
    ('owner.insurance', "Энхбаяр Даатгал", None, "system owner"),
    ('owner.benefits', "Алтанцэцэг Тэтгэмж", None, "system owner"),
    ('dev.payroll', "Билгүүн Хөгжүүлэгч", None, "developer"),
    ('dev.web', "Анужин Хөгжүүлэгч", None, "developer"),
    ]


def demo_logins():
    "(login, what they do) of the change-management staff, for ./run demo"
    return [(login, role) for login, _, _, role in PEOPLE]


# code, name, owner, criticality, production host, development host
SYSTEMS = [
    ('E-SIGO', "Contributions web system (e-SIGO)", 'owner.insurance',
        'critical', 'https://e-sigo.sigo.gov.mn', 'e-sigo-dev.sigo.local'),
    ('PAYROLL', "Pension payroll", 'owner.benefits', 'critical',
        'payroll.sigo.local', 'payroll-dev.sigo.local'),
    ('HDF', "Human Development Fund payments", 'owner.benefits', 'high',
        'https://hdf.gosws.gov.mn', 'hdf-dev.gosws.local'),
    ('CLAIMS', "Health insurance claims portal", 'owner.insurance', 'high',
        'https://claims.sigo.gov.mn', 'claims-dev.sigo.local'),
    ('EMAIL', "E-mail", 'it.admin', 'medium', 'mail.sigo.gov.mn',
        'mail-test.sigo.local'),
    ('NETWORK', "Network core and VPN to aimag offices", 'it.admin',
        'critical', 'core-sw1.ndc.sigo.local', 'lab-sw1.sigo.local'),
    ]
# system, type, risk, title, requester, days ago, how far it went, review
CHANGES = [
    ('E-SIGO', 'normal', 'medium',
        "Add the 2026 contribution rates to the declaration form",
        'dev.web', 110, 'closed', 'successful'),
    ('E-SIGO', 'emergency', 'high',
        "Restart the application servers after memory exhaustion",
        'dev.web', 75, 'approved_late', 'successful'),
    ('PAYROLL', 'normal', 'high', "Apply the 2026 pension indexation",
        'dev.payroll', 62, 'closed', 'successful'),
    ('PAYROLL', 'normal', 'medium',
        "Change the payment file format for Khan Bank",
        'dev.payroll', 46, 'failed', 'rolled_back'),
    ('HDF', 'standard', 'low', "Renew the TLS certificate of hdf.gosws.gov.mn",
        'dev.web', 40, 'closed', 'successful'),
    ('EMAIL', 'normal', 'medium',
        "Move e-mail behind the new anti-spam gateway",
        'dev.web', 52, 'cancelled', None),
    ('EMAIL', 'standard', 'low',
        "Add the mailboxes of the new Bulgan soum office",
        'dev.web', 31, 'closed', 'successful'),
    ('E-SIGO', 'normal', 'low', "Rewrite the employer help page",
        'dev.web', 26, 'rejected', None),
    ('CLAIMS', 'normal', 'medium', "Load the 2026 list of reimbursed medicines",
        'dev.web', 19, 'implemented', None),
    ('CLAIMS', 'normal', 'high',
        "Move the claims database to PostgreSQL 16",
        'dev.web', 12, 'approved', None),
    ('HDF', 'emergency', 'high',
        "Stop the duplicate child money payment batch",
        'dev.payroll', 6, 'overdue', None),
    ('NETWORK', 'normal', 'high',
        "Replace the core switch at the national data centre",
        'dev.payroll', 5, 'waiting_cab', None),
    ('HDF', 'normal', 'medium', "Add the disability top-up programme",
        'dev.payroll', 3, 'in_progress', None),
    ('NETWORK', 'emergency', 'medium',
        "Block the address range scanning the aimag VPN",
        'dev.payroll', 1, 'implemented', None),
    ('PAYROLL', 'normal', 'low', "Correct the spelling of soum names on "
        "payslips", 'dev.payroll', 0, 'draft', None),
    ]


def generate(scale, random):
    pool = Pool()
    User = pool.get('res.user')
    Office = pool.get('sigo.office')
    System = pool.get('change.system')
    Change = pool.get('change.request')
    Access = pool.get('change.access')
    ModelData = pool.get('ir.model.data')

    head_office, = Office.search([('code', '=', 'SIGO')])
    it_group = ModelData.get_id('sigo_base', 'group_it')
    User.create([{
                'login': login,
                'name': name,
                'password': DEMO_PASSWORD,
                'email': f'{login}@sigo.example.mn',
                'offices': [('add', [head_office.id])],
                'office': head_office.id,
                'groups': [('add', [it_group] + ([ModelData.get_id(
                                    'change_request', group)]
                            if group else []))],
                } for login, name, group, _ in PEOPLE])
    users = {u.login: u for u in User.search([
                ('login', 'in', [p[0] for p in PEOPLE] + ['it.admin'])])}

    systems = {s.code: s for s in System.create([{
                    'code': code,
                    'name': name,
                    'owner': users[owner].id,
                    'criticality': criticality,
                    'environments': [('create', [
                                {'kind': 'production', 'host': production},
                                {'kind': 'development',
                                    'host': development},
                                ])],
                    } for code, name, owner, criticality, production,
                development in SYSTEMS])}

    now = dt.datetime.now().replace(second=0, microsecond=0)

    def acting(login, when):
        return _Acting(users[login], when)

    def decide(change, login, role, when, decision='approved', comment=None):
        with acting(login, when):
            Change.write([change], {'approvals': [('create', [{
                                'role': role, 'decision': decision,
                                'comment': comment}])]})

    def approve_all(change, when):
        decide(change, 'change.manager', 'change_manager', when)
        decide(change, change.system.owner.login, 'system_owner',
            when + dt.timedelta(hours=2))
        if change.risk == 'high':
            decide(change, 'cab.security', 'cab',
                when + dt.timedelta(hours=5))

    by_system = {}
    for (code, type_, risk, title, requester, days_ago, progress,
            review) in CHANGES:
        day = now - dt.timedelta(days=days_ago)
        system = systems[code]
        production = [e for e in system.environments
            if e.kind == 'production'][0]
        with acting(requester, day):
            change, = Change.create([{
                        'title': title,
                        'request_date': day.date(),
                        'system': system.id,
                        'environment': production.id,
                        'type': type_,
                        'risk': risk,
                        'impact': "Users of %s during the change window."
                        % system.name,
                        'implementation_plan': "1. Announce the window to "
                        "the aimag offices.\n2. Apply on development, test.\n"
                        "3. Apply on production, verify.",
                        'rollback_plan': "Restore the snapshot taken before "
                        "the change and announce the rollback.",
                        'planned_start': day + dt.timedelta(days=3, hours=-12),
                        'planned_end': day + dt.timedelta(days=3, hours=-10),
                        }])
        by_system.setdefault(code, []).append(change)
        if progress == 'draft':
            continue
        if progress == 'cancelled':
            with acting(requester, day):
                Change.cancel([change])
            continue
        if type_ == 'emergency':
            with acting(requester, day):
                Change.start([change])
                Change.write([change], {'log_lines': [('create', [{
                                    'text': "Applied the fix on production "
                                    "and verified the service.",
                                    }])]})
            with acting(requester, day + dt.timedelta(minutes=40)):
                Change.implement([change])
            if progress in {'approved_late', 'overdue'}:
                # The hourly check finds it unapproved after 48 hours
                with Transaction().set_context(
                        now=day + dt.timedelta(days=2, hours=1)):
                    Change.flag_overdue_emergencies()
            if progress == 'approved_late':
                approve_all(change, day + dt.timedelta(days=3))
                close(change, review, day + dt.timedelta(days=4))
            continue
        with acting(requester, day):
            Change.submit([change])
        submitted = day + dt.timedelta(hours=2)
        if progress == 'rejected':
            decide(change, 'change.manager', 'change_manager', submitted)
            decide(change, change.system.owner.login, 'system_owner',
                submitted + dt.timedelta(hours=3), decision='rejected',
                comment="The help page is being rewritten with the "
                "employers' association; wait for their text.")
            continue
        if progress == 'waiting_cab':
            decide(change, 'change.manager', 'change_manager', submitted)
            decide(change, change.system.owner.login, 'system_owner',
                submitted + dt.timedelta(hours=3))
            continue
        if type_ != 'standard':
            approve_all(change, submitted)
        if progress == 'approved':
            continue
        start = day + dt.timedelta(days=3, hours=-12)
        with acting(requester, start):
            Change.start([change])
        if progress == 'in_progress':
            continue
        with acting(requester, start + dt.timedelta(minutes=50)):
            Change.write([change], {'log_lines': [('create', [{
                                'text': "Applied on production.",
                                'outcome': ('rolled_back'
                                    if progress == 'failed' else 'done'),
                                }])]})
            if progress == 'failed':
                Change.fail([change])
            else:
                Change.implement([change])
        if progress in {'closed', 'failed'}:
            close(change, review, start + dt.timedelta(days=2))

    def grant(developer, code, reason, days_ago, hours, outcome,
            change=None):
        start = now - dt.timedelta(days=days_ago)
        owner = systems[code].owner.login
        with acting(developer, start):
            access, = Access.create([{
                        'developer': users[developer].id,
                        'system': systems[code].id,
                        'reason': reason,
                        'change': change.id if change else None,
                        'duration': dt.timedelta(hours=hours),
                        }])
        if outcome == 'requested':
            return
        with acting(owner, start + dt.timedelta(minutes=20)):
            Access.approve([access])
        if outcome == 'approved':
            return
        with acting(owner, start + dt.timedelta(minutes=30)):
            Access.grant([access])
        if outcome == 'revoked':
            with acting(owner, start + dt.timedelta(hours=1)):
                Access.revoke([access])
        elif outcome == 'expired':
            with Transaction().set_context(now=access.expires_at
                    + dt.timedelta(minutes=3)):
                Access.expire_grants()

    grant('dev.payroll', 'PAYROLL',
        "Check the Khan Bank payment file produced by the new format.",
        44, 4, 'expired', by_system['PAYROLL'][1])
    grant('dev.web', 'E-SIGO',
        "Read the application server logs of the memory exhaustion.",
        74, 2, 'expired', by_system['E-SIGO'][1])
    grant('dev.payroll', 'HDF',
        "Find the duplicated child money payment lines.",
        6, 4, 'revoked', by_system['HDF'][1])
    grant('dev.web', 'CLAIMS',
        "Check the medicines list loaded in production against the "
        "ministry's file.", 0.05, 4, 'granted', by_system['CLAIMS'][0])
    grant('dev.payroll', 'NETWORK',
        "Read the VPN concentrator logs of the scanning address range.",
        0.02, 2, 'approved', by_system['NETWORK'][1])
    grant('dev.web', 'PAYROLL',
        "Reproduce the payslip spelling error on production data.",
        0.01, 1, 'requested')


def close(change, review, when):
    Change = Pool().get('change.request')
    with _Acting(change.requester, when):
        Change.write([change], {
                'review_result': review,
                'lessons': {
                    'successful': "Went as planned.",
                    'rolled_back': "The bank's test environment accepted "
                    "a file its production rejected: test with the bank's "
                    "production validator first.",
                    }.get(review, ''),
                })
        Change.close([change])


class _Acting:
    "Act as user at a given time: the events record who and when"

    def __init__(self, user, when):
        self.user, self.when = user, when

    def __enter__(self):
        transaction = Transaction()
        self._user = transaction.set_user(self.user.id)
        self._context = transaction.set_context(now=self.when)
        self._user.__enter__()
        self._context.__enter__()

    def __exit__(self, *exc):
        self._context.__exit__(*exc)
        self._user.__exit__(*exc)
