# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Hardware: every terminal, server, storage array and printer with its office,
assignee and a log of who assigned, moved, repaired or retired it"""
import datetime as dt

from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.sigo_base.model import RecNameSearchMixin
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

ASSET_KINDS = [
    ('terminal', "Terminal"),
    ('laptop', "Laptop"),
    ('server', "Server"),
    ('storage', "Storage"),
    ('network', "Network Device"),
    ('printer', "Printer"),
    ]
# The kinds that run an operating system and so need a licensed one
COMPUTER_KINDS = ['terminal', 'laptop', 'server']
ASSET_STATES = [
    ('stock', "In Stock"),
    ('in_use', "In Use"),
    ('repair', "In Repair"),
    ('retired', "Retired"),
    ]
OS_STATUSES = [
    (None, ""),
    ('licensed', "Licensed"),
    ('no_os', "No Operating System Recorded"),
    ('unlicensed', "Operating System Without Licence"),
    ('expired', "Licence Expired"),
    ('over_seats', "Beyond the Licence's Seats"),
    ]


def compliance_date():
    "The day compliance is judged on: the context's date or today"
    return Transaction().context.get('date') or dt.date.today()


class Asset(RecNameSearchMixin, Workflow, ModelSQL, ModelView):
    """IT staff at head office manage the equipment of every office, so the
    register is central: it is not scoped by office jurisdiction, the IT
    group alone reads and edits it"""
    __name__ = 'it.asset'
    __string__ = "IT Asset"
    _rec_name = 'code'
    _rec_name_search = ['code', 'serial_number', 'model']

    code = fields.Char(
        "Asset Tag", required=True,
        states={'readonly': Eval('state') == 'retired'},
        help="The inventory tag stuck on the device.")
    kind = fields.Selection(
        ASSET_KINDS, "Kind", required=True, sort=False,
        states={'readonly': Eval('state') == 'retired'})
    model = fields.Char(
        "Model", states={'readonly': Eval('state') == 'retired'},
        help="Manufacturer and model, e.g. \"Dell OptiPlex 7010\".")
    serial_number = fields.Char(
        "Serial Number", required=True,
        states={'readonly': Eval('state') == 'retired'})
    office = fields.Many2One(
        'sigo.office', "Office", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') == 'retired'},
        help="The office where the device is.")
    assignee = fields.Many2One(
        'res.user', "Assigned To", ondelete='RESTRICT',
        states={'readonly': Eval('state') == 'retired'},
        help="The staff member who uses the device.")
    purchase_date = fields.Date(
        "Purchase Date", states={'readonly': Eval('state') == 'retired'})
    warranty_end = fields.Date(
        "Warranty End",
        domain=[
            If(Eval('warranty_end') & Eval('purchase_date'),
                ('warranty_end', '>=', Eval('purchase_date')),
                ()),
            ],
        states={'readonly': Eval('state') == 'retired'})
    warranty_alerted = fields.Date(
        "Warranty Alert Sent For", readonly=True,
        help="The warranty end date IT was last alerted about.")
    state = fields.Selection(
        ASSET_STATES, "State", required=True, readonly=True, sort=False)
    installations = fields.One2Many(
        'it.software.installation', 'asset', "Installed Software")
    events = fields.One2Many(
        'it.asset.event', 'asset', "History", readonly=True)
    os_status = fields.Function(
        fields.Selection(OS_STATUSES, "OS Licence"),
        'get_os_status', searcher='search_os_status')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code), 'it_assets.msg_asset_code_unique'),
            ('serial_number_unique', Unique(t, t.serial_number),
                'it_assets.msg_asset_serial_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.office, Index.Range())),
                Index(t, (t.warranty_end, Index.Range())),
                })
        cls._order = [('code', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('stock', 'in_use'),
            ('in_use', 'stock'),
            ('stock', 'repair'),
            ('in_use', 'repair'),
            ('repair', 'in_use'),
            ('repair', 'stock'),
            ('stock', 'retired'),
            ('repair', 'retired'),
            }
        cls._buttons.update({
                'put_in_use': {
                    'invisible': ~Eval('state').in_(['stock', 'repair']),
                    'depends': ['state'],
                    },
                'return_to_stock': {
                    'invisible': ~Eval('state').in_(['in_use', 'repair']),
                    'depends': ['state'],
                    },
                'send_to_repair': {
                    'invisible': ~Eval('state').in_(['stock', 'in_use']),
                    'depends': ['state'],
                    },
                'retire': {
                    'invisible': ~Eval('state').in_(['stock', 'repair']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'stock'

    def get_rec_name(self, name):
        return f'{self.code} ({self.model})' if self.model else self.code

    @classmethod
    def get_os_status(cls, assets, name):
        pool = Pool()
        Installation = pool.get('it.software.installation')
        statuses = Installation.os_statuses(compliance_date())
        return {a.id: statuses.get(a.id) for a in assets}

    @classmethod
    def search_os_status(cls, name, clause):
        pool = Pool()
        Installation = pool.get('it.software.installation')
        _, operator, operand = clause
        statuses = Installation.os_statuses(compliance_date())
        if operator in {'=', '!='}:
            operand = [operand]
            operator = 'in' if operator == '=' else 'not in'
        ids = [i for i, s in statuses.items() if s in operand]
        if operator == 'in':
            return [('id', 'in', ids)]
        return [('id', 'not in', ids)]

    @classmethod
    @without_check_access
    def record_event(cls, assets, action, description=None):
        "Record who did what to the assets, and when"
        pool = Pool()
        Event = pool.get('it.asset.event')
        now = dt.datetime.now()
        user = Transaction().user
        Event.create([{
                    'asset': a.id,
                    'date': now,
                    'user': user,
                    'action': action,
                    'description': description,
                    } for a in assets])

    @classmethod
    def create(cls, vlist):
        assets = super().create(vlist)
        cls.record_event(assets, 'registered')
        return assets

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Office = pool.get('sigo.office')
        User = pool.get('res.user')
        changes = []
        actions = iter(args)
        for assets, values in zip(actions, actions):
            for field, action, Target in [
                    ('office', 'moved', Office),
                    ('assignee', 'assigned', User),
                    ]:
                if field not in values:
                    continue
                moved = [a for a in assets
                    if getattr(getattr(a, field), 'id', None)
                    != values[field]]
                if moved:
                    target = (Target(values[field]).rec_name
                        if values[field] else None)
                    changes.append((moved, action, target))
        super().write(*args)
        for assets, action, target in changes:
            cls.record_event(assets, action, target)

    @classmethod
    @ModelView.button
    @Workflow.transition('in_use')
    def put_in_use(cls, assets):
        cls.record_event(assets, 'in_use')

    @classmethod
    @ModelView.button
    @Workflow.transition('stock')
    def return_to_stock(cls, assets):
        cls.record_event(assets, 'stock')

    @classmethod
    @ModelView.button
    @Workflow.transition('repair')
    def send_to_repair(cls, assets):
        cls.record_event(assets, 'repair')

    @classmethod
    @ModelView.button
    @Workflow.transition('retired')
    def retire(cls, assets):
        cls.write(assets, {'assignee': None})
        cls.record_event(assets, 'retired')


class AssetEvent(ModelSQL, ModelView):
    "One line of an asset's history"
    __name__ = 'it.asset.event'
    __string__ = "IT Asset Event"

    asset = fields.Many2One(
        'it.asset', "Asset", required=True, ondelete='CASCADE', readonly=True)
    date = fields.Timestamp("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "By", readonly=True)
    action = fields.Selection([
            ('registered', "Registered"),
            ('assigned', "Assigned"),
            ('moved', "Moved"),
            ('in_use', "Put in Use"),
            ('stock', "Returned to Stock"),
            ('repair', "Sent to Repair"),
            ('retired', "Retired"),
            ], "Action", required=True, readonly=True)
    description = fields.Char(
        "Detail", readonly=True,
        help="The new assignee or office.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.asset, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
