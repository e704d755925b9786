"""Working-day arithmetic on the city's calendar (工作日计算).

Statutory and promised limits (法定/承诺时限) count working days. A day is a working day when it is
Monday–Friday and not a ``CalendarDay(kind=holiday)``, or when a ``CalendarDay(kind=workday)`` makes a
weekend day a 调休 working day.

China's rule for a limit of *n* working days: the day of acceptance does not count; the limit ends at
the end of the *n*-th working day after it (``add_working_days(start, n)``). ``working_days_between(a, b)``
counts the working days in ``(a, b]``, so the two round-trip: ``working_days_between(s, add_working_days(s, n)) == n``.

The calendar is read per year, every missing year of a computation in ONE query, and kept in this
process: a bulk computation over 100k cases runs no query per case. A save or delete of a
``CalendarDay`` in this process clears the cache at once (signal receivers below); another worker
process sees the change within ``CACHE_SECONDS`` at the latest (the calendar changes a few times a year,
usually weeks before the days it concerns).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay, DayKind

CACHE_SECONDS = 300
MAX_SPAN_DAYS = 366 * 20  # a limit or a range longer than 20 years is a mistake, never a real case

_lock = threading.Lock()
_years: dict[int, tuple[frozenset, frozenset]] = {}  # year → (holidays, 调休 workdays)
_loaded_at = 0.0


def clear_cache() -> None:
    """Forget every loaded year (called on every CalendarDay save/delete, and by tests)."""
    global _loaded_at
    with _lock:
        _years.clear()
        _loaded_at = 0.0


@receiver(post_save, sender=CalendarDay, dispatch_uid="workflow.calendar.saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="workflow.calendar.deleted")
def _calendar_changed(**kwargs):
    clear_cache()


def load(first_year: int, last_year: int) -> None:
    """Make sure the years ``first_year..last_year`` are in the cache, reading all missing ones in one query."""
    global _loaded_at
    now = time.monotonic()
    with _lock:
        if _loaded_at and now - _loaded_at > CACHE_SECONDS:
            _years.clear()
        missing = [y for y in range(first_year, last_year + 1) if y not in _years]
    if not missing:
        return
    lo, hi = min(missing), max(missing)
    rows = CalendarDay.objects.filter(date__gte=dt.date(lo, 1, 1), date__lte=dt.date(hi, 12, 31)).values_list("date", "kind")
    holidays: dict[int, set] = {y: set() for y in range(lo, hi + 1)}
    workdays: dict[int, set] = {y: set() for y in range(lo, hi + 1)}
    for day, kind in rows:
        (holidays if kind == DayKind.HOLIDAY else workdays)[day.year].add(day)
    with _lock:
        if not _years:
            _loaded_at = now
        for y in range(lo, hi + 1):
            _years.setdefault(y, (frozenset(holidays[y]), frozenset(workdays[y])))


def _year(y: int) -> tuple[frozenset, frozenset]:
    found = _years.get(y)
    if found is None:
        load(y, y)
        found = _years[y]
    return found


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError("应为日期")


def is_working_day(day) -> bool:
    day = _as_date(day)
    holidays, workdays = _year(day.year)
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(start, n: int) -> dt.date:
    """The end of a limit of ``n`` working days counted from ``start`` (which does not count):
    the ``n``-th working day after ``start``; ``start`` itself for ``n == 0``."""
    start = _as_date(start)
    if n < 0:
        raise ValueError("工作日数不能为负数")
    # roughly 7/5 calendar days per working day plus the longest holidays: load the years at once
    load(start.year, (start + dt.timedelta(days=n * 2 + 30)).year)
    day, left = start, n
    limit = start + dt.timedelta(days=MAX_SPAN_DAYS)
    while left:
        day += dt.timedelta(days=1)
        if day > limit:
            raise ValueError("时限过长")
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(a, b) -> int:
    """Working days in ``(a, b]`` (``a`` excluded, ``b`` included); negative when ``b`` is before ``a``."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    if (b - a).days > MAX_SPAN_DAYS:
        raise ValueError("日期范围过长")
    load(a.year, b.year)
    count, day = 0, a
    while day < b:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def month_days(year: int, month: int) -> list[dict]:
    """The days of a month for the calendar page: ``{"date", "working", "kind", "weekend"}``."""
    load(year, year)
    first = dt.date(year, month, 1)
    out = []
    day = first
    while day.month == month:
        holidays, workdays = _year(year)
        out.append({"date": day, "working": is_working_day(day), "weekend": day.weekday() >= 5,
                    "kind": DayKind.HOLIDAY if day in holidays else DayKind.WORKDAY if day in workdays else ""})
        day += dt.timedelta(days=1)
    return out
