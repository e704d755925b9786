"""The audit log's filters, shared by the page, its CSV export and the API.

No query here counts rows: the table grows to millions, so lists page by keyset (``seq < before``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from digigov.core.registry import AUDIT_EVENTS

from .models import AuditEntry

FILTER_KEYS = ("who", "department", "action", "object_type", "object_id", "request_id", "since", "until")
MAX_ACTORS_BY_NAME = 50


def _date(value: str):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_filters(data) -> dict[str, str]:
    f = {k: (data.get(k) or "").strip()[:64] for k in FILTER_KEYS}
    if not f["who"] and data.get("actor"):  # the old parameter name, still accepted
        f["who"] = data.get("actor", "").strip()[:64]
    return f


def filtered(f: dict[str, str]) -> tuple[QuerySet, list[str]]:
    """Entries matching the filters (newest first) and the errors to show for bad filter values.

    * who: the actor's username, or a display name (every account with that name);
    * department: the actor's department (by name, short name or code) and its sub-units, as
      ``StaffMember`` links them today — the department the actor works in now, not at the time;
    * action: a registered code exactly, or any other text as a code prefix (``cloud.``);
    * since/until: Beijing-time calendar days, both inclusive.
    """
    from digigov.core.accounts.models import User
    from digigov.core.org.models import Department, StaffMember

    qs = AuditEntry.objects.all()
    errors: list[str] = []
    if f["who"]:
        ids = list(User.objects.filter(display_name=f["who"]).values_list("pk", flat=True)[:MAX_ACTORS_BY_NAME])
        qs = qs.filter(Q(actor=f["who"]) | Q(actor_id__in=ids))
    if f["department"]:
        name = f["department"]
        paths = list(Department.objects.filter(Q(name=name) | Q(short_name=name) | Q(code=name)).values_list("path", flat=True)[:20])
        if not paths:
            errors.append(f"未找到部门：{name}")
            qs = qs.none()
        else:
            scope = Q()
            for p in paths:
                scope |= Q(department__path__startswith=p)
            qs = qs.filter(actor_id__in=StaffMember.objects.filter(scope).values("user_id"))
    if f["action"]:
        qs = qs.filter(action=f["action"]) if f["action"] in AUDIT_EVENTS else qs.filter(action__startswith=f["action"])
    if f["object_type"]:
        qs = qs.filter(object_type=f["object_type"])
    if f["object_id"]:
        qs = qs.filter(object_id=f["object_id"])
    if f["request_id"]:
        qs = qs.filter(request_id=f["request_id"])
    days = {}
    for key in ("since", "until"):
        if f[key]:
            day = _date(f[key])
            if day is None:
                errors.append(f"日期格式应为 YYYY-MM-DD：{f[key]}")
                continue
            days[key] = day
    if "since" in days and "until" in days and days["since"] > days["until"]:
        errors.append("起始日期不能晚于截止日期")
    if "since" in days:
        qs = qs.filter(at__gte=timezone.make_aware(dt.datetime.combine(days["since"], dt.time())))
    if "until" in days:
        qs = qs.filter(at__lt=timezone.make_aware(dt.datetime.combine(days["until"] + dt.timedelta(days=1), dt.time())))
    return qs.order_by("-seq"), errors


def page(qs: QuerySet, before: str | None, size: int) -> tuple[list[AuditEntry], int | None]:
    """One keyset page: entries older than ``before`` (a seq); returns the rows and the next ``before``."""
    try:
        cursor = int(before) if before else None
    except ValueError:
        cursor = None
    if cursor is not None:
        qs = qs.filter(seq__lt=cursor)
    rows = list(qs[: size + 1])
    if len(rows) > size:
        return rows[:size], rows[size - 1].seq
    return rows, None
