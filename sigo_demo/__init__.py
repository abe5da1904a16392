# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Demo data for ./run demo and the benchmarks.

Each module with demo records has a file here named after it with a
`generate(scale, random)` function, and optionally a `finish` one run
once every module has generated (left out for a database that needs only
the records, such as the backup tests'); they run in the modules' dependency
order, inside one transaction, so later modules build on earlier records.
"""
import importlib
import random as random_module

from trytond.model import ModelSQL
from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError

SEED = 2009  # the year of the Human Development Fund law


def activated_modules():
    "Activated module names in dependency order"
    from trytond.modules import create_graph
    pool = Pool()
    Module = pool.get('ir.module')
    names = {m.name for m in Module.search([('state', '=', 'activated')])}
    return [node.name for node in create_graph(names)]


def generate(database_name, scale=1, finish=True):
    Pool.start()
    pool = Pool(database_name)
    pool.init()
    return in_transaction(database_name, _generate, scale, finish)


def in_transaction(database_name, function, *args):
    """Run function as root in one transaction, committed; like trytond's
    dispatcher, a transaction that needs a table or record lock is
    restarted with the lock taken from the start, and the queued tasks
    (triggers, e-mails) run once it is committed"""
    from trytond import backend
    from trytond.worker import run_task
    extras = {}
    if backend.name == 'sqlite':
        # SQLite locks the whole database for a writer and trytond's table
        # and record locks are no-ops on it: every table is declared locked
        # from the start, rather than the demo run again for each lock
        extras['_lock_tables'] = [Model._table
            for _, Model in Pool(database_name).iterobject()
            if issubclass(Model, ModelSQL) and not Model._is_table_query()]
    while True:
        with Transaction().start(database_name, 0, **extras) as transaction:
            try:
                result = function(*args)
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            tasks = transaction.tasks
        while tasks:
            run_task(database_name, tasks.pop())
        return result


def _generate(scale, finish):
    rng = random_module.Random(SEED)
    with Transaction().set_context(
            language='en', _skip_warnings=True, active_test=False):
        generators = []
        for name in activated_modules():
            try:
                generators.append(
                    importlib.import_module(f'sigo_demo.{name}'))
            except ModuleNotFoundError:
                continue
        for generator in generators:
            generator.generate(scale, rng)
        # What needs every module's records, such as closing the books
        for generator in generators if finish else []:
            if finisher := getattr(generator, 'finish', None):
                finisher(scale, rng)
        # The demo is configured: no set-up wizard at the first admin login
        ConfigItem = Pool().get('ir.module.config_wizard.item')
        ConfigItem.write(ConfigItem.search([]), {'state': 'done'})
