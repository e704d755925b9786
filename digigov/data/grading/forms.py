from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.data.catalog.models import DataLevel, PersonalKind

LEVEL_CHOICES = [(str(v), label) for v, label in DataLevel.choices]
PERSONAL_CHOICES = [(str(v), label) for v, label in PersonalKind.choices]


class ProposeForm(forms.Form):
    """One row per data item (and one for the entry itself): tick it to propose, pick the levels. Rows a rule
    suggests come ticked and pre-filled; nothing is applied until the data authority confirms."""

    reason = forms.CharField(label=_("分级理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.CharField(label=_("分级依据"), max_length=500, required=False,
                            help_text=_("如：个人信息保护法第二十八条、GB/T 43697-2024；逐项的依据可不填，默认为此依据"))

    def __init__(self, *args, entry, items, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.rows = []
        suggested = {s.item.pk: s for s in suggestions}
        for key, target in [("entry", entry)] + [(str(i.pk), i) for i in items]:
            s = suggested.get(target.pk) if key != "entry" else None
            name = _("目录条目本身") if key == "entry" else target.name
            self.fields[f"inc_{key}"] = forms.BooleanField(label=_("提出建议"), required=False, initial=s is not None,
                                                           widget=forms.CheckboxInput(attrs={"aria-label": f"{name} 提出建议"}))
            self.fields[f"level_{key}"] = forms.ChoiceField(label=_("数据级别"), choices=LEVEL_CHOICES,
                                                            initial=str(s.level if s else target.level),
                                                            widget=forms.Select(attrs={"aria-label": f"{name} 数据级别"}))
            self.fields[f"personal_{key}"] = forms.ChoiceField(label=_("个人信息类别"), choices=PERSONAL_CHOICES,
                                                               initial=str(s.personal if s else target.personal),
                                                               widget=forms.Select(attrs={"aria-label": f"{name} 个人信息类别"}))
            self.fields[f"source_{key}"] = forms.CharField(required=False, widget=forms.HiddenInput, initial="suggested" if s else "manual")
            self.fields[f"basis_{key}"] = forms.CharField(required=False, widget=forms.HiddenInput, initial=s.basis if s else "")
            self.rows.append({"key": key, "target": target, "is_entry": key == "entry", "suggestion": s,
                              "inc": self[f"inc_{key}"], "level": self[f"level_{key}"], "personal": self[f"personal_{key}"],
                              "source": self[f"source_{key}"], "basis": self[f"basis_{key}"]})

    def clean(self):
        data = super().clean()
        if not any(data.get(f"inc_{r['key']}") for r in self.rows):
            raise forms.ValidationError(_("请至少勾选一项提出分级建议"))
        return data

    def lines(self, items_by_pk) -> list[dict]:
        out = []
        for r in self.rows:
            key = r["key"]
            if not self.cleaned_data.get(f"inc_{key}"):
                continue
            source = self.cleaned_data.get(f"source_{key}") or "manual"
            out.append({"item": None if key == "entry" else items_by_pk[int(key)], "level": self.cleaned_data[f"level_{key}"],
                        "personal": self.cleaned_data[f"personal_{key}"], "basis": self.cleaned_data.get(f"basis_{key}") or "",
                        "source": source if source in ("manual", "suggested") else "manual"})
        return out


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("处理结果"), widget=forms.RadioSelect,
                                 choices=[("confirm", _("确认本条")), ("confirm_batch", _("确认本批全部待确认建议")), ("reject", _("驳回"))])
    note = forms.CharField(label=_("处理意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("驳回时必填"))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", _("驳回时须填写理由"))
        return data


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认撤回该建议"), error_messages={"required": _("撤回前请勾选确认")})
