# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt
import subprocess
import sys

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .outcome import OutcomeMixin


class Drill(OutcomeMixin, ModelSQL, ModelView):
    "A restore of a backup into a scratch cluster, verified and timed"
    __name__ = 'it_ops.drill'
    __string__ = "Restore Drill"

    database = fields.Char("Database", required=True, readonly=True)
    started = fields.Timestamp("Started", required=True, readonly=True)
    state = fields.Selection([
            ('passed', "Passed"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True)
    repository = fields.Integer("Repository", readonly=True)
    target = fields.Char("Restored To", readonly=True)
    point = fields.Char("Verification Point", readonly=True)
    rpo = fields.TimeDelta(
        "RPO", readonly=True,
        help="Age of the data at the restore point when the drill started: "
        "what a disaster at that moment would have lost.")
    rto = fields.TimeDelta(
        "RTO", readonly=True,
        help="From the start of the restore to a Tryton that logs users in.")
    steps = fields.One2Many(
        'it_ops.drill.step', 'drill', "Steps", readonly=True)
    checks = fields.One2Many(
        'it_ops.drill.check', 'drill', "Verification", readonly=True)
    report = fields.Text("Report", readonly=True)

    def get_rec_name(self, name):
        return f'{self.database} {self.started:%Y-%m-%d %H:%M}'

    @classmethod
    def record(cls, report):
        "Store the report of a drill; alert IT when it failed"
        Alert = Pool().get('it_ops.alert')

        def seconds(value):
            return dt.timedelta(seconds=value) if value is not None else None
        drill, = cls.create([{
                    'database': report['database'],
                    'started': dt.datetime.fromisoformat(
                        report['started']).replace(tzinfo=None),
                    'state': report['state'],
                    'repository': report['repository'],
                    'target': report['target'] or None,
                    'point': report['point'] or None,
                    'rpo': seconds(report['rpo'] and round(report['rpo'])),
                    'rto': seconds(report['rto'] and round(report['rto'])),
                    'report': report['text'],
                    'steps': [('create', [{
                                    'sequence': i,
                                    'name': step['name'],
                                    'ok': step['ok'],
                                    'detail': step['detail'],
                                    'duration': seconds(step['seconds']),
                                    } for i, step in enumerate(
                                    report['steps'])])],
                    'checks': [('create', [{
                                    'sequence': i,
                                    'name': check['name'],
                                    'expected': check['expected'],
                                    'actual': check['actual'],
                                    'ok': check['ok'],
                                    } for i, check in enumerate(
                                    report['checks'])])],
                    }])
        if drill.state == 'failed':
            failed = [s for s in drill.steps if not s.ok]
            Alert.raise_alert(
                'drill_failed', drill.database, str(drill),
                gettext('it_ops.msg_drill_failed',
                    database=drill.database,
                    step=failed[0].name if failed else '',
                    detail=failed[0].detail if failed else ''))
        return drill

    @classmethod
    def run_scheduled(cls):
        """Run the restore drill of the site in the server's [ops] config;
        the drill records its own result"""
        Alert = Pool().get('it_ops.alert')
        path = config.get('ops', 'config')
        database = Transaction().database.name
        if not path:
            Alert.raise_alert(
                'drill_failed', database, None,
                gettext('it_ops.msg_drill_not_configured'))
            return
        subprocess.run(
            [sys.executable, '-m', 'sigo_ops', '--config', path, 'drill'],
            check=False, capture_output=True,
            timeout=config.getint('ops', 'drill_timeout', default=4 * 3600))


class DrillDetailMixin:
    "A line of a drill's result, in order, in red unless ok"
    __slots__ = ()
    drill = fields.Many2One(
        'it_ops.drill', "Drill", required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('sequence', 'ASC'))

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('ok', False), '', 'danger')),
            ]


class DrillStep(DrillDetailMixin, ModelSQL, ModelView):
    __name__ = 'it_ops.drill.step'
    __string__ = "Restore Drill Step"

    name = fields.Char("Step", readonly=True)
    ok = fields.Boolean("OK", readonly=True)
    detail = fields.Text("Detail", readonly=True)
    duration = fields.TimeDelta("Duration", readonly=True)


class DrillCheck(DrillDetailMixin, ModelSQL, ModelView):
    "One figure of the source compared with the restored copy"
    __name__ = 'it_ops.drill.check'
    __string__ = "Restore Drill Check"

    name = fields.Char("Figure", readonly=True)
    expected = fields.Char("Source", readonly=True)
    actual = fields.Char("Restored", readonly=True)
    ok = fields.Boolean("Equal", readonly=True)
