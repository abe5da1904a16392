# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
from sql import Null
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import Exclude, Index, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta

from . import register_number
from .exceptions import RegisterNumberMismatchWarning

SEXES = [
    (None, ""),
    ('male', "Male"),
    ('female', "Female"),
    ]


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    register_number = fields.Char(
        "Register Number",
        help="The citizen registration number (регистрийн дугаар): two "
        "Cyrillic letters and eight digits.")
    birth_date = fields.Date("Birth Date")
    sex = fields.Selection(SEXES, "Sex")
    register_birth_date = fields.Function(
        fields.Date("Birth Date in Register Number"),
        'on_change_with_register_birth_date')
    register_sex = fields.Function(
        fields.Selection(SEXES, "Sex in Register Number"),
        'on_change_with_register_sex')
    register_mismatch = fields.Boolean(
        "Register Number Mismatch", readonly=True,
        help="The birth date or sex declared differs from the one "
        "encoded in the register number.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('register_number_unique',
                Exclude(t, (t.register_number, Equal),
                    where=(t.active == True)  # noqa: E712
                    & (t.register_number != Null)),
                'sigo_base.msg_party_register_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.register_number, Index.Similarity(begin=True)),
                    where=t.register_number != Null),
                Index(t, (t.register_mismatch, Index.Equality()),
                    where=t.register_mismatch == True),  # noqa: E712
                })

    @fields.depends('register_number')
    def _register_data(self):
        try:
            return register_number.parse(
                register_number.normalize(self.register_number))
        except register_number.InvalidRegisterNumber:
            return None

    @fields.depends(methods=['_register_data'])
    def on_change_with_register_birth_date(self, name=None):
        if data := self._register_data():
            return data.birth_date

    @fields.depends(methods=['_register_data'])
    def on_change_with_register_sex(self, name=None):
        if data := self._register_data():
            return data.sex

    @fields.depends('birth_date', 'sex', methods=['_register_data'])
    def on_change_with_register_mismatch(self, name=None):
        data = self._register_data()
        if not data:
            return False
        return bool(
            (self.birth_date and self.birth_date != data.birth_date)
            or (self.sex and self.sex != data.sex))

    def compute_fields(self, field_names=None):
        # Stored so that officers filter mismatches over a million citizens
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or field_names & {'register_number', 'birth_date', 'sex'}):
            mismatch = self.on_change_with_register_mismatch()
            if mismatch != bool(self.register_mismatch):
                values['register_mismatch'] = mismatch
        return values

    @fields.depends('register_number', 'birth_date', 'sex',
        methods=['_register_data'])
    def on_change_register_number(self):
        self.register_number = register_number.normalize(
            self.register_number)
        if data := self._register_data():
            self.birth_date = self.birth_date or data.birth_date
            self.sex = self.sex or data.sex

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('register_number'):
            values['register_number'] = register_number.normalize(
                values['register_number'])
            try:
                data = register_number.parse(values['register_number'])
            except register_number.InvalidRegisterNumber:
                pass
            else:
                if mode == 'create':
                    values.setdefault('birth_date', data.birth_date)
                    values.setdefault('sex', data.sex)
        return values

    @classmethod
    def validate_fields(cls, parties, field_names):
        super().validate_fields(parties, field_names)
        cls.check_register_number(parties, field_names)

    @classmethod
    def check_register_number(cls, parties, field_names=None):
        if field_names and not (
                field_names & {'register_number', 'birth_date', 'sex'}):
            return
        messages = {
            'pattern': 'sigo_base.msg_register_number_pattern',
            'month': 'sigo_base.msg_register_number_month',
            'date': 'sigo_base.msg_register_number_date',
            }
        pool = Pool()
        Warning = pool.get('res.user.warning')
        for party in parties:
            if not party.register_number:
                continue
            try:
                register_number.parse(party.register_number)
            except register_number.InvalidRegisterNumber as exception:
                raise ValidationError(gettext(
                        messages[exception.reason],
                        number=party.register_number,
                        party=party.rec_name))
            if party.on_change_with_register_mismatch():
                key = Warning.format('register_mismatch', [party])
                if Warning.check(key):
                    raise RegisterNumberMismatchWarning(key, gettext(
                            'sigo_base.msg_register_number_mismatch',
                            number=party.register_number,
                            party=party.rec_name))

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        _, operator, operand, *extra = clause
        if isinstance(operand, str):
            operand = register_number.normalize(operand)
        return domain + [('register_number', operator, operand, *extra)]
