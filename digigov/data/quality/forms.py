from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RuleType, Severity
from .rules import FORMATS, MAX_WEIGHT, OPS

DATASET = "__dataset__"


class RuleForm(forms.Form):
    """One form for every rule type; ``params()`` gathers the fields that type uses. The action
    validates them and names the field in error, which the view puts back on the form."""

    item = forms.ChoiceField(label=_("信息项"))
    rule_type = forms.ChoiceField(label=_("规则类型"), choices=RuleType.choices)
    format = forms.ChoiceField(label=_("格式"), required=False, choices=[("", _("（按信息项声明）"))] + list(FORMATS.items()),
                               help_text=_("格式规则：身份证号码和统一社会信用代码会校验校验位"))
    pattern = forms.CharField(label=_("正则表达式"), required=False, max_length=200, help_text=_("格式为“正则表达式”时填写，整值匹配"))
    min = forms.CharField(label=_("最小值"), required=False, max_length=40, help_text=_("取值范围：数值，或日期如 2020-01-01"))
    max = forms.CharField(label=_("最大值"), required=False, max_length=40)
    entry = forms.CharField(label=_("被参照资源代码"), required=False, max_length=64, help_text=_("参照完整性：另一目录条目的资源代码"))
    field = forms.CharField(label=_("被参照字段名"), required=False, max_length=64)
    with_fields = forms.CharField(label=_("组合唯一的其他字段"), required=False, max_length=300, help_text=_("唯一性：字段名，多个用逗号分隔"))
    max_age_days = forms.IntegerField(label=_("最长天数"), required=False, min_value=1, help_text=_("及时性（日期项）：日期不早于多少天前"))
    other = forms.ChoiceField(label=_("比较字段"), required=False)
    op = forms.ChoiceField(label=_("比较方式"), required=False, choices=[("", "—")] + list(OPS.items()))
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.MEDIUM)
    weight = forms.IntegerField(label=_("权重"), min_value=1, max_value=MAX_WEIGHT, initial=1)
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)
    description = forms.CharField(label=_("说明"), required=False, max_length=200)

    FIELD_OF = {"with": "with_fields", "params": None}

    def __init__(self, *args, entry, rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = list(entry.items.all())
        self.fields["item"].choices = [(i.field_name, f"{i.name}（{i.field_name}）") for i in items] + [(DATASET, _("数据集（按更新周期检查及时性）"))]
        self.fields["other"].choices = [("", "—")] + [(i.field_name, i.name) for i in items]
        self.rule = rule
        if rule is not None:
            for name in ("item", "rule_type"):
                self.fields[name].disabled = True
            p = rule.params or {}
            self.initial.update({"item": rule.item.field_name if rule.item_id else DATASET, "rule_type": rule.rule_type, "severity": rule.severity,
                                 "weight": rule.weight, "enabled": rule.enabled, "description": rule.description,
                                 "with_fields": ",".join(p.get("with", [])), **{k: v for k, v in p.items() if k != "with"}})

    def item_name(self):
        value = self.cleaned_data.get("item")
        return None if value == DATASET else value

    def params(self) -> dict:
        d = self.cleaned_data
        t = d.get("rule_type")
        if t == RuleType.FORMAT:
            return {k: d[k] for k in ("format", "pattern") if d.get(k)}
        if t == RuleType.RANGE:
            out = {}
            for k in ("min", "max"):
                v = (d.get(k) or "").strip()
                if v:
                    out[k] = v  # the rule library parses it by the item's type (number or date)
            return out
        if t == RuleType.REFERENCE:
            return {"entry": d.get("entry") or "", "field": d.get("field") or ""}
        if t == RuleType.UNIQUE:
            names = [n.strip() for n in (d.get("with_fields") or "").replace("，", ",").split(",") if n.strip()]
            return {"with": names} if names else {}
        if t == RuleType.TIMELINESS:
            return {"max_age_days": d["max_age_days"]} if d.get("max_age_days") else {}
        if t == RuleType.CONSISTENCY:
            return {"other": d.get("other") or "", "op": d.get("op") or ""}
        return {}

    def put_error(self, exc) -> None:
        field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
        field = self.FIELD_OF.get(field, field)
        self.add_error(field if field in self.fields else None, exc.message)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("整改说明"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("说明已如何修正数据；提交后由数据主管部门复检核验"))


class DueForm(forms.Form):
    due_on = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认删除该规则（历史检查结果保留）"))
