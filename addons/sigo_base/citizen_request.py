# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval

from .jurisdiction import JurisdictionMixin


class CitizenRequest(JurisdictionMixin, Workflow, ModelSQL, ModelView):
    """A citizen's request, question or complaint received by an office

    It is filed under the receiving office: staff of other soums find the
    citizen but not the request.
    """
    __name__ = 'sigo.citizen.request'
    __string__ = "Citizen Request"
    _rec_name = 'number'
    _states = {
        'readonly': Eval('state') != 'open',
        }

    number = fields.Char("Number", readonly=True)
    citizen = fields.Many2One(
        'party.party', "Citizen", required=True, ondelete='RESTRICT',
        states=_states)
    received_date = fields.Date(
        "Received Date", required=True, states=_states)
    channel = fields.Selection([
            ('visit', "Office Visit"),
            ('phone', "Phone"),
            ('letter', "Letter"),
            ('email', "E-Mail"),
            ], "Channel", required=True, states=_states)
    subject = fields.Char("Subject", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    response = fields.Text(
        "Response",
        states={
            'readonly': Eval('state') == 'closed',
            'required': Eval('state').in_(['answered', 'closed']),
            })
    state = fields.Selection([
            ('open', "Open"),
            ('answered', "Answered"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.office.states = {
            'readonly': Eval('state') != 'open',
            }
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['open', 'answered'])),
                Index(t, (t.office, Index.Range())),
                })
        cls._order.insert(0, ('received_date', 'DESC'))
        cls._transitions |= {
            ('open', 'answered'),
            ('answered', 'open'),
            ('answered', 'closed'),
            }
        cls._buttons.update({
                'reopen': {
                    'invisible': Eval('state') != 'answered',
                    'depends': ['state'],
                    },
                'answer': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'answered',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_channel(cls):
        return 'visit'

    @classmethod
    def default_received_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            values['number'] = Sequence(ModelData.get_id(
                    'sigo_base', 'sequence_citizen_request')).get()
        return values

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'delete':
            for request in requests:
                if request.state != 'open':
                    raise AccessError(gettext(
                            'sigo_base.msg_citizen_request_delete_answered',
                            request=request.rec_name))

    @classmethod
    def copy(cls, requests, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('number')
        default.setdefault('response')
        return super().copy(requests, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def answer(cls, requests):
        for request in requests:
            if not request.response:
                raise ValidationError(gettext(
                        'sigo_base.msg_citizen_request_answer_required',
                        request=request.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, requests):
        pass
