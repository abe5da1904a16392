# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""The Mongolian citizen registration number (регистрийн дугаар).

Two Cyrillic letters for the place of registration, then eight digits: the
birth date YYMMDD (20 added to the month for people born in 2000 or later),
a sex digit (odd male, even female) and a check digit. The check digit
algorithm is not public, so it is never used to reject a number.
"""
import datetime as dt
import re
from collections import namedtuple

PATTERN = re.compile(r'^[А-ЯЁӨҮ]{2}[0-9]{8}$')

RegisterData = namedtuple('RegisterData', ['birth_date', 'sex'])


class InvalidRegisterNumber(ValueError):
    "The reason is one of 'pattern', 'month' or 'date'."

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def normalize(value):
    "Return the number as stored: upper case, without spaces."
    if not value:
        return value
    return ''.join(value.split()).upper()


def parse(value):
    "Return the birth date and sex encoded in a normalized register number."
    if not PATTERN.match(value or ''):
        raise InvalidRegisterNumber('pattern')
    digits = value[2:]
    year, month, day = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if 1 <= month <= 12:
        century = 1900
    elif 21 <= month <= 32:
        century, month = 2000, month - 20
    else:
        raise InvalidRegisterNumber('month')
    try:
        birth_date = dt.date(century + year, month, day)
    except ValueError:
        raise InvalidRegisterNumber('date')
    sex = 'male' if int(digits[6]) % 2 else 'female'
    return RegisterData(birth_date, sex)


def compose(letters, birth_date, sex, serial, check_digit=0):
    """Return a register number for the given person, as the registration
    office issues them (used by the demo data and the tests)."""
    month = birth_date.month + (20 if birth_date.year >= 2000 else 0)
    sex_digit = (serial * 2 + (1 if sex == 'male' else 0)) % 10
    return (f'{letters}{birth_date.year % 100:02d}{month:02d}'
        f'{birth_date.day:02d}{sex_digit}{check_digit % 10}')
