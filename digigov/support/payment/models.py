"""统一公共支付 (non-tax and public payments) and 电子票据: payment orders, channel transactions, signed
notifications, refunds, reconciliation and e-bills.

Our side:

* ``PayableItem`` — what can be paid: a 非税收入 item (collecting department, legal basis, standard amount) or a
  便民缴费 payee (医保缴费, 供暖费, 停车费, 学杂费, 燃气费, 水费) with its payee's name;
* ``ConvenienceBill`` — the bill table a convenience payee publishes (account number → amount due for a period);
* ``PaymentOrder`` — one 缴款单: order number, the 20-digit 缴款码 (check digit, like the 非税 缴款识别码), payer,
  amount (immutable once created: refused in ``save`` and by a database trigger), collecting department, what
  it pays for (``reference_kind``/``reference_id``), status, expiry;
* ``ChannelTrade`` — our record of one transaction opened at a channel (an order may open several: a cancelled
  cashier then a second try); ``out_trade_no`` is the number the channel knows us by;
* ``Notification`` — every notification a channel sent, verified or not, with what we did with it;
* ``Refund``; ``ReconciliationRun`` + ``ReconciliationItem`` (the day's mismatches); ``EBill`` (电子票据).

The channel's side (``Sandbox*``) stands for the payment channel's own database: only
``channels/sandbox.py`` touches those tables and it never reads ours.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digigov.core.models import PublicModel


def yuan(cents: int | None) -> str:
    """¥ amount for people: 12345 → "123.45"."""
    if cents is None:
        return "—"
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100:,}.{cents % 100:02d}"


class PayableKind(models.TextChoices):
    NONTAX = "nontax", _("非税收入")
    CONVENIENCE = "convenience", _("便民缴费")


class ConvenienceCategory(models.TextChoices):
    MEDICAL = "medical", _("医保缴费")
    HEATING = "heating", _("供暖费")
    PARKING = "parking", _("停车费")
    TUITION = "tuition", _("学杂费")
    GAS = "gas", _("燃气费")
    WATER = "water", _("水费")


class PayableItem(PublicModel):
    code = models.CharField(_("项目编码"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=PayableKind.choices)
    category = models.CharField(_("便民缴费类别"), max_length=16, choices=ConvenienceCategory.choices, blank=True)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="payable_items",
                                   verbose_name=_("执收单位"))
    payee = models.CharField(_("收款单位"), max_length=100, blank=True, help_text=_("便民缴费的收款单位，如水务集团"))
    legal_basis = models.CharField(_("收费依据"), max_length=300, blank=True)
    standard_cents = models.PositiveBigIntegerField(_("收费标准（分）"), null=True, blank=True)
    account_label = models.CharField(_("户号名称"), max_length=20, blank=True, help_text=_("如 用户号、车牌号、学号"))
    active = models.BooleanField(_("启用"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("缴费项目")
        verbose_name_plural = _("缴费项目")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name


class ConvenienceBill(PublicModel):
    """One line of a payee's bill table: what ``account_no`` owes for ``period``."""

    payable = models.ForeignKey(PayableItem, on_delete=models.PROTECT, related_name="bills", verbose_name=_("缴费项目"))
    account_no = models.CharField(_("户号"), max_length=32)
    holder_name = models.CharField(_("户名"), max_length=100)
    period = models.CharField(_("账期"), max_length=20)
    amount_due_cents = models.PositiveBigIntegerField(_("应缴金额（分）"))
    settled_order = models.ForeignKey("PaymentOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("缴款单"))
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("应缴账单")
        verbose_name_plural = _("应缴账单")
        constraints = [models.UniqueConstraint(fields=["payable", "account_no", "period"], name="payment_bill_unique_period")]

    def __str__(self):
        return f"{self.payable.name}账单（{self.period}）"


class OrderStatus(models.TextChoices):
    UNPAID = "unpaid", _("待缴费")
    PAYING = "paying", _("支付中")
    PAID = "paid", _("已缴费")
    CLOSED = "closed", _("已关闭")
    REFUNDED = "refunded", _("已退款")
    PARTIALLY_REFUNDED = "partially_refunded", _("部分退款")


OPEN_STATUSES = (OrderStatus.UNPAID, OrderStatus.PAYING)
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)


class ImmutableAmount(Exception):
    pass


class PaymentOrder(PublicModel):
    number = models.CharField(_("缴款单号"), max_length=24, unique=True)
    payment_code = models.CharField(_("缴款码"), max_length=20, unique=True)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_orders", verbose_name=_("缴款人"))
    subject = models.CharField(_("缴费事项"), max_length=100)
    amount_cents = models.PositiveBigIntegerField(_("金额（分）"))
    refunded_cents = models.PositiveBigIntegerField(_("已退金额（分）"), default=0)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="payment_orders", verbose_name=_("执收单位"))
    payable = models.ForeignKey(PayableItem, null=True, blank=True, on_delete=models.PROTECT, related_name="orders", verbose_name=_("缴费项目"))
    reference_kind = models.CharField(_("业务类型"), max_length=40, blank=True)
    reference_id = models.CharField(_("业务编号"), max_length=64, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.UNPAID)
    expires_at = models.DateTimeField(_("缴费截止时间"))
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    channel = models.CharField(_("支付渠道"), max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("开单人"))
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("缴款单")
        verbose_name_plural = _("缴款单")
        indexes = [models.Index(fields=["reference_kind", "reference_id"]), models.Index(fields=["status", "-created_at"]),
                   models.Index(fields=["department", "-created_at"]), models.Index(fields=["paid_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_order_amount_positive"),
            models.CheckConstraint(condition=Q(refunded_cents__lte=models.F("amount_cents")), name="payment_order_refund_le_amount"),
            models.UniqueConstraint(fields=["payer", "idempotency_key"], condition=~Q(idempotency_key=""), name="payment_order_idempotency"),
            models.UniqueConstraint(fields=["reference_kind", "reference_id"], condition=Q(status__in=["unpaid", "paying"]) & ~Q(reference_kind=""),
                                    name="payment_order_one_open_per_reference"),
        ]

    def __str__(self):
        return f"缴款单 {self.number}"

    @property
    def amount_yuan(self) -> str:
        return yuan(self.amount_cents)

    @property
    def refundable_cents(self) -> int:
        return self.amount_cents - self.refunded_cents if self.status in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED) else 0

    def save(self, *args, **kwargs):
        # the amount is what the payer agreed to pay: never changed after creation (the database refuses it too)
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("amount_cents", flat=True).first()
            if stored is not None and stored != self.amount_cents:
                raise ImmutableAmount("缴款单金额创建后不能修改")
        super().save(*args, **kwargs)


class TradeStatus(models.TextChoices):
    CREATED = "created", _("待支付")
    PAID = "paid", _("已支付")
    CLOSED = "closed", _("已关闭")


class ChannelTrade(PublicModel):
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="trades", verbose_name=_("缴款单"))
    channel = models.CharField(_("支付渠道"), max_length=20)
    out_trade_no = models.CharField(_("商户交易号"), max_length=32, unique=True)
    channel_trade_no = models.CharField(_("渠道交易号"), max_length=64, blank=True)
    amount_cents = models.PositiveBigIntegerField(_("金额（分）"))
    status = models.CharField(_("状态"), max_length=16, choices=TradeStatus.choices, default=TradeStatus.CREATED)
    redirect_url = models.CharField(_("收银台地址"), max_length=300, blank=True)
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("渠道交易")
        verbose_name_plural = _("渠道交易")
        indexes = [models.Index(fields=["channel", "paid_at"])]

    def __str__(self):
        return f"渠道交易 {self.out_trade_no}"


class NotificationResult(models.TextChoices):
    PAID = "paid", _("已入账")
    DUPLICATE = "duplicate", _("重复通知，已确认")
    BAD_SIGNATURE = "bad_signature", _("签名验证失败")
    AMOUNT_MISMATCH = "amount_mismatch", _("金额不符，拒绝入账")
    UNKNOWN_TRADE = "unknown_trade", _("交易不存在")
    LATE_REFUNDED = "late_refunded", _("缴款单已关闭，已自动退款")
    IGNORED = "ignored", _("无需处理")


class Notification(models.Model):
    channel = models.CharField(_("支付渠道"), max_length=20)
    dedupe_key = models.CharField(_("通知编号"), max_length=64, blank=True, db_index=True)
    out_trade_no = models.CharField(_("商户交易号"), max_length=32, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    body = models.TextField(_("通知内容"))
    signature_ok = models.BooleanField(_("签名有效"), default=False)
    processed = models.BooleanField(_("已处理"), default=False)
    result = models.CharField(_("处理结果"), max_length=20, choices=NotificationResult.choices)
    order = models.ForeignKey(PaymentOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("缴款单"))

    class Meta:
        verbose_name = _("支付通知")
        verbose_name_plural = _("支付通知")

    def __str__(self):
        return f"支付通知 {self.dedupe_key or self.pk}"


class RefundStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("退款成功")
    FAILED = "failed", _("退款失败")


class Refund(PublicModel):
    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("缴款单"))
    trade = models.ForeignKey(ChannelTrade, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("渠道交易"))
    out_refund_no = models.CharField(_("退款单号"), max_length=32, unique=True)
    amount_cents = models.PositiveBigIntegerField(_("退款金额（分）"))
    reason = models.CharField(_("退款原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=RefundStatus.choices)
    automatic = models.BooleanField(_("自动退款"), default=False, help_text=_("已关闭的缴款单收到渠道的迟到支付时自动退回"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人"))
    settled_at = models.DateTimeField(_("退款时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_refund_amount_positive")]

    def __str__(self):
        return f"退款 {self.out_refund_no}"


class ReconciliationRun(PublicModel):
    channel = models.CharField(_("支付渠道"), max_length=20)
    day = models.DateField(_("对账日期"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("对账人"))
    ours_count = models.PositiveIntegerField(_("我方笔数"), default=0)
    channel_count = models.PositiveIntegerField(_("渠道笔数"), default=0)
    matched_count = models.PositiveIntegerField(_("一致笔数"), default=0)
    mismatch_count = models.PositiveIntegerField(_("差异笔数"), default=0)
    ours_cents = models.BigIntegerField(_("我方金额（分）"), default=0)
    channel_cents = models.BigIntegerField(_("渠道金额（分）"), default=0)

    class Meta:
        verbose_name = _("对账批次")
        verbose_name_plural = _("对账批次")
        ordering = ["-day", "-id"]

    def __str__(self):
        return f"{self.day:%Y年%m月%d日}对账"


class MismatchKind(models.TextChoices):
    OURS_ONLY = "ours_only", _("我方有渠道无")
    CHANNEL_ONLY = "channel_only", _("渠道有我方无")
    AMOUNT = "amount", _("金额不符")
    STATUS = "status", _("状态不符")


class ReconciliationItem(PublicModel):
    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="items", verbose_name=_("对账批次"))
    kind = models.CharField(_("差异类型"), max_length=16, choices=MismatchKind.choices)
    out_trade_no = models.CharField(_("商户交易号"), max_length=32)
    order = models.ForeignKey(PaymentOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("缴款单"))
    our_cents = models.BigIntegerField(_("我方金额（分）"), null=True, blank=True)
    channel_cents = models.BigIntegerField(_("渠道金额（分）"), null=True, blank=True)
    our_status = models.CharField(_("我方状态"), max_length=20, blank=True)
    channel_status = models.CharField(_("渠道状态"), max_length=20, blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("处理人"))
    resolution = models.CharField(_("处理说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("对账差异")
        verbose_name_plural = _("对账差异")

    def __str__(self):
        return f"对账差异 {self.out_trade_no}（{self.get_kind_display()}）"


class BillStatus(models.TextChoices):
    ISSUED = "issued", _("已开具")
    REVERSED = "reversed", _("已红冲")


class EBill(PublicModel):
    """电子票据 in the style of the 财政电子票据: 票据代码 (8 digits) + 票据号码 (10 digits) + 校验码 (6 characters,
    HMAC-SM3 under the platform's bill key: it cannot be computed from the printed facts)."""

    order = models.OneToOneField(PaymentOrder, on_delete=models.PROTECT, related_name="bill", verbose_name=_("缴款单"))
    bill_code = models.CharField(_("票据代码"), max_length=8)
    number = models.CharField(_("票据号码"), max_length=10, unique=True)
    check_code = models.CharField(_("校验码"), max_length=6)
    payer_name = models.CharField(_("交款人"), max_length=100)
    items = models.JSONField(_("项目明细"), default=list)
    amount_cents = models.PositiveBigIntegerField(_("金额（分）"))
    issuer = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("开票单位"))
    issued_at = models.DateTimeField(_("开票时间"))
    pdf = models.BinaryField(_("票据文件（PDF，已签章）"))
    seal = models.ForeignKey("seal.Seal", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("印章"))
    status = models.CharField(_("状态"), max_length=16, choices=BillStatus.choices, default=BillStatus.ISSUED)
    reversed_at = models.DateTimeField(_("红冲时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("电子票据")
        verbose_name_plural = _("电子票据")

    def __str__(self):
        return f"电子票据 {self.bill_code}-{self.number}"


# --- the sandbox channel's own tables (only channels/sandbox.py reads or writes them) -----------------
class SandboxTrade(models.Model):
    trade_no = models.CharField(_("渠道交易号"), max_length=32, unique=True)
    out_trade_no = models.CharField(_("商户交易号"), max_length=32, unique=True)
    subject = models.CharField(_("商品说明"), max_length=100)
    amount_cents = models.PositiveBigIntegerField(_("金额（分）"))
    notify_path = models.CharField(_("通知地址"), max_length=200)
    return_path = models.CharField(_("返回地址"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, default="WAIT_PAY")  # WAIT_PAY, SUCCESS, CLOSED
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_cents = models.PositiveBigIntegerField(default=0)
    notify_id = models.CharField(max_length=32, blank=True)
    notify_attempts = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("模拟渠道交易")
        verbose_name_plural = _("模拟渠道交易")

    def __str__(self):
        return f"模拟渠道交易 {self.trade_no}"


class SandboxRefund(models.Model):
    trade = models.ForeignKey(SandboxTrade, on_delete=models.PROTECT, related_name="refunds")
    out_refund_no = models.CharField(max_length=32, unique=True)
    refund_no = models.CharField(max_length=32, unique=True)
    amount_cents = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("模拟渠道退款")
        verbose_name_plural = _("模拟渠道退款")

    def __str__(self):
        return f"模拟渠道退款 {self.refund_no}"
