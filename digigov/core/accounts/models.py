"""Accounts: natural persons, legal persons and their agents, staff logins, API clients.

Personal fields (``PII_FIELDS``) are stored SM4-GCM encrypted (``digigov.core.pii``), looked up by ID
number through a blind index (``blind(NaturalPerson, "id_number", value)``), and shown masked except to
roles holding ``accounts.pii.view``; each unmasked read is written to the audit log. The OIDC provider (later issue) sits on ``User``.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel, VoidableModel, VoidableQuerySet
from digigov.core.pii import BlindIndexField, EncryptedQuerySetMixin, EncryptedTextField

from . import ids


def _check_name(obj, field: str, label: str, max_length: int) -> None:
    """Model-level name rule (admin forms, ``full_clean``): the same as the actions' (core.validators)."""
    from digigov.core.validators import name_error, normalize_name

    error = name_error(getattr(obj, field), label, max_length)
    if error:
        raise ValidationError({field: error}, code="invalid_name")
    setattr(obj, field, normalize_name(getattr(obj, field)))


def validate_resident_id(value: str) -> None:
    error = ids.resident_id_error(value)
    if error:
        raise ValidationError(error, code="invalid_resident_id")


def validate_uscc(value: str) -> None:
    error = ids.uscc_error(value)
    if error:
        raise ValidationError(error, code="invalid_uscc")


class UserKind(models.TextChoices):
    PERSON = "person", _("自然人")
    STAFF = "staff", _("工作人员")
    SERVICE = "service", _("系统账户")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("kind", UserKind.STAFF)
        return self.create_user(username, password, **extra)


class RealNameLevel(models.IntegerChoices):
    """实名等级 of an account: how strongly the person behind it has been verified (the highest step done).
    L1 a password account; L2 a one-time code to a verified phone or e-mail; L3 face verification."""

    L1 = 1, _("一级实名（口令）")
    L2 = 2, _("二级实名（短信/邮件验证码）")
    L3 = 3, _("三级实名（人脸核验）")


class User(AbstractBaseUser, PermissionsMixin, PublicModel):
    username = models.CharField(_("用户名"), max_length=64, unique=True)
    display_name = models.CharField(_("姓名/名称"), max_length=64)
    kind = models.CharField(_("账户类型"), max_length=16, choices=UserKind.choices, default=UserKind.PERSON)
    person = models.OneToOneField(
        "accounts.NaturalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="user", verbose_name=_("自然人")
    )
    realname_level = models.PositiveSmallIntegerField(_("实名等级"), choices=RealNameLevel.choices, default=RealNameLevel.L1)
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可进入管理后台"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("账户")
        verbose_name_plural = _("账户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self):
        super().clean()  # NFKC of the username (Django's normalize_username)
        _check_name(self, "display_name", "姓名/名称", 64)


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PersonQuerySet(EncryptedQuerySetMixin, VoidableQuerySet):
    pass


class NaturalPerson(VoidableModel):
    PII_FIELDS = ("id_number", "phone", "address")

    # encrypted at rest; the unique constraint is on the blind index (find a person with pii.blind)
    id_number = EncryptedTextField(_("公民身份号码"), max_length=18, validators=[validate_resident_id])
    id_number_bidx = BlindIndexField(_("公民身份号码盲索引"), source="id_number", unique=True)
    name = models.CharField(_("姓名"), max_length=32)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    phone = EncryptedTextField(_("手机号码"), max_length=11, blank=True)
    address = EncryptedTextField(_("住址"), max_length=200, blank=True)
    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("户籍区划"))

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        # name: the admin's prefix search (SQLite: a range; PostgreSQL: LIKE 'q%', hence the pattern opclass,
        # which other backends ignore)
        indexes = [models.Index(fields=["division", "name"]),
                   models.Index(fields=["name"], name="accounts_person_name_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        _check_name(self, "name", "姓名", 32)

    @property
    def id_number_masked(self) -> str:
        return ids.mask_resident_id(self.id_number)

    @property
    def phone_masked(self) -> str:
        return ids.mask_phone(self.phone)

    @property
    def address_masked(self) -> str:
        return ids.mask_text(self.address)

    def rbac_scope(self):
        return None, self.division


class LegalPersonKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("事业单位")
    SOCIAL = "social", _("社会组织")
    INDIVIDUAL = "individual", _("个体工商户")


class LegalPerson(VoidableModel):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=LegalPersonKind.choices, default=LegalPersonKind.ENTERPRISE)
    legal_representative = models.ForeignKey(
        NaturalPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="represents", verbose_name=_("法定代表人")
    )
    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("登记区划"))
    address = models.CharField(_("住所"), max_length=200, blank=True)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("法人")
        verbose_name_plural = _("法人")
        indexes = [models.Index(fields=["division", "name"]),
                   models.Index(fields=["name"], name="accounts_legal_name_idx", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        _check_name(self, "name", "名称", 100)

    def rbac_scope(self):
        return None, self.division


class AgentAuthorization(VoidableModel):
    """A person authorised to act for a legal person (企业经办人)."""

    legal_person = models.ForeignKey(LegalPerson, on_delete=models.PROTECT, related_name="agents", verbose_name=_("法人"))
    agent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("经办人"))
    scope = models.CharField(_("授权范围"), max_length=200, default="全部事项")
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业经办人授权")
        verbose_name_plural = _("企业经办人授权")
        constraints = [models.UniqueConstraint(fields=["legal_person", "agent"], condition=models.Q(voided_at__isnull=True), name="uniq_active_agent")]

    def __str__(self) -> str:
        return f"{self.legal_person} · 经办人 {self.agent}"

    def rbac_scope(self):
        return None, self.legal_person.division

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.voided_at is None and self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


class LoginAttempt(models.Model):
    """Every password attempt, for lockout and rate limiting. Usernames are stored, passwords never."""

    username = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(default=timezone.now)
    success = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("登录尝试")
        verbose_name_plural = _("登录尝试")
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.username} · {'成功' if self.success else '失败'}"


class LoginChannel(models.TextChoices):
    PORTAL = "portal", _("门户网站")
    H5 = "h5", _("移动端")
    WORKBENCH = "workbench", _("工作台")
    CLIENT = "client", _("第三方应用")


class LoginEvent(models.Model):
    """One successful login, by channel: the raw data of the daily-active-user KPIs (Table 1 rows 7 and 10).
    The audit log keeps the security record of the same login; this table is for counting, so it holds
    no address and no username, only the account and the channel (and the client for third-party logins)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("账户"))
    channel = models.CharField(_("渠道"), max_length=16, choices=LoginChannel.choices)
    client = models.CharField(_("第三方应用"), max_length=100, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        indexes = [models.Index(fields=["at", "channel"]), models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_channel_display()}"


class ApiClient(VoidableModel):
    """A machine caller. The key is shown once; only its SM3 HMAC is stored."""

    name = models.CharField(_("应用名称"), max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("代表账户"))
    key_prefix = models.CharField(_("密钥前缀"), max_length=8, db_index=True)
    key_hash = models.CharField(_("密钥摘要"), max_length=64)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 应用")
        verbose_name_plural = _("API 应用")

    def __str__(self) -> str:
        return self.name
