# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Id


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Health Claims Configuration"
    __name__ = 'claim.configuration'
    __string__ = "Health Claims Configuration"
    claim_sequence = fields.Many2One('ir.sequence', "Claim Sequence",
        required=True,
        domain=[('sequence_type', '=',
                Id('claims_portal', 'sequence_type_claim'))])
    sample_percent = fields.Numeric("Lines Sampled for Review (%)",
        digits=(5, 2), required=True,
        domain=[('sample_percent', '>=', 0), ('sample_percent', '<=', 100)],
        help="When a claim is submitted, this share of its lines without "
        "any reason is drawn for the reviewer (the same lines whenever "
        "the same claim is checked again); the other lines without a "
        "reason are approved at once. Lines with a reason always wait for "
        "the reviewer's decision.")

    @classmethod
    def default_claim_sequence(cls):
        return Pool().get('ir.model.data').get_id(
            'claims_portal', 'sequence_claim')

    @classmethod
    def default_sample_percent(cls):
        return 10
