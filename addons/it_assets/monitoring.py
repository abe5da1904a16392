# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Problems reported by the network monitoring tool: each open problem gets
one help desk ticket, however often the tool repeats it.

The tool posts JSON to ``/<database>/it_assets/monitoring`` with the key of a
user application "IT Monitoring" (``Authorization: bearer <key>``): one alert
or a list of them, each::

    {"problem_id": "zabbix-48213", "host": "sigo-db-01",
     "severity": "high", "status": "PROBLEM" or "RESOLVED",
     "message": "Free disk space is less than 10% on /var/lib/postgresql"}

Prometheus Alertmanager's webhook (``{"alerts": [...]}``, with ``status``
"firing" or "resolved", ``fingerprint``, ``labels`` and ``annotations``) is
accepted as well."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.exceptions import UserError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

MONITORING_APPLICATION = 'it_monitoring'


class UserApplication(metaclass=PoolMeta):
    __name__ = 'res.user.application'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.application.selection.append(
            (MONITORING_APPLICATION, "IT Monitoring"))


class MonitoringProblem(ModelSQL, ModelView):
    "A problem the network monitoring tool reports on a host"
    __name__ = 'it.monitoring.problem'
    __string__ = "Monitoring Problem"
    _rec_name = 'external_id'

    external_id = fields.Char(
        "Problem ID", required=True, readonly=True,
        help="The monitoring tool's identifier of the problem.")
    host = fields.Char("Host", readonly=True)
    asset = fields.Many2One(
        'it.asset', "Asset", readonly=True, ondelete='SET NULL',
        help="The asset whose tag is the host name, if any.")
    severity = fields.Char("Severity", readonly=True)
    message = fields.Text("Message", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('resolved', "Resolved"),
            ], "State", required=True, readonly=True)
    ticket = fields.Many2One(
        'helpdesk.ticket', "Ticket", readonly=True, ondelete='SET NULL',
        help="The latest help desk ticket opened for the problem.")
    events = fields.One2Many(
        'it.monitoring.problem.event', 'problem', "History", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('external_id_unique', Unique(t, t.external_id),
                'it_assets.msg_monitoring_problem_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality())))
        cls._order = [('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def parse_alerts(cls, data):
        """The alerts in a posted JSON document as dictionaries with
        problem_id, host, severity, status (PROBLEM/RESOLVED) and message"""
        if isinstance(data, dict) and isinstance(data.get('alerts'), list):
            data = [{
                    'problem_id': a.get('fingerprint')
                    if isinstance(a, dict) else None,
                    'host': (a.get('labels') or {}).get('instance'),
                    'severity': (a.get('labels') or {}).get('severity'),
                    'status': {'firing': 'PROBLEM', 'resolved': 'RESOLVED'}
                    .get(a.get('status'), a.get('status')),
                    'message': (a.get('annotations') or {}).get('summary')
                    or (a.get('labels') or {}).get('alertname'),
                    } if isinstance(a, dict) else a
                for a in data['alerts']]
        elif isinstance(data, dict):
            data = [data]
        if not isinstance(data, list) or not data:
            raise UserError(gettext('it_assets.msg_monitoring_no_alert'))
        alerts = []
        for number, alert in enumerate(data, 1):
            if not isinstance(alert, dict):
                raise UserError(gettext(
                        'it_assets.msg_monitoring_alert_not_object',
                        number=number))
            problem_id = str(alert.get('problem_id') or '').strip()
            if not problem_id:
                raise UserError(gettext(
                        'it_assets.msg_monitoring_field_missing',
                        number=number, field='problem_id'))
            status = str(alert.get('status') or '').upper()
            if status not in {'PROBLEM', 'RESOLVED'}:
                raise UserError(gettext(
                        'it_assets.msg_monitoring_bad_status',
                        number=number, problem=problem_id,
                        status=alert.get('status')))
            alerts.append({
                    'problem_id': problem_id,
                    'host': str(alert.get('host') or '') or None,
                    'severity': str(alert.get('severity') or '') or None,
                    'status': status,
                    'message': str(alert.get('message') or '') or None,
                    })
        return alerts

    @classmethod
    @without_check_access
    def receive(cls, data):
        """Record the alerts of the posted document: a problem opens a ticket
        unless one is still open for it, a resolution closes the problem.
        The monitoring application's key is the authorisation to record
        them: nobody edits problems by hand."""
        pool = Pool()
        Asset = pool.get('it.asset')
        Event = pool.get('it.monitoring.problem.event')
        Ticket = pool.get('helpdesk.ticket')
        Configuration = pool.get('it.asset.configuration')
        category = Configuration(1).monitoring_category
        now = dt.datetime.now()
        user = Transaction().user
        problems = []
        for alert in cls.parse_alerts(data):
            found = cls.search([
                    ('external_id', '=', alert['problem_id']),
                    ], limit=1)
            if found:
                problem, = found
            else:
                assets = Asset.search([
                        ('code', '=', alert['host']),
                        ], limit=1) if alert['host'] else []
                problem = cls(
                    external_id=alert['problem_id'],
                    asset=assets[0] if assets else None)
            for field in ['host', 'severity', 'message']:
                if alert[field] or not getattr(problem, field, None):
                    setattr(problem, field, alert[field])
            if alert['status'] == 'PROBLEM':
                action = 'reported' if found else 'opened'
                problem.state = 'open'
                problem.save()
                if not Ticket.open_about(problem):
                    problem.ticket = Ticket.open_for_alert(
                        problem,
                        gettext('it_assets.msg_monitoring_ticket_subject',
                            host=problem.host or '-',
                            message=(problem.message or '')[:120]),
                        gettext(
                            'it_assets.msg_monitoring_ticket_description',
                            problem=problem.external_id,
                            host=problem.host or '-',
                            severity=problem.severity or '-',
                            message=problem.message or ''),
                        category)
                    action = 'ticket'
            else:
                action = 'resolved'
                problem.state = 'resolved'
            problem.save()
            Event.create([{
                        'problem': problem.id,
                        'date': now,
                        'user': user,
                        'action': action,
                        'message': alert['message'],
                        }])
            problems.append(problem)
        return problems


class MonitoringProblemEvent(ModelSQL, ModelView):
    "What the monitoring tool said about a problem, and when"
    __name__ = 'it.monitoring.problem.event'
    __string__ = "Monitoring Problem Event"

    problem = fields.Many2One(
        'it.monitoring.problem', "Problem", required=True,
        ondelete='CASCADE', readonly=True)
    date = fields.Timestamp("Date", required=True, readonly=True)
    user = fields.Many2One('res.user', "By", readonly=True)
    action = fields.Selection([
            ('opened', "Reported"),
            ('reported', "Reported Again"),
            ('ticket', "Ticket Opened"),
            ('resolved', "Resolved"),
            ], "Action", required=True, readonly=True)
    message = fields.Text("Message", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.problem, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
