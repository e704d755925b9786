"""The public open-data portal under ``/open/`` (no login to read) and its developer centre.

Home, the catalogue with Chinese search and filters (keyset pages), the dataset page (metadata, fields,
masked preview, chart, downloads, history, ratings, comments, showcase), downloads as CSV (UTF-8 BOM),
JSON and XLSX streamed from the table in keyset chunks, and the developer centre (apps and their
secret shown once, subscriptions, applications to call 有条件开放 datasets, the calling guide)."""

from __future__ import annotations

import csv
import datetime
import io
import json
import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from digigov.core.errors import DigiGovError, NotFound, get_or_404
from digigov.core.org.models import Department
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import public, requires
from digigov.data.catalog.models import Category, EntryRevision, MountedResource, OpenType, ResourceFormat, UpdateCycle
from digigov.data.sharing.actions import apps as app_actions
from digigov.data.sharing.models import AppKind, AppStatus, ConsumerApp, Subscription

from . import data, search
from .actions import portal
from .models import DatasetComment, DatasetRating, DatasetStatus, OpenApplication, OpenDataset, ReviewStatus, Showcase
from .selectors import public_datasets

FORMATS = {"csv", "json", "xlsx"}


def _dataset(name: str) -> OpenDataset:
    return get_or_404(public_datasets(), name=name)


# --- home and catalogue ----------------------------------------------------------------------------------
@public
@require_GET
def home(request):
    qs = public_datasets()
    stats = qs.aggregate(datasets=Count("id"), departments=Count("entry__department", distinct=True))
    categories = (qs.values("entry__category_id", "entry__category__name").annotate(n=Count("id")).order_by("-n", "entry__category__name")[:12])
    departments = (qs.values("entry__department_id", "entry__department__name").annotate(n=Count("id"))
                   .order_by("-n", "entry__department__name")[:12])
    return render(request, "opendata/home.html", {
        "stats": stats, "newest": list(qs.order_by("-opened_at", "-id")[:6]), "popular": list(qs.order_by("-download_count", "-id")[:6]),
        "categories": categories, "departments": departments,
        "showcases": list(Showcase.objects.filter(status=ReviewStatus.APPROVED, dataset__in=qs).select_related("dataset__entry")[:4]),
    })


def _int(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**62 else None


@public
@require_GET
def catalogue(request):
    g = request.GET
    filters = search.Filters()
    category_id, department_id = _int(g.get("category")), _int(g.get("department"))
    if category_id:
        filters.category_id = category_id
    if department_id:
        path = Department.objects.filter(pk=department_id).values_list("path", flat=True).first()
        filters.department_path = path or "\x00none"
    if g.get("open_type") in (OpenType.UNCONDITIONAL, OpenType.CONDITIONAL):
        filters.open_type = g["open_type"]
    if g.get("format") in ResourceFormat.values:
        filters.resource_format = g["format"]
    if g.get("cycle") in UpdateCycle.values:
        filters.update_cycle = g["cycle"]
    q = (g.get("q") or "").strip()[:100]
    error = ""
    try:
        rows, next_cursor = search.search(q, filters, after=g.get("after") or None, limit=20)
    except DigiGovError as exc:
        rows, next_cursor, error = [], None, exc.message
    params = g.copy()
    params.pop("after", None)
    base = params.urlencode()
    live = public_datasets()
    return render(request, "opendata/catalogue.html", {
        "rows": rows, "q": q, "error": error,
        "next_url": "?" + "&".join(p for p in (base, urlencode({"after": next_cursor})) if p) if next_cursor else "",
        "first_url": f"?{base}" if base else "?",
        "is_later_page": bool(g.get("after")),
        "categories": Category.objects.filter(pk__in=live.values("entry__category_id")).order_by("kind", "order", "code"),
        "departments": Department.objects.filter(pk__in=live.values("entry__department_id")).order_by("path"),
        "open_types": [(OpenType.UNCONDITIONAL.value, OpenType.UNCONDITIONAL.label), (OpenType.CONDITIONAL.value, OpenType.CONDITIONAL.label)],
        "formats": ResourceFormat.choices, "cycles": UpdateCycle.choices,
        "sel": {"category": category_id, "department": department_id, "open_type": g.get("open_type", ""),
                "format": g.get("format", ""), "cycle": g.get("cycle", "")},
    })


# --- the dataset page ------------------------------------------------------------------------------------
def _history(ds: OpenDataset) -> list[dict]:
    from digigov.core.registry import AUDIT_EVENTS

    out = [{"at": r.at, "what": f"目录第 {r.version} 版：{r.summary or AUDIT_EVENTS.get(r.action, '目录更新')}"}
           for r in EntryRevision.objects.filter(entry=ds.entry).only("at", "version", "summary", "action").order_by("-at", "-id")[:10]]
    out += [{"at": m.mounted_at, "what": f"数据更新：{m.name}（{m.record_count} 条）"}
            for m in MountedResource.objects.filter(entry=ds.entry, voided_at__isnull=True).order_by("-mounted_at")[:10]]
    from digigov.data.aggregation.models import Batch

    out += [{"at": b.committed_at, "what": f"数据归集入库 {b.rows} 条"}
            for b in Batch.objects.filter(entry=ds.entry).only("committed_at", "rows").order_by("-committed_at", "-id")[:10]]
    out.append({"at": ds.opened_at, "what": "在开放平台上线"})
    return sorted(out, key=lambda h: h["at"], reverse=True)[:15]


@public
@require_GET
def dataset(request, name):
    ds = _dataset(name)
    src, rows = data.preview(ds.entry)
    user = request.user
    my_rating = DatasetRating.objects.filter(dataset=ds, user=user).values_list("score", flat=True).first() if user.is_authenticated else None
    may_dl = portal.may_download(user, ds)
    my_apps = (list(ConsumerApp.objects.filter(owner=user, kind=AppKind.DEVELOPER, status=AppStatus.ACTIVE).order_by("name"))
               if user.is_authenticated and can(user, "sharing.develop") else [])
    return render(request, "opendata/dataset.html", {
        "ds": ds, "entry": ds.entry, "columns": src.items, "rows": rows, "has_data": src.table is not None,
        "chart": data.chart(ds.entry, src), "history": _history(ds), "may_download": may_dl,
        "personal_columns": [i.name for i in src.items if i.personal >= 1],
        "comments": list(DatasetComment.objects.filter(dataset=ds, hidden_at__isnull=True).select_related("user").order_by("-created_at", "-id")[:30]),
        "showcases": list(Showcase.objects.filter(dataset=ds, status=ReviewStatus.APPROVED).select_related("developer")[:10]),
        "can_participate": user.is_authenticated and can(user, "opendata.participate"), "my_rating": my_rating,
        "can_develop": user.is_authenticated and can(user, "sharing.develop"), "my_apps": my_apps,
        "conditional": ds.entry.open_type == OpenType.CONDITIONAL, "scores": range(1, 6),
    })


def _rows_for_download(request, name):
    ds = _dataset(name)
    if not portal.may_download(request.user, ds):
        raise DigiGovError("有条件开放的数据集需经提供部门同意调用申请后才能下载", code="application_required", status=403)
    src = data.source(ds.entry)
    if src.table is None:
        raise NotFound("该数据集暂无可下载的数据", code="no_data")
    portal.count_download(ds)
    return ds, src


def _filename(ds, ext):
    from urllib.parse import quote

    return f"attachment; filename=\"{ds.name}.{ext}\"; filename*=UTF-8''{quote(ds.entry.name)}.{ext}"


@public
@require_GET
def download(request, name, fmt):
    if fmt not in FORMATS:
        raise Http404
    ds, src = _rows_for_download(request, name)
    headers = [i.name for i in src.items]
    if fmt == "csv":
        def gen():
            buf = io.StringIO()
            writer = csv.writer(buf)
            yield "\ufeff"
            writer.writerow(headers)
            for n, row in enumerate(data.iter_rows(src), 1):
                writer.writerow(row)
                if n % 500 == 0:
                    yield buf.getvalue()
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue()
        response = StreamingHttpResponse(gen(), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        fields = src.fields

        def gen():
            yield '{"dataset": %s, "fields": %s, "rows": [' % (json.dumps(ds.name), json.dumps(
                [{"name": i.field_name, "title": i.name, "type": i.get_data_type_display()} for i in src.items], ensure_ascii=False))
            for n, row in enumerate(data.iter_rows(src)):
                yield ("," if n else "") + json.dumps(dict(zip(fields, row)), ensure_ascii=False)
            yield "]}"
        response = StreamingHttpResponse(gen(), content_type="application/json; charset=utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)  # rows go to a temporary file as they are written: memory stays flat
        ws = wb.create_sheet(ds.entry.name[:31] or "data")
        ws.append(headers)
        for row in data.iter_rows(src):
            ws.append(row)
        tmp = tempfile.TemporaryFile()
        wb.save(tmp)
        tmp.seek(0)
        response = FileResponse(tmp, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = _filename(ds, fmt)
    return response


@requires("opendata.participate")
@require_POST
def rate(request, name):
    ds = _dataset(name)
    try:
        portal.rate(request.user, ds, _int(request.POST.get("score")) or 0)
        messages.success(request, "评分已保存")
    except DigiGovError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("opendata:dataset", args=[ds.name]) + "#ratings")


@requires("opendata.participate")
@require_POST
def comment(request, name):
    ds = _dataset(name)
    try:
        portal.comment(request.user, ds, request.POST.get("body", ""))
        messages.success(request, "评论已发表")
    except DigiGovError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("opendata:dataset", args=[ds.name]) + "#comments")


@requires("sharing.develop")
@require_http_methods(["GET", "POST"])
def showcase_submit(request, name):
    ds = _dataset(name)
    form = {"title": "", "description": "", "url": ""}
    error = ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            portal.submit_showcase(request.user, ds, **form)
            messages.success(request, "已提交，提供部门审核通过后展示")
            return redirect("opendata:dataset", ds.name)
        except DigiGovError as exc:
            error = exc.message
    return render(request, "opendata/showcase_form.html", {"ds": ds, "form": form, "error": error}, status=400 if error else 200)


@public
@require_GET
def showcase(request):
    rows = (Showcase.objects.filter(status=ReviewStatus.APPROVED, dataset__in=public_datasets()).select_related("dataset__entry", "developer")
            .order_by("-reviewed_at", "-id")[:100])
    return render(request, "opendata/showcase.html", {"rows": rows})


# --- developers ------------------------------------------------------------------------------------------
def _my_app(request, public_id) -> ConsumerApp:
    return get_or_404(ConsumerApp.objects.filter(owner=request.user, kind=AppKind.DEVELOPER), public_id=public_id)


@requires("sharing.develop")
@require_http_methods(["GET", "POST"])
def call(request, name):
    """申请调用: 无条件开放 subscribes the chosen app at once; 有条件开放 files an application."""
    ds = _dataset(name)
    apps = list(ConsumerApp.objects.filter(owner=request.user, kind=AppKind.DEVELOPER, status=AppStatus.ACTIVE).order_by("name"))
    conditional = ds.entry.open_type == OpenType.CONDITIONAL
    today = datetime.date.today()
    form = {"app": "", "purpose": "", "intended_use": "", "period_start": today.isoformat(),
            "period_end": today.replace(year=today.year + 1).isoformat() if not (today.month == 2 and today.day == 29) else (today + datetime.timedelta(days=365)).isoformat()}
    error = ""
    if request.method == "POST":
        form.update({k: request.POST.get(k, "") for k in form})
        app = next((a for a in apps if a.public_id == form["app"]), None)
        try:
            if app is None:
                raise DigiGovError("请选择应用", code="app_required", status=400)
            if conditional:
                try:
                    start = datetime.date.fromisoformat(form["period_start"])
                    end = datetime.date.fromisoformat(form["period_end"])
                except ValueError:
                    raise DigiGovError("请按“年-月-日”填写使用期限", code="bad_date", status=400) from None
                portal.apply(request.user, ds, app, purpose=form["purpose"], intended_use=form["intended_use"], period_start=start, period_end=end)
                messages.success(request, "调用申请已提交，等待提供部门审核")
            else:
                portal.subscribe_public(request.user, ds, app)
                messages.success(request, f"已开通：应用“{app.name}”现在可以调用该数据集")
            return redirect("opendata:developer")
        except DigiGovError as exc:
            error = exc.message
    return render(request, "opendata/call.html", {"ds": ds, "apps": apps, "conditional": conditional, "form": form, "error": error},
                  status=400 if error else 200)


@requires("sharing.develop")
@require_GET
def developer(request):
    apps = list(ConsumerApp.objects.filter(owner=request.user, kind=AppKind.DEVELOPER).exclude(status=AppStatus.REVOKED).order_by("name", "id"))
    subs = (Subscription.objects.filter(app__owner=request.user, app__kind=AppKind.DEVELOPER).select_related("app", "entry")
            .order_by("-created_at", "-id")[:100])
    names = dict(OpenDataset.objects.filter(entry_id__in=[s.entry_id for s in subs]).values_list("entry_id", "name"))
    applications = (OpenApplication.objects.filter(applicant=request.user).select_related("dataset__entry", "app").order_by("-created_at", "-id")[:100])
    return render(request, "opendata/developer.html", {
        "apps": apps, "subs": [(s, names.get(s.entry_id)) for s in subs], "applications": applications,
        "max_apps": app_actions.MAX_DEVELOPER_APPS,
    })


@requires("sharing.develop")
@require_http_methods(["GET", "POST"])
def app_new(request):
    form = {"name": "", "description": ""}
    error = ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            app, secret = app_actions.create_app(request.user, kind=AppKind.DEVELOPER, name=form["name"], description=form["description"])
            return _secret_page(request, app, secret, new=True)
        except DigiGovError as exc:
            error = exc.message
    return render(request, "opendata/app_form.html", {"form": form, "error": error}, status=400 if error else 200)


@requires("sharing.develop")
@require_POST
def app_rotate(request, public_id):
    app = _my_app(request, public_id)
    try:
        secret = app_actions.rotate_secret(request.user, app)
    except DigiGovError as exc:
        messages.error(request, exc.message)
        return redirect("opendata:developer")
    return _secret_page(request, app, secret, new=False)


def _secret_page(request, app, secret: str, *, new: bool):
    """The one page that shows an app's secret: never stored by the browser or a proxy (as the sharing pages)."""
    response = render(request, "opendata/secret.html", {"app": app, "secret": secret, "new": new})
    response["Cache-Control"] = "no-store"
    return response


@public
@require_GET
def guide(request):
    return render(request, "opendata/guide.html", {"example_code": _example_code(request)})


def _example_code(request) -> str:
    base = f"{request.scheme}://{request.get_host()}"
    return f'''import json, secrets, time, urllib.parse, urllib.request
from cryptography.hazmat.primitives import hashes, hmac  # pip install cryptography（含国密 SM3）

APP_KEY = "你的 AppKey"
SECRET = "你的应用密钥"
BASE = "{base}"
PATH = "/gw/v1/resources/<资源代码>/rows"
QUERY = {{"limit": "20"}}


def sm3_hex(data: bytes) -> str:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    h = hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def signed_headers(method: str, path: str, query: dict, body: bytes = b"") -> dict:
    ts, nonce = str(int(time.time())), secrets.token_urlsafe(18)
    canonical = "&".join(f"{{urllib.parse.quote(k, safe='-_.~')}}={{urllib.parse.quote(v, safe='-_.~')}}" for k, v in sorted(query.items()))
    to_sign = "\\n".join((method.upper(), path, canonical, sm3_hex(body), ts, nonce))
    return {{"X-App-Key": APP_KEY, "X-Timestamp": ts, "X-Nonce": nonce,
            "X-Signature": hmac_sm3_hex(SECRET.encode(), to_sign.encode())}}


url = BASE + PATH + "?" + urllib.parse.urlencode(QUERY)
request = urllib.request.Request(url, headers=signed_headers("GET", PATH, QUERY))
with urllib.request.urlopen(request) as response:
    print(json.load(response))
'''
