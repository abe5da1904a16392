# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt

from sql.aggregate import Count, Max

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If

from .outcome import OutcomeMixin

BACKUP_TYPES = [
    ('full', "Full"),
    ('diff', "Differential"),
    ('incr', "Incremental"),
    ]


class BackupRun(OutcomeMixin, ModelSQL, ModelView):
    __name__ = 'it_ops.backup.run'
    __string__ = "Backup Run"

    database = fields.Char("Database", required=True, readonly=True)
    stanza = fields.Char("Stanza", readonly=True)
    repository = fields.Integer(
        "Repository", required=True, readonly=True,
        help="pgBackRest repository: 1 in this data centre, 2 at the "
        "disaster-recovery site.")
    backup_type = fields.Selection(
        BACKUP_TYPES, "Type", required=True, readonly=True)
    label = fields.Char("Backup Label", readonly=True)
    state = fields.Selection([
            ('succeeded', "Succeeded"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True)
    started = fields.Timestamp("Started", required=True, readonly=True)
    duration = fields.TimeDelta("Duration", readonly=True)
    size = fields.Float(
        "Size (MiB)", digits=(16, 1), readonly=True,
        help="What the backup added to the repository, compressed.")
    point = fields.Char(
        "Verification Point", readonly=True,
        help="The named restore point taken after the backup, with the "
        "figures a restore to it must reproduce.")
    error = fields.Text("Error", readonly=True)

    def get_rec_name(self, name):
        return f'{self.database} #{self.repository} {self.label or ""}'

    @classmethod
    def record(cls, database, stanza, runs):
        """Store the runs the ops tools report; alert IT on each failure"""
        Alert = Pool().get('it_ops.alert')
        records = cls.create([{
                    'database': database,
                    'stanza': stanza,
                    'repository': run['repository'],
                    'backup_type': run['type'],
                    'label': run.get('label') or None,
                    'state': run['state'],
                    'started': dt.datetime.fromisoformat(
                        run['started']).replace(tzinfo=None),
                    'duration': dt.timedelta(seconds=run['duration']),
                    'size': (round(run['size'] / 2 ** 20, 1)
                        if run.get('size') else None),
                    'point': run.get('point'),
                    'error': run.get('error') or None,
                    } for run in runs])
        for record in records:
            if record.state == 'failed':
                Alert.raise_alert(
                    'backup_failed', database, str(record),
                    gettext('it_ops.msg_backup_failed',
                        database=database, repository=record.repository,
                        error=record.error or ''))
        return records


class BackupFreshness(ModelSQL, ModelView):
    "The last successful backup of each database in each repository"
    __name__ = 'it_ops.backup.freshness'
    __string__ = "Backup Freshness"

    database = fields.Char("Database")
    repository = fields.Integer("Repository")
    last_backup = fields.Timestamp("Last Successful Backup")
    backups = fields.Integer("Successful Backups")
    age = fields.Function(fields.TimeDelta("Age"), 'get_age')
    late = fields.Function(fields.Boolean("Late"), 'get_age')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('database', 'ASC'), ('repository', 'ASC'), ('id', 'ASC')]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('late', False), 'danger', '')),
            ]

    @classmethod
    def table_query(cls):
        run = Pool().get('it_ops.backup.run').__table__()
        return run.select(
            Max(run.id).as_('id'),
            run.database, run.repository,
            Max(run.started).as_('last_backup'),
            Count(run.id).as_('backups'),
            where=run.state == 'succeeded',
            group_by=[run.database, run.repository])

    @classmethod
    def get_age(cls, records, names):
        Configuration = Pool().get('it_ops.configuration')
        limit = Configuration(1).backup_max_age
        now = dt.datetime.now()
        result = {'age': {}, 'late': {}}
        for record in records:
            age = now - record.last_backup
            result['age'][record.id] = age
            result['late'][record.id] = age > limit
        return {name: result[name] for name in names}
