"""Searchable division / department pickers, so nobody types a 12-digit division code.

The widget is an ``<input list>`` with its ``<datalist>``; ``static/digigov/app.js`` refills the list from a
JSON lookup endpoint (``org:lookup_divisions`` / ``org:lookup_departments``) as the user types a name or the
start of a code. An option's value reads ``名称 · 代码``; the field takes the code from the end (or an exact,
unambiguous name) and returns the model instance from its queryset, so an app's scoping still decides what
may be chosen.

    division = DivisionField(label="区划", required=False)
    department = DepartmentField(label="单位", queryset=scope_queryset(user, "x.request", Department.objects.active(), ...))
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from digigov.core.validators import normalize_identifier

SEP = " · "


def option_value(obj) -> str:
    return f"{obj.name}{SEP}{obj.code}"


class LookupInput(forms.TextInput):
    template_name = "web/widgets/lookup.html"

    def __init__(self, lookup_url, attrs=None):
        super().__init__({"autocomplete": "off", "placeholder": _("输入名称或代码搜索"), **(attrs or {})})
        self.lookup_url = lookup_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-options"
        context["widget"]["attrs"].update({"list": list_id, "data-lookup": str(self.lookup_url)})
        context["widget"]["list_id"] = list_id
        return context


class _LookupField(forms.ModelChoiceField):
    not_found = _("未找到，请从候选列表中选择")
    ambiguous = _("有多个同名项，请从候选列表中选择（带代码）")

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("widget", LookupInput(self.lookup_url))
        super().__init__(queryset if queryset is not None else self.default_queryset(), to_field_name="code", **kwargs)

    def prepare_value(self, value):
        if hasattr(value, "code") and hasattr(value, "name"):
            return option_value(value)
        if isinstance(value, str) and value and SEP not in value:
            obj = self.queryset.filter(code=value).first()  # an initial given as a bare code
            return option_value(obj) if obj else value
        return value

    def to_python(self, value):
        text = (value or "").strip()
        if text in self.empty_values:
            return None
        code = text.rsplit(SEP, 1)[-1].strip() if SEP in text else text
        # a code typed on a Chinese keyboard (full-width digits) is the same code: the shared identifier rule
        obj = self.queryset.filter(code=normalize_identifier(code)).first()
        if obj is None:
            named = list(self.queryset.filter(name=text)[:2])
            if len(named) > 1:
                raise ValidationError(self.ambiguous, code="ambiguous")
            if not named:
                raise ValidationError(self.not_found, code="invalid_choice")
            obj = named[0]
        return obj

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != (data or "")


class DivisionField(_LookupField):
    lookup_url = reverse_lazy("org:lookup_divisions")

    @staticmethod
    def default_queryset():
        from digigov.core.org.models import Division

        return Division.objects.all()


class DepartmentField(_LookupField):
    lookup_url = reverse_lazy("org:lookup_departments")

    @staticmethod
    def default_queryset():
        from digigov.core.org.models import Department

        return Department.objects.active()
