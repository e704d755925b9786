"""Benchmark of the daily-active figures (``realname.selectors.daily_active`` / ``daily_active_series``).

    DIGIGOV_VAR_DIR=/tmp/dau .venv/bin/python manage.py migrate
    DIGIGOV_VAR_DIR=/tmp/dau .venv/bin/python bench/daily_active.py [--users 100000] [--per-day 25000] [--days 60] [--repeat 5]
    (``--keep`` commits the generated rows; a later run with ``--reuse`` measures them without writing)

1. Inside one transaction that is rolled back at the end: ``--users`` accounts and ``--days`` days of login
   events, ``--per-day`` a day spread over the day and the four channels (accounts drawn with a skew: a few
   log in daily, most rarely).
2. Baseline, measured in the same run: ``COUNT(*)`` of one day's events (one range of the (at, channel) index).
3. ``daily_active(day)``, ``daily_active(day, ["h5"])``, ``daily_active_series(last day, 30)``, and for
   comparison the ``SELECT DISTINCT user_id`` form that SQLite plans as a skip-scan of the (user, at) index.
4. Prints the median of ``--repeat`` runs in milliseconds and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from _common import timed  # noqa: E402




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--per-day", type=int, default=25_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="commit the generated rows")
    parser.add_argument("--reuse", action="store_true", help="measure the rows a --keep run left; write nothing")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from digigov.core.accounts.models import LoginEvent, User
    from digigov.support.realname import selectors

    today = timezone.localdate()
    with transaction.atomic():
        started = time.perf_counter()
        if not args.reuse:
            _populate(args, today)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"{connection.vendor}: {User.objects.filter(username__startswith='dau-bench-').count()} accounts, "
              f"{LoginEvent.objects.count()} login events ready in {time.perf_counter() - started:.1f} s")
        day = today - dt.timedelta(days=1)
        start, end = selectors._day_bounds(day)
        base = timed(lambda: LoginEvent.objects.filter(at__gte=start, at__lt=end).count(), args.repeat)
        results = {
            "baseline COUNT(*) of one day": base,
            "daily_active(day)": timed(lambda: selectors.daily_active(day), args.repeat),
            "daily_active(day, ['h5'])": timed(lambda: selectors.daily_active(day, ["h5"]), args.repeat),
            "daily_active_series(30 days)": timed(lambda: selectors.daily_active_series(today, 30), args.repeat),
            "old SELECT DISTINCT form": timed(lambda: LoginEvent.objects.filter(at__gte=start, at__lt=end).values("user_id").distinct().count(),
                                              args.repeat),
        }
        print(f"daily active on {day}: {selectors.daily_active(day)} accounts ({selectors.daily_active(day, ['h5'])} on H5)")
        for name, ms in results.items():
            print(f"{name:32s} {ms:9.1f} ms   ratio {ms / base:7.1f}x")
        transaction.set_rollback(not args.keep or args.reuse)
    return 0


def _populate(args, today) -> None:
    from django.utils import timezone

    from digigov.core.accounts.models import LoginEvent, User, UserKind

    rng = random.Random(7)
    channels = ["portal", "h5", "h5", "h5", "workbench", "client"]
    first = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    User.objects.bulk_create([User(id=first + i, username=f"dau-bench-{i}", display_name="测试", kind=UserKind.PERSON, password="!")
                              for i in range(args.users)], batch_size=5000)
    tz = timezone.get_current_timezone()
    batch = []
    for d in range(args.days):
        day_start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=d), dt.time.min), tz)
        for _ in range(args.per_day):
            # half the logins from a skewed few (daily users), half from anyone
            uid = first + (int(rng.paretovariate(1.2)) * 7 % args.users if rng.random() < 0.5 else rng.randrange(args.users))
            batch.append(LoginEvent(user_id=uid, channel=rng.choice(channels), at=day_start + dt.timedelta(seconds=rng.randrange(86400))))
            if len(batch) >= 20000:
                LoginEvent.objects.bulk_create(batch)
                batch = []
    LoginEvent.objects.bulk_create(batch)


if __name__ == "__main__":
    raise SystemExit(main())
