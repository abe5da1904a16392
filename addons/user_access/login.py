# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Every login outcome, for IT security"
import datetime as dt

from sql.aggregate import Max

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.tools import reduce_ids
from trytond.transaction import Transaction

# Names of the login parameters that are factors; their values are never kept
FACTORS = ['password', 'totp_code', 'sms_code', 'device_cookie']


class LoginEvent(ModelSQL, ModelView):
    "Login Event"
    __name__ = 'access.login'
    __string__ = "Login Event"
    date = fields.DateTime("Date", readonly=True)
    login = fields.Char("Login", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    outcome = fields.Selection([
            ('success', "Success"),
            ('failure', "Failure"),
            ('blocked', "Blocked (Too Many Attempts)"),
            ], "Outcome", readonly=True)
    factors = fields.Char(
        "Factors", readonly=True,
        help="What the client sent: password, one-time code, device.")
    ip_address = fields.Char("IP Address", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.update({
                Index(t, (t.date, Index.Range(order='DESC'))),
                Index(t, (t.login, Index.Equality())),
                Index(t, (t.user, Index.Equality()), (t.date, Index.Range())),
                })

    @classmethod
    def add(cls, login, user_id, outcome, parameters):
        transaction = Transaction()
        ip_address, _ = transaction.remote_address()
        cls.create([{
                    'date': dt.datetime.now(),
                    'login': login[:512],
                    'user': user_id,
                    'outcome': outcome,
                    'factors': '+'.join(
                        f for f in FACTORS if parameters.get(f)),
                    'ip_address': str(ip_address) if ip_address else None,
                    }])

    @classmethod
    def last_success(cls, users):
        "The last successful login of each user"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.user, Max(table.date),
                where=reduce_ids(table.user, [u.id for u in users])
                & (table.outcome == 'success'),
                group_by=[table.user]))
        return dict(cursor)
