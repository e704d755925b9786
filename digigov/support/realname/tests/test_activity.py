"""Daily active accounts from LoginEvent: distinct accounts per local day and channel, through the index."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.accounts.models import LoginEvent
from digigov.core.testing import make_user
from digigov.support.realname import selectors

pytestmark = pytest.mark.django_db
SH = dt.timezone(dt.timedelta(hours=8))


def _event(user, channel, at):
    return LoginEvent.objects.create(user=user, channel=channel, at=at)


def test_daily_active_counts_distinct_accounts_per_local_day(db):
    a, b, c = make_user("citizen"), make_user("citizen"), make_user("leader")
    day = dt.date(2026, 3, 2)
    _event(a, "portal", dt.datetime(2026, 3, 2, 0, 0, tzinfo=SH))  # the first instant of the local day
    _event(a, "portal", dt.datetime(2026, 3, 2, 9, 0, tzinfo=SH))  # twice: counted once
    _event(a, "h5", dt.datetime(2026, 3, 2, 12, 0, tzinfo=SH))
    _event(b, "h5", dt.datetime(2026, 3, 2, 23, 59, 59, tzinfo=SH))
    _event(c, "workbench", dt.datetime(2026, 3, 2, 8, 0, tzinfo=SH))
    _event(b, "h5", dt.datetime(2026, 3, 3, 0, 0, tzinfo=SH))  # the next day
    _event(c, "portal", dt.datetime(2026, 3, 1, 23, 59, tzinfo=SH))  # the day before (15:59 UTC on the 1st)
    assert selectors.daily_active(day) == 3
    assert selectors.daily_active(day, ["portal"]) == 1
    assert selectors.daily_active(day, ["h5"]) == 2
    assert selectors.daily_active(day, ["portal", "h5"]) == 2
    assert selectors.daily_active(day, ["workbench"]) == 1
    assert selectors.daily_active(day, ["client"]) == 0
    assert selectors.daily_active(day + dt.timedelta(days=1)) == 1


def test_series_agrees_with_daily_active(db):
    users = [make_user("citizen") for _ in range(5)]
    last = timezone.localdate()
    for i, u in enumerate(users):
        for d in range(i + 1):
            day = last - dt.timedelta(days=d * 3)
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour=(7 + i * 4) % 24)))
            _event(u, ["portal", "h5", "workbench", "client", "h5"][i], at)
            _event(u, "portal", at + dt.timedelta(minutes=5))
    series = selectors.daily_active_series(last, 30)
    assert len(series["days"]) == 30 and series["days"][-1] == last
    for i, day in enumerate(series["days"]):
        assert series["total"][i] == selectors.daily_active(day)
        for channel, values in series["by_channel"].items():
            assert values[i] == selectors.daily_active(day, [channel])
    assert series["total"][-1] == 5

