"""Reads: the session's real-name level, an account's verifications, and the daily-active figures.

**Session level** (what was proved in *this* login): 1 after a password login; 2 or 3 after a step-up in
this session (``session.raise_session_level``; a new login starts again at 1). Staff: a session signed in
with the TOTP second factor (django-otp verified) counts as level 2 — a staff member proves possession of
the enrolled device at every login, which is what level 2 asks of a citizen; staff who want level 3 verify
a face like anyone else. The account's ``realname_level`` records what was ever verified and is not raised
by TOTP. API-key callers (service accounts) have no session: level 1.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from digigov.core.accounts.models import LoginChannel, LoginEvent, RealNameLevel

from .models import Verification

SESSION_KEY = "realname_session"


def session_level(request) -> int:
    """The real-name level of this login: 0 anonymous, else 1–3 (see the module docstring)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    level = RealNameLevel.L1
    session = getattr(request, "session", None)
    stored = session.get(SESSION_KEY) if session is not None else None
    if isinstance(stored, dict) and stored.get("uid") == user.pk and stored.get("level") in RealNameLevel.values:
        level = max(level, stored["level"])
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified) and is_verified():
        level = max(level, RealNameLevel.L2)
    return int(level)


def level_label(level: int) -> str:
    return str(RealNameLevel(level).label) if level in RealNameLevel.values else "未登录"


SHORT_LABELS = {0: "未登录", 1: "一级实名", 2: "二级实名", 3: "三级实名"}


def short_label(level: int) -> str:
    return SHORT_LABELS.get(level, "未登录")


def verifications_for(user, limit: int = 20):
    return Verification.objects.filter(user=user).order_by("-at", "-pk")[:limit]


def has_phone(user) -> bool:
    from .actions import phone_of

    return bool(phone_of(user))


# --- daily active users (Table 1 K07 “辽政通”用户日活跃率 and K10 “辽事通”用户日活数) --------------------
def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)


def daily_active(day: dt.date, channels=None) -> int:
    """Distinct accounts that logged in on ``day`` (local calendar day, Asia/Shanghai) through any of
    ``channels`` (default all). One range scan of the ``(at, channel)`` index."""
    start, end = _day_bounds(day)
    events = LoginEvent.objects.filter(at__gte=start, at__lt=end)
    if channels is not None:
        events = events.filter(channel__in=list(channels))
    # COUNT(DISTINCT user_id), not SELECT DISTINCT … : SQLite plans the latter as a skip-scan of the
    # (user, at) index, one seek per account that ever logged in, instead of the day's range of (at, channel)
    return events.aggregate(n=Count("user_id", distinct=True))["n"]


def daily_active_series(last_day: dt.date, days: int = 30) -> dict:
    """``{"days": [date, ...], "by_channel": {channel: [n, ...]}, "total": [n, ...]}`` for the ``days`` days
    ending with ``last_day``: distinct accounts per day and channel, and per day over all channels (an account
    using two channels counts once in the total).

    Two queries per day, each one range of the (at, channel) index. One grouped query over the whole month
    needs the local date of every row (``TruncDate`` with the time zone: a Python function per row on SQLite)
    and took 11–36 s on 750,000 events; per day it is about 1 s (``bench/daily_active.py``)."""
    first_day = last_day - dt.timedelta(days=days - 1)
    day_list = [first_day + dt.timedelta(days=i) for i in range(days)]
    by_channel = {c: [] for c in LoginChannel.values}
    totals = []
    for day in day_list:
        start, end = _day_bounds(day)
        events = LoginEvent.objects.filter(at__gte=start, at__lt=end).order_by()
        counts = dict(events.values_list("channel").annotate(n=Count("user_id", distinct=True)))
        for channel, values in by_channel.items():
            values.append(counts.get(channel, 0))
        totals.append(events.aggregate(n=Count("user_id", distinct=True))["n"] if counts else 0)
    return {"days": day_list, "by_channel": by_channel, "total": totals}
