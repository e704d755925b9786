from __future__ import annotations

import secrets
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.org.models import Department

from . import actions, selectors
from .models import HostedSystem, RequestPurpose


class ResourceRequestForm(forms.Form):
    department = forms.ModelChoiceField(label=_("申请单位"), queryset=Department.objects.none(), to_field_name="public_id",
                                        empty_label=None)
    purpose = forms.ChoiceField(label=_("用途"), choices=RequestPurpose.choices)
    system = forms.ModelChoiceField(label=_("信息系统"), queryset=HostedSystem.objects.none(), to_field_name="public_id", required=False,
                                    empty_label=_("（不指定）"), help_text=_("迁移上云必须选择信息系统；涉密系统不在此列"))
    vcpu = forms.IntegerField(label=_("vCPU（核）"), min_value=0, max_value=actions.MAX_VCPU, initial=0)
    memory_gb = forms.IntegerField(label=_("内存（GB）"), min_value=0, max_value=actions.MAX_MEMORY_GB, initial=0)
    storage_tb = forms.DecimalField(label=_("存储（TB）"), min_value=Decimal("0"), max_value=actions.MAX_STORAGE_TB, max_digits=10,
                                    decimal_places=2, initial=Decimal("0"))
    reason = forms.CharField(label=_("申请理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    # shown (as a checkbox) only once the request turned out larger than what is free now
    confirm_over_capacity = forms.BooleanField(label=_("确认仍提交超过当前剩余容量的申请（须待资源释放或扩容后才能批准）"), required=False,
                                               widget=forms.HiddenInput)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, user=None, pool=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = pool
        self.capacity: selectors.Capacity | None = None  # the capacity the submitted department sees (after clean)
        self.fields["department"].queryset = selectors.requestable_departments(user)
        self.fields["system"].queryset = selectors.requestable_systems(user)
        self.fields["system"].label_from_instance = lambda s: f"{s.name}（{s.department.name}·{s.get_cloud_status_display()}）"
        if not self.is_bound:
            # one key per rendered form: a double click or a browser resubmit returns the same request
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(18))

    def clean(self):
        data = super().clean()
        if all(not data.get(f) for f in ("vcpu", "memory_gb", "storage_tb")) and not self.errors:
            raise forms.ValidationError(_("申请资源不能全部为0"), code="empty_request")
        if self.pool is not None and data.get("department") is not None and not self.errors:
            self._warn_over_capacity(data)
        return data

    def _warn_over_capacity(self, data) -> None:
        """A request above what is free now (in the pool or in the department's quota) can be filed but not
        approved yet: say so on each field, with the same free figure the form's intro and the approval check
        use, and ask for an explicit confirmation. Above the pool's whole size the action refuses it."""
        self.capacity = selectors.pool_capacity(self.pool, data["department"])
        wanted = {dim: data.get(dim) or 0 for dim, _label, _unit in selectors.DIMENSIONS}
        if self.capacity.total_excess(wanted):
            return
        over = [d for d in self.capacity.dims if wanted[d.key] > d.available]
        if not over:
            return
        self.fields["confirm_over_capacity"].widget = forms.CheckboxInput()
        if data.get("confirm_over_capacity"):
            return
        for d in over:
            where = _("本单位配额剩余") if d.quota_free is not None and d.quota_free < d.free else _("资源池当前剩余")
            self.add_error(d.key, _("超过%(where)s %(free)s %(unit)s；如仍要提交，请勾选下方确认项") % {
                "where": where, "free": max(d.available, 0), "unit": d.unit})
        self.add_error("confirm_over_capacity", _("请确认是否仍提交该申请"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批结果"), choices=[("approve", _("批准")), ("reject", _("驳回"))], widget=forms.RadioSelect)
    note = forms.CharField(label=_("审批意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("驳回时必填"))
    confirm_reject = forms.BooleanField(label=_("确认驳回该申请（驳回后不能撤销）"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject":
            if not (data.get("note") or "").strip():
                self.add_error("note", _("驳回时须填写审批意见"))
            if not data.get("confirm_reject"):
                self.add_error("confirm_reject", _("驳回前请勾选确认"))
        return data


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认撤回该申请（撤回后不能恢复，需重新提交）"),
                                 error_messages={"required": _("撤回前请勾选确认")})
