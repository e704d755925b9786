"""我的证照 (the holder's wallet) in the portal at ``/my/licences/``: phone-first pages over ``wallet`` (reads)
and ``grants`` (writes). A refused action re-renders the page with its Chinese message, nothing written.

The grant code is shown once, in the response to the POST that made it (never stored, never redirected to)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from digigov.core.errors import DigiGovError
from digigov.core.web.decorators import requires
from digigov.core.web.listing import request_keyset

from . import grants, wallet
from .files import file_response
from .models import GranteeKind, LicenceStatus

PAGE = 20
STATUS_BADGE = {LicenceStatus.VALID: "ok", LicenceStatus.EXPIRED: "warn", LicenceStatus.REVOKED: "bad", LicenceStatus.SUPERSEDED: "muted"}
GRANT_BADGE = {"open": "ok", "used": "", "expired": "muted", "revoked": "muted"}
GRANT_HOURS = [(1, "1 小时"), (4, "4 小时"), (24, "1 天"), (72, "3 天"), (168, "7 天")]


def qr_svg(text: str) -> str:
    """An inline SVG QR code (the page's CSP allows no external images)."""
    import qrcode
    import qrcode.image.svg

    buf = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2).save(buf)
    svg = buf.getvalue().decode()
    return svg[svg.index("<svg"):]  # drop the XML declaration: it is embedded in HTML


def card(licence) -> dict:
    code, label = wallet.effective_status(licence)
    return {"licence": licence, "number": wallet.mask_number(licence.number), "status": label, "badge": STATUS_BADGE.get(code, ""),
            "usable": code == LicenceStatus.VALID}


def _grant_row(g) -> dict:
    state, label = grants.grant_state(g)
    return {"grant": g, "grantee": grants.grantee_label(g), "state": state, "label": label, "badge": GRANT_BADGE.get(state, "")}


def _use_row(u) -> dict:
    return {"use": u, "where": u.department.name if u.department_id else "—", "item": u.process.name if u.process_id else "—"}


@requires("license.hold")
def my_licences(request):
    rows, next_cursor, after = request_keyset(request, wallet.holder_licences(request.user), PAGE)
    return render(request, "license/wallet/list.html", {"cards": [card(lic) for lic in rows], "next_cursor": next_cursor, "after": after,
                                                        "open_grants": wallet.holder_grants(request.user).filter(used_at__isnull=True, revoked_at__isnull=True).count()})


def _fields(licence) -> list[tuple[str, str]]:
    data = licence.data or {}
    out = []
    for f in licence.licence_type.fields or []:
        if isinstance(f, dict) and f.get("key") in data:
            out.append((f.get("label") or "", data[f["key"]]))
    return out


def _choices(licence) -> dict:
    from digigov.core.org.models import Department
    from digigov.support.window.models import ServiceHall
    from digigov.support.workflow.models import ProcessDefinition

    return {
        "kinds": GranteeKind.choices,
        "departments": list(Department.objects.active().order_by("path").only("public_id", "name")[:500]),
        "halls": list(ServiceHall.objects.active().select_related("division").order_by("division__code", "name")[:200]),
        "processes": list(ProcessDefinition.objects.active().filter(licence_policy__accepted_types=licence.licence_type).distinct()
                          .order_by("name")[:200]),
        "hours": GRANT_HOURS,
    }


def _detail(request, licence, *, error: str = "", field: str = "", posted=None, granted=None, status: int = 200):
    return render(request, "license/wallet/detail.html", {
        "c": card(licence), "fields": _fields(licence),
        "grants": [_grant_row(g) for g in wallet.holder_grants(request.user, licence)[:20]],
        "uses": [_use_row(u) for u in wallet.holder_uses(request.user, licence)[:20]],
        "choices": _choices(licence), "error": error, "field": field, "posted": posted or {},
        "granted": granted, "granted_qr": qr_svg(granted.code) if granted else "",
        "refresh": grants.PRESENT_REFRESH_SECONDS,
    }, status=status)


@requires("license.hold")
def my_licence(request, public_id):
    return _detail(request, wallet.holder_licence(request.user, public_id))


@requires("license.hold")
def download(request, public_id, fmt):
    licence = wallet.holder_licence(request.user, public_id)
    return file_response(licence, fmt)


@requires("license.hold")
@require_POST
def present(request, public_id):
    """亮证: a fresh token as a QR; the fragment re-posts itself every ``PRESENT_REFRESH_SECONDS``."""
    licence = wallet.holder_licence(request.user, public_id)
    try:
        made = grants.present(request.user, licence)
    except DigiGovError as exc:
        if request.headers.get("HX-Request"):
            return render(request, "license/wallet/_present.html", {"error": exc.message, "licence": licence}, status=200)
        return _detail(request, licence, error=exc.message, status=exc.status)
    ctx = {"licence": licence, "code": made.code, "qr": qr_svg(made.code), "expires_at": made.expires_at,
           "refresh": grants.PRESENT_REFRESH_SECONDS, "ttl_minutes": int(grants.PRESENT_TTL.total_seconds() // 60)}
    if request.headers.get("HX-Request"):
        return render(request, "license/wallet/_present.html", ctx)
    return render(request, "license/wallet/present.html", ctx)


def _obj(model_qs, public_id):
    return model_qs.filter(public_id=public_id).first() if public_id else None


@requires("license.hold")
@require_POST
def grant(request, public_id):
    from digigov.core.org.models import Department
    from digigov.support.window.models import ServiceHall
    from digigov.support.workflow.models import ProcessDefinition

    licence = wallet.holder_licence(request.user, public_id)
    p = request.POST
    kind = p.get("grantee_kind", "")
    try:
        made = grants.grant_use(
            request.user, licence, grantee_kind=kind, purpose=p.get("purpose", ""), hours=p.get("hours") or 24,
            department=_obj(Department.objects.active(), p.get("department")) if kind == GranteeKind.DEPARTMENT else None,
            hall=_obj(ServiceHall.objects.active(), p.get("hall")) if kind == GranteeKind.WINDOW else None,
            process=_obj(ProcessDefinition.objects.active(), p.get("process")) if kind == GranteeKind.SERVICE else None,
        )
    except DigiGovError as exc:
        posted = {k: p.get(k, "") for k in ("grantee_kind", "department", "hall", "process", "purpose", "hours")}
        return _detail(request, licence, error=exc.message, field=(exc.detail or {}).get("field", "") if isinstance(exc.detail, dict) else "",
                       posted=posted, status=exc.status)
    return _detail(request, licence, granted=made)


@requires("license.hold")
@require_POST
def revoke(request, public_id):
    g = wallet.holder_grant(request.user, public_id)
    try:
        grants.revoke_grant(request.user, g)
    except DigiGovError as exc:
        return _detail(request, g.licence, error=exc.message, status=exc.status)
    messages.success(request, "授权已撤销")
    return redirect("my_licences:detail", public_id=g.licence.public_id)


@requires("license.hold")
def uses(request):
    rows, next_cursor, after = request_keyset(request, wallet.holder_uses(request.user), PAGE)
    return render(request, "license/wallet/uses.html", {"rows": [_use_row(u) for u in rows], "next_cursor": next_cursor, "after": after})


@requires("license.hold")
def grant_list(request):
    rows = [_grant_row(g) for g in wallet.holder_grants(request.user)[:100]]
    return render(request, "license/wallet/grants.html", {"rows": rows})
