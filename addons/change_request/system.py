# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.modules.sigo_base.model import RecNameSearchMixin
from trytond.pool import Pool
from trytond.transaction import without_check_access

CRITICALITY = [
    ('low', "Low"),
    ('medium', "Medium"),
    ('high', "High"),
    ('critical', "Critical"),
    ]


class System(RecNameSearchMixin, DeactivableMixin, ModelSQL, ModelView):
    "An IT system of the office that changes and production access concern"
    __name__ = 'change.system'
    __string__ = "IT System"
    _rec_name_search = ['code', 'name']

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    description = fields.Text("Description", translate=True)
    owner = fields.Many2One(
        'res.user', "Owner", required=True,
        help="Answers for the system: approves its changes and who may "
        "work in its production environment.")
    criticality = fields.Selection(
        CRITICALITY, "Criticality", required=True,
        help="How badly an outage hurts citizens and offices.")
    environments = fields.One2Many(
        'change.system.environment', 'system', "Environments")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(table, table.code),
                'change_request.msg_system_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_criticality(cls):
        return 'medium'

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'


class Environment(ModelSQL, ModelView):
    "Where a system runs: production, or a copy for development or tests"
    __name__ = 'change.system.environment'
    __string__ = "IT System Environment"

    system = fields.Many2One(
        'change.system', "System", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('production', "Production"),
            ('test', "Test"),
            ('development', "Development"),
            ], "Kind", required=True)
    host = fields.Char("Host or URL")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('system', 'ASC'), ('kind', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'production'

    def get_rec_name(self, name):
        kind = dict(self.fields_get(['kind'])['kind']['selection'])[self.kind]
        return f'{self.system.code} {kind}'


def user_in_group(user, group_xml_id):
    "Whether user holds the group of this module with the given XML id"
    ModelData = Pool().get('ir.model.data')
    group_id = ModelData.get_id('change_request', group_xml_id)
    with without_check_access():
        return group_id in {g.id for g in user.groups}
