# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def backup_run(state='succeeded', hours_ago=1, repository=2, **values):
    started = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours_ago)
    return {
        'repository': repository, 'type': 'incr', 'state': state,
        'started': started.isoformat(), 'duration': 12.5,
        'label': '20261129-010000F_20261129-020000I', 'size': 3 * 2 ** 20,
        'point': 'sigo-20261129T020010Z', 'error': '', **values}


def drill_report(state='passed', days_ago=1):
    started = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago)
    failed = state == 'failed'
    return {
        'database': 'sigo', 'repository': 2, 'started': started.isoformat(),
        'target': 'restore point sigo-20261129T020010Z',
        'point': 'sigo-20261129T020010Z',
        'rpo': 320.0, 'rto': None if failed else 95.0, 'state': state,
        'steps': [
            {'name': 'verify repository 2', 'ok': not failed,
                'detail': ('checksum invalid: 1' if failed
                    else 'no error found'), 'seconds': 0.4}],
        'checks': [],
        'text': 'Restore drill of sigo',
        }


class ItOpsTestCase(ModuleTestCase):
    "Test IT Operations module"
    module = 'it_ops'
    # The tickets alerts open; the module installs without it
    extras = ['helpdesk']

    def it_admin(self):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        admin = User(ModelData.get_id('res', 'user_admin'))
        admin.email = 'it@sigo.example.mn'
        admin.save()
        it, = User.create([{
                    'login': 'it.admin', 'name': "IT Administrator",
                    'email': 'it.admin@sigo.example.mn',
                    'groups': [('add', [
                                ModelData.get_id('sigo_base', 'group_it')])],
                    }])
        return it

    @with_transaction()
    def test_failed_backup_raises_alert_to_it(self):
        "A failed backup run is recorded and IT is alerted by e-mail"
        pool = Pool()
        Run = pool.get('it_ops.backup.run')
        Alert = pool.get('it_ops.alert')
        self.it_admin()
        ok, failed = Run.record('sigo', 'sigo', [
                backup_run(repository=1),
                backup_run(state='failed', label='', size=0,
                    error='ERROR: [104]: archive-push to repo2 failed')])
        self.assertEqual(ok.size, 3.0)
        self.assertEqual(ok.duration, dt.timedelta(seconds=12.5))
        alert, = Alert.search([])
        self.assertEqual(alert.kind, 'backup_failed')
        self.assertEqual(alert.origin, failed)
        self.assertIn('repository 2', alert.message)
        self.assertIn('archive-push to repo2 failed', alert.message)
        self.assertEqual(
            set(alert.recipients.split(', ')),
            {'it@sigo.example.mn', 'it.admin@sigo.example.mn'})

    @with_transaction()
    def test_late_backup_and_drill_alert_once(self):
        "A late backup or drill alerts once until a success ends it"
        pool = Pool()
        Run = pool.get('it_ops.backup.run')
        Drill = pool.get('it_ops.drill')
        Alert = pool.get('it_ops.alert')
        Run.record('sigo', 'sigo', [backup_run(hours_ago=30)])
        Run.record('hdf', 'hdf', [backup_run(hours_ago=2)])
        Drill.record(drill_report(days_ago=40))

        Alert.check_freshness()
        Alert.check_freshness()
        self.assertEqual(
            sorted((a.kind, a.database) for a in Alert.search([])),
            [('backup_late', 'sigo'), ('drill_late', 'sigo')])

        Run.record('sigo', 'sigo', [backup_run(hours_ago=0)])
        Alert.check_freshness()
        self.assertEqual(Alert.search_count([]), 2)

    @with_transaction()
    def test_failed_drill_alert_names_the_step(self):
        "A failed drill alerts with the step that failed and why"
        pool = Pool()
        Drill = pool.get('it_ops.drill')
        Alert = pool.get('it_ops.alert')
        drill = Drill.record(drill_report(state='failed'))
        self.assertEqual(drill.rto, None)
        self.assertEqual(drill.rpo, dt.timedelta(seconds=320))
        alert, = Alert.search([])
        self.assertEqual(alert.kind, 'drill_failed')
        self.assertIn('verify repository 2', alert.message)
        self.assertIn('checksum invalid', alert.message)

    @with_transaction()
    def test_scheduled_drill_without_configuration_alerts(self):
        "The monthly drill on a server without [ops] config raises an alert"
        pool = Pool()
        Drill = pool.get('it_ops.drill')
        Alert = pool.get('it_ops.alert')
        Drill.run_scheduled()
        alert, = Alert.search([])
        self.assertEqual(alert.kind, 'drill_failed')
        self.assertEqual(alert.database, Transaction().database.name)
        self.assertIn('[ops]', alert.message)

    @with_transaction()
    def test_failed_backup_opens_one_ticket_while_open(self):
        """A failed backup opens a high-priority ticket; failing again while
        it is open opens none, failing after it is resolved opens a new one"""
        pool = Pool()
        Run = pool.get('it_ops.backup.run')
        Alert = pool.get('it_ops.alert')
        Ticket = pool.get('helpdesk.ticket')
        Category = pool.get('helpdesk.category')
        Configuration = pool.get('it_ops.configuration')
        backups, = Category.create([{'name': "Backups and restores"}])
        configuration = Configuration(1)
        configuration.ops_category = backups
        configuration.save()
        error = 'ERROR: [039]: unable to write to repo2'

        failed, = Run.record('sigo', 'sigo', [
                backup_run(state='failed', hours_ago=24, error=error)])
        alert, = Alert.search([])
        ticket, = Ticket.search([])
        self.assertEqual(alert.ticket, ticket)
        self.assertEqual(ticket.origin, alert)
        self.assertTrue(ticket.origin.rec_name.startswith(
                "Backup Failed: sigo "))
        self.assertEqual(alert.origin, failed)
        self.assertEqual(ticket.subject, "Backup Failed: database sigo")
        self.assertIn(error, ticket.description)
        self.assertEqual(
            (ticket.channel, ticket.priority, ticket.category, ticket.state),
            ('monitoring', 'high', backups, 'new'))

        Run.record('sigo', 'sigo', [backup_run(state='failed', error=error)])
        self.assertEqual(Alert.search_count([('kind', '=', 'backup_failed')]),
            2)
        self.assertEqual(Ticket.search([]), [ticket])
        self.assertEqual(Alert.search([], limit=1)[0].ticket, None)

        # Another database, or another kind of alert, is another problem
        Run.record('hdf', 'hdf', [backup_run(state='failed', error=error)])
        Drill = pool.get('it_ops.drill')
        Drill.record(drill_report(state='failed'))
        self.assertEqual(Ticket.search_count([]), 3)

        Ticket.resolve([ticket])
        Run.record('sigo', 'sigo', [backup_run(state='failed', error=error)])
        latest = Alert.search([
                ('kind', '=', 'backup_failed'), ('database', '=', 'sigo'),
                ], limit=1)[0]
        self.assertNotIn(latest.ticket, [None, ticket])
        self.assertEqual(latest.ticket.state, 'new')
        self.assertEqual(Ticket.search_count([]), 4)

    @with_transaction()
    def test_late_backup_again_while_ticket_open(self):
        """Backups that stop again while the ticket of the last lateness is
        open alert again but open no second ticket"""
        pool = Pool()
        Run = pool.get('it_ops.backup.run')
        Alert = pool.get('it_ops.alert')
        Ticket = pool.get('helpdesk.ticket')
        Run.record('sigo', 'sigo', [backup_run(hours_ago=80)])
        Alert.check_freshness()
        first, = Alert.search([])
        ticket = first.ticket
        self.assertEqual(ticket.subject, "Backup Late: database sigo")
        # It was raised when the backup became late, two days ago; a backup
        # ran once since and stopped again
        Alert.write([first], {
                'date': dt.datetime.now() - dt.timedelta(hours=50)})
        Run.record('sigo', 'sigo', [backup_run(hours_ago=40)])
        Alert.check_freshness()
        second, _ = Alert.search([])
        self.assertNotEqual(second, first)
        self.assertEqual(second.ticket, None)
        self.assertEqual(Ticket.search([]), [ticket])

    @with_transaction()
    def test_freshness_dashboard(self):
        "The dashboard shows each database's last successful backup"
        pool = Pool()
        Run = pool.get('it_ops.backup.run')
        Freshness = pool.get('it_ops.backup.freshness')
        Run.record('sigo', 'sigo', [
                backup_run(hours_ago=40), backup_run(hours_ago=30),
                backup_run(state='failed', hours_ago=1)])
        Run.record('hdf', 'hdf', [backup_run(hours_ago=3)])
        hdf, sigo = Freshness.search([])
        self.assertEqual((hdf.database, hdf.late, hdf.backups),
            ('hdf', False, 1))
        self.assertEqual((sigo.database, sigo.late, sigo.backups),
            ('sigo', True, 2))
        self.assertGreater(sigo.age, dt.timedelta(hours=29))

    @with_transaction()
    def test_staff_outside_it_see_no_backups(self):
        "Only IT reads backup runs, drills and alerts; nobody edits them"
        pool = Pool()
        User = pool.get('res.user')
        Run = pool.get('it_ops.backup.run')
        Drill = pool.get('it_ops.drill')
        run, = Run.record('sigo', 'sigo', [backup_run()])
        clerk, = User.create([{'login': 'clerk', 'name': "Clerk"}])
        it = self.it_admin()
        with acting_as(clerk):
            for Model in [Run, Drill]:
                with self.assertRaises(AccessError):
                    Model.search([])
        with acting_as(it):
            self.assertEqual(Run.search([]), [run])
            with self.assertRaises(AccessError):
                Run.write([run], {'state': 'failed'})
            with self.assertRaises(AccessError):
                Run.delete([run])


del ModuleTestCase
