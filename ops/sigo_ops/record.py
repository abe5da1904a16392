# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Results stored as it_ops records in the source database, where IT sees
them and where a failure raises an alert; written after the verification
point, so a restore never contains its own result"""


def it_ops_activated(site):
    with site.source_connection() as connection:
        return bool(connection.execute(
                "SELECT 1 FROM ir_module WHERE name = 'it_ops' "
                "AND state = 'activated'").fetchone())


def record(site, runs=None, drill=None):
    "Return False when the database has no it_ops to record into"
    import psycopg
    try:
        if not it_ops_activated(site):
            return False
    except psycopg.OperationalError:
        # The source is down: the report stays in the state directory
        return False
    from trytond.config import config
    if site.trytond_config:
        config.update_etc(site.trytond_config)
    else:
        config.set('database', 'uri', site.source_uri)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    Pool(site.database).init()
    with Transaction().start(
            site.database, 0, context={'language': 'en'}):
        pool = Pool()
        if runs:
            pool.get('it_ops.backup.run').record(
                site.database, site.stanza, runs)
        if drill:
            pool.get('it_ops.drill').record(drill)
    return True
