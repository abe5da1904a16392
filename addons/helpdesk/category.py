# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields


class Category(DeactivableMixin, ModelSQL, ModelView):
    "What a ticket is about: one of the IT systems the service desk supports"
    __name__ = 'helpdesk.category'
    __string__ = "Ticket Category"

    name = fields.Char("Name", required=True, translate=True)
    system = fields.Char("IT System",
        help="The system or service the category covers.")
    team = fields.Many2One('helpdesk.team', "Team",
        help="The team new tickets of the category go to.")
    articles = fields.One2Many(
        'helpdesk.article', 'category', "Knowledge Base Articles")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]


class Article(ModelSQL, ModelView):
    "A knowledge base article agents and requesters can follow"
    __name__ = 'helpdesk.article'
    __string__ = "Knowledge Base Article"

    title = fields.Char("Title", required=True, translate=True)
    category = fields.Many2One(
        'helpdesk.category', "Category", required=True, ondelete='CASCADE')
    body = fields.Text("Body", required=True, translate=True)
    published = fields.Boolean("Published",
        help="Unpublished articles are drafts only agents see.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('category', 'ASC'), ('title', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_published(cls):
        return False

    def get_rec_name(self, name):
        return self.title

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('title',) + tuple(clause[1:])]
