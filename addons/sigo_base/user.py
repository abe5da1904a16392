# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.cache import Cache
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    offices = fields.Many2Many(
        'res.user-sigo.office', 'user', 'office', "Offices",
        help="The offices the user works in: the user sees the records of "
        "these offices and of every office they supervise.")
    office = fields.Many2One(
        'sigo.office', "Current Office",
        domain=[
            ('id', 'in', Eval('offices', [])),
            ],
        help="The office new records are filed under by default.")
    _jurisdiction_cache = Cache(
        'res_user.get_jurisdiction_offices', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._preferences_fields.append('office')
        cls._context_fields.insert(0, 'office')

    @classmethod
    def group_addresses(cls, group, addresses=''):
        """The comma-separated addresses configured, then the e-mail of
        every member of the group (a res.group id), each once: who is told
        of an alert or a job's findings"""
        result = [a.strip() for a in (addresses or '').split(',')
            if a.strip()]
        for user in cls.search([('groups', '=', group)]):
            if user.email and user.email not in result:
                result.append(user.email)
        return result

    @classmethod
    def get_jurisdiction_offices(cls):
        "Return the ids of the offices whose records the user may access"
        pool = Pool()
        Office = pool.get('sigo.office')
        transaction = Transaction()
        user_id = transaction.user
        offices = cls._jurisdiction_cache.get(user_id)
        if offices is not None:
            return offices
        with without_check_access(), transaction.set_context(
                active_test=False):
            user = cls(user_id)
            offices = tuple(sorted(o.id for o in Office.search([
                            ('parent', 'child_of',
                                [o.id for o in user.offices]),
                            ]))) if user.offices else ()
        return cls._jurisdiction_cache.set(user_id, offices)

    @classmethod
    def clear_jurisdiction_cache(cls):
        # The record rule cache is keyed by the jurisdiction, so clearing
        # this cache is enough
        cls._jurisdiction_cache.clear()


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "jurisdiction_offices" as list of ids of the offices '
            'in the jurisdiction of the current user')

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, User.get_jurisdiction_offices())

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['jurisdiction_offices'] = User.get_jurisdiction_offices()
        return context
