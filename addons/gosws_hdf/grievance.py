# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Complaints about welfare payments, recorded at a soum and answered"
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction


class Grievance(JurisdictionMixin, Workflow, ModelSQL, ModelView):
    "Grievance"
    __name__ = 'hdf.grievance'
    __string__ = "Grievance"
    _states = {'readonly': Eval('state') != 'open'}
    party = fields.Many2One('party.party', "Citizen", required=True,
        ondelete='RESTRICT', states=_states)
    programme = fields.Many2One('hdf.programme', "Programme",
        ondelete='RESTRICT', states=_states)
    date = fields.Date("Date", required=True, states=_states)
    subject = fields.Char("Subject", required=True, states=_states)
    description = fields.Text("Complaint", required=True, states=_states)
    answer = fields.Text("Answer", states=_states)
    answered_by = fields.Many2One('res.user', "Answered By", readonly=True)
    answered_at = fields.DateTime("Answered At", readonly=True)
    events = fields.One2Many(
        'hdf.grievance.event', 'grievance', "History", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('answered', "Answered"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.office.states = {'readonly': Eval('state') != 'open'}
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('open', 'answered'),
            ('answered', 'closed'),
            ('answered', 'open'),
            }
        cls._buttons.update({
                'respond': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'answered',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'answered',
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return f'{self.party.rec_name}: {self.subject}'

    @classmethod
    def create(cls, vlist):
        grievances = super().create(vlist)
        cls.record_event(grievances, 'opened')
        return grievances

    @classmethod
    def record_event(cls, grievances, action):
        Event = Pool().get('hdf.grievance.event')
        Event.save([Event(grievance=g, action=action,
                    user=Transaction().user, date=dt.datetime.now())
                for g in grievances])

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def respond(cls, grievances):
        for grievance in grievances:
            if not (grievance.answer or '').strip():
                raise ValidationError(gettext(
                        'gosws_hdf.msg_grievance_no_answer',
                        grievance=grievance.rec_name))
        cls.write(grievances, {
                'answered_by': Transaction().user,
                'answered_at': dt.datetime.now(),
                })
        cls.record_event(grievances, 'answered')

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, grievances):
        cls.record_event(grievances, 'reopened')

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, grievances):
        cls.record_event(grievances, 'closed')


class GrievanceEvent(ModelSQL, ModelView):
    "Grievance Event"
    __name__ = 'hdf.grievance.event'
    __string__ = "Grievance Event"
    grievance = fields.Many2One('hdf.grievance', "Grievance", required=True,
        ondelete='CASCADE', readonly=True)
    action = fields.Selection([
            ('opened', "Recorded"),
            ('answered', "Answered"),
            ('reopened', "Reopened"),
            ('closed', "Closed"),
            ], "Action", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", required=True, readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('grievance')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]
