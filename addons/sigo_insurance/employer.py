# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"Employers registered at an office, and the people they employ"
import re

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.sigo_base import register_number
from trytond.modules.sigo_base.jurisdiction import JurisdictionMixin
from trytond.modules.sigo_base.model import RecNameSearchMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

# The state register number of a legal entity: seven digits
EMPLOYER_NUMBER = re.compile(r'^[0-9]{7}$')


class Employer(
        RecNameSearchMixin, DeactivableMixin, JurisdictionMixin, ModelSQL,
        ModelView):
    "Employer"
    __name__ = 'insurance.employer'
    _rec_name_search = ['registration_number', 'party.rec_name']
    __string__ = "Employer"
    _rec_name = 'registration_number'
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='RESTRICT')
    kind = fields.Selection([
            ('entity', "Legal Entity"),
            ('individual', "Self-Employed or Herder"),
            ], "Kind", required=True,
        help="A self-employed person or herder pays their own voluntary "
        "contributions and is registered by their citizen's register "
        "number.")
    registration_number = fields.Char(
        "Registration Number", required=True,
        help="The state register number of the legal entity (7 digits), "
        "or the citizen's register number of a self-employed payer.")
    sector = fields.Char("Sector")
    risk_class = fields.Many2One(
        'insurance.risk_class', "Risk Class", ondelete='RESTRICT',
        help="Sets the industrial-accident rate of hazardous work.")
    employments = fields.One2Many(
        'insurance.employment', 'employer', "Employments")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('registration_number_unique',
                Unique(t, t.registration_number),
                'sigo_insurance.msg_employer_number_unique'),
            ]

    @classmethod
    def default_kind(cls):
        return 'entity'

    def get_rec_name(self, name):
        return f'{self.party.rec_name} [{self.registration_number}]'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('registration_number'):
            values['registration_number'] = ''.join(
                values['registration_number'].split())
        return values

    @classmethod
    def validate_fields(cls, employers, field_names):
        super().validate_fields(employers, field_names)
        if field_names and not {'registration_number', 'kind'} & set(
                field_names):
            return
        for employer in employers:
            if employer.kind == 'individual':
                try:
                    register_number.parse(employer.registration_number)
                    valid = True
                except register_number.InvalidRegisterNumber:
                    valid = False
            else:
                valid = EMPLOYER_NUMBER.match(employer.registration_number)
            if not valid:
                raise ValidationError(gettext(
                        'sigo_insurance.msg_employer_number_invalid',
                        number=employer.registration_number,
                        employer=employer.party.rec_name))


class Employment(ModelSQL, ModelView):
    "Employment of an insured person by an employer"
    __name__ = 'insurance.employment'
    __string__ = "Employment"
    employer = fields.Many2One(
        'insurance.employer', "Employer", required=True, ondelete='CASCADE')
    person = fields.Many2One(
        'party.party', "Insured Person", required=True, ondelete='RESTRICT',
        domain=[('register_number', '!=', None)])
    insured_type = fields.Many2One(
        'insurance.insured_type', "Insured Type", required=True,
        ondelete='RESTRICT')
    start_date = fields.Date("Start Date", required=True)
    end_date = fields.Date(
        "End Date",
        domain=['OR',
            ('end_date', '=', None),
            ('end_date', '>=', Eval('start_date', None)),
            ])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('employer')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.employer, Index.Equality()),
                    (t.start_date, Index.Range())),
                Index(t, (t.person, Index.Equality())),
                })
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_insured_type(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return ModelData.get_id('sigo_insurance', 'insured_type_01')

    def get_rec_name(self, name):
        return f'{self.person.rec_name} @ {self.employer.rec_name}'

    @staticmethod
    def overlaps_month(table, month_start, month_end):
        "The SQL condition on an employment table: in force in the month"
        return ((table.start_date <= month_end)
            & ((table.end_date == Null) | (table.end_date >= month_start)))

    @classmethod
    def in_month_by_person(cls, employer, month_start, month_end):
        """The employments of the employer that overlap the month, by person:
        (employment id, insured type id), the latest start last; one plain
        query, as a large employer's file checks thousands of people"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.person, table.id, table.insured_type,
                where=(table.employer == employer.id)
                & cls.overlaps_month(table, month_start, month_end),
                order_by=[table.start_date.asc, table.id.asc]))
        return {person: (id_, insured_type)
            for person, id_, insured_type in cursor}

    @classmethod
    def in_month(cls, employer, month_start, month_end):
        "The employments of the employer in the month, by person"
        return {person: cls(id_) for person, (id_, _) in
            cls.in_month_by_person(employer, month_start, month_end).items()}
