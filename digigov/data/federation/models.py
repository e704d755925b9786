"""平台级联（联邦）: two DigiGov instances — the city's and the province's (or a county's) — offer each
other catalog entries and serve each other's approved APIs through the same signed gateway protocol.

* ``FederationPeer`` — the other platform: its gateway address, the credential it issued to us
  (``remote_app_key`` + sealed ``remote_secret``, used to sign our calls to it), and the calling app we
  issued to it (``inbound_app``, a ``sharing.ConsumerApp`` of kind 级联平台). ``department`` is the local
  unit that runs the connection: it is the provider of the mirrored entries in our catalog, so its data
  administrators review local requests for them.
* What we offer a peer is an ordinary ``sharing.Subscription`` of the peer's inbound app (source 级联共享):
  the approved fields, the fields in clear and the period are enforced by our gateway exactly as for a
  department's app. The peer reads the list of its grants from ``GET /gw/v1/federation/catalog``.
* ``MirroredEntry`` — an entry a peer offers us, mirrored into our catalog (published, with an API mount
  pointing at the peer's gateway). Local departments request it through the normal 供需对接; our
  gateway proxies their calls to the peer, signing them with the peer's credential.
* ``SyncRun`` — one catalog synchronisation: how many entries the peer offered, and what changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel
from digigov.core.pii import EncryptedTextField

REMOTE_SECRET_PURPOSE = "federation.remote_secret"


class PeerLevel(models.TextChoices):
    PROVINCE = "province", _("上级平台（省级）")
    CITY = "city", _("同级平台")
    COUNTY = "county", _("下级平台（区县）")


class PeerStatus(models.TextChoices):
    ACTIVE = "active", _("启用")
    SUSPENDED = "suspended", _("暂停")


class SyncStatus(models.TextChoices):
    NEVER = "", _("从未同步")
    OK = "ok", _("同步成功")
    FAILED = "failed", _("同步失败")


class FederationPeer(PublicModel):
    code = models.CharField(_("平台代码"), max_length=16, unique=True, help_text=_("大写字母和数字，用作镜像目录代码的前缀"))
    name = models.CharField(_("平台名称"), max_length=100)
    level = models.CharField(_("级联关系"), max_length=16, choices=PeerLevel.choices, default=PeerLevel.PROVINCE)
    gateway_url = models.URLField(_("对方网关地址"), max_length=300)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="federation_peers",
                                   verbose_name=_("本地对接单位"))
    inbound_app = models.OneToOneField("sharing.ConsumerApp", on_delete=models.PROTECT, related_name="federation_peer",
                                       verbose_name=_("发给对方的调用应用"))
    remote_app_key = models.CharField(_("对方发给本平台的应用标识"), max_length=64, blank=True)
    remote_secret = EncryptedTextField(_("对方发给本平台的应用密钥"), max_length=64, blank=True, purpose=REMOTE_SECRET_PURPOSE)
    status = models.CharField(_("状态"), max_length=16, choices=PeerStatus.choices, default=PeerStatus.ACTIVE)
    last_sync_at = models.DateTimeField(_("最近同步时间"), null=True, blank=True)
    last_sync_status = models.CharField(_("最近同步结果"), max_length=8, choices=SyncStatus.choices, default=SyncStatus.NEVER, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("级联平台")
        verbose_name_plural = _("级联平台")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_credential(self) -> bool:
        return bool(self.remote_app_key and self.remote_secret)


class MirrorStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    WITHDRAWN = "withdrawn", _("对方已撤回")


class MirroredEntry(models.Model):
    peer = models.ForeignKey(FederationPeer, on_delete=models.PROTECT, related_name="mirrors", verbose_name=_("级联平台"))
    remote_code = models.CharField(_("对方资源代码"), max_length=64)
    remote_department = models.CharField(_("对方提供部门"), max_length=100, blank=True)
    entry = models.OneToOneField("catalog.CatalogEntry", on_delete=models.PROTECT, related_name="federation_mirror",
                                 verbose_name=_("本地镜像目录"))
    mount = models.ForeignKey("catalog.MountedResource", on_delete=models.PROTECT, related_name="+", verbose_name=_("级联接口"))
    digest = models.CharField(_("目录摘要"), max_length=64, help_text=_("对方目录内容的 SM3 摘要，未变化时不更新"))
    status = models.CharField(_("状态"), max_length=16, choices=MirrorStatus.choices, default=MirrorStatus.ACTIVE)
    synced_at = models.DateTimeField(_("同步时间"))

    class Meta:
        verbose_name = _("级联镜像目录")
        verbose_name_plural = _("级联镜像目录")
        constraints = [models.UniqueConstraint(fields=["peer", "remote_code"], name="federation_mirror_unique")]
        indexes = [models.Index(fields=["mount"])]

    def __str__(self) -> str:
        return f"{self.peer.code}:{self.remote_code}"


class SyncRun(PublicModel):
    peer = models.ForeignKey(FederationPeer, on_delete=models.PROTECT, related_name="sync_runs", verbose_name=_("级联平台"))
    status = models.CharField(_("结果"), max_length=8, choices=SyncStatus.choices)
    offered = models.PositiveIntegerField(_("对方提供条目数"), default=0)
    created = models.PositiveIntegerField(_("新增镜像"), default=0)
    updated = models.PositiveIntegerField(_("更新镜像"), default=0)
    withdrawn = models.PositiveIntegerField(_("撤回镜像"), default=0)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("执行人"))

    class Meta:
        verbose_name = _("目录同步记录")
        verbose_name_plural = _("目录同步记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["peer", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.peer.code} {self.created_at:%Y-%m-%d %H:%M}"
