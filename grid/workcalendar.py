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
        from .models import CalendarDay

        rows = CalendarDay.objects.filter(
            date__gte=start, date__lte=start + datetime.timedelta(days=days)
        ).values_list("date", "is_workday")
        return cls(dict(rows))

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def _periods(self, day: datetime.date):
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
                for begin, end in self._periods(day):
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
                    return list(self._periods(day))[-1][1]
        raise ValueError("No working day within ten years")

    def add(self, start: datetime.datetime, value, unit: str) -> datetime.datetime:
        if unit == "days":
            return self.add_working_days(start, int(value))
        return self.add_working_hours(start, value)
