# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt
import io
from decimal import Decimal

import openpyxl

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.sigo_insurance.declaration import (
    DeclarationError, DeclaredRow, parse_wage)
from trytond.modules.sigo_insurance.declaration_import import (
    DeclarationFileError, read_rows)
from trytond.modules.sigo_insurance.fund_books import FundBooks
from trytond.modules.sigo_base.tests.tools import acting_as
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

MAY = dt.date(2025, 5, 1)
FUNDS = ['PEN', 'BEN', 'IAO', 'UNE', 'HLT']


def open_fund_books(year=2025):
    Entity = Pool().get('account.ipsas.entity')
    entities = Entity.search([('code', 'in', FUNDS)])
    Entity.open_books(entities)
    Entity.open_fiscal_year(entities, year)


def receivable(moves):
    "The contributions receivable each move books, by fund code"
    Entity = Pool().get('account.ipsas.entity')
    return {
        Entity.search([('company', '=', m.company.id)])[0].code:
        sum(l.debit - l.credit for l in m.lines if l.account.code == '1210')
        for m in moves}


def office(code):
    Office = Pool().get('sigo.office')
    record, = Office.search([('code', '=', code)])
    return record


def create_employer(number='5123456', office_code='SIGO-MN-073-01',
        people=(('Батын Болд', 'АР90051512'),)):
    pool = Pool()
    Party = pool.get('party.party')
    Employer = pool.get('insurance.employer')
    Employment = pool.get('insurance.employment')
    company, = Party.create([{'name': f"Company {number}"}])
    employer, = Employer.create([{
                'party': company.id, 'registration_number': number,
                'office': office(office_code).id}])
    persons = Party.create([{'name': n, 'register_number': r}
            for n, r in people])
    Employment.create([{'employer': employer.id, 'person': p.id,
                'start_date': dt.date(2024, 1, 1)} for p in persons])
    return employer


def create_officer(login, office_code):
    "A soum officer working in one office"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    officer, = User.create([{
                'login': login, 'name': login.title(),
                'offices': [('add', [office(office_code).id])],
                'roles': [('create', [{'role': ModelData.get_id(
                                    'sigo_base', 'role_soum_officer')}])],
                }])
    return officer


def xlsx(rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def confirmed_may():
    "An employer's May confirmed, one employee on 1,000,000, books open"
    Declaration = Pool().get('insurance.declaration')
    employer = create_employer()
    open_fund_books()
    declaration, _ = Declaration.create_from_rows(employer, MAY, [
            DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
    Declaration.confirm([declaration])
    return declaration


def printable(record):
    "The (name, report) pairs the user may print from the record's form"
    Keyword = Pool().get('ir.action.keyword')
    return {(a['name'], a['report_name']) for a in Keyword.get_keyword(
            'form_print', (record.__name__, record.id))}


class SigoInsuranceTestCase(ModuleTestCase):
    "Test SIGO Insurance module"
    module = 'sigo_insurance'

    def test_read_xlsx(self):
        "An XLSX file is read with its row numbers and wages as numbers"
        rows = read_rows('wages.xlsx', xlsx([
                    ['Регистрийн дугаар / Register number', 'Цалин / Wage'],
                    ['АР90051512', 1500000],
                    [None, None],
                    ['АР85062304', 'abc'],
                    ]))
        self.assertEqual(rows, [
                DeclaredRow(2, 'АР90051512', Decimal('1500000')),
                DeclaredRow(4, 'АР85062304', None)])

    def test_wage_text_forms(self):
        "Wages as spreadsheets write them are read; other text is refused"
        for value, wage in [
                ('1 500 000', Decimal('1500000.00')),
                ('1,500,000.50', Decimal('1500000.50')),
                (1500000.0, Decimal('1500000.00')),
                ('1500000.0000', Decimal('1500000.00')),
                ('abc', None), ('NaN', None), ('', None), (None, None),
                (True, None)]:
            with self.subTest(value=value):
                self.assertEqual(parse_wage(value), wage)

    @with_transaction()
    def test_read_csv_one_column(self):
        "A CSV of one column is refused for the column missing"
        with self.assertRaises(DeclarationFileError) as context:
            read_rows('wages.csv', 'register_number\nАР90051512\n'.encode())
        self.assertIn("needs a register number column and a wage column",
            context.exception.message)

    def test_read_csv_semicolon_with_bom(self):
        "A CSV saved by a spreadsheet (BOM, semicolons) is read"
        rows = read_rows('wages.csv',
            '\ufeffрегистр;цалин\nАР90051512;"1,500,000"\n'.encode('utf-8'))
        self.assertEqual(rows, [
                DeclaredRow(2, 'АР90051512', Decimal('1500000'))])

    @with_transaction()
    def test_xlsx_upload_creates_declaration(self):
        "A clean XLSX upload is stored and assessed"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        employer = create_employer()
        rows = read_rows('wages.xlsx', xlsx([
                    ['register_number', 'wage'], ['АР90051512', 1000000]]))
        declaration, created = Declaration.create_from_rows(
            employer, MAY, rows)
        self.assertTrue(created)
        self.assertEqual(declaration.employee_total, Decimal('115000'))
        self.assertEqual(declaration.employer_total, Decimal('125000'))

    @with_transaction()
    def test_bad_rows_store_nothing(self):
        "A declaration with a bad row stores nothing at all"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Line = pool.get('insurance.declaration.line')
        employer = create_employer()
        with self.assertRaises(DeclarationError) as context:
            Declaration.create_from_rows(employer, MAY, [
                    DeclaredRow(2, 'АР90051512', Decimal('1000000')),
                    DeclaredRow(3, 'АР90051512', Decimal('1000000'))])
        self.assertEqual([e.row for e in context.exception.errors], [3])
        self.assertEqual(Declaration.search([]), [])
        self.assertEqual(Line.search([]), [])

    @with_transaction()
    def test_batch_with_a_bad_file_stores_nothing(self):
        "A batch of files with one bad file stores none of them"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Line = pool.get('insurance.declaration.line')
        good = create_employer()
        bad = create_employer('5123457', people=(('Дорж', 'АР90051513'),))
        with self.assertRaises(DeclarationError) as context:
            Declaration.create_from_files([
                    (good, MAY, [
                            DeclaredRow(2, 'АР90051512', Decimal('1000000'))]),
                    (bad, MAY, [
                            DeclaredRow(2, 'АР90051513', Decimal('900000')),
                            DeclaredRow(3, 'АР90051512', Decimal('800000'))]),
                    ])
        self.assertIn("5123457", context.exception.message)
        self.assertEqual([e.row for e in context.exception.errors], [3])
        self.assertEqual(Declaration.search([]), [])
        self.assertEqual(Line.search([]), [])

    @with_transaction()
    def test_month_filed_twice_in_a_batch(self):
        """A month filed twice in one batch is stored as if sent twice: the
        second file replaces the first, not yet confirmed"""
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        employer = create_employer()
        (first, created_first), (second, created_second) = (
            Declaration.create_from_files([
                    (employer, MAY, [
                            DeclaredRow(2, 'АР90051512', Decimal('1000000'))]),
                    (employer, MAY, [
                            DeclaredRow(2, 'АР90051512', Decimal('1200000'))]),
                    ]))
        self.assertTrue(created_first and created_second)
        stored, = Declaration.search([])
        self.assertEqual(stored, second)
        self.assertEqual(stored.version, 1)
        self.assertEqual(stored.wage_total, Decimal('1200000'))

    @with_transaction()
    def test_new_rate_applies_when_assessed_again(self):
        "A new rate of a month applies when its declarations are reassessed"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Rate = pool.get('insurance.rate')
        ModelData = pool.get('ir.model.data')
        employer = create_employer()
        declaration, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        self.assertEqual(declaration.employee_total, Decimal('115000'))
        Rate.create([{
                    'fund': ModelData.get_id('sigo_insurance', 'fund_pen'),
                    'insured_type': ModelData.get_id(
                        'sigo_insurance', 'insured_type_01'),
                    'start_date': MAY,
                    'employee_rate': Decimal('9.5'),
                    'employer_rate': Decimal('8.5'),
                    }])
        Declaration.assess([declaration])
        self.assertEqual(declaration.employee_total, Decimal('125000'))

    @with_transaction()
    def test_missing_wage_limit(self):
        "A month before any recorded minimum wage is refused with a reason"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Employment = pool.get('insurance.employment')
        employer = create_employer()
        Employment.write(list(employer.employments), {
                'start_date': dt.date(2010, 1, 1)})
        with self.assertRaises(ValidationError) as context:
            Declaration.create_from_rows(employer, dt.date(2015, 1, 1), [
                    DeclaredRow(2, 'АР90051512', Decimal('100000'))])
        self.assertIn("2015-01-01", context.exception.message)

    @with_transaction()
    def test_insured_type_without_rate(self):
        """A person of an insured type without a rate in the month is a row
        to correct, at upload and again at confirmation: never a wage
        stored without contributions"""
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Employment = pool.get('insurance.employment')
        InsuredType = pool.get('insurance.insured_type')
        Party = pool.get('party.party')
        employer = create_employer(people=(
                ('Батын Болд', 'АР90051512'), ('Доржийн Сараа', 'АР85062304')))
        student, = InsuredType.create([{'code': '99', 'name': "Intern"}])
        sara, = Party.search([('register_number', '=', 'АР85062304')])
        employment, = Employment.search([('person', '=', sara.id)])
        Employment.write([employment], {'insured_type': student.id})
        with self.assertRaises(DeclarationError) as context:
            Declaration.create_from_rows(employer, MAY, [
                    DeclaredRow(2, 'АР90051512', Decimal('1000000')),
                    DeclaredRow(3, 'АР85062304', Decimal('1000000'))])
        error, = context.exception.errors
        self.assertEqual(error.row, 3)
        self.assertIn("no contribution rate for insured type 99", error.reason)
        self.assertIn("2025-05", error.reason)
        self.assertEqual(Declaration.search([]), [])

        # Typed in the client, the line is refused when confirmed
        declaration, = Declaration.create([{
                    'employer': employer.id, 'period': MAY,
                    'lines': [('create', [{
                                    'person': sara.id,
                                    'insured_type': student.id,
                                    'wage': Decimal('900000')}])]}])
        open_fund_books()
        with self.assertRaises(DeclarationError) as context:
            Declaration.confirm([declaration])
        self.assertIn("Row 1 (АР85062304): no contribution rate for insured "
            "type 99", context.exception.description)
        self.assertEqual(declaration.state, 'draft')

    @with_transaction()
    def test_placeholder_rates_of_other_insured_types(self):
        """Every insured type has rates adding up to its published totals,
        the placeholders flagged unconfirmed as the hazardous-work ones"""
        pool = Pool()
        Rate = pool.get('insurance.rate')
        InsuredType = pool.get('insurance.insured_type')
        RiskClass = pool.get('insurance.risk_class')
        totals = {
            '01': (Decimal('11.5'), Decimal('12.5')),
            '22': (Decimal('9.3'), Decimal('10.3')),
            '40': (Decimal('11.3'), Decimal('12.3')),
            '11': (Decimal('2.0'), Decimal('2.0')),
            '06': (Decimal('0'), Decimal('9.5')),
            '17': (Decimal('0'), Decimal('12.5')),
            }
        rates = Rate.in_month(MAY, None)
        for insured_type in InsuredType.search([('code', 'in', list(totals))]):
            with self.subTest(insured_type=insured_type.code):
                by_fund = rates[insured_type.id]
                self.assertEqual(
                    (sum(r[1] for r in by_fund), sum(r[2] for r in by_fund)),
                    totals[insured_type.code])
                self.assertEqual(
                    {r.unconfirmed for r in Rate.search([
                                ('insured_type', '=', insured_type.id),
                                ('risk_class', '=', None)])},
                    {insured_type.code != '01'})
        hazardous = Rate.search([('risk_class', 'in', RiskClass.search([]))])
        self.assertTrue(hazardous)
        self.assertTrue(all(r.unconfirmed for r in hazardous))

    @with_transaction()
    def test_working_pensioner_pays_contributions(self):
        "A working pensioner (type 22) is assessed at the type's rates"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Employment = pool.get('insurance.employment')
        ModelData = pool.get('ir.model.data')
        employer = create_employer()
        Employment.write(list(employer.employments), {
                'insured_type': ModelData.get_id(
                    'sigo_insurance', 'insured_type_22')})
        declaration, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        self.assertEqual(declaration.employee_total, Decimal('93000'))
        self.assertEqual(declaration.employer_total, Decimal('103000'))
        self.assertEqual(len(declaration.lines[0].contributions), 5)

    @with_transaction()
    def test_future_month_refused(self):
        "A month not begun yet is refused for the whole file"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Date = pool.get('ir.date')
        employer = create_employer()
        next_month = (Date.today().replace(day=28)
            + dt.timedelta(days=4)).replace(day=1)
        with self.assertRaises(DeclarationError) as context:
            Declaration.create_from_rows(employer, next_month, [
                    DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        self.assertEqual(context.exception.description,
            f"All rows: the month {next_month:%Y-%m} has not begun yet")
        self.assertEqual(Declaration.search([]), [])
        this_month, _ = Declaration.create_from_rows(
            employer, Date.today(), [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        self.assertEqual(this_month.state, 'draft')

    @with_transaction()
    def test_risk_class_rate(self):
        "A hazardous employer pays its risk class's accident rate"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Employer = pool.get('insurance.employer')
        ModelData = pool.get('ir.model.data')
        employer = create_employer()
        Employer.write([employer], {'risk_class': ModelData.get_id(
                    'sigo_insurance', 'risk_class_iii')})
        declaration, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        accident, = [c for c in declaration.lines[0].contributions
            if c.fund.code == 'IAO']
        self.assertEqual(accident.employer_amount, Decimal('30000'))

    @with_transaction()
    def test_manual_confirm_checks_rows(self):
        "A declaration typed in the client is checked when confirmed"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Party = pool.get('party.party')
        employer = create_employer()
        stranger, = Party.create([{
                    'name': "Очирын Туяа", 'register_number': 'АР99122004'}])
        declaration, = Declaration.create([{
                    'employer': employer.id, 'period': dt.date(2025, 5, 17),
                    'lines': [('create', [{
                                    'person': stranger.id,
                                    'wage': Decimal('900000')}])]}])
        self.assertEqual(declaration.period, MAY)
        with self.assertRaises(DeclarationError) as context:
            Declaration.confirm([declaration])
        self.assertIn("not employed", context.exception.description)
        self.assertEqual(declaration.state, 'draft')

    @with_transaction()
    def test_confirm_finds_person_typed_twice(self):
        "A person typed twice in the client is refused at confirmation"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Party = pool.get('party.party')
        employer = create_employer()
        person, = Party.search([('register_number', '=', 'АР90051512')])
        declaration, = Declaration.create([{
                    'employer': employer.id, 'period': MAY,
                    'lines': [('create', [
                                {'person': person.id,
                                    'wage': Decimal('900000')},
                                {'person': person.id,
                                    'wage': Decimal('100000')}])]}])
        with self.assertRaises(DeclarationError) as context:
            Declaration.confirm([declaration])
        self.assertEqual([e.row for e in context.exception.errors], [2])
        self.assertIn("АР90051512", context.exception.description)
        self.assertEqual(declaration.state, 'draft')

    @with_transaction()
    def test_confirmed_declaration_not_deleted(self):
        "A confirmed declaration is corrected, never deleted"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        employer = create_employer()
        open_fund_books()
        declaration, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        Declaration.confirm([declaration])
        with self.assertRaises(AccessError):
            Declaration.delete([declaration])
        Declaration.correct([declaration])
        correction, = Declaration.search([('version', '=', 2)])
        self.assertEqual(correction.corrects, declaration)
        self.assertEqual(len(correction.lines), 1)
        self.assertEqual(correction.employee_total, Decimal('115000'))

    @with_transaction()
    def test_corrected_version_not_corrected_again(self):
        """Only the latest version of a month can be corrected: correcting
        an earlier one again would make the employer owe the difference
        twice"""
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Line = pool.get('insurance.declaration.line')
        Receivable = pool.get('insurance.receivable')
        first = confirmed_may()
        self.assertFalse(first.superseded)
        Declaration.correct([first])
        second, = Declaration.search([('version', '=', 2)])
        # While its correction is prepared, the first is not corrected twice
        self.assertTrue(Declaration(first.id).superseded)
        with self.assertRaises(AccessError) as context:
            Declaration.correct([first])
        self.assertIn(second.rec_name, context.exception.message)
        Line.write(list(second.lines), {'wage': Decimal('2000000')})
        Declaration.confirm([second])
        with self.assertRaises(AccessError):
            Declaration.correct([Declaration(first.id)])
        self.assertEqual(Declaration.search([('version', '=', 3)]), [])
        owed = sum(r.assessed for r in Receivable.search([]))
        self.assertEqual(owed, second.employee_total + second.employer_total)
        # The latest version is corrected as usual
        self.assertFalse(second.superseded)
        Declaration.correct([second])
        third, = Declaration.search([('version', '=', 3)])
        self.assertEqual(third.corrects, second)

    @with_transaction()
    def test_first_file_again_undoes_a_correction(self):
        """The month's first file sent again after a correction is a new
        version that undoes it; the month paid in full is then settled in
        the books, so dunning claims nothing"""
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Payment = pool.get('insurance.payment')
        MoveLine = pool.get('account.move.line')
        Receivable = pool.get('insurance.receivable')
        employer = create_employer()
        open_fund_books()
        first_file = [DeclaredRow(2, 'АР90051512', Decimal('1000000'))]
        first, _ = Declaration.create_from_rows(employer, MAY, first_file)
        Declaration.confirm([first])
        payment, = Payment.create([{
                    'employer': employer.id, 'date': dt.date(2025, 6, 5),
                    'reference': 'KHAN-1',
                    'amount': first.employee_total + first.employer_total}])
        Payment.post([payment])
        second, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1100000'))])
        Declaration.confirm([second])
        self.assertTrue(
            all(r.outstanding > 0 for r in Receivable.search([])))

        third, created = Declaration.create_from_rows(
            employer, MAY, first_file)
        self.assertTrue(created)
        self.assertEqual((third.version, third.corrects), (3, second))
        Declaration.confirm([third])
        self.assertEqual(
            {r.outstanding for r in Receivable.search([])}, {0})
        self.assertEqual(MoveLine.search([
                    ('account.code', '=', '1210'),
                    ('reconciliation', '=', None),
                    ]), [])

    @with_transaction()
    def test_stale_correction_not_confirmed(self):
        """A correction of a version corrected since (made before this
        check) is refused at confirmation, nothing posted"""
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Line = pool.get('insurance.declaration.line')
        Receivable = pool.get('insurance.receivable')
        first = confirmed_may()
        Declaration.correct([first])
        second, = Declaration.search([('version', '=', 2)])
        stale, = Declaration.copy([second], default={'version': 3})
        Line.copy(second.lines, default={'declaration': stale.id})
        Line.write(list(second.lines), {'wage': Decimal('2000000')})
        Declaration.confirm([second])
        owed = sum(r.assessed for r in Receivable.search([]))
        with self.assertRaises(AccessError) as context:
            Declaration.confirm([stale])
        self.assertIn(second.rec_name, context.exception.message)
        self.assertEqual(stale.state, 'draft')
        self.assertEqual(stale.moves, ())
        self.assertEqual(sum(r.assessed for r in Receivable.search([])), owed)

    @with_transaction()
    def test_confirm_posts_each_fund(self):
        "Confirming posts, per fund, what the employer owes for the month"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        employer = create_employer(people=(
                ('Батын Болд', 'АР90051512'), ('Доржийн Сараа', 'АР85062304')))
        open_fund_books()
        declaration, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000')),
                DeclaredRow(3, 'АР85062304', Decimal('2000000'))])
        Declaration.confirm([declaration])
        owed = {}
        for line in declaration.lines:
            for contribution in line.contributions:
                owed.setdefault(contribution.fund.code, 0)
                owed[contribution.fund.code] += (
                    contribution.employee_amount
                    + contribution.employer_amount)
        self.assertEqual(receivable(declaration.moves), owed)
        for move in declaration.moves:
            self.assertEqual(move.state, 'posted')
            self.assertEqual(move.date, dt.date(2025, 5, 31))
            self.assertEqual(move.origin, declaration)
            self.assertEqual(
                sum(l.debit for l in move.lines),
                sum(l.credit for l in move.lines))

    @with_transaction()
    def test_posting_at_once_leaves_what_account_move_leaves(self):
        "The declarations' bulk posting writes the rows Tryton's post writes"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Fund = pool.get('insurance.fund')
        Move = pool.get('account.move')
        employer = create_employer()
        open_fund_books()
        declaration, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        fund, = Fund.search([('code', '=', 'BEN')])
        books = FundBooks()
        due = dt.date(2025, 6, 10)
        lines = [
            ('1210', Decimal(27000), employer.party, due),
            ('4110', Decimal(-15000), None, None),
            ('4120', Decimal(-12000), None, None),
            ]
        by_orm = books.move(fund, declaration, 'journal_revenue',
            dt.date(2025, 5, 31), "May", [l[:3] for l in lines])
        by_orm.lines[0].maturity_date = due
        Move.save([by_orm])
        books.post([by_orm])
        at_once, = books.post_at_once([(fund, declaration, 'journal_revenue',
                    dt.date(2025, 5, 31), "May", lines)])

        def rows(model, where):
            "The stored row but its identity, number and time stamps"
            cursor = Transaction().connection.cursor()
            cursor.execute(f'SELECT * FROM "{model}" WHERE {where} '
                'ORDER BY debit, credit' if model.endswith('line') else
                f'SELECT * FROM "{model}" WHERE {where}')
            names = [d[0] for d in cursor.description]
            return [{n: v for n, v in zip(names, row) if n not in {
                        'id', 'move', 'number', 'create_date', 'create_uid',
                        'write_date', 'write_uid'}}
                for row in cursor]
        for move in [by_orm, at_once]:
            self.assertEqual(move.state, 'posted')
            self.assertTrue(move.number)
        self.assertNotEqual(at_once.number, by_orm.number)
        self.assertEqual(
            rows('account_move', f'id = {at_once.id}'),
            rows('account_move', f'id = {by_orm.id}'))
        self.assertEqual(
            rows('account_move_line', f'move = {at_once.id}'),
            rows('account_move_line', f'move = {by_orm.id}'))

    @with_transaction()
    def test_correction_posts_the_difference(self):
        "A lower corrected wage posts negative differences, nothing else"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Line = pool.get('insurance.declaration.line')
        employer = create_employer()
        open_fund_books()
        declaration, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        Declaration.confirm([declaration])
        Declaration.correct([declaration])
        correction, = Declaration.search([('version', '=', 2)])
        Line.write(list(correction.lines), {'wage': Decimal('900000')})
        Declaration.confirm([correction])
        before = receivable(declaration.moves)
        difference = receivable(correction.moves)
        self.assertEqual(set(difference), set(before))
        for fund, amount in difference.items():
            self.assertLess(amount, 0)
            # 10 % less wage, 10 % less owed (to the tugrik per fund)
            self.assertAlmostEqual(amount, -before[fund] / 10, delta=1)

    @with_transaction()
    def test_big_declaration_posted_by_the_queue(self):
        "Above the configured size the posting waits for the task queue"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Configuration = pool.get('insurance.configuration')
        Queue = pool.get('ir.queue')
        employer = create_employer(people=(
                ('Батын Болд', 'АР90051512'), ('Доржийн Сараа', 'АР85062304')))
        open_fund_books()
        Configuration.write([Configuration(1)], {'posting_queue_lines': 1})
        big, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000')),
                DeclaredRow(3, 'АР85062304', Decimal('2000000'))])
        Declaration.confirm([big])
        self.assertEqual(big.state, 'confirmed')
        self.assertEqual(big.moves, ())
        task, = Queue.search([])
        self.assertEqual(task.data['model'], 'insurance.declaration')
        self.assertEqual(task.data['method'], 'post')
        task.run()
        big = Declaration(big.id)
        self.assertEqual(len(big.moves), 5)
        self.assertEqual(sum(receivable(big.moves).values()),
            big.employee_total + big.employer_total)

    @with_transaction()
    def test_confirm_refused_while_period_closed(self):
        "A closed accounting month refuses the confirmation, not the queue"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Period = pool.get('account.period')
        employer = create_employer()
        open_fund_books()
        may = Period.search([
                ('start_date', '=', MAY), ('type', '=', 'standard')])
        Period.close(may)
        declaration, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        with self.assertRaises(UserError):
            Declaration.confirm([declaration])
        self.assertEqual(declaration.state, 'draft')

    @with_transaction()
    def test_confirm_refused_while_books_closed(self):
        "No posting without the fund's books: the officer is told which"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        employer = create_employer()
        declaration, _ = Declaration.create_from_rows(employer, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        with self.assertRaises(UserError) as context:
            Declaration.confirm([declaration])
        self.assertIn("Pension Insurance Fund", context.exception.message)
        self.assertIn(declaration.rec_name, context.exception.message)
        self.assertEqual(declaration.state, 'draft')

    @with_transaction()
    def test_employer_registration_number(self):
        "An employer registration number must be seven digits, unique"
        with self.assertRaises(ValidationError) as context:
            create_employer(number='12345')
        self.assertIn("7 digits", context.exception.message)

    @with_transaction()
    def test_find_employer(self):
        "An employer is found by registration number or by name"
        pool = Pool()
        Employer = pool.get('insurance.employer')
        employer = create_employer(number='5123456')
        for text in ['5123456', '%Company 5123%']:
            with self.subTest(text=text):
                self.assertEqual(
                    Employer.search([('rec_name', 'ilike', text)]),
                    [employer])
        self.assertEqual(
            Employer.search([('rec_name', 'not ilike', '%5123456%')]), [])

    @with_transaction()
    def test_template_lists_employees(self):
        "The XLSX template lists the employer's current employees"
        pool = Pool()
        Template = pool.get('insurance.declaration.template', type='report')
        employer = create_employer(people=[
                ("Батын Болд", 'АР90051512'),
                ("Доржийн Сараа", 'АР85062304')])
        extension, content, _, _ = Template.execute([employer.id], {})
        self.assertEqual(extension, 'xlsx')
        rows = read_rows('template.xlsx', content)
        self.assertEqual(
            sorted(r.register_number for r in rows),
            ['АР85062304', 'АР90051512'])
        self.assertTrue(all(r.wage is None for r in rows))

    @with_transaction()
    def test_declarations_follow_jurisdiction(self):
        "A soum officer sees only the employers and declarations of the soum"
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Employer = pool.get('insurance.employer')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        own = create_employer('5000001', 'SIGO-MN-073-01', [
                ("Батын Болд", 'АР90051512')])
        other = create_employer('5000002', 'SIGO-MN-073-02', [
                ("Доржийн Сараа", 'АР85062304')])
        own_declaration, _ = Declaration.create_from_rows(own, MAY, [
                DeclaredRow(2, 'АР90051512', Decimal('1000000'))])
        other_declaration, _ = Declaration.create_from_rows(other, MAY, [
                DeclaredRow(2, 'АР85062304', Decimal('1000000'))])
        officer, = User.create([{
                    'login': 'officer', 'name': "Officer",
                    'offices': [('add', [office('SIGO-MN-073-01').id])],
                    'roles': [('create', [{'role': ModelData.get_id(
                                        'sigo_base', 'role_soum_officer')}])],
                    }])
        with acting_as(officer):
            self.assertEqual(Employer.search([]), [own])
            self.assertEqual(Declaration.search([]), [own_declaration])
            with self.assertRaises(AccessError):
                Declaration.read([other_declaration.id], ['employee_total'])


    @with_transaction()
    def test_book_from_every_office(self):
        """A soum officer lists the coverage months of the office's
        employers, and prints a citizen's insurance book with the months
        of every office's employers; one book at a time, and only for
        insurance staff"""
        pool = Pool()
        Declaration = pool.get('insurance.declaration')
        Employment = pool.get('insurance.employment')
        Coverage = pool.get('insurance.coverage')
        Payment = pool.get('insurance.payment')
        Party = pool.get('party.party')
        Book = pool.get('insurance.book', type='report')
        User = pool.get('res.user')
        april = dt.date(2025, 4, 1)
        own = create_employer('5000001', 'SIGO-MN-073-01')
        other = create_employer('5000002', 'SIGO-MN-073-02', people=())
        person, = Party.search([('register_number', '=', 'АР90051512')])
        Employment.create([{'employer': other.id, 'person': person.id,
                    'start_date': dt.date(2024, 1, 1)}])
        open_fund_books()
        declarations = [d for d, _ in Declaration.create_from_files([
                    (other, april, [
                            DeclaredRow(2, 'АР90051512', Decimal('900000'))]),
                    (own, MAY, [
                            DeclaredRow(2, 'АР90051512', Decimal('1000000'))]),
                    ])]
        Declaration.confirm(declarations)
        payments = Payment.create([{
                    'employer': d.employer.id, 'date': dt.date(2025, 6, 5),
                    'reference': f'KHAN-{d.id}',
                    'amount': d.employee_total + d.employer_total}
                for d in declarations])
        Payment.post(payments)
        officer = create_officer('officer', 'SIGO-MN-073-01')
        other_person, = Party.create([{'name': "Other citizen"}])
        clerk, = User.create([{'login': 'clerk', 'name': "IT clerk"}])
        with acting_as(officer):
            covered = Coverage.search([('person', '=', person.id)])
            self.assertEqual({c.month for c in covered}, {MAY})
            _, content, _, _ = Book.execute([person.id], {})
            with self.assertRaises(UserError):
                Book.execute([person.id, other_person.id], {})
        book_action = ('Insurance Book', 'insurance.book')
        with acting_as(officer):
            self.assertIn(book_action, printable(person))
        with acting_as(clerk):
            self.assertNotIn(book_action, printable(person))
            # Tryton finds no report action the user may run
            with self.assertRaises(AssertionError):
                Book.execute([person.id], {})
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        self.assertEqual(sheet['A2'].value, "Months of coverage: 2")
        self.assertEqual(
            [(r[0].date(), r[1]) for r in sheet.iter_rows(
                    min_row=5, max_row=6, values_only=True)],
            [(april, other.rec_name), (MAY, own.rec_name)])

    @with_transaction()
    def test_employers_and_cases_follow_jurisdiction(self):
        """An officer reads, changes and files employers and benefit cases
        of their own office only"""
        pool = Pool()
        Employer = pool.get('insurance.employer')
        Case = pool.get('insurance.benefit.case')
        Party = pool.get('party.party')
        own = create_employer('5000001', 'SIGO-MN-073-01')
        other = create_employer('5000002', 'SIGO-MN-073-02', people=(
                ("Доржийн Сараа", 'АР85062304'),))
        bold, = Party.search([('register_number', '=', 'АР90051512')])
        sara, = Party.search([('register_number', '=', 'АР85062304')])

        def case(person, employer):
            return {'kind': 'sickness', 'person': person.id,
                'beneficiary': person.id, 'employer': employer.id,
                'office': employer.office.id,
                'event_date': dt.date(2025, 6, 2),
                'end_date': dt.date(2025, 6, 13)}
        own_case, other_case = Case.create(
            [case(bold, own), case(sara, other)])
        officer = create_officer('officer', 'SIGO-MN-073-01')
        with acting_as(officer):
            self.assertEqual(Employer.search([]), [own])
            self.assertEqual(Case.search([]), [own_case])
            Employer.write([own], {'sector': "Dairy"})
            Case.write([own_case], {'note': "Sick note received"})
            Employer.create([{
                        'party': own.party.id, 'kind': 'entity',
                        'registration_number': '5000003',
                        'office': own.office.id}])
            Case.create([case(bold, own)])
            for denied in [
                    lambda: Employer.read([other.id], ['sector']),
                    lambda: Employer.write([other], {'sector': "Dairy"}),
                    lambda: Employer.create([{
                                'party': other.party.id,
                                'kind': 'entity',
                                'registration_number': '5000004',
                                'office': other.office.id}]),
                    lambda: Case.read([other_case.id], ['amount']),
                    lambda: Case.write(
                        [other_case], {'note': "Sick note received"}),
                    lambda: Case.create([case(sara, other)]),
                    ]:
                with self.subTest(denied=denied), \
                        self.assertRaises(AccessError):
                    denied()
        self.assertEqual(Employer(other.id).sector, None)
        self.assertEqual(Case(other_case.id).note, None)


del ModuleTestCase
