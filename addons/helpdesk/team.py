# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from sql.aggregate import Count

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

OPEN_STATES = ['new', 'open', 'waiting']


class Team(ModelSQL, ModelView):
    __name__ = 'helpdesk.team'
    __string__ = "Service Desk Team"

    name = fields.Char("Name", required=True, translate=True)
    email = fields.Char("E-mail",
        help="Where escalations to the team are mailed.")
    members = fields.Many2Many(
        'helpdesk.team-res.user', 'team', 'user', "Members")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    def least_busy_member(self, pending=None):
        """The member with the fewest open tickets (the first by id on a
        tie); pending counts the tickets being assigned to each"""
        pool = Pool()
        Ticket = pool.get('helpdesk.ticket')
        if not self.members:
            return None
        ticket = Ticket.__table__()
        cursor = Transaction().connection.cursor()
        members = [m.id for m in self.members]
        cursor.execute(*ticket.select(
                ticket.assignee, Count(ticket.id),
                where=ticket.assignee.in_(members)
                & ticket.state.in_(OPEN_STATES),
                group_by=[ticket.assignee]))
        load = dict(cursor)
        for user, count in (pending or {}).items():
            load[user] = load.get(user, 0) + count
        return min(self.members, key=lambda u: (load.get(u.id, 0), u.id))


class TeamMember(ModelSQL):
    __name__ = 'helpdesk.team-res.user'
    __string__ = "Service Desk Team Member"

    team = fields.Many2One(
        'helpdesk.team', "Team", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
