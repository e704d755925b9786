"""Staff side of e-licence use at ``/workbench/support/licence-use/``: scan a holder's 亮证 QR or redeem a
grant code (``license.verify``), and 事项用证设置 — which items are licensing items and which licence types
they accept instead of paper (``license.manage``).

The result page shows the licence's fields in clear; the action has already written the ``pii.read`` entry."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from digigov.core.errors import DigiGovError, NotFound
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires

from . import grants, policy
from .models import LicenceType, LicenceUse
from .views_wallet import _fields, card


def _items():
    from digigov.support.workflow.models import ProcessDefinition

    rows = list(ProcessDefinition.objects.active().select_related("department").order_by("name")[:300])
    accepting = policy.accepting_process_ids(p.pk for p in rows)
    return [{"process": p, "accepts": p.pk in accepting} for p in rows]


def _process(public_id):
    from digigov.support.workflow.models import ProcessDefinition

    if not public_id:
        return None
    p = ProcessDefinition.objects.active().filter(public_id=public_id).first()
    if p is None:
        raise NotFound("事项不存在", code="not_found")
    return p


def _home(request, *, error: str = "", which: str = "", posted=None, status: int = 200):
    recent = LicenceUse.objects.filter(user=request.user).select_related("licence__licence_type", "process", "department").order_by("-at", "-id")[:20]
    return render(request, "license/use/home.html", {"items": _items(), "recent": recent, "error": error, "which": which,
                                                     "posted": posted or {}, "accepts_label": policy.ACCEPTS_LABEL,
                                                     "can_manage": can(request.user, "license.manage")}, status=status)


@requires("license.verify")
def home(request):
    return _home(request)


def _result(request, use):
    return render(request, "license/use/result.html", {"use": use, "c": card(use.licence), "fields": _fields(use.licence)})


@requires("license.verify")
@require_POST
def scan(request):
    try:
        use = grants.scan_present(request.user, request.POST.get("token", ""), process=_process(request.POST.get("process")),
                                  purpose=request.POST.get("purpose", ""))
    except DigiGovError as exc:
        return _home(request, error=exc.message, which="scan", posted=request.POST, status=exc.status)
    return _result(request, use)


@requires("license.verify")
@require_POST
def redeem(request):
    try:
        use = grants.redeem_grant(request.user, request.POST.get("code", ""), process=_process(request.POST.get("process")),
                                  purpose=request.POST.get("purpose", ""))
    except DigiGovError as exc:
        return _home(request, error=exc.message, which="redeem", posted=request.POST, status=exc.status)
    return _result(request, use)


# --- 事项用证设置 ----------------------------------------------------------------------------------------

def _policy_page(request, *, error: str = "", status: int = 200):
    rows = []
    for p in policy.manageable_processes(request.user)[:300]:
        try:
            pol = p.licence_policy
        except Exception:  # no policy yet
            pol = None
        types = list(pol.accepted_types.all()) if pol else []
        rows.append({"process": p, "licensing": bool(pol and pol.is_licensing), "types": types, "type_ids": {t.pk for t in types}})
    return render(request, "license/use/items.html", {"rows": rows, "types": list(LicenceType.objects.filter(active=True).order_by("name")),
                                                      "error": error, "accepts_label": policy.ACCEPTS_LABEL}, status=status)


@requires("license.manage")
def items(request):
    return _policy_page(request)


@requires("license.manage")
@require_POST
def item_set(request, public_id):
    process = policy.manageable_processes(request.user).filter(public_id=public_id).first()
    if process is None:
        raise NotFound("事项不存在或不在您的管理范围内", code="not_found")
    ids = [v for v in request.POST.getlist("types") if v]
    types = list(LicenceType.objects.filter(public_id__in=ids))
    try:
        policy.set_policy(request.user, process, is_licensing=request.POST.get("is_licensing") == "1", accepted_types=types)
    except DigiGovError as exc:
        return _policy_page(request, error=exc.message, status=exc.status)
    messages.success(request, f"已保存“{process.name}”的用证设置")
    return redirect("license_use:items")
