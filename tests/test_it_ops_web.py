# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""IT reads backups and drills in the web client; other staff cannot."""
from sigo_demo.sigo_base import DEMO_PASSWORD

from .webclient import WebClientCase


class ITOperationsWebTestCase(WebClientCase):

    def test_it_admin_reads_drills_and_failed_backups(self):
        "IT sees the drill with RPO and RTO and the night the DR copy failed"
        browser, wait = self.login('it.admin', DEMO_PASSWORD)
        body = self.open(browser, wait, 'model/it_ops.drill', "Passed")
        self.assertIn("RPO", body)
        self.assertIn("RTO", body)
        body = self.open(
            browser, wait, 'model/it_ops.backup.run', "Succeeded")
        self.assertIn("Incremental", body)
        body = self.open(
            browser, wait, 'model/it_ops.alert', "Backup Failed")
        self.assertIn('into repository 2 failed', body)

    def test_soum_officer_cannot_read_backups(self):
        "A soum officer is refused the backup runs"
        browser, wait = self.login('soum.battsengel', DEMO_PASSWORD)
        body = self.open(
            browser, wait, 'model/it_ops.backup.run', "not allowed")
        self.assertNotIn("Succeeded", body)
