"""Forms of the federation pages. They only shape input; the actions validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.data.sharing.forms import DateInput, departments_for

from .models import PeerLevel


class PeerForm(forms.Form):
    code = forms.CharField(label=_("平台代码"), max_length=16, help_text=_("2–16 位大写字母或数字，以字母开头，如 LNPROV"))
    name = forms.CharField(label=_("平台名称"), max_length=100)
    level = forms.ChoiceField(label=_("级联关系"), choices=PeerLevel.choices, initial=PeerLevel.PROVINCE)
    gateway_url = forms.CharField(label=_("对方网关地址"), max_length=300, help_text=_("如 https://gw.province.example/"))
    department = forms.ModelChoiceField(label=_("本地对接单位"), queryset=None, empty_label=_("请选择本地对接单位"),
                                        help_text=_("镜像目录的提供单位，审核本地对镜像目录的共享申请"))
    remote_app_key = forms.CharField(label=_("对方发给本平台的应用标识"), max_length=64, required=False, help_text=_("可稍后填写"))
    remote_secret = forms.CharField(label=_("对方发给本平台的应用密钥"), max_length=64, required=False,
                                    widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user, "federation.manage")


class PeerEditForm(forms.Form):
    name = forms.CharField(label=_("平台名称"), max_length=100)
    gateway_url = forms.CharField(label=_("对方网关地址"), max_length=300)
    remote_app_key = forms.CharField(label=_("对方发给本平台的应用标识"), max_length=64, required=False,
                                     help_text=_("更换凭据时与密钥一并填写；两项都留空则保持不变"))
    remote_secret = forms.CharField(label=_("对方发给本平台的应用密钥"), max_length=64, required=False,
                                    widget=forms.PasswordInput(render_value=False))


class OfferForm(forms.Form):
    fields = forms.MultipleChoiceField(label=_("提供的信息项"), choices=(), widget=forms.CheckboxSelectMultiple,
                                       help_text=_("核心数据信息项不能提供给其他平台"))
    clear_fields = forms.MultipleChoiceField(label=_("以明文提供的信息项"), choices=(), widget=forms.CheckboxSelectMultiple, required=False,
                                             help_text=_("未选中的个人信息项按分级规则脱敏"))
    purpose = forms.CharField(label=_("共享用途"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DateInput, help_text=_("留空为一年"))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(i.field_name, f"{i.name}（{i.get_level_display()}）") for i in items if i.level < 3]
        self.fields["fields"].choices = choices
        self.fields["clear_fields"].choices = [(i.field_name, i.name) for i in items if i.level < 3 and i.personal]
        if not self.is_bound:
            self.initial.setdefault("fields", [c[0] for c in choices])


class StatusForm(forms.Form):
    reason = forms.CharField(label=_("暂停原因"), max_length=200, required=False)
