import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.accounts.models import LoginEvent
from digigov.core.demo import DemoContext
from digigov.core.registry import DEMO_GENERATORS
from digigov.core.testing import make_user
from digigov.support.realname import selectors
from digigov.support.realname.demo import generate

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 3, 4, 12, 0))  # a Wednesday


def _run(seed=7):
    ctx = DemoContext(scale=0.01, seed=seed).for_generator("realname.logins")
    ctx.shared["now"] = NOW
    generate(ctx)
    return list(LoginEvent.objects.order_by("pk").values_list("user_id", "channel", "at"))


def test_registered_after_accounts():
    assert DEMO_GENERATORS["realname.logins"].after == ("accounts",)


def test_thirty_days_of_logins_deterministic(db):
    people = [make_user("citizen") for _ in range(30)]
    staff = make_user("leader")
    first = _run()
    assert first and all(e[2] <= NOW and e[2] > NOW - dt.timedelta(days=31) for e in first)
    assert {c for _, c, _ in first} == {"portal", "h5", "workbench"}
    assert all(c == "workbench" for u, c, _ in first if u == staff.pk)
    assert all(timezone.localtime(at).weekday() < 5 for u, _, at in first if u == staff.pk)
    LoginEvent.objects.all().delete()
    assert [(u, c, at) for u, c, at in _run()] == first
    LoginEvent.objects.all().delete()
    assert _run(seed=8) != first
    assert sum(selectors.daily_active_series(timezone.localtime(NOW).date(), 30)["total"]) > len(people)
