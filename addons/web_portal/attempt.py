# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Counting what portal visitors try (logins, uploads, reset e-mails) so that
a flood from one address or against one account is refused"""
import datetime as dt
from contextlib import nullcontext

from sql.aggregate import Count
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.model import Index, ModelSQL, fields
from trytond.transaction import Transaction


def own_transaction(readonly=False):
    """A transaction of the attempts' own, committed at once, so that an
    attempt outlives a request that rolls back and parallel requests see
    each other's. SQLite (the demo's backend) allows one writer, the
    request, which has already written when a code is checked: there the
    attempts share the request's transaction, which a refused login
    commits too."""
    if backend.name == 'sqlite':
        return nullcontext()
    return Transaction().new_transaction(readonly=readonly)


class Attempt(ModelSQL):
    "An attempt counted against a portal rate limit"
    __name__ = 'web.portal.attempt'
    __string__ = "Portal Attempt"
    bucket = fields.Char("Bucket", required=True)
    key = fields.Char(
        "Key", required=True, strip=False,
        help="The web user, e-mail address or client address counted.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(
                t,
                (t.bucket, Index.Equality()),
                (t.key, Index.Equality(cardinality='high')),
                (t.create_date, Index.Range())))

    @classmethod
    def count(cls, bucket, key, window_seconds=None):
        """The attempts of the window (all kept ones without a window), read
        in a transaction of their own: what other requests just counted is
        seen"""
        with own_transaction(readonly=True):
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            where = (table.bucket == bucket) & (table.key == key)
            if window_seconds is not None:
                where &= (table.create_date >= CurrentTimestamp()
                    - dt.timedelta(seconds=window_seconds))
            cursor.execute(*table.select(Count(), where=where))
            return cursor.fetchone()[0]

    @classmethod
    def add(cls, bucket, key, window_seconds=None):
        """Count one attempt in its own committed transaction: the request
        that failed may roll back, its attempt must stay. Without a window
        the attempts stay until cleared. Returns the attempt's id."""
        with own_transaction():
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            if window_seconds is not None:
                # What is older than the window counts no more
                cursor.execute(*table.delete(
                        where=(table.bucket == bucket)
                        & (table.create_date < CurrentTimestamp()
                            - dt.timedelta(seconds=window_seconds))))
            attempt, = cls.create([{'bucket': bucket, 'key': key}])
            return attempt.id

    @classmethod
    def forget(cls, ids):
        "Remove the attempts of ids, in their own committed transaction"
        with own_transaction():
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.delete(where=table.id.in_(list(ids))))

    @classmethod
    def clear(cls, bucket, key):
        with own_transaction():
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.delete(
                    where=(table.bucket == bucket) & (table.key == key)))
