# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.


class RecNameSearchMixin:
    """Find records by any of the fields officers type: a code, a number,
    a name"""
    __slots__ = ()
    _rec_name_search = []

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op] + [
            (field, operator, operand, *extra)
            for field in cls._rec_name_search]
