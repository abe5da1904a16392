# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt

from trytond.exceptions import LoginException, RateLimitException
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    supervisor = fields.Many2One(
        'res.user', "Supervisor",
        help="Approves the user's access requests.")
    access_until = fields.Date(
        "Access Until",
        help="The end of the user's assignment: the account is deactivated "
        "the next day.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'leave': {
                    'invisible': ~Eval('active', True),
                    'depends': ['active'],
                    },
                })

    @classmethod
    @ModelView.button
    def leave(cls, users):
        """The leaver process: account, web sessions, devices, application
        keys and roles end at once"""
        pool = Pool()
        Application = pool.get('res.user.application')
        UserRole = pool.get('res.user.role')
        now = dt.datetime.now()
        Application.cancel(Application.search([
                    ('user', 'in', [u.id for u in users]),
                    ('state', '!=', 'cancelled'),
                    ]))
        open_roles = [r for r in UserRole.search([
                    ('user', 'in', [u.id for u in users]),
                    ]) if not r.to_date or r.to_date > now]
        if open_roles:
            UserRole.write(open_roles, {'to_date': now})
        # Deactivating clears the sessions and devices (res.user)
        cls.write(users, {'active': False})

    @classmethod
    def deactivate_expired(cls, date=None):
        "Run by the scheduler: nobody stays active past their assignment"
        pool = Pool()
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        users = cls.search([
                ('active', '=', True),
                ('access_until', '<', date),
                ])
        if users:
            cls.leave(users)
        return users

    @classmethod
    def get_login(cls, login, parameters):
        pool = Pool()
        LoginEvent = pool.get('access.login')
        try:
            user_id = super().get_login(login, parameters)
        except RateLimitException:
            LoginEvent.add(login, None, 'blocked', parameters)
            raise
        except LoginException:
            # The client is asked for the next factor: not an outcome yet
            raise
        LoginEvent.add(
            login, user_id, 'success' if user_id else 'failure', parameters)
        return user_id


class Role(metaclass=PoolMeta):
    __name__ = 'res.role'
    data_owner = fields.Many2One(
        'res.user', "Data Owner",
        help="Approves every request for this role.")
    conflicts = fields.One2Many(
        'access.role_conflict', 'role_a', "Conflicting Roles")


class UserRole(metaclass=PoolMeta):
    __name__ = 'res.user.role'

    @classmethod
    def validate(cls, user_roles):
        pool = Pool()
        Conflict = pool.get('access.role_conflict')
        super().validate(user_roles)
        now = dt.datetime.now()
        # Direct grants by an administrator obey the same rules as requests
        for user in {r.user for r in user_roles}:
            Conflict.check(
                [r.role for r in user.roles if r.valid(now)
                    or (r.from_date and r.from_date > now)],
                user.rec_name)


class Office(metaclass=PoolMeta):
    __name__ = 'sigo.office'
    manager = fields.Many2One(
        'res.user', "Manager",
        help="Reviews the access of the office's staff.")


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('res.user|deactivate_expired',
                    "Deactivate Users Past Their Assignment"),
                ('access.review|create_campaigns',
                    "Open Access Reviews"),
                ])


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'
    # Requests and reviews are visible to the people they involve
    _user_models = {'access.request', 'access.review'}

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        if model_name in cls._user_models:
            context['user_id'] = Transaction().user
        return context

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        if model_names & cls._user_models:
            key = (*key, Transaction().user)
        return key
