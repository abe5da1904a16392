# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from sql import Null

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields, tree)
from trytond.pool import Pool
from trytond.pyson import Eval
from .model import RecNameSearchMixin

# The two general offices whose staff and books the system serves
ORGANIZATIONS = [
    ('sigo', "Social Insurance (SIGO)"),
    ('gosws', "Social Welfare Services (GOSWS)"),
    ]


class Office(
        RecNameSearchMixin, DeactivableMixin, tree(), ModelSQL, ModelView):
    "A SIGO or GOSWS office; its jurisdiction is itself and every office below"
    __name__ = 'sigo.office'
    _rec_name_search = ['name', 'code']
    __string__ = "Office"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    organization = fields.Selection(
        ORGANIZATIONS, "Organization", required=True)
    level = fields.Selection([
            ('head', "Head Office"),
            ('aimag', "Aimag"),
            ('capital', "Capital City"),
            ('district', "District"),
            ('soum', "Soum"),
            ], "Level", required=True, sort=False)
    subdivision = fields.Many2One(
        'country.subdivision', "Territory", ondelete='RESTRICT',
        states={
            'required': Eval('level') != 'head',
            'invisible': Eval('level') == 'head',
            },
        help="The aimag, capital, district or soum the office serves.")
    parent = fields.Many2One(
        'sigo.office', "Parent Office", ondelete='RESTRICT',
        domain=[
            ('organization', '=', Eval('organization', None)),
            ],
        states={
            'required': Eval('level') != 'head',
            },
        help="The office that supervises this one; it sees this office's "
        "records.")
    children = fields.One2Many('sigo.office', 'parent', "Supervised Offices")
    phone = fields.Char("Phone")
    email = fields.Char("E-Mail")
    staff = fields.Many2Many(
        'res.user-sigo.office', 'office', 'user', "Staff")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'sigo_base.msg_office_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.parent, Index.Range())),
                Index(
                    t, (t.subdivision, Index.Range()),
                    where=t.subdivision != Null),
                })
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def on_modification(cls, mode, offices, field_names=None):
        pool = Pool()
        User = pool.get('res.user')
        super().on_modification(mode, offices, field_names=field_names)
        if mode != 'write' or 'parent' in field_names:
            User.clear_jurisdiction_cache()


class UserOffice(ModelSQL):
    "Office a user works in"
    __name__ = 'res.user-sigo.office'
    __string__ = "User Office"
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    office = fields.Many2One(
        'sigo.office', "Office", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('user_office_unique', Unique(t, t.user, t.office),
                'sigo_base.msg_user_office_unique'),
            ]

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        pool = Pool()
        User = pool.get('res.user')
        super().on_modification(mode, records, field_names=field_names)
        User.clear_jurisdiction_cache()
