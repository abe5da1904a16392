# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""python -m migrations SOURCE FILE... --database NAME: migrate legacy
files of a source (a folder of this package) into a Tryton database"""
import argparse
import datetime as dt
import importlib
import os
import sys


def main(args=None):
    parser = argparse.ArgumentParser(prog='python -m migrations',
        description="Migrate legacy files into a SIGO/GOSWS database")
    parser.add_argument('source', help="the legacy source, e.g. hdf_soum")
    parser.add_argument('files', nargs='+', metavar='FILE')
    parser.add_argument('--database', '-d', required=True)
    parser.add_argument('--config', '-c',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="trytond configuration (the database URI may also come from "
        "TRYTOND_DATABASE__URI)")
    parser.add_argument('--dry-run', action='store_true',
        help="run every stage and write the reports, store nothing")
    parser.add_argument('--errors', default='errors.csv',
        help="the error file of the bad rows (default: %(default)s)")
    parser.add_argument('--report', default='reconciliation.csv',
        help="the reconciliation report (default: %(default)s)")
    parser.add_argument('--encoding',
        help="the files' encoding when not detected (e.g. cp1251)")
    parser.add_argument('--as-of', type=dt.date.fromisoformat,
        help="the date the programme amounts are checked at (today)")
    parser.add_argument('--chunk-size', type=int, default=1000,
        help="rows loaded per committed transaction")
    parser.add_argument('--language', '-l',
        help="the language of the reasons in the error file and the "
        "staging table, e.g. mn or en (default: the database's default "
        "language)")
    parser.add_argument('--quiet', action='store_true',
        help="no progress bar")
    options = parser.parse_args(args)
    from trytond import config
    config.update_etc(options.config)
    mapping = importlib.import_module(f'migrations.{options.source}')
    from trytond.pool import Pool
    Pool.start()
    Pool(options.database).init()
    default, translated = languages(options.database)
    language = options.language or default
    if language not in translated:
        parser.error(f"the database has no {language} translations: load "
            f"them with trytond-admin -d {options.database} -l {language}")

    from .pipeline import Migration, format_report
    migration = Migration(options.database, mapping, as_of=options.as_of,
        dry_run=options.dry_run, chunk_size=options.chunk_size,
        progress=not options.quiet, encoding=options.encoding,
        language=language)
    reconciliation = migration.run(options.files, errors=options.errors,
        report=options.report)
    print(format_report(reconciliation))
    if options.dry_run:
        print("dry run: nothing stored", file=sys.stderr)
    return 0


def languages(database_name):
    """The database's default language and the languages its messages can
    be read in: English, in which they are written, and those loaded"""
    from trytond.ir.translation import INTERNAL_LANG
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database_name, 0, readonly=True):
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        Lang = pool.get('ir.lang')
        return Configuration.get_language(), {
            INTERNAL_LANG, *Lang.get_translatable_languages()}


if __name__ == '__main__':
    sys.exit(main())
