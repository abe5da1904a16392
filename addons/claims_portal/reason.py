# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The numbered reasons a claim line is not paid as asked: those the
automatic check finds, and those reviewers give for their decisions"""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.modules.sigo_base.model import RecNameSearchMixin


class Reason(RecNameSearchMixin, DeactivableMixin, ModelSQL, ModelView):
    "Claim Reason"
    __name__ = 'claim.reason'
    __string__ = "Claim Reason"
    _rec_name_search = ['code', 'name']
    code = fields.Char("Code", required=True, help="R01, R02, ...")
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('automatic', "Automatic Check"),
            ('review', "Review Decision"),
            ], "Kind", required=True,
        help="Automatic reasons are found when the claim is checked; "
        "reviewers give review reasons to reject or reduce a line.")
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'claims_portal.msg_reason_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.code} {self.name}'

    @classmethod
    def by_code(cls):
        "{code: reason} of every reason"
        return {r.code: r for r in cls.search([])}
