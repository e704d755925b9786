"""The one REST API at /api/v1: session auth for browsers, API keys for machines,
one error body everywhere: ``{"code": ..., "message": "<中文>", "detail": ...}``.

Apps add their routers from ``AppConfig.ready()`` via ``register_router``.
"""


import datetime as dt
import decimal
import functools
import inspect
import logging
import re
import types
import typing
from typing import Annotated, Any, Callable, Generic, TypeVar, Union

from typing_extensions import TypeAliasType

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Router, Schema
from ninja.renderers import JSONRenderer
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.throttling import AuthRateThrottle
from ninja.security import APIKeyHeader, SessionAuth
from ninja.utils import check_csrf
from pydantic import BeforeValidator, ConfigDict, Field, Strict, StringConstraints, model_validator

from digigov.core import context
from digigov.core.errors import DigiGovError, Forbidden, RateLimited, Unauthenticated, ValidationFailed
from digigov.core.errors import get_or_404  # noqa: F401  (re-exported: api modules import it from here)
from digigov.core.rbac.checks import require

log = logging.getLogger("digigov.api")


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


def _reject_nul(value):
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("文本中不能包含空字符（NUL）")
    elif isinstance(value, dict):
        for k, v in value.items():
            _reject_nul(k)
            _reject_nul(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _reject_nul(v)
    return value


NUL_FREE = "^[^\\u0000]*$"  # what the NUL filter lets through, declared so clients (and fuzzers) know
# open JSON (form answers, case data, message payloads): any JSON document whose every text — keys included —
# is NUL-free, declared recursively so clients (and fuzzers) see exactly what the NUL filter enforces
NulFreeStr = Annotated[str, StringConstraints(pattern=NUL_FREE)]
_OpenJsonObject = Annotated[dict[NulFreeStr, "OpenJson"], Field(json_schema_extra={"additionalProperties": False})]
OpenJson = TypeAliasType("OpenJson", Union[_OpenJsonObject, list["OpenJson"], NulFreeStr, int, float, bool, None])
OpenObject = Annotated[dict[NulFreeStr, OpenJson], Field(json_schema_extra={"additionalProperties": False})]
NulFreeMap = Annotated[dict[NulFreeStr, NulFreeStr], Field(json_schema_extra={"additionalProperties": False})]  # text → text
# the characters str.strip() removes (str.isspace), spelled out: \s differs between Python and JavaScript regexes
_WS = "\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
# free text in a body: no NUL, and no whitespace at either end (refused, not silently cut, so that the declared
# lengths hold for what is sent); the same pattern is published and enforced
TEXT = f"^(?:[^{_WS}\\u0000](?:[^\\u0000]*[^{_WS}\\u0000])?)?$"
# a decimal given as text: plain digits with an optional sign and point (no exponent, NaN, digit separators)
DECIMAL_TEXT = "^[+-]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)$"
_DECIMAL_RE = re.compile(DECIMAL_TEXT)
_NUMERIC_RE = re.compile(r"^\s*[+-]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)(?:[eE][+-]?[0-9]+)?\s*$")


def _declare_nul_free(schema: dict) -> None:
    """Give a JSON-schema string without its own pattern/format/enum the NUL-free pattern (in place)."""
    for option in schema.get("anyOf", [schema]):
        if option.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(option):
            option["pattern"] = NUL_FREE


def _strict_scalars_schema(schema: dict, cls) -> None:
    for prop in schema.get("properties", {}).values():
        options = prop.get("anyOf", [prop])
        if {"number", "string"} <= {o.get("type") for o in options}:  # a decimal: number, or text as enforced
            for option in options:
                if option.get("type") == "string":
                    option["pattern"] = DECIMAL_TEXT
        _declare_nul_free(prop)
        if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
            _declare_nul_free(prop["items"])


def _integral_number(value):
    """JSON Schema counts 5.0 as an integer (and generic clients send it): take it as 5; 5.5, text and booleans
    are still refused by the strict integer check that follows."""
    if isinstance(value, float) and not isinstance(value, bool) and value.is_integer() and abs(value) <= 2**63:
        return int(value)
    return value


def _decimal_input(value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float, decimal.Decimal)):
        raise ValueError("应为数字")
    if isinstance(value, str) and not _DECIMAL_RE.match(value):
        raise ValueError("应为数字，如 1.5")
    return value


def _date_input(value):
    """Dates and times as ISO text only: pydantic would also read a number (or numeric text) as a Unix time."""
    if value is None or isinstance(value, (dt.date, dt.datetime)):
        return value
    if not isinstance(value, str) or _NUMERIC_RE.match(value):
        raise ValueError("日期时间应为 ISO 8601 文本，如 2026-01-31 或 2026-01-31T08:00:00+08:00")
    return value


IsoDateTime = Annotated[dt.datetime, BeforeValidator(_date_input)]  # for query parameters
IsoDate = Annotated[dt.date, BeforeValidator(_date_input)]

_STRICT_TYPES = (int, float, bool)


def _options(annotation) -> tuple:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


class StrictSchema(Schema):
    """Input schemas reject unknown fields (a typo is an error, not a silently dropped value)
    and NUL characters (no database stores them in text; PostgreSQL refuses them outright).

    What the published schema says is what is enforced, and nothing is quietly changed:

    * integers, numbers and booleans take only their own JSON type (pydantic's lax mode would take
      ``true`` or ``"5"`` for an integer and ``1`` or ``"yes"`` for a boolean); a decimal takes a number
      or plain numeric text; dates and times take ISO text, not a Unix time;
    * free text without its own pattern follows ``TEXT``: no NUL, no whitespace at either end (stripping
      would make an 18-character field accept 19 characters and refuse a padded 18).

    Query parameters still arrive as text and are parsed as declared."""

    model_config = ConfigDict(extra="forbid", regex_engine="python-re", json_schema_extra=_strict_scalars_schema)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs):
        super().__pydantic_init_subclass__(**kwargs)
        changed = False
        for field in cls.model_fields.values():
            options = _options(field.annotation)
            marks = field.metadata
            if any(o in _STRICT_TYPES for o in options) and not any(isinstance(m, Strict) for m in marks):
                marks.append(Strict())
                if int in options and bool not in options:  # outermost: runs before the strict check
                    marks.append(BeforeValidator(_integral_number))
                changed = True
            elif any(isinstance(m, BeforeValidator) for m in marks):
                continue  # inherited from a parent schema, already set
            elif decimal.Decimal in options:
                marks.insert(0, BeforeValidator(_decimal_input))
                changed = True
            elif dt.date in options or dt.datetime in options:
                marks.insert(0, BeforeValidator(_date_input))
                changed = True
            elif str in options and not any(getattr(m, "pattern", None) for m in marks):
                marks.append(StringConstraints(pattern=TEXT))
                changed = True
        if changed:
            cls.model_rebuild(force=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data):
        return _reject_nul(data)


class ErrorBody(Schema):
    code: str
    message: str
    detail: Any = None


class ApiKeyAuth(APIKeyHeader):
    """Machines: ``X-API-Key``. Checked before the session, and final once a key is presented: a wrong key
    answers 401 (never falls through to the session's CSRF check). No CSRF check here: a cross-site page
    cannot make a browser send a custom header, so a request carrying a key was not forged by one."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        from django.conf import settings

        from digigov.core import counters
        from digigov.core.accounts.actions import api_client_for_key
        from digigov.core.accounts.models import UserKind
        from digigov.core.web.middleware import client_ip

        if not key:
            return None  # no key: the session decides
        client = api_client_for_key(key)
        if client is None:
            # The key is checked first, so a valid key is never refused because of someone else's wrong guesses
            # from the same address (a NAT, a proxy). Keys carry 256 random bits: the count is not what keeps
            # them secret; it turns a flood of wrong keys into 429s and shows up in the logs. It is shared by
            # every worker process (database, or Redis when configured).
            limit = settings.DIGIGOV_API_KEY_MAX_FAILURES
            if limit and counters.hit(f"apikey:{client_ip(request)}", settings.DIGIGOV_LOGIN_WINDOW_SECONDS) > limit:
                log.warning("API key guessing from %s: refused", client_ip(request))
                raise RateLimited("API 密钥错误次数过多，请稍后再试", code="api_key_locked")
            raise Unauthenticated("API 密钥无效或已作废", code="invalid_api_key")
        user = client.user
        if user.kind != UserKind.SERVICE:
            # keys issued to a person or staff account before this was refused at creation: a key would be a
            # password that skips TOTP, lockout and CSRF for a human account
            raise Unauthenticated("该 API 密钥代表的不是系统账户，已停止使用；请为对接系统新建系统账户和密钥",
                                  code="api_key_not_service")
        request.user = user
        context.set_actor(context.Actor(user.pk, user.username, context.current_actor().ip,
                                        context.current_actor().request_id, "api"))
        return user


class _SettingsRate:
    """Read the rate from settings on every request, so operators (and tests) can change it."""

    setting = ""

    def __init__(self):
        super().__init__(rate="1/s")

    def allow_request(self, request):
        from django.conf import settings

        rate = getattr(settings, self.setting, None)
        if not rate:
            return True
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


class CallerThrottle(_SettingsRate, AuthRateThrottle):
    setting = "DIGIGOV_API_USER_RATE"


class SessionUser(SessionAuth):
    """Browsers: the Django session, with Django's CSRF check on unsafe methods. Without a logged-in session
    it simply does not apply (401 follows), rather than answering an anonymous caller with a CSRF error."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise Forbidden("CSRF 校验失败：请刷新页面后重试（请求需携带 X-CSRFToken）", code="csrf_failed")
        return request.user


ERROR_RESPONSES = {
    400: "请求无法解析：JSON 格式错误，或路径、查询参数中含空字符",
    401: "未登录，或 API 密钥无效、已作废、不属于系统账户",
    403: "无此操作的权限；或会话请求缺少 CSRF 令牌；或工作人员须先绑定动态口令",
    404: "对象不存在或不在权限范围内",
    409: "与对象当前状态冲突（如重复登记、已作废、已处理）",
    413: "请求体超过大小限制",
    422: "参数或提交的数据未通过校验",
    429: "请求过于频繁，或该地址 API 密钥错误次数过多",
}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def error_statuses(op, path: str) -> set[int]:
    """The error statuses an operation can really answer, from what it takes and does:

    * every operation: 401 (all need a caller), 403 (permission, CSRF, staff TOTP), 429 (rate, key guessing);
      a ``public`` operation (no caller, e.g. 验章) only 429;
    * 400 and 422 when it takes parameters or a body (unparseable JSON, NUL in the URL; failed validation);
    * 404 when its path names an object; 413 when it takes a body; 409 for writes (actions refuse
      conflicting states);
    * corrections declared on the view with ``@errors(...)`` (a body that names an object: 404; a write
      that cannot conflict: ``without=(409,)``)."""
    sources = {m.__ninja_param_source__ for m in op.models}
    statuses = {401, 403, 429}
    if getattr(op.view_func, "required_permission", None) == "@public":
        statuses = {429}  # no caller needed (``public``): nothing to authenticate or authorise, still rate-limited
    if sources:
        statuses |= {400, 422}
    if "{" in path:
        statuses.add(404)
    if sources & {"body", "form", "file"}:
        statuses.add(413)
    if set(op.methods) & UNSAFE_METHODS:
        statuses.add(409)
    statuses |= set(getattr(op.view_func, "extra_error_statuses", ()))
    statuses -= set(getattr(op.view_func, "absent_error_statuses", ()))
    return statuses


def errors(*statuses: int, without: tuple[int, ...] = ()) -> Callable:
    """Correct the error statuses documented for an operation (see ``error_statuses``). Put it under
    ``@permission``; e.g. ``@errors(404)`` for a create whose body names a division that may not exist."""

    def deco(func):
        func.extra_error_statuses = tuple(statuses)
        func.absent_error_statuses = tuple(without)
        return func

    return deco


class DigiGovAPI(NinjaAPI):
    """Checks each operation's declared permission right after authentication and *before* input
    parsing, so a caller without the permission gets 403 whatever the body holds (never a 422
    that would reveal the shape of an endpoint it may not use).

    OpenAPI documents, for each operation, the error statuses it can answer with the ``ErrorBody``
    schema, and the NUL-free pattern on text parameters (the middleware answers 400 to a NUL)."""

    def _get_bound_routers(self):
        bound = super()._get_bound_routers()
        for br in bound:
            for path, path_view in br.path_operations.items():
                for op in path_view.operations:
                    perm = getattr(op.view_func, "required_permission", None)
                    if perm and perm != "@public" and not getattr(op, "_digigov_gated", False):
                        op._run_checks = _gate(op, op._run_checks, perm)
                        op._digigov_gated = True
                    if not getattr(op, "_digigov_documented", False):
                        extra = dict(op.openapi_extra or {})
                        responses = dict(extra.get("responses", {}))
                        for status in sorted(error_statuses(op, path)):
                            responses.setdefault(status, {
                                "description": ERROR_RESPONSES[status],
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
                            })
                        extra["responses"] = responses
                        op.openapi_extra = extra
                        op._digigov_documented = True
        return bound

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        for methods in schema.get("paths", {}).values():
            for op in methods.values():
                for param in op.get("parameters", []):
                    if "schema" in param:
                        _declare_nul_free(param["schema"])
        return schema


def _gate(op, run_checks, perm: str):
    def checked(request):
        error = run_checks(request)
        if error:
            return error
        try:
            require(request.auth, perm)
        except DigiGovError as exc:
            return op.api.on_exception(request, exc)
        return None

    return checked


api = DigiGovAPI(
    title="DigiGov API",
    version="1",
    description="DigiGov 数字政府平台接口。浏览器使用会话认证（写操作需 CSRF 令牌 `X-CSRFToken`）；"
    "系统对接使用 `X-API-Key`（密钥只能代表系统账户，无需 CSRF 令牌，错误的密钥返回 401）。"
    "所有错误返回 `{code, message, detail}`。",
    urls_namespace="api",
    auth=[ApiKeyAuth(), SessionUser(csrf=True)],
    docs_url="/docs",
    renderer=ChineseJSONRenderer(),
    throttle=[CallerThrottle()],
)


def register_router(prefix: str, router: Router) -> None:
    if not any(p == prefix for p, _ in api._routers):
        api.add_router(prefix, router)


def error(request, status: int, code: str, message: str, detail: Any = None):
    return api.create_response(request, {"code": code, "message": message, "detail": detail}, status=status)


@api.exception_handler(DigiGovError)
def _digigov_error(request, exc: DigiGovError):
    return error(request, exc.status, exc.code, exc.message, exc.detail)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    detail = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors
    ]
    return error(request, 422, "validation_error", "请求参数校验失败", detail)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return error(request, 401, "unauthenticated", "请先登录或提供有效的 API 密钥")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    messages = {400: "请求无效", 401: "请先登录", 403: "无权执行此操作", 404: "对象不存在", 405: "不支持的请求方法", 429: "请求过于频繁，请稍后再试"}
    return error(request, exc.status_code, f"http_{exc.status_code}", messages.get(exc.status_code, str(exc)), str(exc))


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    response = error(request, 429, "rate_limited", "请求过于频繁，请稍后再试", {"retry_after_seconds": exc.wait})
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "not_found", "对象不存在或无权访问")


@api.exception_handler(ObjectDoesNotExist)
def _does_not_exist(request, exc):
    return error(request, 404, "not_found", "对象不存在或无权访问")


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc):
    return error(request, 403, "forbidden", "无权执行此操作")


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return error(request, 413, "payload_too_large", "请求体超过大小限制")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    log.exception("unhandled API error")
    return error(request, 500, "internal_error", "服务器内部错误，请联系管理员并提供请求ID", {"request_id": getattr(request, "request_id", "")})


def permission(perm: str) -> Callable:
    """Gate an API operation on one permission (checked before anything else), deny by default.

    Object-level scope is checked again inside the action with the object itself.
    """

    def deco(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            require(request.auth, perm)
            return func(request, *args, **kwargs)

        # ninja reads the parameters from the signature; resolve postponed annotations against the
        # view's own module so `from __future__ import annotations` in an api.py keeps working
        wrapper.__signature__ = inspect.signature(func, eval_str=True)
        wrapper.required_permission = perm
        return wrapper

    return deco


def public(func) -> Callable:
    """An operation anyone may call without logging in (declare ``auth=None`` on the route too), e.g. the
    public verification of a signed document. Such operations rate-limit their callers themselves."""
    func.__signature__ = inspect.signature(func, eval_str=True)
    func.required_permission = "@public"
    return func


T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list: ``response=Page[ItemOut]`` documents the item type in OpenAPI."""

    count: int | None = Field(description="总条数；百万级登记簿（自然人、法人、审计日志）不计数，为 null")
    page: int
    page_size: int
    has_next: bool
    items: list[T]


MAX_PAGE = 100_000


def paginate(qs: QuerySet, page: int, page_size: int, serialize: Callable, *, count: bool = True) -> dict:
    """One page of ``qs``. ``count=False`` for registries of millions of rows: no COUNT(*), and
    ``has_next`` comes from fetching one row more than the page holds."""
    if not 1 <= page <= MAX_PAGE:
        raise ValidationFailed(f"页码应在 1 到 {MAX_PAGE} 之间", code="bad_page")
    if not 1 <= page_size <= 500:
        raise ValidationFailed("每页条数应在 1 到 500 之间", code="bad_page_size")
    from digigov.core.web.listing import fetch_page  # the page arithmetic the list pages use too

    rows, has_next = fetch_page(qs, page, page_size)
    total = qs.count() if count else None
    return {"count": total, "page": page, "page_size": page_size, "has_next": has_next, "items": [serialize(o) for o in rows]}


class MeOut(Schema):
    public_id: str
    username: str
    display_name: str
    kind: str
    roles: list[str]
    server_time: str


@api.get("/me", response=MeOut, tags=["core"], summary="当前账户与角色")
def me(request):
    from digigov.core.rbac.checks import grants

    user = request.auth
    return {
        "public_id": user.public_id,
        "username": user.username,
        "display_name": user.display_name,
        "kind": user.kind,
        "roles": sorted({g.role for g in grants(user)}),
        "server_time": timezone.now().isoformat(),
    }


me.required_permission = None  # any authenticated caller
