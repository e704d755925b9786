"""The GovStack Digital Registries endpoints (Data API and Database API 1.3.0), as plain Django views.

Plain views rather than a Ninja router: the spec's payloads are dynamic (each registry has its own record
schema), its paths carry a dotted ``{field}.{ext}`` segment, and its error statuses differ from /api/v1's.

Every request, in this order:

1. authentication — the platform's API key (``X-API-Key``, or ``Authorization: Bearer <key>`` / the bare key,
   the spec's ``apiKey`` scheme in the ``Authorization`` header), or an OAuth 2 access token issued by the
   platform's OpenID provider (``Authorization: Bearer <token>``). Never the browser session: these are
   machine endpoints (no CSRF token), so a missing or wrong credential answers 401 JSON with a
   ``WWW-Authenticate`` challenge;
2. the method (405 JSON);
3. the ``Information-Mediator-Client`` header the spec requires (``INSTANCE/CLASS/MEMBER/SUBSYSTEM``; 400);
4. the permission — ``registries.view`` to read, ``registries.govstack`` to write (403);
5. parameters and body (400 for a malformed request, 404 for an unknown registry or record, 422 for
   a record that violates the registry's schema, 409 for a duplicate ID or an ambiguous query).

Errors are ``{"code", "message" (中文), "detail"}``; the read endpoint's 404 carries the spec's
``"detail": "no record found"``. Nothing answers a 500 by design; anything unexpected is logged and
answered as the JSON 500 the rest of the platform uses.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from urllib.parse import unquote

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from digigov.core import context
from digigov.core.errors import DigiGovError, NotFound, Unauthenticated, ValidationFailed
from digigov.core.rbac.checks import can, require

from . import actions, selectors, usage
from .models import Database

log = logging.getLogger("digigov.govstack")

MEDIATOR = "Information-Mediator-Client"
MEDIATOR_RE = re.compile(r"^[^/\s]{1,64}/[^/\s]{1,64}/[^/\s]{1,64}/[^/\s]{1,128}$")
MAX_PAGE_SIZE = 100
MAX_OFFSET = 100_000
CHALLENGE = 'Bearer realm="digigov-govstack"'


class BadRequest(DigiGovError):
    status = 400
    code = "bad_request"
    message = "请求无效"


def _json(data, status=200, **headers):
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    for k, v in headers.items():
        response[k.replace("_", "-")] = v
    return response


def _error(exc: DigiGovError):
    response = _json(exc.as_body(), status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = CHALLENGE
    return response


def _credential(request) -> str:
    key = request.headers.get("X-API-Key", "")
    if key:
        return key.strip()
    auth = request.headers.get("Authorization", "").strip()
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return auth


def _authenticate(request):
    from digigov.core.api import ApiKeyAuth

    credential = _credential(request)
    if not credential:
        raise Unauthenticated("请提供 API 密钥（X-API-Key 或 Authorization 请求头）或 OAuth 访问令牌", code="unauthenticated")
    if credential.startswith("dg_"):
        return ApiKeyAuth().authenticate(request, credential)  # 401/429 as on /api/v1; sets the actor context
    from oauth2_provider.models import get_access_token_model

    token = (get_access_token_model().objects.select_related("user")
             .filter(token_checksum=hashlib.sha256(credential.encode()).hexdigest()).first())
    if token is None or not token.is_valid() or token.user is None or not token.user.is_active:
        raise Unauthenticated("访问令牌无效或已过期", code="invalid_token")
    user = token.user
    request.user = user
    actor = context.current_actor()
    context.set_actor(context.Actor(user.pk, user.username, actor.ip, actor.request_id, "api"))
    return user


def _mediator(request) -> str:
    value = request.headers.get(MEDIATOR, "")
    if not value:
        raise BadRequest("缺少 Information-Mediator-Client 请求头（格式：INSTANCE/CLASS/MEMBER/SUBSYSTEM）", code="missing_mediator_client")
    if not MEDIATOR_RE.match(value):
        raise BadRequest("Information-Mediator-Client 请求头格式应为 INSTANCE/CLASS/MEMBER/SUBSYSTEM", code="invalid_mediator_client",
                         detail={"header": MEDIATOR})
    return value


def endpoint(*methods: str):
    """Wrap a handler ``func(request, user, client, **path)`` with the checks above. The authorisation
    matrix sees ``@oauth``: the caller is authenticated by credential, never by session."""

    def deco(func):
        @csrf_exempt
        @functools.wraps(func)
        def view(request, **kwargs):
            token = context.set_actor(context.current_actor())
            try:
                user = _authenticate(request)
                if request.method not in methods:
                    response = _json({"code": "method_not_allowed", "message": "不支持该请求方法",
                                      "detail": {"allowed": list(methods)}}, status=405)
                    response["Allow"] = ", ".join(methods)
                    return response
                client = _mediator(request)
                return func(request, user, client, **kwargs)
            except DigiGovError as exc:
                return _error(exc)
            except Exception:  # noqa: BLE001 — logged; the client gets the platform's JSON 500
                log.exception("GovStack registries API error")
                return _json({"code": "internal_error", "message": "服务器内部错误，请联系管理员并提供请求ID",
                              "detail": {"request_id": getattr(request, "request_id", "")}}, status=500)
            finally:
                context.reset_actor(token)

        view.required_permission = "@oauth"
        return view

    return deco


# --- request parsing -----------------------------------------------------------------------------

def _body(request) -> dict:
    """The JSON object body: 413 over the size limit, 400 for anything unparseable (including nesting too deep
    to parse) or holding a NUL character (PostgreSQL's jsonb refuses it; no registry stores it)."""
    from django.core.exceptions import RequestDataTooBig

    from digigov.core.api import _reject_nul

    try:
        raw = request.body
    except RequestDataTooBig:
        raise DigiGovError("请求体超过大小限制", code="payload_too_large", status=413) from None
    try:
        data = json.loads(raw or b"null")
        _reject_nul(data)
    except RecursionError:
        raise BadRequest("请求体嵌套层级过深", code="invalid_json") from None
    except ValueError as exc:
        message = "文本中不能包含空字符（NUL）" if "空字符" in str(exc) else "请求体不是有效的 JSON"
        raise BadRequest(message, code="invalid_json") from None
    if not isinstance(data, dict):
        raise BadRequest("请求体应为 JSON 对象", code="invalid_body")
    return data


def _content(body: dict, key: str, required: bool):
    part = body.get(key)
    if part is None:
        if required:
            raise BadRequest(f"请求体缺少 {key}.content", code="invalid_body", detail={"field": f"{key}.content"})
        return None
    if not isinstance(part, dict) or not isinstance(part.get("content"), dict):
        raise BadRequest(f"{key}.content 应为 JSON 对象", code="invalid_body", detail={"field": f"{key}.content"})
    return part["content"]


def _int(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not low <= int(raw) <= high:
        raise BadRequest(f"参数 {name} 应为 {low} 到 {high} 之间的整数", code="invalid_parameter", detail={"parameter": name})
    return int(raw)


def _purpose(request) -> str:
    raw = request.headers.get("X-Purpose", "") or request.GET.get("purpose", "")
    text = unquote(raw).strip()
    if len(text) > 200:
        raise BadRequest("用途说明不能超过 200 个字符", code="invalid_purpose")
    return text


def _reader(request, user, client) -> selectors.Reader:
    return selectors.Reader(user=user, purpose=_purpose(request), client=client)


def _coerce(db: Database, field: str, text: str):
    """A query-string value as the JSON type the schema gives the field."""
    prop = db.schema.get("properties", {}).get(field) or {}
    types = prop.get("type")
    types = types if isinstance(types, list) else [types]
    try:
        if "integer" in types and re.fullmatch(r"-?[0-9]{1,18}", text):
            return int(text)
        if "number" in types and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
            return float(text)
    except ValueError:
        pass
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return text


def _registry(user, registry_name: str, version: str, perm: str = "registries.view") -> Database:
    db = selectors.database(registry_name, version)
    require(user, perm, db)
    return db


def _rendered(db, objs, user, reader) -> list[dict]:
    with transaction.atomic():
        out = [selectors.render(db, o, reader) for o in objs]
        actions.audit_clear_reads(user, db, reader)
    return out


# --- Data API ------------------------------------------------------------------------------------

@endpoint("GET")
def data_list(request, user, client, registry, version):
    db = _registry(user, registry, version)
    props = db.schema.get("properties", {})
    conditions = {}
    for key, value in request.GET.items():
        if key.startswith("query."):
            field = key[6:]
            if field not in props:
                raise BadRequest("查询字段不是登记簿定义的字段", code="unknown_field", detail={"parameter": key})
            conditions[field] = _coerce(db, field, value)
    search = request.GET.get("search", "")
    filter_field = request.GET.get("filter", "")
    if filter_field and filter_field not in props:
        raise BadRequest("filter 应为登记簿定义的字段名", code="unknown_field", detail={"parameter": "filter"})
    if search and filter_field:
        conditions[filter_field] = _coerce(db, filter_field, search)
    try:
        qs = selectors.matching(db, conditions)
    except ValidationFailed as exc:
        raise BadRequest(exc.message, code=exc.code, detail=exc.detail) from None
    if search and not filter_field:
        if len(search) > 100:
            raise BadRequest("search 不能超过 100 个字符", code="invalid_parameter", detail={"parameter": "search"})
        qs = qs.filter(selectors.search_q(db, search))
    ordering = request.GET.get("ordering", "") or "ascending"
    if ordering not in ("ascending", "asc", "descending", "desc"):
        raise BadRequest("ordering 应为 ascending 或 descending", code="invalid_parameter", detail={"parameter": "ordering"})
    page = _int(request, "page", 1, 1, MAX_OFFSET)
    size = _int(request, "pageSize", 10, 1, MAX_PAGE_SIZE)
    offset = (page - 1) * size
    if offset > MAX_OFFSET:
        raise BadRequest(f"只能翻到第 {MAX_OFFSET} 条记录为止，请用 query/filter 缩小范围", code="invalid_parameter", detail={"parameter": "page"})
    order = "id" if ordering.startswith("asc") else "-id"
    count = qs.count()
    rows = list(qs.order_by(order)[offset:offset + size])
    results = _rendered(db, rows, user, _reader(request, user, client))

    def link(p):
        params = request.GET.copy()
        params["page"] = str(p)
        params["pageSize"] = str(size)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return _json({
        "count": count,
        "next": link(page + 1) if offset + size < count else None,
        "previous": link(page - 1) if page > 1 and count else None,
        "results": results,
    })


@endpoint("POST")
def data_create(request, user, client, registry, version):
    db = _registry(user, registry, version, actions.PERM)
    content = _content(_body(request), "write", True)
    rec = actions.create_record(user, db, content)
    return _json({"content": _rendered(db, [rec], user, _reader(request, user, client))[0]})


def _query(db, body, write=None, required=False):
    content = _content(body, "query", required)
    if content is None:
        if write is None or not db.id_field or write.get(db.id_field) in (None, ""):
            raise BadRequest("请求体缺少 query.content（或在 write.content 中给出记录编号）", code="invalid_body",
                             detail={"field": "query.content"})
        content = {db.id_field: write[db.id_field]}
    try:
        return selectors.matching(db, content)
    except ValidationFailed as exc:
        raise BadRequest(exc.message, code=exc.code, detail=exc.detail) from None


@endpoint("POST")
def data_exists(request, user, client, registry, version):
    db = _registry(user, registry, version)
    found = _query(db, _body(request), required=True).exists()
    return _json({"answer": {"status": found, "message": "已找到符合条件的记录" if found else "未找到符合条件的记录"}})


@endpoint("POST")
def data_read(request, user, client, registry, version):
    db = _registry(user, registry, version)
    obj = _query(db, _body(request), required=True).order_by("id").first()
    if obj is None:
        raise NotFound("未找到符合条件的记录", code="record_not_found", detail="no record found")
    return _json({"content": _rendered(db, [obj], user, _reader(request, user, client))[0]})


@endpoint("PUT")
def data_update(request, user, client, registry, version):
    db = _registry(user, registry, version, actions.PERM)
    actions._read_only(db)
    body = _body(request)
    write = _content(body, "write", True)
    rec = actions.update_record(user, db, _query(db, body, write), write)
    return _json({"content": _rendered(db, [rec], user, _reader(request, user, client))[0]})


@endpoint("PUT")
def data_update_entries(request, user, client, registry, version):
    db = _registry(user, registry, version, actions.PERM)
    actions._read_only(db)
    body = _body(request)
    write = _content(body, "write", True)
    count = actions.update_entries(user, db, _query(db, body, required=True), write)
    return _json({"count": count})


@endpoint("POST")
def data_update_or_create(request, user, client, registry, version):
    db = _registry(user, registry, version, actions.PERM)
    actions._read_only(db)
    body = _body(request)
    write = _content(body, "write", True)
    rec, _created = actions.update_or_create(user, db, _query(db, body, write), write)
    return _json({"content": _rendered(db, [rec], user, _reader(request, user, client))[0]})


@endpoint("DELETE")
def data_delete(request, user, client, registry, version, ref):
    db = _registry(user, registry, version, actions.PERM)
    actions._read_only(db)
    rec = selectors.record_by_ref(db, ref)
    actions.delete_record(user, db, rec)
    return HttpResponse(status=204)


@endpoint("GET")
def data_read_value(request, user, client, registry, version, ref, field_ext):
    db = _registry(user, registry, version)
    field, dot, ext = field_ext.rpartition(".")
    if not dot or ext.lower() != "json":
        raise BadRequest("只支持 json 格式（路径以 .json 结尾）", code="unsupported_format", detail={"ext": ext})
    if field not in db.schema.get("properties", {}):
        raise NotFound("登记簿没有该字段", code="field_not_found", detail={"field": field})
    obj = selectors.record_by_ref(db, ref)
    value = _rendered(db, [obj], user, _reader(request, user, client))[0].get(field)
    return _json(value if isinstance(value, str) else {"value": value})


@endpoint("GET")
def my_personal_data_usage(request, user, client, **_):
    params = {k.lower(): v for k, v in request.GET.items()}
    user_id, database_id = params.get("userid", ""), params.get("databaseid", "")
    if not actions.ID_RE.match(user_id) or not any(c.isalnum() for c in user_id):
        raise BadRequest("userId 无效：应为 1 到 64 位字母、数字、“.”、“-”或“_”", code="invalid_user_id", detail={"parameter": "userId"})
    if not selectors.CODE_RE.match(database_id):
        raise BadRequest("databaseId 无效：应为登记簿代码", code="invalid_database_id", detail={"parameter": "databaseId"})
    return _json(usage.usage(user, user_id, database_id))


# --- Database API --------------------------------------------------------------------------------

def database_info(db: Database) -> dict:
    from . import openapi

    props = db.schema.get("properties", {})
    flags = [{"name": "mandatory", "path": f"/{f}"} for f in db.schema.get("required", []) if isinstance(f, str)]
    flags += [{"name": "personal", "path": f"/{f}"} for f in db.personal_fields]
    if db.id_field:
        flags.append({"name": "primaryKey", "path": f"/{db.id_field}"})
    services = openapi.READ_SERVICES if db.is_base else openapi.READ_SERVICES + openapi.WRITE_SERVICES
    return {
        "id": db.pk,
        "version": db.version,
        "name": db.name,
        "description": db.description,
        "institution": db.department.name if db.department_id else "市数据主管部门",
        "numberFormat": "{code}{indexNoByCode}",
        "schema": db.schema,
        "schemaTags": [{"name": str(p.get("title") or k), "path": f"/{k}", "isFulltext": k not in db.personal_fields
                        and (p.get("type") == "string" or "string" in (p.get("type") or []))}
                       for k, p in props.items() if isinstance(p, dict)],
        "schemaFlags": flags,
        "fieldsUniques": [[db.id_field]] if db.id_field else [],
        "isDraft": False,
        "isDisabled": False,
        "isArchived": False,
        "modifiedAt": db.modified_at.isoformat().replace("+00:00", "Z"),
        "byUserName": db.created_by.username if db.created_by_id else "system",
        "byUserAuthId": db.created_by_id or 0,
        "byOnBehalfOfUserAuthId": 0,
        "genericServices": [{"serviceId": i + 1, "name": name, "isVisible": True} for i, name in enumerate(services)],
        "dataIndexIncrement": db.data_index_increment,
        "hasLogo": False,
    }


@endpoint("GET")
def databases(request, user, client):
    require(user, "registries.view")
    visible = [db for db in selectors.databases() if can(user, "registries.view", db)]
    return _json({"id": 1, "name": "DigiGov 数字登记簿", "code": "DIGIGOV", "order": 1,
                  "databases": [database_info(db) for db in visible]})


@endpoint("GET", "DELETE")
def database(request, user, client, pk):
    if request.method == "DELETE":
        db = selectors.database_by_id(pk)
        actions.delete_database(user, db)
        return _json("Success")
    db = selectors.database_by_id(pk)
    require(user, "registries.view", db)
    return _json(database_info(db))


@endpoint("POST")
def database_modify(request, user, client):
    require(user, actions.PERM)
    body = _body(request)
    allowed = {"groupName", "group_name", "catalogName", "catalog_name", "code", "schema", "version"}
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise BadRequest("请求体含有未定义的字段", code="unknown_field", detail={"fields": unknown[:20]})
    if "code" not in body or "schema" not in body:
        raise BadRequest("请求体应包含 code 和 schema", code="invalid_body")
    db, created = actions.modify_database(
        user, code=body["code"], schema=body["schema"], version=body.get("version", "1.0"),
        group_name=body.get("groupName", body.get("group_name")), catalog_name=body.get("catalogName", body.get("catalog_name")))
    return _json(db.schema, Location=request.build_absolute_uri(f"../database/{db.pk}"))


def openapi_json(request):
    from . import openapi

    return _json(openapi.document(request.build_absolute_uri("/govstack/digital-registries/").rstrip("/")))


openapi_json.required_permission = "@public"
