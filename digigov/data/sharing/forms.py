"""Forms of the sharing workbench. They only shape input; the actions validate and write."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset

from .actions.apps import MAX_DAILY_QUOTA, MAX_RATE_LIMIT
from .models import ConsumerApp


def departments_for(user, perm: str):
    return scope_queryset(user, perm, Department.objects.filter(voided_at__isnull=True), department_field="",
                          division_field="division").order_by("path")


class DateInput(forms.DateInput):
    """An ``<input type=date>``: its value must be ISO (a localised 2026/11/27 shows as empty and submits nothing)."""
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class RequestForm(forms.Form):
    requester = forms.ModelChoiceField(label=_("需求部门"), queryset=Department.objects.none(), empty_label=_("请选择需求部门"))
    app = forms.ModelChoiceField(label=_("调用应用"), queryset=ConsumerApp.objects.none(), help_text=_("本部门已启用的调用应用"))
    fields = forms.MultipleChoiceField(label=_("申请信息项"), choices=(), required=False)
    clear_fields = forms.MultipleChoiceField(label=_("申请明文的信息项"), choices=(), required=False)
    purpose = forms.CharField(label=_("用途"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.CharField(label=_("依据"), max_length=500, help_text=_("法律法规、三定职责或工作部署"))
    period_start = forms.DateField(label=_("使用期限起"), widget=DateInput)
    period_end = forms.DateField(label=_("使用期限止"), widget=DateInput)

    def __init__(self, *args, user=None, entry=None, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        depts = departments_for(user, "sharing.request").exclude(pk=entry.department_id)
        self.fields["requester"].queryset = depts
        first = depts.first()
        self.fields["requester"].initial = first.pk if first else None
        self.fields["app"].queryset = ConsumerApp.objects.filter(kind="department", status="active", department__in=depts).select_related(
            "department").order_by("department__path", "name")
        self.fields["app"].label_from_instance = lambda a: f"{a.name}（{a.department.short_name or a.department.name}）"
        self.fields["app"].empty_label = _("请选择调用应用")
        own_app = self.fields["app"].queryset.filter(department=first).first() if first else None
        self.fields["app"].initial = own_app.pk if own_app else None
        choices = [(i.field_name, i.name) for i in items]
        self.fields["fields"].choices = choices
        self.fields["clear_fields"].choices = choices
        today = timezone.localdate()
        self.fields["period_start"].initial = today
        self.fields["period_end"].initial = today.replace(year=today.year + 1) - dt.timedelta(days=1) if not (
            today.month == 2 and today.day == 29) else today + dt.timedelta(days=364)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结论"), choices=(("approve", _("同意")), ("narrow", _("部分同意")), ("reject", _("不予同意"))),
                                 widget=forms.RadioSelect)
    fields = forms.MultipleChoiceField(label=_("同意信息项"), choices=(), required=False)
    clear_fields = forms.MultipleChoiceField(label=_("同意明文的信息项"), choices=(), required=False)
    until = forms.DateField(label=_("同意期限止"), required=False, widget=DateInput)
    reply = forms.CharField(label=_("答复意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("不予同意时必填"))

    def __init__(self, *args, req=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = [(f, f) for f in req.fields]
        self.fields["clear_fields"].choices = [(f, f) for f in req.clear_fields]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class AppForm(forms.Form):
    department = forms.ModelChoiceField(label=_("所属部门"), queryset=Department.objects.none(), empty_label=_("请选择所属部门"))
    name = forms.CharField(label=_("应用名称"), max_length=100)
    description = forms.CharField(label=_("应用说明"), max_length=500, required=False)
    rate_limit = forms.IntegerField(label=_("每秒调用上限"), min_value=1, max_value=MAX_RATE_LIMIT, initial=50)
    daily_quota = forms.IntegerField(label=_("每日调用配额"), min_value=1, max_value=MAX_DAILY_QUOTA, initial=100_000)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = qs = departments_for(user, "sharing.manage_apps")
        first = qs.first()
        self.fields["department"].initial = first.pk if first else None


class DemandForm(forms.Form):
    requester = forms.ModelChoiceField(label=_("需求部门"), queryset=Department.objects.none(), empty_label=_("请选择需求部门"))
    provider = forms.ModelChoiceField(label=_("提供部门"), queryset=Department.objects.filter(voided_at__isnull=True).order_by("path"),
                                      empty_label=_("请选择提供部门"), help_text=_("应掌握该数据的部门"))
    title = forms.CharField(label=_("需求名称"), max_length=200)
    items = forms.CharField(label=_("所需信息项"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("用顿号分隔"))
    purpose = forms.CharField(label=_("用途"), max_length=500)
    basis = forms.CharField(label=_("依据"), max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = qs = departments_for(user, "sharing.request")
        first = qs.first()
        self.fields["requester"].initial = first.pk if first else None
