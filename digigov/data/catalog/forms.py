"""Forms of the catalog workbench. They only shape input; the actions validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset

from .models import (CatalogEntry, Category, CodeList, DataItem, DataType, DemandStatus, ItemFormat, MountKind, OpenType,
                     ResourceFormat, SharingType, UpdateCycle)


def departments_for(user, perm: str = "catalog.edit"):
    return scope_queryset(user, perm, Department.objects.filter(voided_at__isnull=True), department_field="", division_field="division").order_by("path")


class EntryForm(forms.Form):
    department = forms.ModelChoiceField(label=_("资源提供方"), queryset=Department.objects.none())
    code = forms.CharField(label=_("资源代码"), max_length=64)
    name = forms.CharField(label=_("资源名称"), max_length=200)
    abstract = forms.CharField(label=_("资源摘要"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(label=_("资源分类"), queryset=Category.objects.order_by("kind", "order", "code"))
    resource_format = forms.ChoiceField(label=_("资源格式"), choices=ResourceFormat.choices)
    sharing_type = forms.ChoiceField(label=_("共享类型"), choices=SharingType.choices, initial=SharingType.CONDITIONAL)
    sharing_condition = forms.CharField(label=_("共享条件"), max_length=500, required=False, help_text=_("有条件共享时必填"))
    sharing_basis = forms.CharField(label=_("不予共享依据"), max_length=500, required=False, help_text=_("不予共享时必填"))
    open_type = forms.ChoiceField(label=_("开放类型"), choices=OpenType.choices, initial=OpenType.NONE)
    open_condition = forms.CharField(label=_("开放条件"), max_length=500, required=False, help_text=_("有条件开放时必填"))
    update_cycle = forms.ChoiceField(label=_("更新周期"), choices=UpdateCycle.choices, initial=UpdateCycle.MONTHLY)

    def __init__(self, *args, user=None, entry: CatalogEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if entry is not None:  # identity is fixed once catalogued
            del self.fields["department"]
            del self.fields["code"]
        else:
            self.fields["department"].queryset = qs = departments_for(user)
            self.fields["department"].initial = qs.values_list("pk", flat=True).first()  # the user's own unit (the subtree root)

    def entry_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("department", "code")}
        data["category"] = data["category"].pk
        return data


class ItemForm(forms.Form):
    name = forms.CharField(label=_("信息项名称"), max_length=100)
    field_name = forms.CharField(label=_("字段名"), max_length=64)
    data_type = forms.ChoiceField(label=_("数据类型"), choices=DataType.choices)
    length = forms.IntegerField(label=_("长度"), required=False, min_value=1)
    format = forms.ChoiceField(label=_("格式"), choices=ItemFormat.choices, required=False)
    code_list = forms.ModelChoiceField(label=_("代码表"), queryset=CodeList.objects.order_by("code"), required=False)
    required = forms.BooleanField(label=_("必填"), required=False)
    is_key = forms.BooleanField(label=_("主键"), required=False)
    description = forms.CharField(label=_("说明"), max_length=500, required=False)

    def item(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("DELETE", None)
        d["code_list"] = d["code_list"].pk if d.get("code_list") else None
        return d


ItemFormSet = forms.formset_factory(ItemForm, extra=0, can_delete=True, max_num=500, validate_max=True)


def item_initial(items) -> list[dict]:
    """Initial formset rows from DataItem rows or from pending-document dicts."""
    out = []
    for i in items:
        get = (lambda k, i=i: getattr(i, "code_list_id" if k == "code_list" else k)) if isinstance(i, DataItem) else i.get
        out.append({k: get(k) for k in ("name", "field_name", "data_type", "length", "format", "code_list", "required", "is_key", "description")})
    return out


class OpinionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=[("approve", _("通过")), ("return", _("退回"))], widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("审核意见"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("退回时必填"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500)


class MountForm(forms.Form):
    kind = forms.ChoiceField(label=_("挂载类型"), choices=MountKind.choices)
    name = forms.CharField(label=_("资源名称"), max_length=200)
    endpoint = forms.CharField(label=_("接口地址"), max_length=500, required=False, help_text=_("接口资源必填，如 https://…"))
    method = forms.ChoiceField(label=_("请求方法"), choices=[(m, m) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")], required=False)
    file = forms.FileField(label=_("文件"), required=False, help_text=_("文件资源必填"))


class ResponsibilityForm(forms.Form):
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=Department.objects.none())
    name = forms.CharField(label=_("数据资源名称"), max_length=200)
    category = forms.ModelChoiceField(label=_("资源分类"), queryset=Category.objects.order_by("kind", "order", "code"), required=False)
    basis = forms.CharField(label=_("职责依据"), max_length=500, required=False)
    update_cycle = forms.ChoiceField(label=_("更新周期"), choices=UpdateCycle.choices, initial=UpdateCycle.MONTHLY)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = qs = departments_for(user)
        self.fields["department"].initial = qs.values_list("pk", flat=True).first()


class DemandForm(forms.Form):
    requester = forms.ModelChoiceField(label=_("需求部门"), queryset=Department.objects.none())
    provider = forms.ModelChoiceField(label=_("提供部门"), queryset=Department.objects.filter(voided_at__isnull=True).order_by("path"),
                                      required=False, help_text=_("针对目录条目提出时可不选"))
    entry_code = forms.CharField(label=_("目录条目资源代码"), max_length=64, required=False, help_text=_("针对已发布目录条目时填写"))
    title = forms.CharField(label=_("需求名称"), max_length=200, required=False)
    items = forms.CharField(label=_("所需信息项"), max_length=1000, required=False)
    purpose = forms.CharField(label=_("用途"), max_length=500)
    basis = forms.CharField(label=_("依据"), max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = qs = departments_for(user)
        self.fields["requester"].initial = qs.values_list("pk", flat=True).first()


class ReplyForm(forms.Form):
    decision = forms.ChoiceField(label=_("答复"), choices=[(DemandStatus.ACCEPTED, _("受理")), (DemandStatus.MET, _("已满足")),
                                                            (DemandStatus.REJECTED, _("不予满足"))])
    reply = forms.CharField(label=_("答复意见"), max_length=500, required=False, help_text=_("不予满足时必填"))
