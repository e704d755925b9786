"""政务云: the city's one resource pool, the clouds/机房 run across departments, the information
systems they host, quotas, allocations, utilisation and resource requests.

Every write goes through ``actions.py``. Records are voided, never deleted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digigov.core.models import VoidableModel, VoidableQuerySet


class ResourcePool(VoidableModel):
    """The city's 政务“一朵云” capacity (real city: 5844 vCPU, 20435 GB memory, 491 TB storage)."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    platform = models.ForeignKey(
        "cloud.CloudPlatform", null=True, blank=True, on_delete=models.PROTECT, related_name="pools", verbose_name=_("所属云平台"),
        help_text=_("迁移上云的信息系统将登记为部署在该云平台"),
    )
    vcpu_total = models.PositiveIntegerField(_("vCPU 总量（核）"))
    memory_gb_total = models.PositiveIntegerField(_("内存总量（GB）"))
    storage_tb_total = models.DecimalField(_("存储总量（TB）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("资源池")
        verbose_name_plural = _("资源池")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        # city-wide infrastructure: only unrestricted grants reach a pool as an object
        return None, None


class PlatformKind(models.TextChoices):
    CLOUD = "cloud", _("云平台")
    DATACENTER = "datacenter", _("自建机房")


class CloudPlatform(VoidableModel):
    """A cloud or 机房 run by a department at any level; ``integrated`` = 纳入全市政务“一朵云”管理体系."""

    name = models.CharField(_("名称"), max_length=100)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="cloud_platforms", verbose_name=_("运维单位"))
    kind = models.CharField(_("类型"), max_length=16, choices=PlatformKind.choices, default=PlatformKind.CLOUD)
    integrated = models.BooleanField(_("已整合融入“一朵云”"), default=False)
    integrated_on = models.DateField(_("整合日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("云平台")
        verbose_name_plural = _("云平台")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, self.department.division


class CloudStatus(models.TextChoices):
    MIGRATED = "migrated", _("已上云")
    PLANNED = "planned", _("待迁移")
    EXEMPT = "exempt", _("暂不上云（经批准）")


class HostedSystemQuerySet(VoidableQuerySet):
    def eligible(self):
        """The denominator of 上云率: active, non-classified, non-exempt systems."""
        return self.filter(voided_at__isnull=True, classified=False).exclude(cloud_status=CloudStatus.EXEMPT)


class HostedSystem(VoidableModel):
    """A government information system (政务信息系统) and where it runs."""

    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="hosted_systems", verbose_name=_("主管单位"))
    name = models.CharField(_("系统名称"), max_length=100)
    classified = models.BooleanField(_("涉密系统"), default=False, help_text=_("涉密系统部署在电子政务内网，不计入上云率"))
    cloud_status = models.CharField(_("上云状态"), max_length=16, choices=CloudStatus.choices, default=CloudStatus.PLANNED, db_index=True)
    platform = models.ForeignKey(CloudPlatform, null=True, blank=True, on_delete=models.PROTECT, related_name="systems", verbose_name=_("部署云平台"))
    went_live_on = models.DateField(_("上线日期"), null=True, blank=True)
    migrated_on = models.DateField(_("上云日期"), null=True, blank=True)
    planned_migration_on = models.DateField(_("计划迁移日期"), null=True, blank=True)
    exempt_reason = models.CharField(_("暂不上云理由"), max_length=200, blank=True)

    objects = HostedSystemQuerySet.as_manager()

    class Meta:
        verbose_name = _("信息系统")
        verbose_name_plural = _("信息系统")
        ordering = ["department_id", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], condition=Q(voided_at__isnull=True),
                                               name="uniq_active_system_name_per_department")]

    def __str__(self) -> str:
        return self.name

    def rbac_scope(self):
        return self.department, self.department.division

    @property
    def counts_as_migrated(self) -> bool:
        return not self.classified and self.cloud_status == CloudStatus.MIGRATED


class Quota(VoidableModel):
    """How much of a pool a department may hold in active allocations (its own, not its sub-units')."""

    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="cloud_quotas", verbose_name=_("单位"))
    pool = models.ForeignKey(ResourcePool, on_delete=models.PROTECT, related_name="quotas", verbose_name=_("资源池"))
    vcpu = models.PositiveIntegerField(_("vCPU（核）"))
    memory_gb = models.PositiveIntegerField(_("内存（GB）"))
    storage_tb = models.DecimalField(_("存储（TB）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("资源配额")
        verbose_name_plural = _("资源配额")
        constraints = [models.UniqueConstraint(fields=["department", "pool"], condition=Q(voided_at__isnull=True),
                                               name="uniq_active_quota_per_department_pool")]

    def __str__(self) -> str:
        return f"{self.department} · {self.pool}"

    def rbac_scope(self):
        return self.department, self.department.division


class Allocation(VoidableModel):
    """Resources granted to a department (optionally for one system). Released by voiding."""

    pool = models.ForeignKey(ResourcePool, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("资源池"))
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="cloud_allocations", verbose_name=_("单位"))
    system = models.ForeignKey(HostedSystem, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("信息系统"))
    request = models.OneToOneField("cloud.ResourceRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="allocation",
                                   verbose_name=_("来源申请"))
    vcpu = models.PositiveIntegerField(_("vCPU（核）"))
    memory_gb = models.PositiveIntegerField(_("内存（GB）"))
    storage_tb = models.DecimalField(_("存储（TB）"), max_digits=10, decimal_places=2)
    granted_at = models.DateTimeField(_("分配时间"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("分配人"))

    class Meta:
        verbose_name = _("资源分配")
        verbose_name_plural = _("资源分配")
        indexes = [models.Index(fields=["pool", "voided_at"])]

    def __str__(self) -> str:
        return f"{self.department} · {self.vcpu}vCPU/{self.memory_gb}GB/{self.storage_tb}TB"

    def rbac_scope(self):
        return self.department, self.department.division


class UtilisationSample(models.Model):
    """One measurement of a pool's utilisation (percentages 0-100). Measurements are facts: append-only."""

    pool = models.ForeignKey(ResourcePool, on_delete=models.PROTECT, related_name="samples", verbose_name=_("资源池"))
    at = models.DateTimeField(_("采样时间"))
    cpu_pct = models.FloatField(_("CPU 使用率（%）"))
    mem_pct = models.FloatField(_("内存使用率（%）"))
    storage_pct = models.FloatField(_("存储使用率（%）"))

    class Meta:
        verbose_name = _("资源使用率采样")
        verbose_name_plural = _("资源使用率采样")
        ordering = ["pool_id", "at"]
        constraints = [models.UniqueConstraint(fields=["pool", "at"], name="uniq_sample_per_pool_time")]

    def __str__(self) -> str:
        return f"{self.pool_id}@{self.at:%Y-%m-%d %H:%M}"

    def rbac_scope(self):
        return None, None

    def delete(self, *args, **kwargs):
        raise PermissionError("采样记录不可删除")


class RequestPurpose(models.TextChoices):
    NEW = "new", _("新建系统部署")
    MIGRATE = "migrate", _("已建系统迁移上云")
    EXPAND = "expand", _("扩容")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class ResourceRequest(VoidableModel):
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="cloud_requests", verbose_name=_("申请单位"))
    pool = models.ForeignKey(ResourcePool, on_delete=models.PROTECT, related_name="requests", verbose_name=_("资源池"))
    system = models.ForeignKey(HostedSystem, null=True, blank=True, on_delete=models.PROTECT, related_name="requests", verbose_name=_("信息系统"))
    purpose = models.CharField(_("用途"), max_length=16, choices=RequestPurpose.choices)
    vcpu = models.PositiveIntegerField(_("vCPU（核）"), default=0)
    memory_gb = models.PositiveIntegerField(_("内存（GB）"), default=0)
    storage_tb = models.DecimalField(_("存储（TB）"), max_digits=10, decimal_places=2, default=Decimal("0"))
    reason = models.CharField(_("申请理由"), max_length=500)
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请人"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("云资源申请")
        verbose_name_plural = _("云资源申请")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["department", "idempotency_key"], condition=~Q(idempotency_key=""),
                                               name="uniq_cloud_request_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_purpose_display()} · {self.vcpu}vCPU/{self.memory_gb}GB/{self.storage_tb}TB"

    def rbac_scope(self):
        return self.department, self.department.division
