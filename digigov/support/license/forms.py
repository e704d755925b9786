"""Forms of the licence pages. The issue form is built from the type's field template: one field per
template field (a date picker for dates, a select for choices), with the holder's name and code first; the
values are validated again by the action (its per-field errors come back onto these fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.org.models import Department

from .actions.types import PAGE_SIZES
from .catalog import FIELD_TYPES
from .models import HolderKind, LicenceSource

HOLDER_FIELDS = ("name", "id_number", "uscc")


class ChooseTypeForm(forms.Form):
    type = forms.ModelChoiceField(label=_("证照类型"), queryset=None, to_field_name="public_id", empty_label=_("请选择"))

    def __init__(self, *args, types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = types
        self.fields["type"].label_from_instance = lambda t: f"{t.name}（{t.department.short_name or t.department.name}）"


def issue_form_class(licence_type, *, migration_allowed: bool = True):
    """A form class for issuing one licence of ``licence_type``."""
    code_label = _("公民身份号码") if licence_type.holder_kind == HolderKind.PERSON else _("统一社会信用代码")
    attrs: dict = {
        "holder_name": forms.CharField(label=_("持证人姓名") if licence_type.holder_kind == HolderKind.PERSON else _("持证单位名称"), max_length=100),
        "holder_code": forms.CharField(label=code_label, max_length=18, min_length=18),
    }
    for f in licence_type.fields:
        if f["key"] in HOLDER_FIELDS:
            continue
        kw = {"label": f["label"], "required": bool(f.get("required", True))}
        if f.get("type") == "date":
            attrs[f"f_{f['key']}"] = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **kw)
        elif f.get("type") == "choice":
            attrs[f"f_{f['key']}"] = forms.ChoiceField(choices=[("", _("请选择"))] + [(o, o) for o in f.get("options", [])], **kw)
        elif f.get("type") == "number":
            attrs[f"f_{f['key']}"] = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, **kw)
        else:
            attrs[f"f_{f['key']}"] = forms.CharField(max_length=200, **kw)
    attrs["valid_from"] = forms.DateField(label=_("有效期起"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                          help_text=_("不填为今天"))
    if migration_allowed:
        attrs["paper_number"] = forms.CharField(label=_("纸质证照编号"), required=False, max_length=64,
                                                help_text=_("纸质证照转换时填写原证上的编号；新签发的证照不填，由系统编号"))
    return type("IssueForm", (forms.Form,), attrs)


def form_data(form) -> dict:
    """The template fields' values from a valid issue form (``f_<key>`` → ``key``)."""
    out = {}
    for name, value in form.cleaned_data.items():
        if name.startswith("f_") and value not in (None, ""):
            out[name[2:]] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return out


def field_name(key: str) -> str:
    return {"holder_code": "holder_code", "holder_name": "holder_name", "valid_from": "valid_from", "number": "paper_number",
            "name": "holder_name", "id_number": "holder_code", "uscc": "holder_code"}.get(key, f"f_{key}")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class BatchForm(forms.Form):
    type = forms.ModelChoiceField(label=_("证照类型"), queryset=None, to_field_name="public_id", empty_label=_("请选择"))
    file = forms.FileField(label=_("CSV 或 Excel（.xlsx）文件"), help_text=_("第一行为列名：持证主体名称、持证主体代码、证照编号，其余列为证照字段名称"))

    def __init__(self, *args, types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = types
        self.fields["type"].label_from_instance = lambda t: t.name


class TypeForm(forms.Form):
    code = forms.CharField(label=_("证照类型代码"), max_length=16, help_text=_("6 位区划代码 + 机构缩写 + 3 位顺序号，如 210600CA501"))
    name = forms.CharField(label=_("证照名称"), max_length=64)
    holder_kind = forms.ChoiceField(label=_("持证主体类型"), choices=HolderKind.choices)
    department = forms.ModelChoiceField(label=_("发证部门"), queryset=Department.objects.none(), to_field_name="public_id")
    valid_years = forms.IntegerField(label=_("有效期（年）"), required=False, min_value=1, max_value=100, help_text=_("长期有效请留空"))
    is_licensing = forms.BooleanField(label=_("行政许可证照"), required=False)
    page = forms.ChoiceField(label=_("版面尺寸"), choices=[(k, k) for k in PAGE_SIZES])
    fields_text = forms.CharField(label=_("字段"), widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("每行一个字段：字段代码,字段名称,类型,是否必填（是/否）[,选项1|选项2]。类型：")
                                  + "、".join(f"{k}（{v}）" for k, v in FIELD_TYPES.items()))

    def __init__(self, *args, departments=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments if departments is not None else Department.objects.none()
        if editing:
            self.fields.pop("code")

    def clean_fields_text(self):
        rows = []
        for i, line in enumerate(self.cleaned_data["fields_text"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) < 4:
                raise forms.ValidationError(_("第 %(n)s 行应有 4 项：字段代码,字段名称,类型,是否必填") % {"n": i})
            row = {"key": parts[0], "label": parts[1], "type": parts[2], "required": parts[3] in ("是", "必填", "true", "1")}
            if len(parts) > 4:
                row["options"] = [o.strip() for o in parts[4].split("|") if o.strip()]
            rows.append(row)
        return rows


def fields_text(fields: list[dict]) -> str:
    return "\n".join(",".join([f["key"], f["label"], f.get("type", "text"), "是" if f.get("required", True) else "否"]
                              + (["|".join(f["options"])] if f.get("options") else [])) for f in fields)


SOURCE_LABELS = dict(LicenceSource.choices)
