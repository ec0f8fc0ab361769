"""Legal periods and working days: pure functions, no database access.

Periods follow the Administrative Procedure Act Art. 48 (Taiwan): a period starts the day
after the event; a period in months ends the day before the same-numbered day of the last
month, or on that month's last day when it has no such day; a last day that falls on a
Sunday, holiday or other rest day moves to the next working day, and a Saturday to the
following Monday. Deadlines end at the end of the last day, local time.

A `Calendar` is a set of holidays plus make-up working days (補班日) for one jurisdiction;
`opengov.core.selectors.calendar_for()` builds it from the `Holiday` table.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .jurisdiction import Period

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """Rest days of one jurisdiction: weekends, listed holidays, less make-up working days."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    working_saturdays: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, holidays: Iterable[dt.date] = (), working_days: Iterable[dt.date] = ()) -> Calendar:
        """Build a calendar from holiday dates and make-up working days."""
        return cls(frozenset(holidays), frozenset(working_days))

    def is_working_day(self, day: dt.date) -> bool:
        """True on a day offices are open."""
        if day in self.working_saturdays:
            return True
        if day.weekday() >= 5:
            return False
        return day not in self.holidays

    def is_rest_day(self, day: dt.date) -> bool:
        """True on a Saturday, Sunday or holiday that is not a make-up working day."""
        return not self.is_working_day(day)


def add_months(day: dt.date, months: int) -> dt.date | None:
    """The same-numbered day `months` later, or None when that month has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if day.day > _cal.monthrange(year, month)[1]:
        return None
    return day.replace(year=year, month=month)


def last_day_of_month_after(day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` after the month of `day`."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, _cal.monthrange(year, month)[1])


def add_working_days(event_day: dt.date, count: int, cal: Calendar) -> dt.date:
    """The `count`-th working day after `event_day` (the event day itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = event_day
    remaining = count
    while remaining:
        day += ONE_DAY
        if cal.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, cal: Calendar) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start, cal)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if cal.is_working_day(day):
            count += 1
    return count


def period_last_day(
    event_day: dt.date, period: Period, cal: Calendar, *, move_off_rest_days: bool = True
) -> dt.date:
    """The last day of `period` counted from the day after `event_day` (Art. 48).

    Months are applied first, then calendar days, then working days. With
    `move_off_rest_days`, a last day on a rest day moves to the next working day (Art. 48 ¶4).
    """
    last = event_day
    if period.months:
        first_day = event_day + ONE_DAY
        corresponding = add_months(first_day, period.months)
        last = (
            corresponding - ONE_DAY
            if corresponding is not None
            else last_day_of_month_after(first_day, period.months)
        )
    if period.days:
        last += dt.timedelta(days=period.days)
    if period.working_days:
        last = add_working_days(last, period.working_days, cal)
    if move_off_rest_days:
        while cal.is_rest_day(last):
            last += ONE_DAY
    return last
