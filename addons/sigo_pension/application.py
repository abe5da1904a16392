# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Pension applications: the officer records the application, the system
checks eligibility against the rules in force with the reason for each
condition not met, and computes the pension on a worksheet showing every
input; a supervisor other than the officer approves, which makes the award"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.modules.sigo_insurance.case import SupervisedCaseMixin
from trytond.modules.sigo_insurance.declaration import AMOUNT
from trytond.modules.sigo_insurance.rate import RATE_DIGITS, whole_tugriks
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .record import ContributionHistory
from .rule import add_months, in_force

PENSION_KINDS = [
    ('old_age', "Old-Age"),
    ('disability', "Disability"),
    ('survivor', "Survivor"),
    ]
PERCENT = Decimal('0.001')


def age_at(birth_date, date):
    "Whole years and months from birth to date"
    months = (date.year - birth_date.year) * 12 + date.month - birth_date.month
    if date.day < birth_date.day:
        months -= 1
    return divmod(months, 12)


class Application(SupervisedCaseMixin, JurisdictionMixin, Workflow, ModelSQL,
        ModelView):
    "Pension Application"
    __name__ = 'pension.application'
    __string__ = "Pension Application"
    _case_messages = {
        'not_eligible': 'sigo_pension.msg_not_eligible',
        'own_approval': 'sigo_pension.msg_own_approval',
        'delete': 'sigo_pension.msg_application_delete',
        }
    _case_variable = 'application'
    _states = {'readonly': Eval('state') != 'draft'}

    kind = fields.Selection(
        PENSION_KINDS, "Pension", required=True, states=_states)
    kind_string = kind.translated('kind')
    person = fields.Many2One(
        'party.party', "Applicant", required=True, ondelete='RESTRICT',
        domain=[('register_number', '!=', None)], states=_states,
        help="Who will receive the pension: for a survivor pension, the "
        "survivor who applies for the family.")
    category = fields.Many2One(
        'pension.early_category', "Early Retirement Category",
        ondelete='RESTRICT', states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'old_age',
            })
    application_date = fields.Date(
        "Application Date", required=True, states=_states)
    start_date = fields.Date(
        "Pension From", required=True, states=_states,
        help="The day the pension is due from; months before the first "
        "payroll are paid as arrears.")
    capacity_loss = fields.Integer(
        "Loss of Working Capacity %",
        domain=['OR', ('capacity_loss', '=', None),
            [('capacity_loss', '>=', 0), ('capacity_loss', '<=', 100)]],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'disability',
            'invisible': Eval('kind') != 'disability',
            },
        help="As the medical labour commission assessed it.")
    deceased = fields.Many2One(
        'party.party', "Deceased", ondelete='RESTRICT',
        domain=[('register_number', '!=', None)], states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'survivor',
            'invisible': Eval('kind') != 'survivor',
            })
    death_date = fields.Date(
        "Date of Death", states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'survivor',
            'invisible': Eval('kind') != 'survivor',
            })
    survivors = fields.Integer(
        "Survivors", domain=['OR', ('survivors', '=', None),
            ('survivors', '>=', 0)],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('kind') == 'survivor',
            'invisible': Eval('kind') != 'survivor',
            },
        help="Family members entitled to the survivor pension.")
    children = fields.Integer(
        "Children", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'old_age',
            },
        help="Children born or raised, for the mothers' early pension.")
    documents_complete = fields.Boolean(
        "Documents Complete", states=_states,
        help="Every document the pension needs was received and checked.")
    bank_account = fields.Many2One(
        'bank.account', "Bank Account", ondelete='RESTRICT', states=_states,
        domain=[('owners', '=', Eval('person', -1))],
        help="The pensioner's account the pension is paid to.")
    note = fields.Text("Note")

    # The worksheet: every input of the decision, as checked last
    rule = fields.Many2One(
        'pension.rule', "Rule", readonly=True, ondelete='RESTRICT')
    age_years = fields.Integer("Age (Years)", readonly=True)
    age_months = fields.Integer("Age (Months)", readonly=True)
    required_age_years = fields.Integer("Required Age (Years)", readonly=True)
    required_age_months = fields.Integer(
        "Required Age (Months)", readonly=True)
    contribution_months = fields.Integer(
        "Contribution Months", readonly=True,
        help="Months contributed to the pension fund before the month the "
        "pension starts (or of the death).")
    required_months = fields.Integer(
        "Months for a Full Pension", readonly=True)
    condition_months = fields.Integer(
        "Months in the Work Condition", readonly=True)
    required_condition_months = fields.Integer(
        "Required Months in the Condition", readonly=True)
    recent_months = fields.Integer(
        "Recent Months", readonly=True,
        help="Months contributed in the recent period before the event.")
    required_recent_months = fields.Integer(
        "Required Recent Months", readonly=True)
    window_start = fields.Date("Window From", readonly=True)
    window_end = fields.Date("Window To", readonly=True)
    window_months = fields.Integer("Months in the Window", readonly=True)
    average_wage = fields.Numeric(
        "Average Wage of the Window", digits=AMOUNT, readonly=True)
    extra_years = fields.Integer(
        "Years Beyond the Full Period", readonly=True)
    proportional = fields.Boolean("Proportional", readonly=True)
    percentage = fields.Numeric(
        "Percentage of the Average", digits=RATE_DIGITS, readonly=True)
    share = fields.Numeric(
        "Share Paid %", digits=RATE_DIGITS, readonly=True,
        help="Half disability, or the survivors' share.")
    calculated_amount = fields.Numeric(
        "Calculated Amount", digits=AMOUNT, readonly=True)
    minimum_pension = fields.Numeric(
        "Minimum Pension", digits=AMOUNT, readonly=True)
    minimum_applied = fields.Boolean("Minimum Applied", readonly=True)
    amount = fields.Numeric("Monthly Pension", digits=AMOUNT, readonly=True)
    unconfirmed = fields.Boolean("Unconfirmed Parameters", readonly=True)

    award = fields.Many2One(
        'pension.award', "Award", readonly=True, ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('approved', "Approved"),
            ('refused', "Refused"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.office.states = {'readonly': Eval('state') != 'draft'}
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.person, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['draft', 'submitted'])),
                })
        cls._order = [('application_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            ('draft', 'refused'),
            ('submitted', 'refused'),
            ('submitted', 'approved'),
            ('draft', 'cancelled'),
            ('refused', 'draft'),
            }
        cls._buttons.update({
                'check_eligibility': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(['submitted', 'refused']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': ~Eval('state').in_(['draft', 'submitted']),
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_kind(cls):
        return 'old_age'

    @classmethod
    def default_application_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return f'{self.kind_string} {self.person.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('person.rec_name', *clause[1:])]

    @classmethod
    def copy(cls, applications, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('award', None)
        return super().copy(applications, default=default)

    # Eligibility and amount

    def fill_worksheet(self, sheet, reasons):
        "Every input of the decision and the amount, with the reasons"
        Rule = Pool().get('pension.rule')
        rule = in_force(Rule, self.start_date)
        sheet.update(dict.fromkeys([
                'age_years', 'age_months', 'required_age_years',
                'required_age_months', 'required_months', 'condition_months',
                'required_condition_months', 'recent_months',
                'required_recent_months', 'window_start', 'window_end',
                'window_months', 'average_wage', 'extra_years', 'percentage',
                'calculated_amount', 'minimum_pension']))
        sheet.update({
                'rule': rule.id, 'unconfirmed': rule.unconfirmed,
                'proportional': False, 'minimum_applied': False,
                'share': Decimal(100),
                })
        if not self.documents_complete:
            reasons.append(gettext('sigo_pension.msg_documents_missing',
                    application=self.rec_name))
        getattr(self, f'_worksheet_{self.kind}')(rule, sheet, reasons)

    def _history(self, person, event):
        return ContributionHistory(person, event.replace(day=1))

    def _calculate(self, rule, history, full_months, sheet):
        """Fill the window and its average, the percentage (proportional
        below the full period) and the calculated amount"""
        months = len(history)
        first, last, average = history.best_window(
            rule.average_months, rule.lookback_months)
        average = whole_tugriks(average)
        extra = max(0, (months - full_months) // 12)
        if months >= full_months:
            percentage = rule.base_rate + rule.accrual_rate * extra
        else:
            percentage = (rule.base_rate * months / full_months).quantize(
                PERCENT)
        sheet.update({
                'contribution_months': months,
                'required_months': full_months,
                'window_start': first, 'window_end': last,
                'window_months': min(rule.average_months, months),
                'average_wage': average,
                'extra_years': extra,
                'proportional': months < full_months,
                'percentage': percentage,
                'calculated_amount': whole_tugriks(
                    average * percentage / 100),
                })

    def _floor(self, sheet, minimum, share=Decimal(100)):
        "The amount: at least the minimum pension, then the share paid"
        calculated = sheet['calculated_amount']
        sheet['minimum_pension'] = minimum
        sheet['minimum_applied'] = calculated < minimum
        sheet['share'] = share
        sheet['amount'] = whole_tugriks(
            max(calculated, minimum) * share / 100)

    def _check_age(self, sheet, reasons, years, months=0):
        person = self.person
        if not person.birth_date:
            reasons.append(gettext('sigo_pension.msg_birth_date_missing',
                    person=person.rec_name))
            return
        age_years, age_months = age_at(person.birth_date, self.start_date)
        sheet.update({
                'age_years': age_years, 'age_months': age_months,
                'required_age_years': years, 'required_age_months': months,
                })
        if (age_years, age_months) < (years, months):
            reasons.append(gettext('sigo_pension.msg_age_short',
                    person=person.rec_name, date=self.start_date,
                    years=age_years, months=age_months,
                    required_years=years, required_months=months))

    def _worksheet_old_age(self, rule, sheet, reasons):
        pool = Pool()
        Age = pool.get('pension.retirement_age')
        FullPeriod = pool.get('pension.full_period')
        person = self.person
        history = self._history(person, self.start_date)
        category = self.category
        if category:
            full_months = category.required_months
            if person.sex != category.sex:
                reasons.append(gettext('sigo_pension.msg_category_sex',
                        person=person.rec_name, category=category.rec_name))
            self._check_age(sheet, reasons, category.age)
            if category.condition:
                worked = history.in_condition(category.condition)
                sheet['condition_months'] = worked
                sheet['required_condition_months'] = (
                    category.condition_months)
                if worked < (category.condition_months or 0):
                    reasons.append(gettext(
                            'sigo_pension.msg_condition_short',
                            person=person.rec_name, months=worked,
                            required=category.condition_months,
                            category=category.rec_name))
            if (self.children or 0) < (category.children or 0):
                reasons.append(gettext('sigo_pension.msg_children_short',
                        person=person.rec_name, children=self.children or 0,
                        required=category.children,
                        category=category.rec_name))
        else:
            full_months = in_force(FullPeriod, self.start_date).months
            if person.sex and person.birth_date:
                age = in_force(Age, person.birth_date,
                    [('sex', '=', person.sex)])
                self._check_age(sheet, reasons, age.years, age.months)
            else:
                reasons.append(gettext('sigo_pension.msg_birth_date_missing',
                        person=person.rec_name))
        self._calculate(rule, history, full_months, sheet)
        months = sheet['contribution_months']
        fewest = full_months if category else rule.proportional_months
        if months < fewest:
            reasons.append(gettext('sigo_pension.msg_months_short',
                    person=person.rec_name, months=months, required=fewest,
                    date=self.start_date))
        self._floor(sheet, rule.minimum_proportional if sheet['proportional']
            else rule.minimum_full)

    def _recent(self, rule, history, event, sheet):
        "Months in the recent period before the month of the event"
        start = add_months(event.replace(day=1), -rule.recent_period)
        recent = history.since(start)
        sheet['recent_months'] = recent
        sheet['required_recent_months'] = rule.recent_months
        return recent

    def _worksheet_disability(self, rule, sheet, reasons):
        person = self.person
        history = self._history(person, self.start_date)
        self._calculate(rule, history, rule.disability_months, sheet)
        recent = self._recent(rule, history, self.start_date, sheet)
        months = sheet['contribution_months']
        if months < rule.disability_months and recent < rule.recent_months:
            reasons.append(gettext('sigo_pension.msg_disability_months',
                    person=person.rec_name, months=months,
                    required=rule.disability_months, recent=recent,
                    required_recent=rule.recent_months,
                    period=rule.recent_period))
        loss = self.capacity_loss or 0
        if loss < rule.half_disability_loss:
            reasons.append(gettext('sigo_pension.msg_capacity_loss_short',
                    person=person.rec_name, loss=loss,
                    required=rule.half_disability_loss))
        full = loss >= rule.full_disability_loss
        # A disability pension is never reduced for a short record: the
        # recent months qualify for the base rate
        sheet['proportional'] = False
        sheet['percentage'] = max(sheet['percentage'], rule.base_rate)
        sheet['calculated_amount'] = whole_tugriks(
            sheet['average_wage'] * sheet['percentage'] / 100)
        self._floor(sheet,
            rule.minimum_full if full else rule.minimum_proportional,
            Decimal(100) if full else Decimal(50))

    @without_check_access
    def deceased_award(self):
        "The pension the deceased was receiving when they died"
        Award = Pool().get('pension.award')
        awards = Award.search([
                ('person', '=', self.deceased.id),
                ('kind', 'in', ['old_age', 'disability']),
                ('start_date', '<=', self.death_date),
                ('state', '!=', 'suspended'),
                ['OR', ('end_date', '=', None),
                    ('end_date', '>=', self.death_date)],
                ], limit=1)
        return awards[0] if awards else None

    def _worksheet_survivor(self, rule, sheet, reasons):
        deceased = self.deceased
        history = self._history(deceased, self.death_date)
        self._calculate(rule, history, rule.disability_months, sheet)
        recent = self._recent(rule, history, self.death_date, sheet)
        continuous = history.continuous(self.death_date)
        months = sheet['contribution_months']
        award = self.deceased_award()
        if award:
            # The survivors share the pension the deceased received
            sheet['calculated_amount'] = award.amount_at(self.death_date)
            sheet['percentage'] = None
        elif months < rule.disability_months and (
                recent < rule.recent_months
                or continuous < rule.survivor_continuous_months):
            reasons.append(gettext('sigo_pension.msg_survivor_months',
                    deceased=deceased.rec_name, months=months,
                    required=rule.disability_months, recent=recent,
                    required_recent=rule.recent_months,
                    period=rule.recent_period, continuous=continuous,
                    required_continuous=rule.survivor_continuous_months))
        sheet['proportional'] = False
        if not award:
            sheet['percentage'] = max(sheet['percentage'], rule.base_rate)
            sheet['calculated_amount'] = whole_tugriks(
                sheet['average_wage'] * sheet['percentage'] / 100)
        share = rule.survivor_share(self.survivors or 0)
        if not share:
            reasons.append(gettext('sigo_pension.msg_no_survivors',
                    application=self.rec_name))
        self._floor(sheet, rule.minimum_full, share or Decimal(0))

    @classmethod
    def check_duplicate(cls, applications):
        Award = Pool().get('pension.award')
        for application in applications:
            with without_check_access():
                others = cls.search([
                        ('person', '=', application.person.id),
                        ('kind', '=', application.kind),
                        ('state', 'in', ['submitted', 'approved']),
                        ('id', '!=', application.id),
                        ], limit=1)
                awards = Award.search([
                        ('person', '=', application.person.id),
                        ('kind', '=', application.kind),
                        ('state', '!=', 'terminated'),
                        ], limit=1)
            if others or awards:
                other = awards[0] if awards else others[0]
                raise ValidationError(gettext(
                        'sigo_pension.msg_application_duplicate',
                        application=application.rec_name,
                        other=other.rec_name, office=other.office.rec_name))

    def check_submission(self):
        super().check_submission()
        if not self.bank_account:
            raise ValidationError(gettext(
                    'sigo_pension.msg_bank_account_missing',
                    application=self.rec_name))

    @classmethod
    def _approve(cls, applications):
        "The approval makes the award"
        Award = Pool().get('pension.award')
        awards = Award.create([a.award_values() for a in applications])
        for application, award in zip(applications, awards):
            application.award = award

    def award_values(self):
        Rule = Pool().get('pension.rule')
        rule = Rule(self.rule.id)
        return {
            'office': self.office.id,
            'person': self.person.id,
            'application': self.id,
            'kind': self.kind,
            'category': self.category.id if self.category else None,
            'deceased': self.deceased.id if self.deceased else None,
            'start_date': self.start_date,
            'bank_account': self.bank_account.id,
            'life_certificate_due': add_months(
                self.start_date, rule.life_certificate_months),
            'amounts': [('create', [{
                            'effective_date': self.start_date,
                            'amount': self.amount,
                            'reason': 'award',
                            }])],
            }
