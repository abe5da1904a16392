# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The stages every legacy import shares: extract and validate into the
staging tables, dedupe/merge, load through the Tryton models in committed
chunks, then the reconciliation report and the error file.

A file is staged once per content (its checksum), a row is loaded once and
marked loaded in the same transaction: a second run loads nothing and a
run killed half-way resumes where it stopped. With dry_run everything runs
in one transaction rolled back at the end: the report and error file show
what a real run would do and the database keeps nothing."""
import csv
import datetime as dt
import hashlib
import itertools
import json
import os
import sys
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from sql.aggregate import Count
from sql.conditionals import Case
from tqdm import tqdm

from trytond.transaction import Transaction

from . import readers, staging
from .staging import BAD, FILES, LOADED, MERGED, ROWS, STAGED

# Rows validated before each COPY into the staging table
STAGE_CHUNK = 1000


class Invalid(ValueError):
    """A legacy row the soum has to fix: the column and the reason, in the
    run's language"""

    def __init__(self, column, reason):
        super().__init__(column, reason)
        self.column = column
        self.reason = reason

    def __str__(self):
        # The legacy column's name as the soum's program shows it
        return f'{self.column}: {self.reason}'


class Interrupted(RuntimeError):
    "Raised by the stop_after_chunks test hook, as a kill would stop a run"


def checksum(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for block in iter(lambda: file.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


class Migration:

    def __init__(self, database_name, mapping, as_of=None, dry_run=False,
            chunk_size=1000, progress=True, encoding=None, language=None):
        self.database_name = database_name
        self.mapping = mapping
        self.as_of = as_of or dt.date.today()
        self.dry_run = dry_run
        self.chunk_size = chunk_size
        self.progress = progress
        self.encoding = encoding
        # The reasons are in this language, else the database's default
        self.language = language
        self._dry_transaction = None

    def start(self):
        "A transaction in the language of the reasons"
        return Transaction().start(self.database_name, 0, context={
                'language': self.language} if self.language else None)

    @contextmanager
    def step(self):
        """A committed transaction, or the run's single transaction when
        dry"""
        if self._dry_transaction:
            yield self._dry_transaction
            return
        with self.start() as transaction:
            yield transaction

    def run(self, paths, errors=None, report=None, stop_after_chunks=None):
        "Every stage on the files; the reconciliation rows are returned"
        if self.dry_run:
            with self.start() as transaction:
                self._dry_transaction = transaction
                try:
                    return self._run(paths, errors, report, None)
                finally:
                    self._dry_transaction = None
                    transaction.rollback()
        return self._run(paths, errors, report, stop_after_chunks)

    def _run(self, paths, errors, report, stop_after_chunks):
        with self.step() as transaction:
            staging.create_tables(transaction)
        file_ids = [self.extract(path) for path in paths]
        self.dedupe()
        self.load(stop_after_chunks)
        reconciliation = self.reconcile(file_ids)
        if report:
            write_report(reconciliation, report)
        if errors:
            self.write_errors(file_ids, errors)
        return reconciliation

    def extract(self, path):
        """Stage the rows of a file, each validated: the file's id, the one
        already staged when its content was"""
        mapping = self.mapping
        digest = checksum(path)
        with self.step() as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*FILES.select(FILES.id, where=(
                        FILES.source == mapping.NAME)
                    & (FILES.checksum == digest)))
            if row := cursor.fetchone():
                return row[0]
            with Transaction().set_context(_check_access=False):
                target = mapping.Target(self.as_of)
            encoding = self.encoding
            if not encoding and path.lower().endswith('.dbf'):
                encoding = getattr(mapping, 'DBF_ENCODING', None)
            values = [mapping.NAME, os.path.basename(path), digest]
            insert = FILES.insert(
                [FILES.source, FILES.file_name, FILES.checksum], [values])
            if transaction.database.has_returning():
                insert.returning = [FILES.id]
                cursor.execute(*insert)
                file_id, = cursor.fetchone()
            else:
                cursor.execute(*insert)
                file_id = transaction.database.lastid(cursor)
            # Streamed: a million rows are never all in memory. A chunk is
            # validated before its COPY, as a reason's translation may be
            # read from the database, which a connection busy copying
            # cannot do
            count = 0
            with tqdm(desc=f"extract {os.path.basename(path)}",
                    unit=" rows", file=sys.stderr,
                    disable=not self.progress) as bar:
                rows = (self.stage(file_id, number, raw, target)
                    for number, raw in readers.read(path, encoding=encoding))
                while chunk := list(itertools.islice(rows, STAGE_CHUNK)):
                    staging.insert_rows(transaction, chunk)
                    count += len(chunk)
                    bar.update(len(chunk))
            cursor.execute(*FILES.update([FILES.row_count], [count],
                    where=FILES.id == file_id))
            return file_id

    def stage(self, file_id, number, raw, target):
        "The staging values of a legacy row, validated"
        mapping = self.mapping
        soum = mapping.soum(raw)
        try:
            record = mapping.transform(raw)
            target.check(record)
        except Invalid as invalid:
            return [file_id, number, json.dumps(raw, ensure_ascii=False),
                BAD, str(invalid), None, None, soum, None, None]
        return [file_id, number, json.dumps(raw, ensure_ascii=False),
            STAGED, None, mapping.merge_key(record), mapping.rank(record),
            soum, record['amount'], json.dumps(record, ensure_ascii=False)]

    def dedupe(self):
        """Of the rows with the same merge key, the one already loaded or
        else the one of the highest rank (the first staged among equals)
        is kept; the others are marked merged into it"""
        source = self.mapping.NAME
        with self.step() as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*ROWS.join(FILES, condition=ROWS.file == FILES.id
                    ).select(ROWS.id, ROWS.merge_key, ROWS.rank, ROWS.status,
                    FILES.file_name, ROWS.row_number,
                    where=(FILES.source == source)
                    & ROWS.status.in_([STAGED, LOADED]),
                    order_by=[ROWS.id]))
            groups = defaultdict(list)
            for row in cursor:
                groups[row[1]].append(row)
            for rows in groups.values():
                if len(rows) == 1:
                    continue
                winner = max(rows, key=lambda r: (
                        r[3] == LOADED, r[2], -r[0]))
                for row in rows:
                    if row is winner:
                        continue
                    cursor.execute(*ROWS.update(
                            [ROWS.status, ROWS.merged_into, ROWS.reason],
                            [MERGED, winner[0],
                                self.mapping.merged_reason(
                                    winner[4], winner[5], winner[2])],
                            where=ROWS.id == row[0]))

    def load(self, stop_after_chunks=None):
        """Load the rows kept, a committed chunk at a time, through the
        mapping's target"""
        source = self.mapping.NAME
        pending = ROWS.join(FILES, condition=ROWS.file == FILES.id)
        where = (FILES.source == source) & (ROWS.status == STAGED)
        with self.step() as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*pending.select(Count(ROWS.id), where=where))
            total, = cursor.fetchone()
        last_id, chunks = 0, 0
        with tqdm(total=total, desc=f"load {source}", unit=" rows",
                file=sys.stderr, disable=not self.progress) as bar:
            while True:
                with self.step() as transaction,                         Transaction().set_context(_check_access=False):
                    cursor = transaction.connection.cursor()
                    cursor.execute(*pending.select(ROWS.id, ROWS.record,
                            where=where & (ROWS.id > last_id),
                            order_by=[ROWS.id], limit=self.chunk_size))
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    target = self.mapping.Target(self.as_of)
                    results = target.load([json.loads(r[1]) for r in rows])
                    if stop_after_chunks is not None and (
                            chunks >= stop_after_chunks):
                        raise Interrupted(f"stopped after {chunks} chunks")
                    mark_loaded(cursor, [r[0] for r in rows], results)
                last_id, chunks = rows[-1][0], chunks + 1
                bar.update(len(rows))

    def reconcile(self, file_ids):
        """Per soum of the files: rows, bad, merged, loaded and pending
        counts, the monthly amounts of the rows kept against those of the
        enrolments in the database"""
        with self.step() as transaction,                 Transaction().set_context(_check_access=False):
            cursor = transaction.connection.cursor()
            cursor.execute(*ROWS.select(ROWS.soum, ROWS.status, ROWS.amount,
                    ROWS.target_id, where=ROWS.file.in_(file_ids)))
            staged = cursor.fetchall()
            target = self.mapping.Target(self.as_of)
            loaded = target.loaded(sorted({r[3] for r in staged
                        if r[1] == LOADED}))
        soums = defaultdict(lambda: {
                'rows': 0, BAD: 0, MERGED: 0, LOADED: 0, 'pending': 0,
                'source_amount': Decimal(0), 'loaded_amount': Decimal(0)})
        for soum, status, amount, _ in staged:
            line = soums[soum]
            line['rows'] += 1
            line[status if status != STAGED else 'pending'] += 1
            if status in (STAGED, LOADED):
                line['source_amount'] += Decimal(amount)
        for office, amount in loaded.values():
            soums[office]['loaded_amount'] += amount
        return [{'soum': s, **soums[s]} for s in sorted(soums)]

    def write_errors(self, file_ids, path):
        """The bad rows in the source's own columns with the reason, for the
        soum to fix and send again"""
        with self.step() as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute(*ROWS.join(FILES, condition=ROWS.file == FILES.id
                    ).select(FILES.file_name, ROWS.row_number, ROWS.raw,
                    ROWS.reason, where=ROWS.file.in_(file_ids)
                    & (ROWS.status == BAD),
                    order_by=[ROWS.file, ROWS.row_number]))
            bad = cursor.fetchall()
        columns = list(self.mapping.COLUMNS)
        for _, _, raw, _ in bad:
            columns.extend(c for c in json.loads(raw) if c not in columns)
        # UTF-8 with a BOM: the soums open it in Excel
        with open(path, 'w', newline='', encoding='utf-8-sig') as file:
            writer = csv.writer(file)
            writer.writerow(columns + ['REASON', 'FILE', 'ROW'])
            for file_name, number, raw, reason in bad:
                raw = json.loads(raw)
                writer.writerow([raw.get(c, '') for c in columns]
                    + [reason, file_name, number])
        return len(bad)


def mark_loaded(cursor, row_ids, results):
    "Record per staged row the enrolment loaded or why it was merged"
    loaded = [(i, r) for i, r in zip(row_ids, results) if isinstance(r, int)]
    for i in range(0, len(loaded), 500):
        chunk = loaded[i:i + 500]
        cursor.execute(*ROWS.update([ROWS.status, ROWS.target_id], [
                    LOADED, Case(*((ROWS.id == row_id, target_id)
                            for row_id, target_id in chunk))],
                where=ROWS.id.in_([row_id for row_id, _ in chunk])))
    for row_id, result in zip(row_ids, results):
        if not isinstance(result, int):
            cursor.execute(*ROWS.update([ROWS.status, ROWS.reason],
                    [MERGED, result], where=ROWS.id == row_id))


REPORT_COLUMNS = ['soum', 'rows', BAD, MERGED, LOADED, 'pending',
    'source_amount', 'loaded_amount']


def write_report(reconciliation, path):
    with open(path, 'w', newline='', encoding='utf-8') as file:
        writer = csv.DictWriter(file, REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(reconciliation)
        writer.writerow(total(reconciliation))


def total(reconciliation):
    line = {c: sum(r[c] for r in reconciliation)
        for c in REPORT_COLUMNS[1:]}
    return {'soum': 'TOTAL', **line}


def format_report(reconciliation):
    "The reconciliation as the console shows it"
    lines = [f"{'soum':<18}{'rows':>8}{'bad':>6}{'merged':>8}{'loaded':>8}"
        f"{'pending':>8}{'source MNT':>16}{'loaded MNT':>16}"]
    for r in [*reconciliation, total(reconciliation)]:
        lines.append(f"{r['soum']:<18}{r['rows']:>8}{r[BAD]:>6}"
            f"{r[MERGED]:>8}{r[LOADED]:>8}{r['pending']:>8}"
            f"{r['source_amount']:>16,.2f}{r['loaded_amount']:>16,.2f}")
    return '\n'.join(lines)
