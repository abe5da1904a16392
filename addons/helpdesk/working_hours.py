# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Working hours: SLA targets count only the hours the service desk works,
in its own time zone, without weekends and public holidays"""
import datetime as dt
from zoneinfo import ZoneInfo

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import ValidationError

WEEKDAYS = [
    ('0', "Monday"),
    ('1', "Tuesday"),
    ('2', "Wednesday"),
    ('3', "Thursday"),
    ('4', "Friday"),
    ('5', "Saturday"),
    ('6', "Sunday"),
    ]
# A calendar without any working hour would never reach a deadline
MAX_DAYS = 3660


def _local_intervals(day, hours, holidays, zone):
    "The working intervals of the local day as aware datetimes"
    if day in holidays:
        return
    for start, end in hours.get(day.weekday(), []):
        yield (dt.datetime.combine(day, start, zone),
            dt.datetime.combine(day, end, zone))


def _aware(timestamp):
    "Timestamps are stored naive in UTC"
    return timestamp.replace(tzinfo=dt.timezone.utc)


def _naive(timestamp):
    return timestamp.astimezone(dt.timezone.utc).replace(tzinfo=None)


def add_working_time(start, duration, hours, holidays, zone):
    """The naive UTC timestamp duration of working time after start.
    hours maps a weekday (0 Monday) to its (start, end) local times,
    holidays is a set of local dates"""
    current = _aware(start).astimezone(zone)
    remaining = duration
    day = current.date()
    for _ in range(MAX_DAYS):
        for begin, end in _local_intervals(day, hours, holidays, zone):
            begin = max(begin, current)
            if end <= begin:
                continue
            if end - begin >= remaining:
                return _naive(begin + remaining)
            remaining -= end - begin
        day += dt.timedelta(days=1)
    raise ValueError("no working hours")


def working_time_between(start, end, hours, holidays, zone):
    "The working time from start to end (naive UTC timestamps)"
    start, end = _aware(start), _aware(end)
    if end <= start:
        return dt.timedelta()
    total = dt.timedelta()
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        for begin, finish in _local_intervals(day, hours, holidays, zone):
            begin, finish = max(begin, start), min(finish, end)
            if finish > begin:
                total += finish - begin
        day += dt.timedelta(days=1)
    return total


class Calendar(ModelSQL, ModelView):
    __name__ = 'helpdesk.calendar'
    __string__ = "Service Desk Working Hours"

    name = fields.Char("Name", required=True, translate=True)
    timezone = fields.Char("Time Zone", required=True,
        help="The IANA name of the time zone the hours are in.")
    hours = fields.One2Many(
        'helpdesk.calendar.hours', 'calendar', "Working Hours")
    holidays = fields.One2Many(
        'helpdesk.calendar.holiday', 'calendar', "Holidays")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_timezone(cls):
        return 'Asia/Ulaanbaatar'

    @classmethod
    def validate_fields(cls, calendars, field_names):
        super().validate_fields(calendars, field_names)
        if field_names and 'timezone' not in field_names:
            return
        for calendar in calendars:
            try:
                ZoneInfo(calendar.timezone)
            except (ValueError, KeyError, OSError):
                raise ValidationError(gettext(
                        'helpdesk.msg_calendar_timezone',
                        calendar=calendar.rec_name,
                        timezone=calendar.timezone))

    def _schedule(self):
        hours = {}
        for line in self.hours:
            hours.setdefault(int(line.weekday), []).append(
                (line.start, line.end))
        for intervals in hours.values():
            intervals.sort()
        return (hours, {h.date for h in self.holidays},
            ZoneInfo(self.timezone))

    def add(self, start, duration):
        "The timestamp duration of working time after start"
        return add_working_time(start, duration, *self._schedule())

    def between(self, start, end):
        "The working time from start to end"
        return working_time_between(start, end, *self._schedule())


class CalendarHours(ModelSQL, ModelView):
    __name__ = 'helpdesk.calendar.hours'
    __string__ = "Service Desk Working Hours of a Weekday"

    calendar = fields.Many2One(
        'helpdesk.calendar', "Calendar", required=True, ondelete='CASCADE')
    weekday = fields.Selection(WEEKDAYS, "Weekday", required=True,
        sort=False)
    start = fields.Time("From", required=True)
    end = fields.Time("To", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('calendar')
        cls._order = [('weekday', 'ASC'), ('start', 'ASC'), ('id', 'ASC')]

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        for line in lines:
            if line.end <= line.start:
                raise ValidationError(gettext(
                        'helpdesk.msg_calendar_hours_order',
                        calendar=line.calendar.rec_name,
                        weekday=line.weekday_string))


class CalendarHoliday(ModelSQL, ModelView):
    __name__ = 'helpdesk.calendar.holiday'
    __string__ = "Service Desk Holiday"

    calendar = fields.Many2One(
        'helpdesk.calendar', "Calendar", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('calendar')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]
