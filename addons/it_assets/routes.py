# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"The endpoint the network monitoring tool posts its alerts to"
import json

from trytond.i18n import gettext
from trytond.exceptions import UserError
from trytond.protocols.wrappers import (
    user_application, with_pool, with_transaction)
from trytond.wsgi import app

from .monitoring import MONITORING_APPLICATION

monitoring_application = user_application(MONITORING_APPLICATION)


@app.route('/<database_name>/it_assets/monitoring', methods={'POST'})
@with_pool
@with_transaction()
@monitoring_application
def monitoring_alerts(request, pool):
    """Turn the posted alerts into problems and tickets; answer with each
    problem's state and ticket"""
    Problem = pool.get('it.monitoring.problem')
    try:
        data = json.loads(request.get_data(as_text=True))
    except ValueError as exception:
        raise UserError(gettext(
                'it_assets.msg_monitoring_bad_json', error=str(exception)))
    problems = Problem.receive(data)
    return [{
            'problem_id': p.external_id,
            'state': p.state,
            'ticket': p.ticket.id if p.ticket else None,
            } for p in problems]
