import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from .models import AuditEntry


def _date(value: str):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@requires("audit.view")
def entries(request):
    """Searchable audit log: by actor, action, object id, request id and date range."""
    qs = AuditEntry.objects.all()
    f = {k: request.GET.get(k, "").strip()[:64] for k in ("actor", "action", "object_id", "request_id", "since", "until")}
    errors = []
    if f["actor"]:
        qs = qs.filter(actor=f["actor"])
    if f["action"]:
        qs = qs.filter(action__startswith=f["action"])
    if f["object_id"]:
        qs = qs.filter(object_id=f["object_id"])
    if f["request_id"]:
        qs = qs.filter(request_id=f["request_id"])
    for key, op in (("since", "gte"), ("until", "lt")):
        if f[key]:
            day = _date(f[key])
            if day is None:
                errors.append(f"日期格式应为 YYYY-MM-DD：{f[key]}")
                continue
            start = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1 if key == "until" else 0), dt.time()))
            qs = qs.filter(**{f"at__{op}": start})
    ctx = {"f": f, "errors": errors, **paginate(request, qs.order_by("-seq"), count=False)}
    return render(request, "audit/entries.html", ctx, status=400 if errors else 200)
