# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Capacity of the production and development SANs: daily readings of the
space used, and a help desk ticket when a reading crosses a threshold"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval

LEVELS = [
    ('normal', "Normal"),
    ('warning', "Warning"),
    ('critical', "Critical"),
    ]


class StorageSystem(ModelSQL, ModelView):
    "A storage array (SAN) whose free space IT watches"
    __name__ = 'it.storage.system'
    __string__ = "Storage System"

    name = fields.Char("Name", required=True)
    environment = fields.Selection([
            ('production', "Production"),
            ('development', "Development"),
            ], "Environment", required=True)
    asset = fields.Many2One(
        'it.asset', "Asset", ondelete='SET NULL',
        domain=[('kind', '=', 'storage')],
        help="The storage array in the asset register.")
    capacity = fields.Float(
        "Capacity (TB)", digits=(16, 2), required=True,
        domain=[('capacity', '>', 0)])
    warning_threshold = fields.Integer(
        "Warning at (%)", required=True,
        domain=[('warning_threshold', '>', 0),
            ('warning_threshold', '<=', Eval('critical_threshold', 100))],
        help="A reading using this share of the capacity or more opens a "
        "help desk ticket.")
    critical_threshold = fields.Integer(
        "Critical at (%)", required=True,
        domain=[('critical_threshold', '<=', 100)])
    readings = fields.One2Many(
        'it.storage.reading', 'system', "Readings", readonly=True)
    last_used = fields.Function(
        fields.Float("Used (TB)", digits=(16, 2)), 'get_last_reading')
    last_percent = fields.Function(
        fields.Float("Used (%)", digits=(16, 1)), 'get_last_reading')
    last_level = fields.Function(
        fields.Selection([(None, "")] + LEVELS, "Level"), 'get_last_reading')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('name_unique', Unique(t, t.name),
                'it_assets.msg_storage_system_name_unique'),
            ]
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_warning_threshold(cls):
        return 80

    @classmethod
    def default_critical_threshold(cls):
        return 90

    @classmethod
    def get_last_reading(cls, systems, names):
        pool = Pool()
        Reading = pool.get('it.storage.reading')
        result = {n: {s.id: None for s in systems} for n in names}
        for system in systems:
            readings = Reading.search([
                    ('system', '=', system.id),
                    ], order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
            if readings:
                reading, = readings
                for name in names:
                    result[name][system.id] = getattr(
                        reading, name[len('last_'):])
        return result

    def level_of(self, percent):
        if percent >= self.critical_threshold:
            return 'critical'
        elif percent >= self.warning_threshold:
            return 'warning'
        return 'normal'


class StorageReading(ModelSQL, ModelView):
    "The space used on a storage system at a moment"
    __name__ = 'it.storage.reading'
    __string__ = "Storage Reading"

    system = fields.Many2One(
        'it.storage.system', "Storage System", required=True,
        ondelete='CASCADE')
    date = fields.DateTime("Read At", required=True)
    used = fields.Float(
        "Used (TB)", digits=(16, 2), required=True,
        domain=[('used', '>=', 0)])
    percent = fields.Function(
        fields.Float("Used (%)", digits=(16, 1)), 'on_change_with_percent')
    level = fields.Function(
        fields.Selection([(None, "")] + LEVELS, "Level"), 'on_change_with_level')
    ticket = fields.Many2One(
        'helpdesk.ticket', "Ticket Opened", readonly=True,
        ondelete='SET NULL',
        help="The help desk ticket this reading opened.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.system, Index.Range()),
                (t.date, Index.Range(order='DESC'))))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_date(cls):
        return dt.datetime.now()

    @fields.depends('system', 'used')
    def on_change_with_percent(self, name=None):
        if self.system and self.system.capacity and self.used is not None:
            return round(100 * self.used / self.system.capacity, 1)

    @fields.depends('system', methods=['on_change_with_percent'])
    def on_change_with_level(self, name=None):
        percent = self.on_change_with_percent()
        if self.system and percent is not None:
            return self.system.level_of(percent)

    @classmethod
    def create(cls, vlist):
        readings = super().create(vlist)
        cls.open_tickets(readings)
        return readings

    @classmethod
    def open_tickets(cls, readings):
        """Open a ticket for a reading over the warning threshold unless its
        system already has one open: the problem is the full SAN, not each
        reading of it"""
        pool = Pool()
        Ticket = pool.get('helpdesk.ticket')
        Configuration = pool.get('it.asset.configuration')
        category = Configuration(1).monitoring_category
        for reading in sorted(readings, key=lambda r: (r.date, r.id)):
            if reading.level == 'normal':
                continue
            system = reading.system
            if Ticket.open_about(system):
                continue
            level = dict(cls.fields_get(['level'])['level']['selection'])[
                reading.level]
            reading.ticket = Ticket.open_for_alert(
                system,
                gettext('it_assets.msg_storage_ticket_subject',
                    system=system.rec_name,
                    level=level,
                    percent=reading.percent),
                gettext('it_assets.msg_storage_ticket_description',
                    system=system.rec_name,
                    used=reading.used,
                    capacity=system.capacity,
                    percent=reading.percent,
                    date=reading.date.strftime('%Y-%m-%d %H:%M'),
                    threshold=(system.critical_threshold
                        if reading.level == 'critical'
                        else system.warning_threshold)),
                category)
            reading.save()
