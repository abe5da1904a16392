# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Backups, point-in-time restore and restore drills on a real PostgreSQL
cluster with WAL archiving, two pgBackRest repositories and it_ops recording
the results (alerts mailed to a local SMTP server)"""
import datetime as dt
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from sigo_run import database
from sigo_run.mailbox import Mailbox

MODULES = ['it_ops', 'sigo_insurance']


def tools_missing():
    from sigo_ops.cluster import postgresql_bin
    if not shutil.which('pgbackrest'):
        return "pgbackrest is not installed"
    try:
        postgresql_bin()
    except RuntimeError as error:
        return str(error)


@unittest.skipIf(tools_missing(), tools_missing())
class BackupRestoreTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        from sigo_ops.site import Site, create_local_site
        cls.directory = tempfile.mkdtemp(prefix='sigo-ops-')
        # PostgreSQL runs as its own user and must reach its directories
        os.chmod(cls.directory, 0o755)
        cls.addClassCleanup(shutil.rmtree, cls.directory, True)
        cls.mailbox = Mailbox().start()
        cls.addClassCleanup(cls.mailbox.stop)
        cls.config = create_local_site(
            os.path.join(cls.directory, 'site'), 'drilltest',
            database.ADMIN_PASSWORD,
            email_uri=cls.mailbox.uri)
        cls.site = Site.load(cls.config)
        cls.addClassCleanup(cls.site.source_cluster().stop)
        os.environ['TRYTOND_DATABASE__PATH'] = cls.site.filestore
        try:
            # The records, without two years of closed books: minutes less
            database.build_database(
                'drilltest', cls.site.source_uri, MODULES, open_books=True)
        finally:
            del os.environ['TRYTOND_DATABASE__PATH']
        cls.attach_document()
        cls.ops('backup', '--type', 'full')

    @classmethod
    def attach_document(cls):
        "A scanned document in the filestore, which backups must carry"
        script = (
            "from trytond.pool import Pool\n"
            "from trytond.transaction import Transaction\n"
            "Pool.start(); Pool('drilltest').init()\n"
            "with Transaction().start('drilltest', 0):\n"
            "    Attachment = Pool().get('ir.attachment')\n"
            "    Party = Pool().get('party.party')\n"
            "    party, = Party.search([], limit=1)\n"
            "    Attachment.create([{'name': 'contract.pdf',\n"
            "        'resource': str(party), 'data': b'%PDF-1.4 scan'}])\n")
        subprocess.run(
            [sys.executable, '-c', script], check=True, env=dict(
                cls.environ(), TRYTOND_CONFIG=cls.site.trytond_config))

    @classmethod
    def environ(cls):
        return {k: v for k, v in os.environ.items()
            if not k.startswith(('TRYTOND_', 'DB_CACHE'))}

    @classmethod
    def ops(cls, *args, check=True):
        result = subprocess.run(
            [sys.executable, '-m', 'sigo_ops', '--config', cls.config, *args],
            capture_output=True, text=True, env=cls.environ())
        if check and result.returncode:
            raise AssertionError(result.stdout + result.stderr)
        return result

    def source(self, query, *params):
        with self.site.source_connection() as connection:
            cursor = connection.execute(query, params)
            return cursor.fetchall() if cursor.description else None

    def fund_of(self, contribution):
        return self.source(
            "SELECT f.code FROM insurance_contribution AS c "
            "JOIN insurance_fund AS f ON f.id = c.fund WHERE c.id = %s",
            contribution)[0][0]

    def latest_drill(self):
        return self.source(
            "SELECT id, state, rpo, rto FROM it_ops_drill "
            "ORDER BY id DESC LIMIT 1")[0]

    def test_restore_to_the_time_before_a_change(self):
        "A point-in-time restore shows the state before the change exactly"
        contribution, amount = self.source(
            "SELECT id, employer_amount FROM insurance_contribution "
            "ORDER BY id LIMIT 1")[0]
        parties, = self.source("SELECT COUNT(*) FROM party_party")[0]
        time.sleep(1)
        before_change = dt.datetime.now(dt.timezone.utc)
        time.sleep(1)
        self.source(
            "UPDATE insurance_contribution "
            "SET employer_amount = employer_amount + 1000 WHERE id = %s",
            contribution)
        self.source(
            "INSERT INTO party_party (name, code, active) "
            "VALUES ('Entered after the backup', 'LATE-1', true)")

        result = self.ops('drill', '--target-time', before_change.isoformat())
        self.assertIn('PASSED', result.stdout)
        self.assertRegex(result.stdout, r'RPO: \d+ s')
        self.assertRegex(result.stdout, r'RTO: \d+ s')
        self.assertIn('[ok] restore the filestore', result.stdout)
        stored = sum(len(files) for _, _, files in os.walk(
            os.path.join(self.site.filestore, 'drilltest')))
        self.assertIn(f'{stored} files, checksums equal', result.stdout)
        self.assertNotIn('DIFFERS', result.stdout)
        self.assertIn('[ok] rows of party (', result.stdout)
        drill_id, state, rpo, rto = self.latest_drill()
        self.assertEqual(state, 'passed')
        self.assertGreater(rto, dt.timedelta(0))
        self.assertFalse(self.source(
                "SELECT 1 FROM it_ops_drill_check "
                "WHERE drill = %s AND NOT ok", drill_id))

        target = os.path.join(self.directory, 'restored')
        result = self.ops(
            'restore', '--target-time', before_change.isoformat(),
            '--into', target)
        from sigo_ops.cluster import Cluster
        restored = Cluster(target, None)
        restored.port = int(result.stdout.split('127.0.0.1:')[1].split('/')[0])
        self.addCleanup(restored.stop)
        with restored.connect('drilltest') as connection:
            self.assertEqual(connection.execute(
                    "SELECT employer_amount FROM insurance_contribution "
                    "WHERE id = %s", (contribution,)).fetchone()[0], amount)
            self.assertEqual(connection.execute(
                    "SELECT COUNT(*) FROM party_party").fetchone()[0],
                parties)
        # The same comparison tells the changed source from the point
        from sigo_ops import backup, figures
        point = backup.points(self.site, self.site.repository(2))[-1]
        with self.site.source_connection() as connection:
            changed = figures.compare(
                point['figures'], figures.collect(connection))
        self.assertEqual(
            sorted(name for name, _, _, ok in changed if not ok),
            [f"contributions declared: {self.fund_of(contribution)}",
                'rows of party (13 tables); differing: party_party'])
        # The source kept its change: the restore went elsewhere
        self.assertEqual(self.source(
                "SELECT employer_amount FROM insurance_contribution "
                "WHERE id = %s", contribution)[0][0], amount + 1000)
        self.assertEqual(self.source(
                "SELECT COUNT(*) FROM party_party")[0][0], parties + 1)

    def test_corrupted_backup_fails_the_drill_with_an_alert(self):
        "A damaged file in the DR repository: failed drill, report, e-mail"
        repository = self.site.repository(2)
        damaged = max(
            glob.glob(os.path.join(
                    repository.path, 'backup', '*', '*', 'pg_data', 'base',
                    '*', '*')),
            key=os.path.getsize)
        with open(damaged, 'rb') as content:
            intact = content.read()
        self.addCleanup(self.put_back, damaged, intact)
        with open(damaged, 'r+b') as content:
            content.seek(os.path.getsize(damaged) // 2)
            content.write(b'corrupted by the drill test')
        mails = len(self.mailbox.messages)

        result = self.ops('drill', check=False)
        self.assertEqual(result.returncode, 1)
        self.assertIn('FAILED', result.stdout)
        self.assertIn('[FAILED] verify repository 2', result.stdout)
        self.assertIn('checksum invalid', result.stdout)
        self.assertNotIn('[ok] restore into', result.stdout)
        self.assertEqual(self.latest_drill()[1], 'failed')
        alert, = self.source(
            "SELECT message FROM it_ops_alert WHERE kind = 'drill_failed' "
            "ORDER BY id DESC LIMIT 1")
        self.assertIn('verify repository 2', alert[0])
        deadline = time.monotonic() + 10
        while len(self.mailbox.messages) == mails \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        mail = self.mailbox.messages[-1]
        self.assertIn('Drill Failed', mail['Subject'])
        self.assertIn(database.ADMIN_EMAIL, mail['To'])
        self.assertIn(
            'checksum invalid', mail.get_payload(decode=True).decode())

    @staticmethod
    def put_back(path, content):
        # In place: the WAL archived meanwhile must stay in the repository
        with open(path, 'wb') as damaged:
            damaged.write(content)

    def test_drill_with_the_source_down(self):
        "After a disaster the DR repository alone restores and verifies"
        source = self.site.source_cluster()
        source.stop()
        self.addCleanup(source.wait_until_ready)
        self.addCleanup(source.start)
        result = self.ops('drill')
        self.assertIn('source not reachable', result.stdout)
        self.assertIn('PASSED', result.stdout)
        self.assertIn('[ok] compare figures with the source', result.stdout)

    def test_restore_never_into_the_source(self):
        "A restore aimed at the source's directory is refused"
        before = self.source("SELECT COUNT(*) FROM party_party")
        result = self.ops(
            'restore', '--into', os.path.dirname(self.site.source_data),
            check=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('overlaps the source', result.stderr)
        self.assertEqual(self.source("SELECT COUNT(*) FROM party_party"),
            before)
