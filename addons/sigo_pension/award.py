# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Pension awards: who is paid what from when, the amount's history
(award, indexation, correction), and every suspension, resumption,
termination and life certificate with who recorded it and when"""
import datetime as dt
from email.message import EmailMessage

from trytond import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.modules.sigo_insurance.declaration import AMOUNT
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .application import PENSION_KINDS
from .rule import add_months, in_force

AMOUNT_REASONS = [
    ('award', "Award"),
    ('indexation', "Indexation"),
    ('correction', "Correction"),
    ]
EVENT_KINDS = [
    ('suspended', "Suspended"),
    ('resumed', "Resumed"),
    ('terminated', "Terminated"),
    ('life_certificate', "Life Certificate"),
    ('reminded', "Life Certificate Reminder"),
    ]
STOP_REASONS = [
    (None, ""),
    ('death', "Death"),
    ('return_to_work', "Return to Work"),
    ('life_certificate', "No Life Certificate"),
    ('capacity_restored', "Working Capacity Restored"),
    ('emigration', "Left the Country"),
    ('other', "Other"),
    ]


class Award(JurisdictionMixin, ModelSQL, ModelView):
    "Pension Award"
    __name__ = 'pension.award'
    __string__ = "Pension Award"
    person = fields.Many2One(
        'party.party', "Pensioner", required=True, ondelete='RESTRICT',
        readonly=True)
    application = fields.Many2One(
        'pension.application', "Application", readonly=True,
        ondelete='RESTRICT')
    kind = fields.Selection(PENSION_KINDS, "Pension", required=True,
        readonly=True)
    kind_string = kind.translated('kind')
    category = fields.Many2One(
        'pension.early_category', "Early Retirement Category",
        readonly=True, ondelete='RESTRICT')
    deceased = fields.Many2One(
        'party.party', "Deceased", readonly=True, ondelete='RESTRICT')
    start_date = fields.Date("Paid From", required=True, readonly=True)
    end_date = fields.Date("Paid Until", readonly=True)
    bank_account = fields.Many2One(
        'bank.account', "Bank Account", required=True, ondelete='RESTRICT',
        domain=[('owners', '=', Eval('person', -1))],
        states={'readonly': Eval('state') == 'terminated'})
    amount = fields.Function(
        fields.Numeric("Monthly Pension", digits=AMOUNT), 'get_amount')
    amounts = fields.One2Many(
        'pension.award.amount', 'award', "Amount History", readonly=True)
    events = fields.One2Many(
        'pension.award.event', 'award', "Events", readonly=True)
    life_certificate_due = fields.Date(
        "Life Certificate Due", readonly=True,
        help="The day by which the pensioner proves to be alive.")
    reminded_due = fields.Date(
        "Reminded For", readonly=True,
        help="The due date the pensioner was last reminded of.")
    state = fields.Selection([
            ('active', "Active"),
            ('suspended', "Suspended"),
            ('terminated', "Terminated"),
            ], "State", readonly=True, required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.office.readonly = True
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.person, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.life_certificate_due, Index.Range()),
                    where=t.state == 'active'),
                })
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'stop': {
                    'invisible': Eval('state') == 'terminated',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'suspended',
                    'depends': ['state'],
                    },
                'record_life_certificate': {
                    'invisible': Eval('state') == 'terminated',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'active'

    def get_rec_name(self, name):
        return f'{self.person.rec_name} ({self.kind_string})'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('person.rec_name', *clause[1:])]

    def amount_at(self, date):
        "The monthly amount in force on date (0 before the award)"
        amount = 0
        for line in sorted(self.amounts,
                key=lambda a: (a.effective_date, a.id)):
            if line.effective_date <= date:
                amount = line.amount
        return amount

    @classmethod
    def get_amount(cls, awards, name):
        today = Pool().get('ir.date').today()
        return {a.id: a.amount_at(max(today, a.start_date)) for a in awards}

    def payable_in(self, month):
        "Whether the award is paid for the month (its first day)"
        last = add_months(month, 1) - dt.timedelta(days=1)
        return (self.start_date <= last
            and (not self.end_date or self.end_date >= month))

    @classmethod
    def record_event(cls, awards, kind, date, reason=None, note=None):
        Event = Pool().get('pension.award.event')
        Event.create([{
                    'award': a.id, 'kind': kind, 'date': date,
                    'reason': reason, 'note': note,
                    'user': Transaction().user,
                    'at': dt.datetime.now(),
                    } for a in awards])

    @classmethod
    @ModelView.button_action('sigo_pension.wizard_award_stop')
    def stop(cls, awards):
        pass

    @classmethod
    @ModelView.button
    def resume(cls, awards):
        today = Pool().get('ir.date').today()
        cls.write(awards, {'state': 'active'})
        cls.record_event(awards, 'resumed', today)

    @classmethod
    @ModelView.button
    def record_life_certificate(cls, awards):
        "The certificate received today: the next is due a period later"
        pool = Pool()
        Rule = pool.get('pension.rule')
        today = pool.get('ir.date').today()
        rule = in_force(Rule, today)
        cls.write(awards, {'life_certificate_due': add_months(
                    today, rule.life_certificate_months)})
        cls.record_event(awards, 'life_certificate', today)

    @classmethod
    def remind_life_certificates(cls):
        """E-mail the pensioners whose life certificate falls due within
        the rule's days, once per due date"""
        pool = Pool()
        Rule = pool.get('pension.rule')
        today = pool.get('ir.date').today()
        rule = in_force(Rule, today)
        awards = cls.search([
                ('state', '=', 'active'),
                ('life_certificate_due', '<=',
                    today + dt.timedelta(days=rule.reminder_days)),
                ])
        awards = [a for a in awards
            if a.reminded_due != a.life_certificate_due]
        reminded = []
        for award in awards:
            address = award.person.email
            if not address:
                continue
            email = EmailMessage()
            email['From'] = config.get('email', 'from')
            email['To'] = address
            with Transaction().set_context(
                    language=award.person.lang.code
                    if award.person.lang else None):
                email['Subject'] = gettext(
                    'sigo_pension.msg_life_certificate_subject')
                email.set_content(gettext(
                        'sigo_pension.msg_life_certificate_body',
                        person=award.person.rec_name,
                        due=award.life_certificate_due,
                        office=award.office.rec_name))
            send_message_transactional(email)
            reminded.append(award)
        to_write = []
        for award in reminded:
            to_write.extend(
                ([award], {'reminded_due': award.life_certificate_due}))
        if to_write:
            cls.write(*to_write)
        cls.record_event(reminded, 'reminded', today)
        return reminded


class AwardAmount(ModelSQL, ModelView):
    "Pension Amount"
    __name__ = 'pension.award.amount'
    __string__ = "Pension Amount"
    award = fields.Many2One(
        'pension.award', "Award", required=True, ondelete='CASCADE')
    effective_date = fields.Date("Effective From", required=True)
    amount = fields.Numeric(
        "Monthly Amount", digits=AMOUNT, required=True,
        domain=[('amount', '>=', 0)])
    reason = fields.Selection(AMOUNT_REASONS, "Reason", required=True)
    indexation = fields.Many2One(
        'pension.indexation', "Indexation", ondelete='RESTRICT')
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.award, Index.Equality()),
                (t.effective_date, Index.Range())))
        cls.__access__.add('award')
        cls._order = [('effective_date', 'DESC'), ('id', 'DESC')]


class AwardEvent(ModelSQL, ModelView):
    "Pension Award Event"
    __name__ = 'pension.award.event'
    __string__ = "Pension Award Event"
    award = fields.Many2One(
        'pension.award', "Award", required=True, ondelete='CASCADE')
    kind = fields.Selection(EVENT_KINDS, "Event", required=True)
    date = fields.Date("Date", required=True)
    reason = fields.Selection(STOP_REASONS, "Reason")
    note = fields.Char("Note")
    user = fields.Many2One('res.user', "Recorded By", readonly=True)
    at = fields.DateTime("Recorded At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('award')
        cls._order = [('at', 'DESC'), ('id', 'DESC')]


class StopStart(ModelView):
    "Suspend or Terminate a Pension"
    __name__ = 'pension.award.stop.start'
    __string__ = "Suspend or Terminate a Pension"
    action = fields.Selection([
            ('suspended', "Suspend"),
            ('terminated', "Terminate"),
            ], "Action", required=True)
    date = fields.Date(
        "Date", required=True,
        help="Terminate: the last day paid for (the date of death). "
        "Suspend: the day the suspension starts.")
    reason = fields.Selection(STOP_REASONS[1:], "Reason", required=True)
    note = fields.Char("Note")

    @classmethod
    def default_action(cls):
        return 'suspended'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()


class Stop(Wizard):
    "Suspend or Terminate a Pension"
    __name__ = 'pension.award.stop'
    start = StateView('pension.award.stop.start',
        'sigo_pension.award_stop_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("OK", 'stop', 'tryton-ok', default=True),
            ])
    stop = StateTransition()

    def transition_stop(self):
        Award = Pool().get('pension.award')
        awards = list(self.records)
        for award in awards:
            if award.state == 'terminated':
                raise ValidationError(gettext(
                        'sigo_pension.msg_award_terminated',
                        award=award.rec_name))
            if self.start.date < award.start_date:
                raise ValidationError(gettext(
                        'sigo_pension.msg_stop_before_start',
                        award=award.rec_name, date=self.start.date,
                        start=award.start_date))
        values = {'state': self.start.action}
        if self.start.action == 'terminated':
            values['end_date'] = self.start.date
        Award.write(awards, values)
        Award.record_event(awards, self.start.action, self.start.date,
            self.start.reason, self.start.note)
        return 'end'
