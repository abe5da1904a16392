# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt
import io

import openpyxl

import trytond.config as config
from trytond.exceptions import RateLimitException
from trytond.model.exceptions import AccessError
from trytond.modules.user_access.conflict import RoleConflictError
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def office(code):
    Office = Pool().get('sigo.office')
    record, = Office.search([('code', '=', code)])
    return record


def role(fs_id):
    pool = Pool()
    Role = pool.get('res.role')
    ModelData = pool.get('ir.model.data')
    return Role(ModelData.get_id('sigo_base', fs_id))


def create_user(login, office_code='SIGO-MN-073-01', roles=(), **values):
    User = Pool().get('res.user')
    user, = User.create([{
                'login': login,
                'name': login.title(),
                'password': f'{login}-password',
                'offices': [('add', [office(office_code).id])],
                'roles': [('create', [{'role': role(r).id} for r in roles])],
                **values,
                }])
    return user


class UserAccessTestCase(ModuleTestCase):
    "Test User Access module"
    module = 'user_access'

    def login(self, login, password):
        User = Pool().get('res.user')
        return User.get_login(login, {'password': password})

    @with_transaction()
    def test_login_events(self):
        "Every login outcome is kept with its factors, never their values"
        pool = Pool()
        Event = pool.get('access.login')
        user = create_user('clerk')
        self.assertEqual(self.login('clerk', 'clerk-password'), user.id)
        self.assertIsNone(self.login('clerk', 'wrong'))
        events = Event.search([('login', '=', 'clerk')], order=[('id', 'ASC')])
        self.assertEqual(
            [(e.outcome, e.user, e.factors) for e in events],
            [('success', user, 'password'), ('failure', None, 'password')])
        self.assertFalse(any('clerk-password' in (e.factors or '')
                for e in events))

    @with_transaction()
    def test_lockout_after_attempts(self):
        "Too many wrong passwords block the login and the block is logged"
        pool = Pool()
        Event = pool.get('access.login')
        Attempt = pool.get('res.user.login.attempt')
        create_user('clerk')
        limit = config.getint('session', 'max_attempt', default=5)
        # The attempts as earlier failed logins left them
        for _ in range(limit + 1):
            Attempt.add('clerk', None)
        with self.assertRaises(RateLimitException):
            self.login('clerk', 'clerk-password')
        self.assertEqual(
            Event.search([('login', '=', 'clerk')])[0].outcome, 'blocked')

    @with_transaction()
    def test_leaver(self):
        "The leaver process ends account, sessions, keys and roles at once"
        pool = Pool()
        User = pool.get('res.user')
        Session = pool.get('ir.session')
        Application = pool.get('res.user.application')
        user = create_user('leaver', roles=['role_soum_officer'])
        with Transaction().set_user(user.id):
            Session.new()
        # An application key as a module offering one (e.g. the claims API)
        # leaves it; no such module is activated here
        table = Application.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.insert(
                [table.user, table.key, table.application, table.state],
                [[user.id, 'k' * 64, 'claims', 'validated']]))
        application, = Application.search([('user', '=', user.id)])
        User.leave([user])
        user = User(user.id)
        self.assertFalse(user.active)
        self.assertEqual(Session.search([('create_uid', '=', user.id)]), [])
        self.assertEqual(Application(application.id).state, 'cancelled')
        self.assertTrue(all(
                r.to_date <= dt.datetime.now() for r in user.roles))
        self.assertEqual(user.groups, ())

    @with_transaction()
    def test_deactivate_expired(self):
        "Only users past their assignment are deactivated"
        pool = Pool()
        User = pool.get('res.user')
        today = dt.date.today()
        ended = create_user('ended', access_until=today - dt.timedelta(1))
        current = create_user('current', access_until=today)
        permanent = create_user('permanent')
        self.assertEqual(User.deactivate_expired(), [ended])
        self.assertFalse(User(ended.id).active)
        self.assertTrue(User(current.id).active)
        self.assertTrue(User(permanent.id).active)

    @with_transaction()
    def test_direct_conflicting_grant_refused(self):
        "An administrator cannot grant a conflicting pair either"
        pool = Pool()
        Conflict = pool.get('access.role_conflict')
        UserRole = pool.get('res.user.role')
        Conflict.create([{
                    'role_a': role('role_soum_officer').id,
                    'role_b': role('role_finance').id,
                    'reason': "Entry and payment"}])
        user = create_user('clerk', roles=['role_soum_officer'])
        with self.assertRaises(RoleConflictError) as context:
            UserRole.create([{'user': user.id,
                        'role': role('role_finance').id}])
        self.assertIn("Soum Officer", context.exception.message)
        self.assertIn("Finance Officer", context.exception.message)

    @with_transaction()
    def test_conflict_holders_report(self):
        "The report lists the users who already hold a conflicting pair"
        pool = Pool()
        Conflict = pool.get('access.role_conflict')
        both = create_user('both', roles=[
                'role_soum_officer', 'role_finance'])
        create_user('one', roles=['role_soum_officer'])
        conflict, = Conflict.create([{
                    'role_a': role('role_soum_officer').id,
                    'role_b': role('role_finance').id,
                    'reason': "Entry and payment"}])
        self.assertEqual(Conflict(conflict.id).holders, (both,))
        self.assertEqual(
            Conflict.search([('holders', '!=', None)]), [conflict])

    @with_transaction()
    def test_request_visible_to_involved_only(self):
        "A request is seen by its requester, supervisor and data owners"
        pool = Pool()
        Request = pool.get('access.request')
        Role = pool.get('res.role')
        requester = create_user('requester')
        supervisor = create_user('supervisor')
        owner = create_user('owner')
        outsider = create_user('outsider')
        Role.write([role('role_soum_officer')], {'data_owner': owner.id})
        with Transaction().set_user(requester.id):
            request, = Request.create([{
                        'login': 'newcomer', 'name': "Newcomer",
                        'supervisor': supervisor.id,
                        'to_date': dt.date.today() + dt.timedelta(30),
                        'reason': "New officer",
                        'offices': [('add', [office('SIGO-MN-073-01').id])],
                        'roles': [('create', [{
                                        'role': role(
                                            'role_soum_officer').id}])],
                        }])
        for user in [requester, supervisor, owner]:
            with acting_as(user):
                self.assertEqual(Request.search([]), [request])
        Line = pool.get('access.request.role')
        with acting_as(outsider):
            self.assertEqual(Request.search([]), [])
            self.assertEqual(Line.search([]), [])
            with self.assertRaises(AccessError):
                Request.read([request.id], ['reason'])

    def _review(self, reviewer):
        pool = Pool()
        Review = pool.get('access.review')
        today = dt.date.today()
        review, = Review.create([{
                    'office': office('SIGO-MN-073-01').id,
                    'reviewer': reviewer.id,
                    'date': today,
                    'due_date': today + dt.timedelta(30),
                    }])
        Review.open([review])
        return review

    @with_transaction()
    def test_review_lists_office_users(self):
        "A review lists the office's active users, roles and last login"
        pool = Pool()
        User = pool.get('res.user')
        manager = create_user('manager', office_code='SIGO-MN-073')
        officer = create_user('officer', roles=['role_soum_officer'])
        create_user('elsewhere', office_code='SIGO-MN-073-02')
        User.get_login('officer', {'password': 'officer-password'})
        review = self._review(manager)
        line, = review.lines
        self.assertEqual(line.user, officer)
        self.assertEqual(line.roles, "Soum Officer")
        self.assertIsNotNone(line.last_login)

    @with_transaction()
    def test_review_decisions(self):
        "Only the reviewer decides; a revoke deactivates; all must decide"
        pool = Pool()
        Review = pool.get('access.review')
        Line = pool.get('access.review.line')
        User = pool.get('res.user')
        manager = create_user('manager', office_code='SIGO-MN-073')
        stays = create_user('stays', roles=['role_soum_officer'])
        goes = create_user('goes', roles=['role_soum_officer'])
        other = create_user('other', office_code='SIGO-MN-073')
        review = self._review(manager)
        lines = {l.user: l for l in review.lines}
        with acting_as(other):
            with self.assertRaises(AccessError):
                Line.certify([Line(lines[stays].id)])
        with acting_as(manager):
            Line.certify([Line(lines[stays].id)])
            with self.assertRaises(AccessError) as context:
                Review.done([Review(review.id)])
            self.assertIn("Goes", context.exception.message)
            Line.revoke([Line(lines[goes].id)])
            Review.done([Review(review.id)])
        self.assertFalse(User(goes.id).active)
        self.assertTrue(User(stays.id).active)
        self.assertEqual(Line(lines[stays].id).decided_by, manager)

    @with_transaction()
    def test_review_overdue(self):
        "An open review past its due date is flagged overdue"
        pool = Pool()
        Review = pool.get('access.review')
        manager = create_user('manager', office_code='SIGO-MN-073')
        create_user('officer')
        review = self._review(manager)
        self.assertFalse(review.overdue)
        Review.write([review], {
                'date': dt.date.today() - dt.timedelta(40),
                'due_date': dt.date.today() - dt.timedelta(10)})
        self.assertTrue(Review(review.id).overdue)
        self.assertEqual(Review.search([('overdue', '=', True)]), [review])

    @with_transaction()
    def test_review_spreadsheet(self):
        "The XLSX export carries the lines as on screen"
        pool = Pool()
        Report = pool.get('access.review.xlsx', type='report')
        Line = pool.get('access.review.line')
        manager = create_user('manager', office_code='SIGO-MN-073')
        create_user('officer', roles=['role_soum_officer'])
        review = self._review(manager)
        with Transaction().set_user(manager.id):
            Line.certify(review.lines)
        extension, content, _, name = Report.execute([review.id], {})
        self.assertEqual(extension, 'xlsx')
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        header = [c.value for c in sheet[5]]
        self.assertEqual(header[:2], ["User", "Roles"])
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
        self.assertEqual(
            [(r[0], r[1], r[5]) for r in rows],
            [("Officer", "Soum Officer", "Certified")])

    @with_transaction()
    def test_review_campaigns(self):
        "The scheduler opens a review for each staffed office with a manager"
        pool = Pool()
        Review = pool.get('access.review')
        Office = pool.get('sigo.office')
        manager = create_user('manager', office_code='SIGO-MN-073')
        create_user('officer')
        Office.write([office('SIGO-MN-073-01')], {'manager': manager.id})
        review, = Review.create_campaigns()
        self.assertEqual(review.office, office('SIGO-MN-073-01'))
        self.assertEqual(review.state, 'open')
        self.assertEqual(
            review.due_date - review.date, dt.timedelta(30))


del ModuleTestCase
