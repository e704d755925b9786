"""The window's forms. The application data form is built from the start form's JSON Schema (one text
field per property, its ``title`` as the label) and pre-filled through the forms app's ``prefill`` when
that is available and the holder consented; without a start form it is one free-text field."""

from __future__ import annotations

import importlib
import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.org.models import Division

from .actions.reception import SCOPES
from .models import ApplicantKind, ConsentMethod, DeliveryMethod, ServiceHall, TicketCategory

MAX_FIELDS = 40


class HallForm(forms.ModelForm):
    division = forms.ModelChoiceField(label=_("所在区划"), queryset=Division.objects.none(), to_field_name="public_id", empty_label=None)

    class Meta:
        model = ServiceHall
        fields = ["name", "division", "address", "counters"]

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions if divisions is not None else Division.objects.none()
        self.fields["counters"].widget.attrs.update({"min": 1, "max": 99})
        if self.instance.pk:
            self.fields.pop("division")


class TakeNumberForm(forms.Form):
    category = forms.ChoiceField(label=_("业务类别"), choices=TicketCategory.choices, widget=forms.RadioSelect)


class CallNextForm(forms.Form):
    counter = forms.IntegerField(label=_("窗口号"), min_value=1, max_value=99)
    category = forms.ChoiceField(label=_("业务类别"), required=False, choices=[("", _("全部类别"))] + list(TicketCategory.choices))


class IdentifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("申请人类型"), choices=ApplicantKind.choices, widget=forms.RadioSelect, initial=ApplicantKind.PERSON)
    code = forms.CharField(label=_("身份证号码 / 统一社会信用代码"), max_length=40)


class ConsentForm(forms.Form):
    method = forms.ChoiceField(label=_("确认方式"), choices=ConsentMethod.choices)
    scope = forms.MultipleChoiceField(label=_("授权调取"), choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple,
                                      initial=list(SCOPES))
    confirm = forms.BooleanField(label=_("申请人已当面确认授权本次受理调取上述数据（30 分钟内有效）"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def forms_api():
    """The forms app's rendering/prefill module when it is merged (``prefill(version, actor=, person=,
    legal_person=)``), else None."""
    for name in ("digigov.support.forms.runtime", "digigov.support.forms.rendering", "digigov.support.forms.actions"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "prefill"):
            return module
    return None


def schema_fields(form_version) -> list[tuple[str, str, bool]]:
    """(name, label, required) of a start form's top-level properties."""
    schema = (form_version.schema or {}) if form_version is not None else {}
    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    out = []
    for name, spec in list(props.items())[:MAX_FIELDS]:
        if isinstance(spec, dict) and spec.get("type", "string") in ("string", "integer", "number"):
            out.append((name, str(spec.get("title") or name), name in required))
    return out


class ApplicationForm(forms.Form):
    version = forms.ChoiceField(label=_("办理事项"))
    files = MultipleFileField(label=_("申请材料（扫描件）"), required=False,
                              help_text=_("可多选；只接受 PDF、OFD、JPEG、PNG，单个不超过 20 MB；文件名作为材料名称"))
    licences = forms.MultipleChoiceField(label=_("以电子证照替代材料"), required=False, widget=forms.CheckboxSelectMultiple)
    delivery_method = forms.ChoiceField(label=_("出件方式"), choices=DeliveryMethod.choices, widget=forms.RadioSelect, initial=DeliveryMethod.PICKUP)
    recipient_name = forms.CharField(label=_("收件人"), max_length=64, required=False)
    address = forms.CharField(label=_("邮寄地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=11, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, versions=(), licences=(), data_fields=(), prefill=None, tags=None, **kwargs):
        super().__init__(*args, **kwargs)
        tags = tags or {}  # process id → tags other layers put on it (全市通办), shown after the name
        self.fields["version"].choices = [("", _("请选择"))] + [
            (v.public_id, f"{v.process.name}（{v.process.department.name if v.process.department_id else '—'}）"
                          + ("· " + " · ".join(tags[v.process_id]) if tags.get(v.process_id) else "")) for v in versions]
        self.fields["licences"].choices = [(lic.public_id, f"{lic.licence_name}（{lic.licence_no}，{lic.issuer.name}）") for lic in licences]
        if not licences:
            self.fields.pop("licences")
        self.data_fields = list(data_fields) or [("note", str(_("申请事项说明")), False)]
        for name, label, required in self.data_fields:
            self.fields[f"data__{name}"] = forms.CharField(label=label, required=required, max_length=500,
                                                           initial=(prefill or {}).get(name, ""))
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(18))

    def application_data(self) -> dict:
        return {name: self.cleaned_data.get(f"data__{name}", "") for name, _label, _req in self.data_fields
                if self.cleaned_data.get(f"data__{name}", "") != ""}


class HandOutForm(forms.Form):
    recipient = forms.ChoiceField(label=_("领取人"), choices=[("applicant", _("申请人本人（或法定代表人）")), ("agent", _("委托代理人 / 企业经办人"))],
                                  widget=forms.RadioSelect, initial="applicant")
    name = forms.CharField(label=_("领取人姓名"), max_length=64)
    id_number_last4 = forms.CharField(label=_("身份证号码后四位（本人领取）"), max_length=4, required=False)
    agent_id_number = forms.CharField(label=_("代理人身份证号码（代理领取）"), max_length=18, required=False)
    power_of_attorney = forms.BooleanField(label=_("已核验申请人签署的授权委托书（自然人委托代理时）"), required=False)


class PostForm(forms.Form):
    tracking_no = forms.CharField(label=_("邮件单号"), max_length=32)
