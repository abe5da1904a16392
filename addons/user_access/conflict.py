# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Segregation of duties: pairs of roles one person must not hold together"
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Eval


class RoleConflictError(ValidationError):
    pass


class RoleConflict(ModelSQL, ModelView):
    "Conflicting Roles"
    __name__ = 'access.role_conflict'
    __string__ = "Conflicting Roles"
    role_a = fields.Many2One(
        'res.role', "Role", required=True, ondelete='CASCADE')
    role_b = fields.Many2One(
        'res.role', "Conflicting Role", required=True, ondelete='CASCADE',
        domain=[('id', '!=', Eval('role_a', -1))])
    reason = fields.Text(
        "Reason", required=True,
        help="Why one person must not hold both, e.g. declaration entry "
        "and payment approval.")
    holders = fields.Function(fields.Many2Many(
            'res.user', None, None, "Users Holding Both",
            help="Active users who hold both roles today."),
        'get_holders', searcher='search_holders')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('pair_unique', Unique(t, t.role_a, t.role_b),
                'user_access.msg_role_conflict_unique'),
            ]

    def get_rec_name(self, name):
        return f'{self.role_a.rec_name} / {self.role_b.rec_name}'

    @classmethod
    def get_holders(cls, conflicts, name):
        pool = Pool()
        UserRole = pool.get('res.user.role')
        now = dt.datetime.now()
        roles = {c.role_a for c in conflicts} | {c.role_b for c in conflicts}
        holding = {}
        for user_role in UserRole.search([
                    ('role', 'in', [r.id for r in roles]),
                    ('user.active', '=', True),
                    ]):
            if user_role.valid(now):
                holding.setdefault(user_role.role.id, set()).add(
                    user_role.user.id)
        return {c.id: sorted(holding.get(c.role_a.id, set())
                & holding.get(c.role_b.id, set()))
            for c in conflicts}

    @classmethod
    def search_holders(cls, name, clause):
        conflicts = cls.search([])
        holders = cls.get_holders(conflicts, name)
        _, operator, value = clause[:3]
        if operator == '!=' and value in (None, []):
            return [('id', 'in', [c for c, users in holders.items() if users])]
        if operator == '=' and value in (None, []):
            return [('id', 'in',
                    [c for c, users in holders.items() if not users])]
        if operator == 'in':
            return [('id', 'in', [c for c, users in holders.items()
                        if set(users) & set(value)])]
        return [('id', 'in', [c for c, users in holders.items()
                    if value in users])]

    @classmethod
    def find(cls, roles):
        "The conflicts among the roles"
        ids = [r.id for r in roles]
        if len(ids) < 2:
            return []
        return cls.search([
                ('role_a', 'in', ids),
                ('role_b', 'in', ids),
                ])

    @classmethod
    def check(cls, roles, user_name):
        "Refuse the roles for the user when two of them conflict"
        for conflict in cls.find(roles):
            raise RoleConflictError(gettext(
                    'user_access.msg_role_conflict',
                    user=user_name,
                    role_a=conflict.role_a.rec_name,
                    role_b=conflict.role_b.rec_name,
                    reason=conflict.reason))
