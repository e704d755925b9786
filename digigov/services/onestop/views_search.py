"""The search page ``/services/search/`` (no login) and the suggestion fragment under the portal's search box.

The page works without JavaScript (a plain GET form; 下一页 is a link); with htmx the box asks
``suggest/`` for suggestions as the person types. Bad filter values are shown as field errors, never a 500."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from digigov.core.web.decorators import public

from . import search as svc
from . import suggest as sug
from .api_search import KIND_LABELS, understood
from .models import Audience, ServiceItem

AUDIENCES = [("", "全部"), (Audience.PERSON, "个人办事"), (Audience.ENTERPRISE, "法人办事")]
HINTS = ("少输入几个字，只写要办的事，如“社保卡”“营业执照”；", "换个说法，如“生孩子”“开饭店”“公司注销”；",
         "按人生事件或企业阶段浏览全部事项；", "拨打 12345 政务服务便民热线咨询。")


def _departments():
    from digigov.core.org.models import Department

    live = ServiceItem.objects.active().filter(active=True).values("department")
    return list(Department.objects.filter(pk__in=live, voided_at__isnull=True).order_by("path").values_list("code", "name"))


@public
@require_GET
def search_page(request):
    q = (request.GET.get("q") or "").strip()[:svc.qu.MAX_QUERY]
    audience = request.GET.get("audience") or ""
    department = request.GET.get("department") or ""
    cursor = request.GET.get("cursor") or None
    departments = _departments()
    errors = {}
    if audience not in dict(AUDIENCES):
        errors["audience"] = "请选择个人办事或法人办事"
        audience = ""
    if department and department not in dict(departments):
        errors["department"] = "没有这个部门的事项"
        department = ""
    result = None
    if q:
        try:
            result = svc.search(q, audience=audience or None, department=department or None, limit=10, after=cursor)
        except ValueError:
            errors["cursor"] = "翻页参数无效，已从第一页开始"
            result = svc.search(q, audience=audience or None, department=department or None, limit=10)
    hits = [{"h": h, "kind_label": KIND_LABELS[h.kind], "why": "；".join(h.why)} for h in (result.hits if result else [])]
    context = {"q": q, "audience": audience, "department": department, "audiences": AUDIENCES, "departments": departments,
               "hits": hits, "understood": understood(result.understanding) if result else [],
               "next_cursor": result.next_cursor if result else None, "paged": bool(cursor), "errors": errors, "hints": HINTS}
    return render(request, "onestop/search/page.html", context, status=400 if errors and not result else 200)


@public
@require_GET
def suggest_fragment(request):
    q = (request.GET.get("q") or "").strip()[:svc.qu.MAX_QUERY]
    return render(request, "onestop/search/_suggestions.html", {"suggestions": sug.suggest(q) if q else [], "q": q})
