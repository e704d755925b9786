"""Staff pages of the open-data platform under ``/workbench/data/open/``: entries waiting to be opened,
opening with the privacy check's result (suggestions when it fails), the open datasets (withdraw,
re-open, keywords and licence), and the review queues (call applications, showcase, comments)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate
from digigov.data.catalog.models import CatalogEntry

from . import privacy, selectors
from .actions import datasets as ds_actions
from .actions import portal
from .actions.datasets import PrivacyCheckFailed
from .models import DatasetStatus, License, ReviewStatus


@requires("opendata.view")
@require_GET
def index(request):
    user = request.user
    datasets = selectors.staff_datasets(user).order_by("-opened_at", "-id")
    can_review = can(user, "opendata.review")
    return render(request, "opendata/staff/index.html", {
        "openable": list(selectors.openable_entries(user).order_by("code")[:50]) if can(user, "opendata.publish") else [],
        "can_publish": can(user, "opendata.publish"), "can_review": can_review,
        "counts": {"applications": selectors.applications_to_review(user).count(), "showcases": selectors.showcases_to_review(user).count()}
        if can_review else {},
        **paginate(request, datasets, 30, count=False),
    })


def _qi_choices(entry, chosen):
    items = list(entry.items.all().order_by("seq"))
    default = set(privacy.default_quasi_identifiers(items))
    return [{"item": i, "checked": i.field_name in (chosen if chosen is not None else default), "personal": i.personal >= 1}
            for i in items if i.level < 3]


@requires("opendata.publish")
@require_http_methods(["GET", "POST"])
def open_entry(request, public_id):
    entry = get_or_404(selectors.openable_entries(request.user), public_id=public_id)
    form = {"name": ds_actions.default_name(entry), "keywords": "", "license": License.OPEN_GOV}
    chosen, result, error, status = None, None, "", 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        chosen = request.POST.getlist("qi")
        try:
            ds, result = ds_actions.open_dataset(request.user, entry, name=form["name"], keywords=form["keywords"], license=form["license"],
                                                 quasi_identifiers=chosen)
            messages.success(request, f"已开放：{entry.name}" + (f"（k-匿名度 {result.k}）" if result.k else ""))
            return redirect("opendata_staff:dataset", ds.public_id)
        except PrivacyCheckFailed as exc:
            result, error, status = exc.result, exc.message, 422
        except DigiGovError as exc:
            error, status = exc.message, exc.status if 400 <= exc.status < 500 else 400
    return render(request, "opendata/staff/open.html", {
        "entry": entry, "form": form, "licenses": License.choices, "qis": _qi_choices(entry, chosen), "result": result, "error": error,
        "k_min": privacy.K_MIN,
    }, status=status)


@requires("opendata.view")
@require_http_methods(["GET", "POST"])
def dataset(request, public_id):
    ds = get_or_404(selectors.staff_datasets(request.user), public_id=public_id)
    can_publish = can(request.user, "opendata.publish", ds)
    error, result, status = "", None, 200
    if request.method == "POST":
        if not can_publish:
            return render(request, "web/error.html", {"error": DigiGovError("无权执行此操作", code="forbidden", status=403)}, status=403)
        op = request.POST.get("op")
        try:
            if op == "withdraw":
                ds_actions.withdraw_dataset(request.user, ds, reason=request.POST.get("reason", ""))
                messages.success(request, "数据集已下线")
            elif op == "reopen":
                ds_actions.reopen_dataset(request.user, ds)
                messages.success(request, "数据集已重新上线")
            elif op == "update":
                ds_actions.update_dataset(request.user, ds, keywords=request.POST.get("keywords", ""), license=request.POST.get("license"))
                messages.success(request, "已保存")
            else:
                raise DigiGovError("请选择操作", code="bad_op", status=400)
            return redirect("opendata_staff:dataset", ds.public_id)
        except PrivacyCheckFailed as exc:
            result, error, status = exc.result, exc.message, 422
        except DigiGovError as exc:
            error, status = exc.message, exc.status if 400 <= exc.status < 500 else 400
        ds.refresh_from_db()
    return render(request, "opendata/staff/dataset.html", {
        "ds": ds, "entry": ds.entry, "can_publish": can_publish, "licenses": License.choices, "error": error, "result": result,
        "is_open": ds.status == DatasetStatus.OPEN, "keywords": "，".join(ds.keywords), "k_min": privacy.K_MIN,
    }, status=status)


def _review_page(request, qs, template, decide):
    error = ""
    if request.method == "POST":
        obj = get_or_404(qs, public_id=request.POST.get("id", ""))
        try:
            decide(obj)
            messages.success(request, "已处理")
            return redirect(request.path)
        except DigiGovError as exc:
            error = exc.message
    return render(request, template, {"error": error, "decisions": [(ReviewStatus.APPROVED.value, "同意"), (ReviewStatus.REJECTED.value, "不同意")],
                                      **paginate(request, qs.order_by("-created_at", "-id"), 30, count=False)}, status=400 if error else 200)


@requires("opendata.review")
@require_http_methods(["GET", "POST"])
def applications(request):
    return _review_page(request, selectors.applications_to_review(request.user), "opendata/staff/applications.html",
                        lambda a: portal.decide_application(request.user, a, decision=request.POST.get("decision"), reply=request.POST.get("reply", "")))


@requires("opendata.review")
@require_http_methods(["GET", "POST"])
def showcases(request):
    return _review_page(request, selectors.showcases_to_review(request.user), "opendata/staff/showcases.html",
                        lambda s: portal.review_showcase(request.user, s, decision=request.POST.get("decision"), reply=request.POST.get("reply", "")))


@requires("opendata.review")
@require_http_methods(["GET", "POST"])
def comments(request):
    return _review_page(request, selectors.comments_to_moderate(request.user), "opendata/staff/comments.html",
                        lambda c: portal.hide_comment(request.user, c, reason=request.POST.get("reason", "")))
