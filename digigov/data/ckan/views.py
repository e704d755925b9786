"""The CKAN Action API subset at ``/api/3/action/<name>`` (and ``/api/action/<name>``, where ckanapi and
most harvesters call it): GET with query parameters or POST with a JSON object, CKAN's envelope
``{"help", "success", "result"}`` and its errors (404 Not Found Error, 409 Validation Error with the
field, 400 Bad request for an unknown action or a body that is not JSON). Read-only and public: no
session is used, so POST needs no CSRF token. Also ``/datastore/dump/<resource_id>`` (CSV, UTF-8 BOM)."""

from __future__ import annotations

import csv
import json

from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from digigov.core.web.decorators import public

from . import datastore, packages
from .packages import QueryError

CKAN_VERSION = "2.10.4"
API_VERSION = 3
MAX_BODY = 64 * 1024


class CkanError(Exception):
    def __init__(self, status: int, error: dict):
        super().__init__(error.get("message", ""))
        self.status, self.error = status, error


def not_found(what: str = "") -> CkanError:
    return CkanError(404, {"__type": "Not Found Error", "message": f"未找到{what}" if what else "未找到"})


def invalid(field: str, message: str) -> CkanError:
    return CkanError(409, {"__type": "Validation Error", "message": message, field: [message]})


def _int(params, name, default, low, high):
    value = params.get(name, default)
    if isinstance(value, bool):
        raise invalid(name, f"{name} 应为整数")
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise invalid(name, f"{name} 应为整数") from None
    if not low <= value <= high:
        raise invalid(name, f"{name} 应在 {low} 到 {high} 之间")
    return value


def _bool(params, name, default=False):
    value = params.get(name, default)
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("true", "1", "yes", "on")


def _str(params, name, default="", max_len=500):
    value = params.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise invalid(name, f"{name} 应为字符串")
    if len(value) > max_len or "\x00" in value:
        raise invalid(name, f"{name} 过长或含非法字符")
    return value


def _required(params, name):
    value = _str(params, name, max_len=100)
    if not value:
        raise invalid(name, "缺少必填参数")
    return value


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- the actions --------------------------------------------------------------------------------
def status_show(request, params):
    from digigov.data.opendata.selectors import public_datasets

    return {"ckan_version": CKAN_VERSION, "site_title": "示范市公共数据开放平台", "site_description": "DigiGov 公共数据开放平台（CKAN 兼容接口）",
            "site_url": _base(request), "locale_default": "zh_Hans_CN", "error_emails_to": None,
            "extensions": ["datastore", "dcat"], "package_count": public_datasets().count()}


def package_list(request, params):
    from digigov.data.opendata.selectors import public_datasets

    limit = _int(params, "limit", packages.MAX_ROWS, 0, packages.MAX_ROWS) if "limit" in params else None
    offset = _int(params, "offset", 0, 0, 10_000_000)
    qs = public_datasets().order_by("name").values_list("name", flat=True)
    return list(qs[offset:offset + limit] if limit is not None else qs[offset:offset + 100_000])


def package_search(request, params):
    rows = _int(params, "rows", packages.DEFAULT_ROWS, 0, packages.MAX_ROWS)
    start = _int(params, "start", 0, 0, 10_000_000)
    sort = _str(params, "sort", "", 200) or None
    facet_fields = params.get("facet.field")
    if isinstance(facet_fields, str) and facet_fields:
        try:
            facet_fields = json.loads(facet_fields)
        except ValueError:
            raise invalid("facet.field", "facet.field 应为 JSON 字符串列表") from None
    if facet_fields and (not isinstance(facet_fields, list) or not all(isinstance(f, str) for f in facet_fields)):
        raise invalid("facet.field", "facet.field 应为 JSON 字符串列表")
    facet_limit = _int(params, "facet.limit", 50, -1, 1000)
    try:
        found = packages.search(q=_str(params, "q", "", 200), fq=_str(params, "fq", "", 1000), rows=rows, start=start, sort=sort,
                                facet_fields=facet_fields or None, facet_limit=1000 if facet_limit < 0 else facet_limit,
                                base_url=_base(request))
    except QueryError as exc:
        raise invalid(exc.field, exc.message) from None
    search_facets = {name: {"title": name, "items": [{"name": k, "display_name": k, "count": n} for k, n in counts.items()]}
                     for name, counts in found.facets.items()}
    return {"count": found.count, "results": found.results, "sort": found.sort, "facets": found.facets,
            "search_facets": search_facets}


def package_show(request, params):
    ds = packages.get_package(_required(params, "id"))
    if ds is None:
        raise not_found("数据集")
    return packages.package_dict(ds, _base(request))


def _listing_args(params):
    limit = _int(params, "limit", 1000, 1, 1000) if "limit" in params else None
    return {"all_fields": _bool(params, "all_fields"), "limit": limit, "offset": _int(params, "offset", 0, 0, 1_000_000)}


def organization_list(request, params):
    return packages.organizations(sort=_str(params, "sort", "name asc", 40), **_listing_args(params))


def organization_show(request, params):
    from digigov.core.org.models import Department
    from digigov.data.opendata.selectors import public_datasets

    key = _required(params, "id")
    dept = (Department.objects.filter(pk__in=public_datasets().values("entry__department_id"))
            .filter(Q(public_id=key) | Q(code__iexact=key)).first())
    if dept is None:
        raise not_found("组织")
    own = packages.with_related(public_datasets().filter(entry__department=dept)).order_by("name")
    result = {**packages.organization_dict(dept), "display_name": dept.name, "package_count": own.count(),
              "users": [], "extras": [], "tags": [], "groups": []}
    if _bool(params, "include_datasets"):
        result["packages"] = [packages.package_dict(d, _base(request)) for d in own[:1000]]
    return result


def group_list(request, params):
    return packages.groups(**_listing_args(params))


def tag_list(request, params):
    return packages.tags(_str(params, "query", "", 100) or None)


def resource_show(request, params):
    from digigov.data.catalog.models import MountedResource, MountKind
    from digigov.data.opendata.selectors import public_datasets

    rid = _required(params, "id")
    mount = (MountedResource.objects.filter(public_id=rid, voided_at__isnull=True, kind__in=[MountKind.TABLE, MountKind.API]).first())
    ds = packages.with_related(public_datasets().filter(entry_id=mount.entry_id)).first() if mount else None
    if ds is None:
        raise not_found("资源")
    position = [m.pk for m in ds.entry.ckan_mounts].index(mount.pk) if mount.pk in [m.pk for m in ds.entry.ckan_mounts] else 0
    return packages.resource_dict(ds, mount, _base(request), position)


def datastore_search(request, params):
    rid = _required(params, "resource_id") if "resource_id" in params else _required(params, "id")
    limit = _int(params, "limit", datastore.DEFAULT_LIMIT, 0, datastore.MAX_LIMIT)
    offset = _int(params, "offset", 0, 0, datastore.MAX_OFFSET)
    try:
        ds, mount = datastore.public_table(rid)
    except datastore.NotOpen:
        raise not_found("资源") from None
    q = params.get("q", "")
    if isinstance(q, dict):
        raise invalid("q", "q 只支持全文字符串")
    q = _str(params, "q", "", 200)
    try:
        reader = datastore.Reader(ds, mount)
        found = reader.search(limit=limit, offset=offset, q=q, filters=datastore.parse_filters(params.get("filters")),
                              fields=datastore.parse_fields(params.get("fields")), sort=_str(params, "sort", "", 300) or None,
                              include_total=_bool(params, "include_total", True))
    except QueryError as exc:
        raise invalid(exc.field, exc.message) from None
    path = request.path
    links = {"start": f"{path}?resource_id={rid}&limit={limit}",
             "next": f"{path}?resource_id={rid}&limit={limit}&offset={offset + limit}"}
    return {"resource_id": rid, "fields": found["fields"], "records": found["records"], "total": found["total"],
            "total_was_estimated": False, "limit": limit, "offset": offset, "records_format": "objects",
            "include_total": True, "_links": links, **({"q": q} if q else {})}


ACTIONS = {f.__name__: f for f in (status_show, package_list, package_search, package_show, organization_list, organization_show,
                                   group_list, tag_list, resource_show, datastore_search)}


def _params(request) -> dict:
    if request.method == "POST":
        body = request.body
        if len(body) > MAX_BODY:
            raise CkanError(400, {"__type": "Bad request", "message": "请求体过大"})
        if body.strip():
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                raise CkanError(400, {"__type": "Bad request", "message": "Bad request - JSON Error: 请求体不是有效的 JSON"}) from None
            if not isinstance(data, dict):
                raise CkanError(400, {"__type": "Bad request", "message": "Bad request - JSON Error: 请求体应为 JSON 对象"})
            return data
        return {k: v for k, v in request.POST.items()}
    return {k: request.GET.get(k) for k in request.GET}


def _envelope(request, name: str, status: int, payload: dict) -> JsonResponse:
    help_url = f"{_base(request)}/api/3/action/help_show?name={name}"
    response = JsonResponse({"help": help_url, **payload}, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public
@csrf_exempt
def action(request, name: str):
    if request.method not in ("GET", "POST"):
        return _envelope(request, name, 405, {"success": False, "error": {"__type": "Bad request", "message": "只支持 GET 和 POST"}})
    fn = ACTIONS.get(name)
    if fn is None:
        return _envelope(request, name[:60], 400, {"success": False, "error": {
            "__type": "Bad request", "message": f"Bad request - Action name not known: {name[:60]}"}})
    try:
        params = _params(request)
        with transaction.atomic():  # one consistent snapshot per call (read-only)
            result = fn(request, params)
    except CkanError as exc:
        return _envelope(request, name, exc.status, {"success": False, "error": exc.error})
    return _envelope(request, name, 200, {"success": True, "result": result})


@public
def help_show(request):
    name = request.GET.get("name", "")
    fn = ACTIONS.get(name)
    if fn is None:
        return _envelope(request, "help_show", 404, {"success": False, "error": {"__type": "Not Found Error", "message": "未找到该接口"}})
    return _envelope(request, "help_show", 200, {"success": True, "result": f"CKAN 兼容接口 {name}，说明见 docs/ckan-dcat.md"})


class _Echo:
    def write(self, value):
        return value


@public
def datastore_dump(request, resource_id: str):
    try:
        ds, mount = datastore.public_table(resource_id)
    except datastore.NotOpen:
        return HttpResponse("未找到资源", status=404, content_type="text/plain; charset=utf-8")
    reader = datastore.Reader(ds, mount)
    names = [i.field_name for i in reader.columns]
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(["_id", *names])
        for n, row in enumerate(reader.iter_rows(), 1):
            yield writer.writerow([n, *(("" if row.get(c) is None else row.get(c)) for c in names)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ds.name}.csv"'
    response["Last-Modified"] = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response

