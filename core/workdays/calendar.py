"""Working time: deadlines in working hours and working days on a calendar of public
holidays and make-up working days (调休).

Working days are Monday to Friday unless ``CalendarDay`` says otherwise; a working day
has the periods of ``settings.PORTAL_WORK_PERIODS`` (default 8:30–12:00 and
13:30–17:30, seven and a half working hours).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from .models import CalendarDay

DEFAULT_PERIODS = (
    (datetime.time(8, 30), datetime.time(12, 0)),
    (datetime.time(13, 30), datetime.time(17, 30)),
)


def work_periods():
    return getattr(settings, "PORTAL_WORK_PERIODS", DEFAULT_PERIODS)


class WorkCalendar:
    """A calendar with its exceptions loaded once: ``{date: is_workday}``."""

    def __init__(self, exceptions: dict[datetime.date, bool] | None = None):
        self.exceptions = exceptions or {}

    @classmethod
    def load(cls, start: datetime.date, days: int = 400) -> "WorkCalendar":
        rows = CalendarDay.objects.filter(
            date__gte=start, date__lte=start + datetime.timedelta(days=days)
        ).values_list("date", "is_workday")
        return cls(dict(rows))

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def periods(self, day: datetime.date):
        tz = timezone.get_current_timezone()
        for begin, end in work_periods():
            yield (
                datetime.datetime.combine(day, begin, tzinfo=tz),
                datetime.datetime.combine(day, end, tzinfo=tz),
            )

    def add_working_hours(self, start: datetime.datetime, hours) -> datetime.datetime:
        """The moment ``hours`` working hours after ``start``."""
        remaining = datetime.timedelta(hours=float(Decimal(str(hours))))
        start = timezone.localtime(start)
        day = start.date()
        for _ in range(3660):
            if self.is_workday(day):
                for begin, end in self.periods(day):
                    if end <= start:
                        continue
                    begin = max(begin, start)
                    available = end - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += datetime.timedelta(days=1)
        raise ValueError("No working time within ten years")

    def add_working_days(self, start: datetime.datetime, days: int) -> datetime.datetime:
        """The end of the ``days``-th working day after the day of ``start``."""
        day = timezone.localtime(start).date()
        counted = 0
        for _ in range(3660):
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
                if counted >= days:
                    return list(self.periods(day))[-1][1]
        raise ValueError("No working day within ten years")

    def add(self, start: datetime.datetime, value, unit: str) -> datetime.datetime:
        if unit == "days":
            return self.add_working_days(start, int(value))
        return self.add_working_hours(start, value)

    def working_hours_between(self, start, end) -> Decimal:
        """The working hours from ``start`` to ``end`` (0 if ``end`` is not later)."""
        if end <= start:
            return Decimal(0)
        start, end = timezone.localtime(start), timezone.localtime(end)
        day, total = start.date(), datetime.timedelta()
        while day <= end.date():
            if self.is_workday(day):
                for begin, finish in self.periods(day):
                    low, high = max(begin, start), min(finish, end)
                    if high > low:
                        total += high - low
            day += datetime.timedelta(days=1)
        return Decimal(str(total.total_seconds() / 3600))


def hours_per_working_day() -> Decimal:
    """The working hours of one working day (7.5 with the default periods)."""
    seconds = sum(
        (
            datetime.datetime.combine(datetime.date.min, end)
            - datetime.datetime.combine(datetime.date.min, begin)
        ).total_seconds()
        for begin, end in work_periods()
    )
    return Decimal(str(seconds / 3600))


def current_calendar(days: int = 400) -> WorkCalendar:
    """The calendar from yesterday on, loaded in one query."""
    return WorkCalendar.load(timezone.localdate() - datetime.timedelta(days=1), days=days)


def add_working_time(start, *, hours=None, days=None, calendar: WorkCalendar | None = None):
    """The moment ``hours`` working hours (or the end of the ``days``-th working day)
    after ``start``, on the calendar of public holidays and make-up days."""
    if (hours is None) == (days is None):
        raise TypeError("add_working_time() takes hours or days")
    calendar = calendar or current_calendar()
    if days is not None:
        return calendar.add_working_days(start, int(days))
    return calendar.add_working_hours(start, hours)
