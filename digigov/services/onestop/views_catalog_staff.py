"""Staff catalog management (/workbench/services/catalog/): the items of the departments the user manages
(filters, pages without counting), one item, its edit form, its materials and taking it offline. Every write
goes through ``actions.catalog``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import prefill
from .actions import catalog as actions
from .models import Audience, ItemType, MaterialForm, OnlineDepth
from .selectors import catalog as sel

PERM = "onestop.manage"


def _errors_onto(form, exc: DigiGovError) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)


@requires(PERM)
def item_list(request):
    q = request.GET.get("q", "").strip()[:100]
    item_type = request.GET.get("type", "")
    item_type = item_type if item_type in ItemType.values else ""
    state = request.GET.get("state", "")
    qs = sel.staff_items(request.user).select_related("department")
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(code=q)
    if item_type:
        qs = qs.filter(item_type=item_type)
    if state in ("on", "off"):
        qs = qs.filter(active=state == "on")
    return render(request, "onestop/catalog/staff_items.html", {
        "q": q, "item_type": item_type, "state": state, "types": ItemType.choices,
        **paginate(request, qs.order_by("-popularity", "-id"), count=False),
    })


@requires(PERM)
def item_detail(request, public_id):
    item = sel.staff_item(request.user, public_id)
    materials = [{"m": m, "source": prefill.label(m.shared_source)} for m in item.materials.select_related("licence_type")]
    return render(request, "onestop/catalog/staff_item.html", {
        "item": item, "materials": materials, "topics": list(item.topics.all()), "divisions": list(item.divisions.all()),
        "may_manage": can(request.user, PERM, item), "reason_form": ReasonForm(),
    })


class ItemForm(forms.Form):
    name = forms.CharField(label="事项名称", max_length=200)
    audience = forms.ChoiceField(label="服务对象", choices=Audience.choices)
    legal_basis = forms.CharField(label="设定依据", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    conditions = forms.CharField(label="受理条件", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    statutory_days = forms.IntegerField(label="法定办结时限（工作日）", required=False, min_value=0, max_value=365)
    promised_days = forms.IntegerField(label="承诺办结时限（工作日，0 为即办）", required=False, min_value=0, max_value=365)
    online_depth = forms.TypedChoiceField(label="网办深度", choices=OnlineDepth.choices, coerce=int)
    visits_required = forms.IntegerField(label="到现场次数", min_value=0, max_value=5)
    citywide = forms.BooleanField(label="全市通办", required=False)
    high_frequency = forms.BooleanField(label="高频事项", required=False)
    keywords = forms.CharField(label="搜索关键词（俗称、简称，空格分隔）", required=False, max_length=500)
    window_phone = forms.CharField(label="咨询电话", required=False, max_length=32)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="下线原因", max_length=200)


@requires(PERM)
@require_http_methods(["GET", "POST"])
def item_edit(request, public_id):
    item = sel.staff_item(request.user, public_id)
    initial = {f: getattr(item, f) for f in ItemForm.base_fields}
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_item(request.user, item, **form.cleaned_data)
        except DigiGovError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, "事项已保存")
            return redirect("onestop_catalog_staff:item", public_id=item.public_id)
    return render(request, "web/form.html", {"form": form, "title": f"修改事项：{item.name}", "submit_label": "保存",
                                             "intro": "事项编码、类型和实施主体不能修改；如需变更，请新增事项并将原事项下线。"},
                  status=400 if form.errors else 200)


class MaterialsForm(forms.Form):
    materials = forms.CharField(
        label="申请材料（每行一项：名称｜形式｜电子证照类型代码｜共享数据来源｜必要）", widget=forms.Textarea(attrs={"rows": 12}), required=False,
        help_text="形式：原件、复印件、原件和复印件、电子材料；必要：是/否。共享数据来源：" + "、".join(
            f"{k}（{label}）" for k, (label, _) in prefill.SOURCES.items()))


FORM_BY_LABEL = {str(label): value for value, label in MaterialForm.choices}
LABEL_BY_FORM = {value: str(label) for value, label in MaterialForm.choices}


def materials_text(item) -> str:
    lines = []
    for m in item.materials.select_related("licence_type"):
        lines.append("｜".join([m.name, LABEL_BY_FORM.get(m.form, ""), m.licence_type.code if m.licence_type_id else "", m.shared_source,
                               "是" if m.required else "否"]))
    return "\n".join(lines)


def parse_materials(text: str) -> list[dict]:
    rows = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
        parts += [""] * (5 - len(parts))
        if len(parts) > 5 or parts[1] not in FORM_BY_LABEL or parts[4] not in ("是", "否", ""):
            raise DigiGovError(f"第 {i} 行格式不对：应为 名称｜形式｜电子证照类型代码｜共享数据来源｜必要", code="invalid_material_line",
                               status=422, detail={"field": "materials"})
        rows.append({"name": parts[0], "form": FORM_BY_LABEL[parts[1]], "licence_type": parts[2] or None, "shared_source": parts[3],
                     "required": parts[4] != "否"})
    return rows


@requires(PERM)
@require_http_methods(["GET", "POST"])
def item_materials(request, public_id):
    item = sel.staff_item(request.user, public_id)
    form = MaterialsForm(request.POST or None, initial={"materials": materials_text(item)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_materials(request.user, item, parse_materials(form.cleaned_data["materials"]))
        except DigiGovError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, "申请材料已保存")
            return redirect("onestop_catalog_staff:item", public_id=item.public_id)
    return render(request, "web/form.html", {"form": form, "title": f"申请材料：{item.name}", "submit_label": "保存材料"},
                  status=400 if form.errors else 200)


@requires(PERM)
@require_POST
def item_toggle(request, public_id):
    item = sel.staff_item(request.user, public_id)
    form = ReasonForm(request.POST) if item.active else None
    try:
        if item.active:
            if not form.is_valid():
                raise DigiGovError("请填写下线原因", code="reason_required", status=422, detail={"field": "reason"})
            actions.set_item_active(request.user, item, False, form.cleaned_data["reason"])
            messages.success(request, "事项已下线，门户不再提供办理")
        else:
            actions.set_item_active(request.user, item, True)
            messages.success(request, "事项已重新上线")
    except DigiGovError as exc:
        messages.error(request, exc.message)
    return redirect("onestop_catalog_staff:item", public_id=item.public_id)
