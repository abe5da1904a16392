# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The IT equipment of SIGO and GOSWS: about a thousand terminals across the
offices, the data centre's servers and the production and development SANs
with a month of daily readings, Windows licences a few seats short (so the
compliance report has work), Linux on the servers, an office suite, a few
warranties ending soon and an open monitoring problem with its ticket."""
import datetime as dt

from trytond.pool import Pool

TERMINALS = 1000
TERMINAL_MODELS = [
    "Dell OptiPlex 7010", "HP ProDesk 400 G9", "Lenovo ThinkCentre M70q"]
SERVERS = [
    ('SRV-DB-01', "HPE ProLiant DL380 Gen10"),
    ('SRV-DB-02', "HPE ProLiant DL380 Gen10"),
    ('SRV-APP-01', "Dell PowerEdge R650"),
    ('SRV-APP-02', "Dell PowerEdge R650"),
    ('SRV-APP-03', "Dell PowerEdge R650"),
    ('SRV-BKP-01', "Dell PowerEdge R750xd"),
    ('SRV-MON-01', "Dell PowerEdge R250"),
    ]
# name, environment, capacity TB, used TB a month ago, daily growth TB
SANS = [
    ('SAN-PROD-01', 'production', 200.0, 148.0, 0.85),
    ('SAN-DEV-01', 'development', 80.0, 41.0, 0.3),
    ]
CHUNK = 250


def generate(scale, random):
    pool = Pool()
    Office = pool.get('sigo.office')
    User = pool.get('res.user')
    Asset = pool.get('it.asset')
    Product = pool.get('it.licence.product')
    Licence = pool.get('it.licence')
    Installation = pool.get('it.software.installation')
    System = pool.get('it.storage.system')
    Reading = pool.get('it.storage.reading')
    Problem = pool.get('it.monitoring.problem')
    Configuration = pool.get('it.asset.configuration')

    configuration = Configuration(1)
    configuration.alert_email = 'it-operations@sigo.example.mn'
    configuration.save()

    today = dt.date.today()
    offices = Office.search([('active', '=', True)], order=[('code', 'ASC')])
    head, = Office.search([('code', '=', 'SIGO')])
    staff = [u for u in User.search([('login', '!=', 'admin')])
        if getattr(u, 'offices', None)]

    def bought(years_ago):
        return today - dt.timedelta(days=int(365 * years_ago))

    terminals = []
    for number in range(1, max(int(TERMINALS * scale), 20) + 1):
        purchase = bought(random.uniform(0.5, 6))
        terminals.append({
                'code': f'PC-{number:05d}',
                'kind': 'laptop' if number % 10 == 0 else 'terminal',
                'model': random.choice(TERMINAL_MODELS),
                'serial_number': f'CN{random.randrange(10 ** 9):09d}'
                f'{number:05d}',
                'office': offices[number % len(offices)].id,
                'purchase_date': purchase,
                'warranty_end': purchase + dt.timedelta(days=3 * 365),
                'state': 'stock' if number % 50 == 0 else 'in_use',
                })
    for user, values in zip(staff, terminals):
        values['assignee'] = user.id
        values['office'] = user.offices[0].id
    created = []
    for start in range(0, len(terminals), CHUNK):
        created += Asset.create(terminals[start:start + CHUNK])

    servers = Asset.create([{
                'code': code, 'kind': 'server', 'model': model,
                'serial_number': f'CZ{2300 + i:04d}{code[-2:]}',
                'office': head.id, 'state': 'in_use',
                'purchase_date': bought(3 - i * 0.1),
                # A few warranties run out within the alert window
                'warranty_end': today + dt.timedelta(days=[12, 26, 400][
                        i % 3] if i < 3 else 200 + 30 * i),
                } for i, (code, model) in enumerate(SERVERS)])

    windows, linux, office_suite = Product.create([
            {'name': "Windows 11 Pro", 'publisher': "Microsoft",
                'kind': 'os'},
            {'name': "Red Hat Enterprise Linux 9", 'publisher': "Red Hat",
                'kind': 'os'},
            {'name': "Microsoft Office LTSC 2021", 'publisher': "Microsoft",
                'kind': 'software'},
            ])
    computers = created
    volume, lapsed, rhel, suite = Licence.create([
            {'product': windows.id, 'reference': 'MS-EA-2024-0117',
                'seats': len(computers), 'valid_from': bought(2)},
            {'product': windows.id, 'reference': 'MS-OEM-2019-0042',
                'seats': 40, 'valid_from': bought(7),
                'valid_to': bought(0.3)},
            {'product': linux.id, 'reference': 'RH-SUB-2025-118',
                'seats': 16, 'valid_from': bought(1),
                'valid_to': today + dt.timedelta(days=365)},
            {'product': office_suite.id, 'reference': 'MS-EA-2024-0118',
                'seats': 600, 'valid_from': bought(2)},
            ])
    installations = []
    for number, computer in enumerate(computers):
        installed = computer.purchase_date + dt.timedelta(days=2)
        if number % 97 == 5:
            continue  # reinstalled, the OS not recorded yet
        licence = volume.id
        if number % 83 == 7:
            licence = None
        elif number % 71 == 3:
            licence = lapsed.id
        installations.append({
                'asset': computer.id, 'product': windows.id,
                'licence': licence, 'installed': installed})
        if number % 2 == 0:
            installations.append({
                    'asset': computer.id, 'product': office_suite.id,
                    'licence': suite.id, 'installed': installed})
    installations += [{
            'asset': s.id, 'product': linux.id, 'licence': rhel.id,
            'installed': s.purchase_date} for s in servers]
    for start in range(0, len(installations), CHUNK):
        Installation.create(installations[start:start + CHUNK])
    # The agreement covers eight terminals fewer than run Windows under it:
    # the latest installed are beyond its seats
    Licence.write([volume], {'seats': sum(
                1 for i in installations if i['licence'] == volume.id) - 8})

    storage_assets = Asset.create([{
                'code': name, 'kind': 'storage',
                'model': "Dell PowerStore 1200T", 'serial_number': f'PS{name}',
                'office': head.id, 'state': 'in_use',
                'purchase_date': bought(2),
                'warranty_end': bought(2) + dt.timedelta(days=5 * 365),
                } for name, *_ in SANS])
    now = dt.datetime.combine(today, dt.time(6))
    for (name, environment, capacity, used, growth), asset in zip(
            SANS, storage_assets):
        system, = System.create([{
                    'name': name, 'environment': environment,
                    'asset': asset.id, 'capacity': capacity,
                    'warning_threshold': 80, 'critical_threshold': 90}])
        Reading.create([{
                    'system': system.id,
                    'date': now - dt.timedelta(days=days),
                    'used': round(used + growth * (30 - days)
                        + random.uniform(-0.4, 0.4), 2),
                    } for days in range(30, -1, -1)])

    Problem.receive([
            {'problem_id': 'zbx-48213', 'host': 'SRV-DB-02',
                'severity': 'high', 'status': 'PROBLEM',
                'message': "Replication lag to the DR site above 15 minutes"},
            {'problem_id': 'zbx-48190', 'host': 'SRV-APP-03',
                'severity': 'average', 'status': 'PROBLEM',
                'message': "Zabbix agent is not available for 5 minutes"},
            ])
    Problem.receive([
            {'problem_id': 'zbx-48190', 'status': 'RESOLVED',
                'message': "Zabbix agent is available again"},
            ])
