# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

def office(code='SIGO'):
    Office = Pool().get('sigo.office')
    office, = Office.search([('code', '=', code)])
    return office


def it_user(login='it.officer'):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{
                'login': login, 'name': "IT Officer",
                'email': f'{login}@sigo.example.mn',
                'groups': [('add', [
                            ModelData.get_id('sigo_base', 'group_it')])],
                }])
    return user


class ItAssetsTestCase(ModuleTestCase):
    "Test IT Assets module"
    module = 'it_assets'

    @with_transaction()
    def test_warranty_alert_once_per_end_date(self):
        "Each asset's warranty is alerted once, again if the end date changes"
        pool = Pool()
        Asset = pool.get('it.asset')
        today = dt.date(2026, 11, 30)
        soon, later, past = Asset.create([{
                    'code': code, 'kind': 'server',
                    'serial_number': code, 'office': office().id,
                    'warranty_end': today + dt.timedelta(days=days),
                    } for code, days in [
                    ('SRV-1', 20), ('SRV-2', 45), ('SRV-3', -1)]])
        with Transaction().set_context(date=today):
            Asset.alert_warranty_expiry()
        self.assertEqual(
            [a.warranty_alerted for a in [soon, later, past]],
            [soon.warranty_end, None, None])

        soon.warranty_end = today + dt.timedelta(days=25)
        soon.save()
        with Transaction().set_context(date=today + dt.timedelta(days=20)):
            Asset.alert_warranty_expiry()
        self.assertEqual(
            [a.warranty_alerted for a in [soon, later, past]],
            [soon.warranty_end, later.warranty_end, None])

    @with_transaction()
    def test_storage_reading_opens_one_ticket_per_problem(self):
        "Readings over the threshold open one ticket until it is closed"
        pool = Pool()
        System = pool.get('it.storage.system')
        Reading = pool.get('it.storage.reading')
        Ticket = pool.get('helpdesk.ticket')
        san, = System.create([{
                    'name': 'SAN-PROD', 'environment': 'production',
                    'capacity': 200, 'warning_threshold': 80,
                    'critical_threshold': 90}])
        start = dt.datetime(2026, 11, 1, 6)
        it = it_user()

        def read(day, used):
            with acting_as(it):
                reading, = Reading.create([{
                            'system': san.id, 'used': used,
                            'date': start + dt.timedelta(days=day)}])
            return Reading(reading.id)

        self.assertEqual(read(0, 150).level, 'normal')
        first = read(1, 165)
        self.assertEqual((first.level, first.percent), ('warning', 82.5))
        self.assertTrue(first.ticket)
        self.assertIsNone(read(2, 185).ticket)
        tickets = Ticket.search([('origin', '=', str(san))])
        self.assertEqual(tickets, [first.ticket])
        self.assertEqual(first.ticket.channel, 'monitoring')

        Ticket.resolve(tickets)
        self.assertTrue(read(3, 186).ticket)
        self.assertEqual(Ticket.search_count([('origin', '=', str(san))]), 2)

    @with_transaction()
    def test_monitoring_alert_names_the_bad_field(self):
        "A malformed monitoring alert is refused with the alert and field"
        pool = Pool()
        Problem = pool.get('it.monitoring.problem')
        for data, text in [
                ([], 'no alert'),
                ([{'status': 'PROBLEM'}], 'alert 1 has no "problem_id"'),
                ([{'problem_id': 'z1', 'status': 'PROBLEM'}, 'x'],
                    'alert 2 is not a JSON object'),
                ({'problem_id': 'z1', 'status': 'OK'}, '"OK"'),
                ]:
            with self.subTest(data=data):
                with self.assertRaises(UserError) as cm:
                    Problem.receive(data)
                self.assertIn(text, cm.exception.message)
        self.assertEqual(Problem.search([]), [])

    @with_transaction()
    def test_alertmanager_webhook(self):
        "Prometheus Alertmanager's webhook is understood"
        pool = Pool()
        Problem = pool.get('it.monitoring.problem')
        problem, = Problem.receive({'alerts': [{
                        'status': 'firing', 'fingerprint': 'a1b2',
                        'labels': {'instance': 'sigo-db-01',
                            'severity': 'critical', 'alertname': 'DiskFull'},
                        'annotations': {'summary': "Disk 95% full"},
                        }]})
        self.assertEqual(
            (problem.external_id, problem.host, problem.severity,
                problem.message, problem.state),
            ('a1b2', 'sigo-db-01', 'critical', "Disk 95% full", 'open'))
        self.assertTrue(problem.ticket)

    @with_transaction()
    def test_only_it_edits_the_register(self):
        "Staff outside IT cannot read assets; IT cannot forge the history"
        pool = Pool()
        User = pool.get('res.user')
        Asset = pool.get('it.asset')
        Event = pool.get('it.asset.event')
        Licence = pool.get('it.licence')
        asset, = Asset.create([{
                    'code': 'PC-1', 'kind': 'terminal', 'serial_number': 'S1',
                    'office': office().id}])
        clerk, = User.create([{'login': 'clerk', 'name': "Clerk"}])
        it = it_user()
        with acting_as(clerk):
            for Model in [Asset, Licence]:
                with self.assertRaises(AccessError):
                    Model.search([])
        with acting_as(it):
            asset = Asset(asset.id)
            Asset.write([asset], {'assignee': it.id})
            self.assertEqual(
                [e.action for e in asset.events], ['assigned', 'registered'])
            with self.assertRaises(AccessError):
                Event.write(list(asset.events), {'action': 'retired'})


del ModuleTestCase
