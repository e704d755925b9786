from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset


class ImportForm(forms.Form):
    file = forms.FileField(label=_("BPMN 文件"), help_text=_("Camunda Modeler 或本平台建模器保存的 .bpmn 文件，不超过 2 MB"))
    department = forms.ModelChoiceField(label=_("主管部门"), queryset=Department.objects.none(), to_field_name="public_id", empty_label=None)
    name = forms.CharField(label=_("流程名称"), max_length=100, required=False, help_text=_("留空则用文件中的流程名称"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = scope_queryset(user, "workflow.design", Department.objects.filter(voided_at__isnull=True),
                                                            department_field="", division_field="division").order_by("code")


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("终止原因"), max_length=200)
