"""The daily-active queries read one range of LoginEvent's (at, channel) index, on realistic data (not an
empty table, where any plan looks fine): the exact SQL ``daily_active`` and ``daily_active_series`` run."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from digigov.core.accounts.models import LoginEvent
from digigov.core.testing import make_user
from digigov.support.realname import selectors

pytestmark = pytest.mark.django_db
AT_INDEX = "accounts_lo_at_5328ce_idx"


def _explain(sql: str) -> str:
    """The plan of the SQL as logged (its parameters inlined as literals)."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql)
            return "\n".join(str(row[-1]) for row in cur.fetchall())
        cur.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cur.fetchall())


def test_daily_active_queries_use_the_time_index(db):
    users = [make_user("citizen") for _ in range(60)]
    now = timezone.now()
    LoginEvent.objects.bulk_create([LoginEvent(user=users[i % 60], channel=("portal", "h5", "workbench")[i % 3],
                                               at=now - dt.timedelta(minutes=7 * i)) for i in range(30000)])  # ~146 days
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        selectors.daily_active(today, ["h5"])
        selectors.daily_active_series(today, 30)
    assert len(captured.captured_queries) == 1 + 2 * 30
    for query in captured.captured_queries:
        plan = _explain(query["sql"])
        assert AT_INDEX in plan, plan
        assert "SCAN accounts_loginevent" not in plan and "Seq Scan" not in plan, plan

