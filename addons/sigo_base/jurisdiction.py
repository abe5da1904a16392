# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.model import fields
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.transaction import Transaction, without_check_access

JURISDICTION_RULE = "Office jurisdiction"


class JurisdictionMixin:
    """Scope a model to the office that owns each record.

    Inherit it to make a model's records visible and editable only by staff
    whose offices include or supervise the record's office: a soum officer
    their soum, an aimag supervisor every soum of the aimag, head office
    everything. The record rule is created when the module is activated.
    """
    __slots__ = ()
    office = fields.Many2One(
        'sigo.office', "Office", required=True, ondelete='RESTRICT',
        help="The office that owns the record.")

    @classmethod
    def default_office(cls):
        return Transaction().context.get('office')

    @classmethod
    def __register__(cls, module_name):
        super().__register__(module_name)
        cls._register_jurisdiction_rule()

    @classmethod
    @without_check_access
    def _register_jurisdiction_rule(cls):
        pool = Pool()
        RuleGroup = pool.get('ir.rule.group')
        Rule = pool.get('ir.rule')
        domain = PYSONEncoder(sort_keys=True).encode(
            [('office', 'in', Eval('jurisdiction_offices', []))])
        if Rule.search([
                    ('rule_group.model', '=', cls.__name__),
                    ('rule_group.global_p', '=', True),
                    ('domain', '=', domain),
                    ]):
            return
        RuleGroup.create([{
                    'name': JURISDICTION_RULE,
                    'model': cls.__name__,
                    'global_p': True,
                    'perm_read': True,
                    'perm_write': True,
                    'perm_create': True,
                    'perm_delete': True,
                    'rules': [('create', [{'domain': domain}])],
                    }])
