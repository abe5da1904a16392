# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt

from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'change.configuration'
    __string__ = "Change Management Configuration"

    emergency_approval_delay = fields.TimeDelta(
        "Emergency Approval Within", required=True,
        help="An emergency change must be approved at most this long after "
        "it was implemented; later it is flagged to the change managers.")
    cab_quorum = fields.Integer(
        "CAB Approvals Needed", required=True,
        domain=[('cab_quorum', '>=', 1)],
        help="How many members of the change advisory board must approve a "
        "high-risk change.")

    @classmethod
    def default_emergency_approval_delay(cls):
        return dt.timedelta(hours=48)

    @classmethod
    def default_cab_quorum(cls):
        return 1
