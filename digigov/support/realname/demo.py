"""Demo city: 30 days of login events, so the daily-active page and the K07/K10 computations of later issues
have something to count.

Person accounts (the enterprise agents and the demo citizen and agent) log in on about one day in six, through
the portal or (60%) the H5 mobile entry; the demo staff accounts log in to the workbench on most weekdays.
Deterministic for a seed: only ``ctx.rng``; days anchored on ``ctx.shared["now"]`` (else today), like the other
demo generators. About 13,000 rows at full scale. The generated agents' passwords are unusable (the demo has no
way to hand them out): their events stand for the logins of the people those accounts represent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.core.accounts.models import LoginChannel, LoginEvent, User, UserKind
from digigov.core.registry import register_demo

DAYS = 30
PERSON_DAILY = 1 / 6
H5_SHARE = 0.6
STAFF_WEEKDAY = 0.8


def generate(ctx):
    rng = ctx.rng
    now = ctx.shared.get("now") or ctx.now
    today = timezone.localtime(now).date()
    tz = timezone.get_current_timezone()
    users = list(User.objects.filter(kind__in=(UserKind.PERSON, UserKind.STAFF), is_active=True)
                 .exclude(username="system").order_by("pk").values_list("pk", "kind", "password"))
    events = []
    for day_offset in range(DAYS - 1, -1, -1):
        day = today - dt.timedelta(days=day_offset)
        for pk, kind, password in users:
            if kind == UserKind.STAFF:
                # only staff who can log in (the demo accounts); weekdays
                if password.startswith("!") or day.weekday() >= 5 or rng.random() >= STAFF_WEEKDAY:
                    continue
                channel = LoginChannel.WORKBENCH
                hour = rng.randint(8, 17)
            else:
                if rng.random() >= PERSON_DAILY:
                    continue
                channel = LoginChannel.H5 if rng.random() < H5_SHARE else LoginChannel.PORTAL
                hour = rng.randint(7, 22)
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59))), tz)
            if at <= now:
                events.append(LoginEvent(user_id=pk, channel=channel, at=at))
    ctx.bulk(LoginEvent, events)
    ctx.describe(f"实名认证：近{DAYS}天登录记录 {len(events)} 条")


register_demo("realname.logins", generate, after=("accounts",))
