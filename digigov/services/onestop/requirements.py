"""What an applicant must give for an item or a 一件事: the fields to fill and the materials to hand in.

``for_item(item)`` / ``for_bundle(bundle)`` → ``Requirements``:

* ``form`` — what the applicant fills in: the item's ``form`` (its newest published ``FormVersion``), or for
  an item without one a *standard applicant block* (姓名, 公民身份号码, 手机号码, 住址; for enterprise items
  单位名称, 统一社会信用代码, 法定代表人, 联系人, 联系电话) — a ``StandardForm`` with the same ``ui`` /
  ``bindings`` / ``schema`` attributes a ``FormVersion`` has, so ``forms.render``, ``forms.schema.validate``
  and ``forms.prefill.prefill`` take either. ``fields`` lists the value fields with where each can be
  pre-filled from (免填).
* ``materials`` — one ``MaterialNeed`` per material, each saying what may replace it: the applicant's
  e-licence of ``licence_code`` (found in the licence index at submission) or shared data ``shared_source``
  (``onestop.prefill.read``). A material that is replaced is not asked for (免提交); one that could be
  replaced but the applicant has no such licence / data must be uploaded.

For a bundle the answer is the union over its member items, each field asked once (by field key; a
bundle with its own combined ``form`` uses that when all its members are applied for) and each material once ("只提交一次": the same e-licence
type, else the same material name); ``MaterialNeed.item_ids`` says which member cases receive it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Audience, Bundle, MaterialForm, ServiceItem
from . import prefill as shared


def _c(kind: str, key: str, label: str, *, required=True, max_length=None, idtype=None) -> dict:
    comp: dict = {"type": kind, "key": key, "label": label, "id": f"Field_{key}"}
    validate: dict = {"required": True} if required else {}
    if max_length:
        validate["maxLength"] = max_length
    if validate:
        comp["validate"] = validate
    if idtype:
        comp["properties"] = {"idtype": idtype}
    return comp


PERSON_BLOCK = [
    _c("textfield", "applicant_name", "姓名", max_length=32),
    _c("textfield", "applicant_id_number", "公民身份号码", idtype="resident_id"),
    _c("textfield", "applicant_phone", "手机号码", idtype="phone"),
    _c("textfield", "applicant_address", "住址", required=False, max_length=200),
]
PERSON_BINDINGS = {"applicant_name": "profile.name", "applicant_id_number": "profile.id_number", "applicant_phone": "profile.phone",
                   "applicant_address": "profile.address"}
ENTERPRISE_BLOCK = [
    _c("textfield", "enterprise_name", "单位名称", max_length=100),
    _c("textfield", "enterprise_uscc", "统一社会信用代码", idtype="uscc"),
    _c("textfield", "legal_representative", "法定代表人", required=False, max_length=32),
    _c("textfield", "contact_name", "联系人", max_length=32),
    _c("textfield", "contact_phone", "联系电话", idtype="phone"),
]
ENTERPRISE_BINDINGS = {"enterprise_name": "profile.enterprise_name", "enterprise_uscc": "profile.uscc",
                       "contact_name": "profile.name", "contact_phone": "profile.phone"}


@dataclass
class StandardForm:
    """A form built here (standard block or a bundle's merged form): duck-types ``FormVersion``."""
    ui: dict
    bindings: dict
    schema: dict = field(default_factory=dict)  # empty: ``forms.schema.validate`` derives it from ``ui``
    public_id: str = ""

    def __str__(self) -> str:
        return "申请表"


def standard_form(audience: str) -> StandardForm:
    if audience == Audience.ENTERPRISE:
        comps, bindings = ENTERPRISE_BLOCK, ENTERPRISE_BINDINGS
    else:
        comps, bindings = PERSON_BLOCK, PERSON_BINDINGS
    return StandardForm({"type": "default", "id": f"Form_std_{audience}", "components": [dict(c) for c in comps]}, dict(bindings))


@dataclass(frozen=True)
class FieldNeed:
    path: str
    label: str
    required: bool
    source: str = ""  # the binding: where the value can be pre-filled from


@dataclass
class MaterialNeed:
    key: str  # stable within the requirements: ``m<ItemMaterial pk>`` of the first member material
    name: str
    form: str
    copies: int
    required: bool
    note: str = ""
    licence_code: str = ""
    licence_name: str = ""
    shared_source: str = ""
    item_material_ids: list[int] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)

    @property
    def replaceable(self) -> bool:
        return bool(self.licence_code or self.shared_source)

    @property
    def shared_label(self) -> str:
        return shared.label(self.shared_source) if self.shared_source else ""

    @property
    def form_label(self) -> str:
        return MaterialForm(self.form).label if self.form in MaterialForm.values else ""


@dataclass
class Requirements:
    items: list[ServiceItem]
    form: object
    fields: list[FieldNeed]
    materials: list[MaterialNeed]

    def material(self, key: str) -> MaterialNeed | None:
        return next((m for m in self.materials if m.key == key), None)

    def materials_for(self, item) -> list[MaterialNeed]:
        return [m for m in self.materials if item.pk in m.item_ids]


def item_form(item: ServiceItem):
    """The item's own form: the newest published version of ``item.form``, else the standard block."""
    if item.form_id:
        from digigov.support.forms.selectors import current_version

        version = current_version(item.form)
        if version is not None:
            return version
    return standard_form(item.audience)


def _fields(form) -> list[FieldNeed]:
    from digigov.support.forms import schema as sc

    bindings = getattr(form, "bindings", None) or {}
    return [FieldNeed(f.path, f.label, f.required, bindings.get(f.path, "")) for f in sc.flat_fields(form.ui) if not f.repeating]


def _materials(items) -> list[MaterialNeed]:
    from .models import ItemMaterial

    rows = list(ItemMaterial.objects.filter(item__in=[i.pk for i in items]).select_related("licence_type")
                .order_by("item_id", "order", "id"))
    order = {i.pk: n for n, i in enumerate(items)}
    rows.sort(key=lambda m: (order.get(m.item_id, 0), m.order, m.id))
    out: list[MaterialNeed] = []
    by_key: dict[tuple, MaterialNeed] = {}
    for m in rows:
        dedup = ("licence", m.licence_type_id) if m.licence_type_id else ("name", "".join(m.name.split()))
        need = by_key.get(dedup)
        if need is None:
            need = by_key[dedup] = MaterialNeed(
                key=f"m{m.pk}", name=m.name, form=m.form, copies=m.copies, required=m.required, note=m.note,
                licence_code=m.licence_type.code if m.licence_type_id else "", licence_name=m.licence_type.name if m.licence_type_id else "",
                shared_source=m.shared_source if m.shared_source in shared.SOURCES else "")
            out.append(need)
        else:
            need.required = need.required or m.required
            if not need.shared_source and m.shared_source in shared.SOURCES:
                need.shared_source = m.shared_source
        need.item_material_ids.append(m.pk)
        if m.item_id not in need.item_ids:
            need.item_ids.append(m.item_id)
    return out


def for_item(item: ServiceItem) -> Requirements:
    form = item_form(item)
    return Requirements([item], form, _fields(form), _materials([item]))


def _merged_form(bundle: Bundle, items) -> StandardForm:
    """The chosen members' forms merged field by field (``bundles.combined_document``, the same merge the
    modelled bundles' own combined forms are built with): the applicant block once, then per member the
    fields no earlier member asked. Member forms wrap their fields in sections (申请人, the member's name),
    so merging whole top-level components would drop a later member's different applicant block and ask a
    key shared by two members' sections twice."""
    from .bundles import combined_document

    parts, bindings = [], []
    for item in items:
        form = item_form(item)
        parts.append((item.name, (form.ui or {}).get("components") or []))
        bindings.append(getattr(form, "bindings", None) or {})
    ui, merged = combined_document(parts, form_id=f"Form_bundle_{bundle.pk}", bindings=bindings)
    return StandardForm(ui, merged)


def bundle_items(bundle: Bundle) -> list[ServiceItem]:
    return [m.item for m in bundle.memberships.select_related("item", "item__department", "item__process").order_by("order", "id")]


def for_bundle(bundle: Bundle, items=None) -> Requirements:
    """``items``: the member items chosen (optional members the applicant ticked); default all members."""
    members = bundle_items(bundle)
    items = list(items) if items is not None else members
    form = None
    # the bundle's own combined form asks every member's fields; when the applicant ticked only some
    # members, the form is merged from the chosen ones (an unticked optional member's required fields
    # are not asked)
    if bundle.form_id and {i.pk for i in items} == {i.pk for i in members}:
        from digigov.support.forms.selectors import current_version

        form = current_version(bundle.form)
    if form is None:
        form = _merged_form(bundle, items)
    return Requirements(items, form, _fields(form), _materials(items))
