from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.accounts.models import User
from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset

from . import actions
from .models import SealType


def appliable_departments(user):
    return scope_queryset(user, "seal.apply", Department.objects.active().select_related("division"),
                          department_field="", division_field="division").order_by("path")


class ApplyForm(forms.Form):
    department = forms.ModelChoiceField(label=_("申请单位"), queryset=Department.objects.none(), to_field_name="public_id",
                                        empty_label=None)
    seal_type = forms.TypedChoiceField(label=_("印章类型"), choices=SealType.choices, coerce=int)
    name = forms.CharField(label=_("印章名称"), max_length=64, help_text=_("公章一般为单位全称；专用章如“××局合同专用章”；法人章、个人签名章为姓名"))
    holders = forms.ModelMultipleChoiceField(label=_("授权签章人"), queryset=User.objects.none(), to_field_name="public_id", required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text=_("须为本单位工作人员；法人章、个人签名章须且只能选一人"))
    valid_years = forms.IntegerField(label=_("有效期（年）"), min_value=1, max_value=actions.MAX_VALID_YEARS, initial=5)
    reason = forms.CharField(label=_("申请事由"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        departments = appliable_departments(user)
        self.fields["department"].queryset = departments
        self.fields["holders"].queryset = actions.staff_of(departments.values("pk")).order_by("display_name", "id")
        self.fields["holders"].label_from_instance = lambda u: u.display_name or u.username


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批结果"), choices=[("approve", _("批准并制作印章")), ("reject", _("驳回"))],
                                 widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("审批意见"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("驳回时必填"))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("驳回时须填写审批意见"))
        return data


class StatusForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), choices=[("suspend", _("暂停使用")), ("resume", _("恢复使用")), ("revoke", _("注销"))])
    reason = forms.CharField(label=_("原因"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)
