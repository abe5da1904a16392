# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.model.exceptions import AccessError
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class ChangeRequestTestCase(ModuleTestCase):
    "Test Change Request module"
    module = 'change_request'

    def staff(self, login, *groups):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'login': login, 'name': login,
                    'groups': [('add', [ModelData.get_id(module, group)
                                for module, group in (
                                    ('sigo_base', 'group_it'),) + groups])],
                    }])
        return user

    def payroll(self, owner):
        System = Pool().get('change.system')
        system, = System.create([{
                    'code': 'PAYROLL', 'name': "Pension Payroll",
                    'owner': owner.id,
                    'environments': [('create', [{'kind': 'production'}])],
                    }])
        return system

    def change(self, system, requester, **values):
        Change = Pool().get('change.request')
        with acting_as(requester):
            change, = Change.create([{
                        'title': "Index pensions",
                        'system': system.id,
                        'environment': system.environments[0].id,
                        'impact': "All pensions", 'implementation_plan': "Load",
                        'rollback_plan': "Restore", **values}])
            Change.submit([change])
        return change

    def decide(self, change, user, role, decision='approved'):
        Change = Pool().get('change.request')
        with acting_as(user):
            Change.write([change], {'approvals': [('create', [{
                                'role': role, 'decision': decision}])]})

    @with_transaction()
    def test_catalog_written_by_change_managers_only(self):
        "IT reads the system catalog; only change managers change it"
        pool = Pool()
        System = pool.get('change.system')
        manager = self.staff(
            'manager', ('change_request', 'group_change_manager'))
        developer = self.staff('developer')
        with acting_as(manager):
            system = self.payroll(manager)
        with acting_as(developer):
            self.assertEqual(System.search([]), [system])
            with self.assertRaises(AccessError):
                System.write([system], {'criticality': 'low'})

    @with_transaction()
    def test_cab_quorum(self):
        "With a quorum of two, one board member does not approve the change"
        pool = Pool()
        Configuration = pool.get('change.configuration')
        Configuration.write([Configuration(1)], {'cab_quorum': 2})
        manager = self.staff(
            'manager', ('change_request', 'group_change_manager'))
        cab1, cab2 = [self.staff(
                    login, ('change_request', 'group_change_advisory_board'))
            for login in ['cab1', 'cab2']]
        owner = self.staff('owner')
        developer = self.staff('developer')
        change = self.change(self.payroll(owner), developer, risk='high')
        self.decide(change, manager, 'change_manager')
        self.decide(change, owner, 'system_owner')
        self.decide(change, cab1, 'cab')
        self.decide(change, cab1, 'cab')
        self.assertEqual(change.state, 'submitted')
        self.decide(change, cab2, 'cab')
        self.assertEqual(change.state, 'approved')

    @with_transaction()
    def test_submitted_change_not_deleted(self):
        "A submitted change stays on record: only a draft is deleted"
        pool = Pool()
        Change = pool.get('change.request')
        manager = self.staff(
            'manager', ('change_request', 'group_change_manager'))
        change = self.change(self.payroll(manager), manager)
        with acting_as(manager):
            with self.assertRaisesRegex(AccessError, 'cannot be deleted'):
                Change.delete([change])


del ModuleTestCase
