"""``POST /api/v1/privacy/aggregate`` — differentially private counts and sums, for calling apps only,
authenticated by the request signature of ``digigov.data.sharing.signing`` (``X-App-Key``, ``X-Timestamp``,
``X-Nonce``, ``X-Signature``); ``PUT /api/v1/privacy/policies/{entry_code}`` — the owning department's
policy (session or API key, ``privacy.configure`` on the entry)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.security.base import AuthBase

from digigov.core import context
from digigov.core.api import StrictSchema, errors, permission
from digigov.core.errors import Forbidden, NotFound, Unauthenticated
from digigov.data.catalog.models import CatalogEntry
from digigov.data.sharing import signing
from digigov.data.sharing.models import AppStatus, ConsumerApp, SeenNonce

from . import actions

router = Router(tags=["隐私计算"])


class SignedApp(AuthBase):
    """Ninja auth: a signed request → ``request.consumer_app`` (the ``ConsumerApp``); ``request.auth`` is the
    platform's system account, which acts for the app (the API's permission gate and the audit name it,
    the audit entry names the app key). A logged-in person without a signature gets 403
    (this door is for apps), anyone else 401 with the signature's error code. The OpenAPI schema documents
    it as its own security scheme (``SignedApp``: the app key header, signed as ``sharing/signing.py`` says)."""

    openapi_type = "apiKey"
    openapi_in = "header"
    openapi_name = signing.HEADER_APP_KEY
    openapi_description = "调用应用签名请求：X-App-Key、X-Timestamp、X-Nonce、X-Signature（HMAC-SM3，见 digigov/data/sharing/signing.py）"

    def __call__(self, request: HttpRequest):
        headers = request.headers
        if not headers.get(signing.HEADER_SIGNATURE) and getattr(request, "user", None) is not None and request.user.is_authenticated:
            raise Forbidden("隐私计算查询只接受调用应用的签名请求（X-App-Key、X-Timestamp、X-Nonce、X-Signature）",
                            code="signed_request_required")
        try:
            parts = signing.parse_headers(headers)
            app = ConsumerApp.objects.filter(app_key=parts.app_key).first()
            if app is None:
                raise signing.SignatureError("bad_signature", "签名无效")
            signing.check_signature(parts, app.secret, request.method, request.path, request.META.get("QUERY_STRING", ""), request.body)
        except signing.SignatureError as exc:
            raise Unauthenticated(exc.message, code=exc.code) from None
        if app.status != AppStatus.ACTIVE:
            raise Unauthenticated("应用已暂停或注销", code="app_inactive")
        try:
            with transaction.atomic():
                SeenNonce.objects.create(app_id=app.pk, nonce=parts.nonce, seen_at=timezone.now())
        except IntegrityError:
            raise Unauthenticated("请求随机数（X-Nonce）已使用过，疑似重放", code="replayed_nonce") from None
        from digigov.core.rbac.system import system_account

        system = system_account()  # the audit names the platform acting for the app (the app key is in the entry)
        actor = context.current_actor()
        context.set_actor(context.Actor(system.pk, system.username, actor.ip, actor.request_id, "api"))
        request.consumer_app = app
        system.__dict__.pop("_digigov_grants", None)
        return system  # request.auth: the platform's system account, acting for request.consumer_app


class PrivacyAggregateIn(StrictSchema):
    entry: str = Field(..., min_length=1, max_length=64, description="目录条目的资源代码")
    measure: str = Field(..., pattern="^(count|sum)$", description="count 计数；sum 对数值信息项求和")
    item: str | None = Field(None, max_length=64, description="求和的数值信息项（字段名）")
    group_by: str | None = Field(None, max_length=64, description="分组信息项（须有代码表）")
    filters: dict[str, str | int] | None = Field(None, description="筛选：字段名 → 值（相等）")
    epsilon: float | None = Field(None, gt=0, le=10, description="本次查询花费的隐私预算 ε，默认 0.1")


class PrivacyGroupOut(Schema):
    key: str
    label: str
    value: float | None
    suppressed: bool


class PrivacyBudgetOut(Schema):
    daily: float
    spent: float
    remaining: float
    resets_at: str


class PrivacyAggregateOut(Schema):
    entry: str
    measure: str
    item: str | None
    group_by: str | None
    epsilon: float
    noise_scale: float
    budget: PrivacyBudgetOut
    value: float | None = None
    groups: list[PrivacyGroupOut] | None = None


def _aggregate(request, payload: PrivacyAggregateIn):
    try:
        return actions.aggregate(request.consumer_app, actions.Query(**payload.dict()))
    except actions.BudgetExhausted as exc:
        from digigov.core.api import error

        response = error(request, 429, exc.code, exc.message, exc.detail)
        response["Retry-After"] = str(max(1, int((exc.resets_at - timezone.now()).total_seconds())))
        return response


_aggregate.required_permission = "privacy.aggregate"
_aggregate.extra_error_statuses = (404, 409, 429)
router.post("/aggregate", auth=SignedApp(), response=PrivacyAggregateOut, summary="差分隐私聚合查询（计数/求和，拉普拉斯噪声，按应用扣减隐私预算）",
            description="调用应用以签名请求（HMAC-SM3）查询受限资源的计数或求和；结果加拉普拉斯噪声，每次查询扣减该应用当日在该资源上的 ε 预算，"
                        "预算不足返回 429（budget_exhausted）并给出重置时间。")(_aggregate)


class PrivacyPolicyIn(StrictSchema):
    daily_epsilon: float = Field(1.0, gt=0, le=10, description="每个应用每日 ε 预算")
    max_query_epsilon: float = Field(0.5, gt=0, le=10, description="单次查询 ε 上限")
    min_group_count: int = Field(5, ge=0, le=1000, description="加噪计数低于该值的分组不给出结果")
    bounds: dict[str, list[float]] = Field(default_factory=dict, description="数值信息项 → [下限, 上限]")


class PrivacyBoundOut(Schema):
    field: str
    lower: float
    upper: float


class PrivacyPolicyOut(Schema):
    entry: str
    daily_epsilon: float
    max_query_epsilon: float
    min_group_count: int
    bounds: list[PrivacyBoundOut]


@router.put("/policies/{entry_code}", response=PrivacyPolicyOut, summary="设置资源的差分隐私策略（每日预算、单次上限、小组阈值、求和取值范围）")
@permission("privacy.configure")
@errors(404, 409)
def set_policy(request, entry_code: str, payload: PrivacyPolicyIn):
    entry = CatalogEntry.objects.filter(code=entry_code, voided_at__isnull=True).select_related("department").first()
    if entry is None:
        raise NotFound("资源不存在", code="entry_not_found")
    policy = actions.set_policy(request.auth, entry, daily_epsilon=payload.daily_epsilon, max_query_epsilon=payload.max_query_epsilon,
                                min_group_count=payload.min_group_count, bounds=payload.bounds)
    return {"entry": entry.code, "daily_epsilon": float(policy.daily_epsilon), "max_query_epsilon": float(policy.max_query_epsilon),
            "min_group_count": policy.min_group_count,
            "bounds": [{"field": k, "lower": lo, "upper": hi} for k, (lo, hi) in sorted(policy.bounds.items())]}
