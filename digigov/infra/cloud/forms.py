from __future__ import annotations

import secrets
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset

from . import actions
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
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        depts = scope_queryset(user, "cloud.request", Department.objects.active(), department_field="", division_field="division")
        self.fields["department"].queryset = depts.order_by("path")
        self.fields["system"].queryset = (
            scope_queryset(user, "cloud.request", HostedSystem.objects.active().filter(classified=False), "department",
                           "department__division")
            .select_related("department").order_by("department__path", "name")
        )
        self.fields["system"].label_from_instance = lambda s: f"{s.name}（{s.department.name}·{s.get_cloud_status_display()}）"
        if not self.is_bound:
            # one key per rendered form: a double click or a browser resubmit returns the same request
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(18))

    def clean(self):
        data = super().clean()
        if all(not data.get(f) for f in ("vcpu", "memory_gb", "storage_tb")) and not self.errors:
            raise forms.ValidationError(_("申请资源不能全部为0"), code="empty_request")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批结果"), choices=[("approve", _("批准")), ("reject", _("驳回"))], widget=forms.RadioSelect)
    note = forms.CharField(label=_("审批意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("驳回时必填"))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("驳回时须填写审批意见"))
        return data
