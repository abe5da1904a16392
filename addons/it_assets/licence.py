# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Operating system and software licences with their seats, what is installed
on each computer, and whether every computer runs a legal operating system"""
import datetime as dt
from collections import defaultdict

from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If

from .asset import COMPUTER_KINDS



class LicenceProduct(ModelSQL, ModelView):
    "An operating system or program that needs a licence"
    __name__ = 'it.licence.product'
    __string__ = "Licensed Product"

    name = fields.Char("Name", required=True)
    publisher = fields.Char("Publisher")
    kind = fields.Selection([
            ('os', "Operating System"),
            ('software', "Software"),
            ], "Kind", required=True)
    licences = fields.One2Many('it.licence', 'product', "Licences")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]


class Licence(ModelSQL, ModelView):
    "A purchased licence: so many seats of a product for a period"
    __name__ = 'it.licence'
    __string__ = "Licence"

    product = fields.Many2One(
        'it.licence.product', "Product", required=True, ondelete='RESTRICT')
    reference = fields.Char(
        "Reference", required=True,
        help="The contract, order or volume licence key number.")
    seats = fields.Integer(
        "Seats", required=True, domain=[('seats', '>', 0)],
        help="How many installations the licence allows.")
    valid_from = fields.Date("Valid From")
    valid_to = fields.Date(
        "Valid To",
        domain=[
            If(Eval('valid_to') & Eval('valid_from'),
                ('valid_to', '>=', Eval('valid_from')),
                ()),
            ],
        help="Leave empty for a perpetual licence.")
    proof = fields.Binary(
        "Proof of Licence", filename='proof_name',
        help="The scanned certificate or invoice.")
    proof_name = fields.Char("Proof File Name")
    installations = fields.One2Many(
        'it.software.installation', 'licence', "Installations",
        readonly=True)
    seats_used = fields.Function(
        fields.Integer("Seats Used"), 'get_seats_used')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('product', 'ASC'), ('valid_from', 'DESC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.product.rec_name} {self.reference}'

    @classmethod
    def get_seats_used(cls, licences, name):
        pool = Pool()
        Installation = pool.get('it.software.installation')
        used = defaultdict(int)
        for installation in Installation.search([
                    ('licence', 'in', [l.id for l in licences]),
                    ]):
            used[installation.licence.id] += 1
        return {l.id: used[l.id] for l in licences}

    def valid_on(self, date):
        return ((not self.valid_from or self.valid_from <= date)
            and (not self.valid_to or date <= self.valid_to))


class Installation(ModelSQL, ModelView):
    "A licensed product installed on an asset, under a licence or none"
    __name__ = 'it.software.installation'
    __string__ = "Software Installation"

    asset = fields.Many2One(
        'it.asset', "Asset", required=True, ondelete='CASCADE')
    product = fields.Many2One(
        'it.licence.product', "Product", required=True, ondelete='RESTRICT')
    product_kind = fields.Function(
        fields.Selection('get_product_kinds', "Product Kind"),
        'on_change_with_product_kind', searcher='search_product_kind')
    licence = fields.Many2One(
        'it.licence', "Licence", ondelete='RESTRICT',
        domain=[('product', '=', Eval('product', -1))],
        help="Leave empty when no licence covers it: the computer is then "
        "listed as non-compliant.")
    installed = fields.Date(
        "Installed On", required=True,
        help="When the licence's seats run out, the latest installations "
        "are the ones beyond the seats.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.asset, Index.Range())),
                Index(t, (t.licence, Index.Range())),
                })
        cls._order = [('installed', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_installed(cls):
        return dt.date.today()

    @classmethod
    def get_product_kinds(cls):
        pool = Pool()
        Product = pool.get('it.licence.product')
        return Product.fields_get(['kind'])['kind']['selection']

    @fields.depends('product')
    def on_change_with_product_kind(self, name=None):
        return self.product.kind if self.product else None

    @classmethod
    def search_product_kind(cls, name, clause):
        return [('product.kind', *clause[1:])]

    @fields.depends('product', 'licence')
    def on_change_product(self):
        if self.licence and self.licence.product != self.product:
            self.licence = None

    @classmethod
    def os_statuses(cls, date):
        """The OS licence status of every computer: licensed, or why not.
        A licence's installations beyond its seats are its latest ones."""
        pool = Pool()
        Asset = pool.get('it.asset')
        computers = Asset.search([
                ('kind', 'in', COMPUTER_KINDS),
                ('state', '!=', 'retired'),
                ], order=[])
        installations = cls.search([
                ('product.kind', '=', 'os'),
                ('asset.kind', 'in', COMPUTER_KINDS),
                ('asset.state', '!=', 'retired'),
                ])
        seats_taken = defaultdict(int)
        reasons = defaultdict(list)
        for installation in installations:
            licence = installation.licence
            if not licence:
                reason = 'unlicensed'
            elif not licence.valid_on(date):
                reason = 'expired'
            else:
                seats_taken[licence.id] += 1
                reason = ('licensed'
                    if seats_taken[licence.id] <= licence.seats
                    else 'over_seats')
            reasons[installation.asset.id].append(reason)
        statuses = {}
        for computer in computers:
            computer_reasons = reasons.get(computer.id)
            if not computer_reasons:
                statuses[computer.id] = 'no_os'
            elif 'licensed' in computer_reasons:
                statuses[computer.id] = 'licensed'
            else:
                statuses[computer.id] = computer_reasons[0]
        return statuses

