# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The staging tables, in the target database so that a chunk loaded and
its rows marked loaded commit together: a killed run resumes exactly where
it stopped. Plain SQL rather than a Tryton module: they are the toolkit's
bookkeeping, dropped once a migration is signed off"""
import itertools

from sql import Table

FILES = Table('migration_file')
ROWS = Table('migration_row')

# Each row is staged once per file content; its status then moves on
STAGED = 'valid'
BAD = 'bad'
MERGED = 'merged'
LOADED = 'loaded'

COLUMNS = ['file', 'row_number', 'raw', 'status', 'reason', 'merge_key',
    'rank', 'soum', 'amount', 'record']


def create_tables(transaction):
    serial = ('SERIAL PRIMARY KEY' if _postgresql(transaction)
        else 'INTEGER PRIMARY KEY AUTOINCREMENT')
    cursor = transaction.connection.cursor()
    cursor.execute(f"CREATE TABLE IF NOT EXISTS migration_file ("
        f"id {serial}, source VARCHAR NOT NULL, file_name VARCHAR NOT NULL, "
        "checksum VARCHAR NOT NULL, row_count INTEGER, "
        "UNIQUE (source, checksum))")
    cursor.execute(f"CREATE TABLE IF NOT EXISTS migration_row ("
        f"id {serial}, file INTEGER NOT NULL REFERENCES migration_file(id), "
        "row_number INTEGER NOT NULL, raw TEXT NOT NULL, "
        "status VARCHAR NOT NULL, reason TEXT, merge_key VARCHAR, "
        "rank VARCHAR, soum VARCHAR, amount VARCHAR, record TEXT, "
        "merged_into INTEGER, target_id INTEGER, "
        "UNIQUE (file, row_number))")
    cursor.execute("CREATE INDEX IF NOT EXISTS migration_row_status "
        "ON migration_row (status, id)")


def _postgresql(transaction):
    from trytond import backend
    return backend.name == 'postgresql'


def insert_rows(transaction, rows):
    "Stage the rows (values in the order of COLUMNS): COPY on PostgreSQL"
    cursor = transaction.connection.cursor()
    if _postgresql(transaction):
        columns = ', '.join(COLUMNS)
        with cursor.copy(
                f'COPY migration_row ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, 500)):
        cursor.execute(*ROWS.insert(
                [getattr(ROWS, c) for c in COLUMNS], chunk))
