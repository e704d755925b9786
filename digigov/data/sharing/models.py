"""政务数据共享交换: who may call which catalog resource, with which fields, for what.

* ``ConsumerApp`` — a calling application (应用): a department's system, an open-data developer's app or
  a peer platform (the province). It holds the app key (public) and the secret (SM4-GCM sealed: the
  gateway needs it in clear to check HMAC-SM3 signatures). The secret is shown once, on creation and
  on rotation.
* ``ShareRequest`` — 供需对接: a department asks for an entry's fields for a purpose, under a legal
  basis, for a period; the providing department approves, narrows (fewer fields, fewer in clear, a
  shorter period) or rejects. Approval creates a ``Subscription``; an unmet request (rejected, or asking
  for data no entry holds) feeds the catalog's 需求目录 (``catalog.DataDemand``).
* ``Subscription`` — the grant the gateway enforces: app × entry (× one mounted resource, or all of
  them), the approved field set, the fields approved in clear (the rest are masked by the entry's
  classification), the period, rate limit and daily quota. Every change bumps ``PolicyVersion`` so
  gateway processes reload their cached policy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel
from digigov.core.pii import EncryptedTextField

SECRET_PURPOSE = "sharing.app_secret"


class AppKind(models.TextChoices):
    DEPARTMENT = "department", _("部门应用")
    DEVELOPER = "developer", _("开发者应用")
    PEER = "peer", _("级联平台")


class AppStatus(models.TextChoices):
    ACTIVE = "active", _("启用")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("已注销")


class ConsumerApp(PublicModel):
    """A calling application and its credentials. ``app_key`` is public; ``secret`` signs requests."""

    name = models.CharField(_("应用名称"), max_length=100)
    kind = models.CharField(_("应用类型"), max_length=16, choices=AppKind.choices)
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="consumer_apps",
                                   verbose_name=_("所属部门"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="consumer_apps",
                              verbose_name=_("开发者"))
    description = models.CharField(_("应用说明"), max_length=500, blank=True)
    app_key = models.CharField(_("应用标识（AppKey）"), max_length=32, unique=True)
    secret = EncryptedTextField(_("应用密钥"), max_length=64, purpose=SECRET_PURPOSE)
    secret_rotated_at = models.DateTimeField(_("密钥生成时间"))
    status = models.CharField(_("状态"), max_length=16, choices=AppStatus.choices, default=AppStatus.ACTIVE)
    rate_limit = models.PositiveIntegerField(_("每秒调用上限"), default=50)
    daily_quota = models.PositiveIntegerField(_("每日调用配额"), default=100_000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人"))

    class Meta:
        verbose_name = _("调用应用")
        verbose_name_plural = _("调用应用")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["department", "status"]), models.Index(fields=["owner", "status"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind="department") | models.Q(department__isnull=False),
                                   name="sharing_app_department_has_department"),
            models.CheckConstraint(condition=~models.Q(kind="developer") | models.Q(owner__isnull=False),
                                   name="sharing_app_developer_has_owner"),
        ]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        if self.department_id:
            return self.department, self.department.division
        return None, None


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已同意")
    NARROWED = "narrowed", _("部分同意")
    REJECTED = "rejected", _("不予同意")
    WITHDRAWN = "withdrawn", _("已撤回")


class ShareRequest(PublicModel):
    """供需对接: one department's request for one entry's data (``fields`` are ``DataItem.field_name``)."""

    requester = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="share_requests_made", verbose_name=_("需求部门"))
    provider = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="share_requests_received",
                                 verbose_name=_("提供部门"))
    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="share_requests", verbose_name=_("目录条目"))
    app = models.ForeignKey(ConsumerApp, on_delete=models.PROTECT, related_name="share_requests", verbose_name=_("调用应用"))
    fields = models.JSONField(_("申请信息项"), default=list)
    clear_fields = models.JSONField(_("申请明文信息项"), default=list, blank=True)
    purpose = models.CharField(_("用途"), max_length=500)
    basis = models.CharField(_("依据"), max_length=500)
    period_start = models.DateField(_("使用期限起"))
    period_end = models.DateField(_("使用期限止"))
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    approved_fields = models.JSONField(_("同意信息项"), default=list, blank=True)
    approved_clear_fields = models.JSONField(_("同意明文信息项"), default=list, blank=True)
    approved_until = models.DateField(_("同意期限止"), null=True, blank=True)
    reply = models.CharField(_("答复意见"), max_length=500, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    demand = models.ForeignKey("catalog.DataDemand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("需求目录条目"))

    class Meta:
        verbose_name = _("共享申请")
        verbose_name_plural = _("共享申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["provider", "status"]), models.Index(fields=["requester", "status"])]
        constraints = [
            # one open (待审核) request per requester × entry × app: a double submit is refused, not duplicated
            models.UniqueConstraint(fields=["requester", "entry", "app"], condition=models.Q(status="submitted"),
                                    name="sharing_one_open_request"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.entry}"

    def rbac_scope(self):
        return self.provider, self.provider.division


class SubscriptionSource(models.TextChoices):
    SHARE_REQUEST = "share_request", _("共享申请")
    OPEN_PUBLIC = "open_public", _("无条件开放")
    OPEN_APPLICATION = "open_application", _("有条件开放申请")
    PEER = "peer", _("级联共享")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("已撤销")


class Subscription(PublicModel):
    """What the gateway enforces for one app on one entry: the approved fields (``fields``; empty means
    none), the fields in clear (``clear_fields``, a subset), the period and the limits."""

    app = models.ForeignKey(ConsumerApp, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("调用应用"))
    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("目录条目"))
    resource = models.ForeignKey("catalog.MountedResource", null=True, blank=True, on_delete=models.PROTECT, related_name="subscriptions",
                                 verbose_name=_("挂载资源"), help_text=_("为空表示条目下的全部挂载资源"))
    source = models.CharField(_("来源"), max_length=20, choices=SubscriptionSource.choices)
    share_request = models.OneToOneField(ShareRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="subscription",
                                         verbose_name=_("共享申请"))
    fields = models.JSONField(_("授权信息项"), default=list)
    clear_fields = models.JSONField(_("明文信息项"), default=list, blank=True)
    purpose = models.CharField(_("用途"), max_length=500)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE)
    rate_limit = models.PositiveIntegerField(_("每秒调用上限"), null=True, blank=True, help_text=_("为空时用应用的上限"))
    daily_quota = models.PositiveIntegerField(_("每日调用配额"), null=True, blank=True, help_text=_("为空时用应用的配额"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("授权人"))

    class Meta:
        verbose_name = _("共享授权")
        verbose_name_plural = _("共享授权")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["app", "status"]), models.Index(fields=["entry", "status"])]

    def __str__(self) -> str:
        return f"{self.app} · {self.entry}"

    def rbac_scope(self):
        return self.entry.rbac_scope()


class PolicyVersion(models.Model):
    """Single row counting changes to apps and subscriptions: gateways compare it to reload their cache."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("授权策略版本")
        verbose_name_plural = _("授权策略版本")


def bump_policy_version() -> None:
    """Call inside the transaction that changed an app or a subscription."""
    from django.db.models import F
    from django.utils import timezone

    if not PolicyVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=timezone.now()):
        PolicyVersion.objects.bulk_create([PolicyVersion(pk=1, version=1, changed_at=timezone.now())], ignore_conflicts=True)


# --- metering and the access log (written by the gateway and the exchange jobs) -------------------------
class UsageKind(models.TextChoices):
    CALL = "call", _("接口调用")
    EXCHANGE = "exchange", _("批量交换")
    RETURN = "return", _("数据回流")


class UsageDaily(models.Model):
    """One meter line per day × kind × app × entry × resource (the departments are denormalised for the
    charts; app and resource are plain ids, 0 for none, so the unique key has no NULLs on any database).
    Writers add to it with an upsert (``INSERT … ON CONFLICT DO UPDATE``), in batches; nothing ever lowers it."""

    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=UsageKind.choices, default=UsageKind.CALL)
    app_ref = models.BigIntegerField(_("调用应用ID"), default=0, help_text=_("ConsumerApp 的 ID；0 表示无（如数据回流）"))
    consumer = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("使用部门"))
    provider = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("提供部门"))
    entry = models.ForeignKey("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="+", verbose_name=_("目录条目"))
    resource_ref = models.BigIntegerField(_("挂载资源ID"), default=0, help_text=_("MountedResource 的 ID；0 表示条目整体"))
    calls = models.BigIntegerField(_("次数"), default=0)
    errors = models.BigIntegerField(_("失败次数"), default=0)
    rows = models.BigIntegerField(_("数据条数"), default=0)
    bytes = models.BigIntegerField(_("字节数"), default=0)

    class Meta:
        verbose_name = _("调用计量")
        verbose_name_plural = _("调用计量")
        ordering = ["-day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "app_ref", "entry", "resource_ref"], name="sharing_usage_line_unique"),
        ]
        indexes = [models.Index(fields=["day", "kind"]), models.Index(fields=["provider", "day"]), models.Index(fields=["consumer", "day"])]


class AccessRecord(models.Model):
    """One call through the gateway (or one exchange run): append-only, chained.

    ``hash = HMAC-SM3(access-log key, prev_hash ‖ canonical JSON of the record)``; ``seq`` is dense and
    assigned under the lock of ``AccessChainHead`` (one chain for all gateway processes), so a deleted,
    inserted or edited row breaks the chain from that row. ``response_hash`` is SM3 of the body sent.
    """

    seq = models.BigIntegerField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=UsageKind.choices, default=UsageKind.CALL)
    app_id = models.BigIntegerField(_("调用应用ID"), null=True, db_index=True)
    app_key = models.CharField(_("应用标识"), max_length=32, blank=True)
    consumer_id = models.BigIntegerField(_("使用部门ID"), null=True)
    provider_id = models.BigIntegerField(_("提供部门ID"), null=True, db_index=True)
    entry_id = models.BigIntegerField(_("目录条目ID"), null=True, db_index=True)
    resource_id = models.BigIntegerField(_("挂载资源ID"), null=True)
    method = models.CharField(_("请求方法"), max_length=8, blank=True)
    path = models.CharField(_("请求路径"), max_length=300, blank=True)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    status = models.PositiveSmallIntegerField(_("响应状态"))
    code = models.CharField(_("结果代码"), max_length=40, blank=True)
    rows = models.IntegerField(_("数据条数"), default=0)
    fields = models.CharField(_("返回信息项"), max_length=1000, blank=True)
    response_hash = models.CharField(_("响应摘要（SM3）"), max_length=64, blank=True)
    duration_us = models.IntegerField(_("耗时（微秒）"), default=0)
    node = models.CharField(_("网关节点"), max_length=64, blank=True)
    request_id = models.CharField(_("请求ID"), max_length=32, blank=True)
    prev_hash = models.CharField(_("前序摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64)

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-seq"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("访问记录只可追加，不可修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("访问记录不可删除")


class AccessChainHead(models.Model):
    """Single row: the access log's last sequence number and hash; locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("访问记录链头")
        verbose_name_plural = _("访问记录链头")


class SeenNonce(models.Model):
    """A nonce an app has used; the unique constraint is what refuses a replay across gateway processes.
    Rows older than twice the allowed clock skew are purged."""

    app_id = models.BigIntegerField()
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("已用随机数")
        verbose_name_plural = _("已用随机数")
        constraints = [models.UniqueConstraint(fields=["app_id", "nonce"], name="sharing_nonce_unique")]
