# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""./run backup | restore | drill: the operations commands (ops/sigo_ops) on
the site of $SIGO_OPS_CONFIG, or else on the demo site in .cache/ops: a
PostgreSQL cluster archiving its WAL, holding the demo database, with two
pgBackRest repositories"""
import os
import shutil
import sys

from . import database
from .system import ensure_debian_packages

SITE = os.path.join(database.ROOT, '.cache', 'ops')
NAME = 'demo'


def prepare_demo_site():
    from sigo_ops.site import Site, create_local_site
    print("Preparing the demo backup site in .cache/ops: a PostgreSQL "
        "cluster with WAL archiving, the demo database and two pgBackRest "
        "repositories (a few minutes, once)", file=sys.stderr)
    shutil.rmtree(SITE, ignore_errors=True)
    config = create_local_site(SITE, NAME, database.ADMIN_PASSWORD)
    site = Site.load(config)
    os.environ['TRYTOND_DATABASE__PATH'] = site.filestore
    database.build_database(
        NAME, site.source_uri, database.project_modules())
    return site


def main(args):
    import sigo_ops.__main__ as sigo_ops
    if os.environ.get('SIGO_OPS_CONFIG'):
        return sigo_ops.main(args)
    if not ensure_debian_packages({'pgbackrest': 'pgbackrest'}):
        return 1
    from sigo_ops.site import Site
    config = os.path.join(SITE, 'ops.conf')
    if os.path.exists(config):
        site = Site.load(config)
        site.source_cluster().start()
        site.source_cluster().wait_until_ready()
    else:
        site = prepare_demo_site()
    try:
        if args[0] in {'restore', 'drill'} and not any(
                True for r in site.repositories()
                if os.path.isdir(os.path.join(r.path, 'sigo-ops'))):
            print("No backup yet: taking a full backup first",
                file=sys.stderr)
            sigo_ops.main(['--config', config, 'backup', '--type', 'full'])
        return sigo_ops.main(['--config', config, *args])
    finally:
        # The demo site serves only these commands: leave nothing running
        site.source_cluster().stop()
