# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
import datetime as dt
from decimal import Decimal

from trytond.modules.sigo_pension.application import age_at
from trytond.modules.sigo_pension.record import ContributionHistory
from trytond.modules.sigo_pension.rule import add_months
from trytond.tests.test_tryton import ModuleTestCase


def history(wages):
    "A contribution history of {month: wage} without reading the database"
    record = ContributionHistory.__new__(ContributionHistory)
    record.wages = dict(wages)
    record.conditions = {m: {'normal'} for m in wages}
    record.months = sorted(wages)
    return record


class SigoPensionTestCase(ModuleTestCase):
    "Test SIGO Pension module"
    module = 'sigo_pension'

    def test_age_at(self):
        "Whole years and months, a birthday not yet reached counting less"
        born = dt.date(1965, 3, 15)
        self.assertEqual(age_at(born, dt.date(2025, 3, 15)), (60, 0))
        self.assertEqual(age_at(born, dt.date(2025, 3, 14)), (59, 11))
        self.assertEqual(age_at(born, dt.date(2025, 9, 1)), (60, 5))

    def test_add_months(self):
        "Month arithmetic keeps the day, or the month's last day"
        self.assertEqual(
            add_months(dt.date(2024, 1, 31), 1), dt.date(2024, 2, 29))
        self.assertEqual(
            add_months(dt.date(2025, 3, 1), -60), dt.date(2020, 3, 1))

    def test_best_window_highest_consecutive_months(self):
        "The window is the consecutive run of months with the highest sum"
        months = [add_months(dt.date(2020, 1, 1), i) for i in range(10)]
        wages = dict(zip(months, map(Decimal,
                    [100, 100, 900, 900, 900, 100, 100, 100, 800, 800])))
        first, last, average = history(wages).best_window(3, 10)
        self.assertEqual((first, last), (months[2], months[4]))
        self.assertEqual(average, Decimal(900))

    def test_best_window_within_lookback(self):
        "High wages older than the months searched do not count"
        months = [add_months(dt.date(2000, 1, 1), i) for i in range(6)]
        wages = dict(zip(months, map(Decimal, [900, 900, 100, 200, 300, 400])))
        first, last, average = history(wages).best_window(2, 4)
        self.assertEqual((first, last), (months[4], months[5]))
        self.assertEqual(average, Decimal(350))

    def test_best_window_short_record(self):
        "A record shorter than the window averages every month"
        months = [add_months(dt.date(2020, 1, 1), i) for i in range(3)]
        wages = dict(zip(months, map(Decimal, [100, 200, 600])))
        first, last, average = history(wages).best_window(60, 240)
        self.assertEqual((first, last, average), (
                months[0], months[2], Decimal(300)))

    def test_continuous_months(self):
        "Months without a gap, counted back from the month before"
        months = [add_months(dt.date(2024, 1, 1), i) for i in [0, 2, 3, 4]]
        record = history({m: Decimal(1) for m in months})
        self.assertEqual(record.continuous(dt.date(2024, 6, 10)), 3)
        self.assertEqual(record.continuous(dt.date(2024, 3, 1)), 0)


del ModuleTestCase
