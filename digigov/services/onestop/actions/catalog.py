"""Catalog writes: service items, their materials, topics and the metadata of 一件事 bundles.

Every write checks ``onestop.manage`` over the item's competent department (a department admin manages its
own items; topics are the city's, so only an unscoped grant manages them), validates everything before it
writes, runs in one transaction, is audited, and sends ``signals.item_changed`` / ``bundle_changed`` (the
search index listens). An item is never deleted (applications and ratings point at it): it is taken
offline (``active=False``) and no longer offered.

The implementing code is built from its parts (``codes.implementing_code``: basic code + the department's
division + the department + business item + check character) unless one is given, which must pass the check.
"""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.models import Department, Division
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.text import clean_text
from digigov.core.validators import clean_name

from .. import codes, prefill, signals
from ..models import Audience, Bundle, ItemMaterial, ItemType, MaterialForm, OnlineDepth, ServiceItem, Topic, TopicKind

PERM = "onestop.manage"
ITEM_SNAP = ["code", "basic_code", "name", "item_type", "audience", "department", "legal_basis", "conditions", "process_steps",
             "fee_required", "fees", "statutory_days", "promised_days", "online_depth", "visits_required", "citywide", "process", "form",
             "keywords", "high_frequency", "window_phone", "active"]
MATERIAL_SNAP = ["name", "form", "copies", "required", "note", "licence_type", "shared_source", "order"]
TOPIC_SNAP = ["code", "name", "kind", "description", "keywords", "order"]
BUNDLE_SNAP = ["name", "description", "topic", "promised_days", "keywords", "active", "popularity"]
MAX_MATERIALS = 40
MAX_FEES = 10


def _refuse(message: str, code: str, field: str):
    raise ValidationFailed(message, code=code, detail={"field": field})


def _flag(data: dict, key: str, label: str) -> bool:
    value = data[key]
    if not isinstance(value, bool):
        _refuse(f"{label}只能是“是”或“否”", "invalid_flag", key)
    return value


def _days(value, field: str, label: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
        _refuse(f"{label}应为 0 到 365 个工作日", "invalid_days", field)
    return value


def _keywords(value, field: str = "keywords") -> str:
    text = clean_text(value, field, "搜索关键词", 500, required=False)
    return " ".join(dict.fromkeys(text.split()))  # one space between words, each word once


def clean_fees(fees) -> list[dict]:
    """``[{name, amount_cents, basis}]``: what the guide shows and the payment slice charges."""
    if fees in (None, ""):
        return []
    if not isinstance(fees, list) or len(fees) > MAX_FEES:
        _refuse(f"收费标准应为列表，最多 {MAX_FEES} 项", "invalid_fees", "fees")
    out = []
    for i, fee in enumerate(fees, start=1):
        if not isinstance(fee, dict) or set(fee) - {"name", "amount_cents", "basis"}:
            _refuse(f"第 {i} 项收费格式无效", "invalid_fee", "fees")
        name = clean_name(fee.get("name"), "fees", f"第 {i} 项收费的名称", 100)
        amount = fee.get("amount_cents")
        if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= 100_000_000:
            _refuse(f"收费“{name}”的金额应为 1 分到 100 万元之间的整数（分）", "invalid_fee_amount", "fees")
        basis = clean_text(fee.get("basis"), "fees", f"收费“{name}”的依据", 300)
        out.append({"name": name, "amount_cents": amount, "basis": basis})
    return out


def _steps(value) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > 20:
        _refuse("办理流程应为环节名称列表，最多 20 个环节", "invalid_steps", "process_steps")
    return [clean_name(s, "process_steps", f"第 {i} 个环节", 20) for i, s in enumerate(value, start=1)]


def _clean_item(data: dict, *, creating: bool) -> dict:
    out: dict = {}
    if creating or "name" in data:
        out["name"] = clean_name(data.get("name"), "name", "事项名称", 200)
    if creating or "item_type" in data:
        if data.get("item_type") not in ItemType.values:
            _refuse("请选择事项类型", "invalid_item_type", "item_type")
        out["item_type"] = data["item_type"]
    if creating or "audience" in data:
        if data.get("audience") not in Audience.values:
            _refuse("请选择服务对象", "invalid_audience", "audience")
        out["audience"] = data["audience"]
    if creating or "department" in data:
        if not isinstance(data.get("department"), Department) or data["department"].voided_at is not None:
            _refuse("请选择实施主体（部门）", "department_required", "department")
        out["department"] = data["department"]
    if "basic_code" in data and data["basic_code"] not in (None, ""):
        error = codes.basic_code_error(data["basic_code"])
        if error:
            _refuse(error, "invalid_basic_code", "basic_code")
        out["basic_code"] = data["basic_code"]
    if "code" in data and data["code"] not in (None, ""):
        error = codes.implementing_code_error(data["code"])
        if error:
            _refuse(error, "invalid_code", "code")
        out["code"] = data["code"]
    for key, label, n in (("legal_basis", "设定依据", 4000), ("conditions", "受理条件", 4000)):
        if creating or key in data:
            out[key] = clean_text(data.get(key), key, label, n, required=creating)
    if "window_phone" in data:
        phone = clean_text(data.get("window_phone"), "window_phone", "咨询电话", 32, required=False)
        if phone and not all(c.isdigit() or c in "-－ ()（）" for c in phone):
            _refuse("咨询电话只能包含数字和连字符", "invalid_phone", "window_phone")
        out["window_phone"] = phone
    if "keywords" in data:
        out["keywords"] = _keywords(data.get("keywords"))
    if "process_steps" in data:
        out["process_steps"] = _steps(data.get("process_steps"))
    if "fees" in data:
        out["fees"] = clean_fees(data.get("fees"))
        out["fee_required"] = bool(out["fees"])
    for key, label in (("statutory_days", "法定办结时限"), ("promised_days", "承诺办结时限")):
        if key in data:
            out[key] = _days(data.get(key), key, label)
    if "online_depth" in data:
        if data["online_depth"] not in OnlineDepth.values or isinstance(data["online_depth"], bool):
            _refuse("请选择网办深度（一级到四级）", "invalid_online_depth", "online_depth")
        out["online_depth"] = data["online_depth"]
    if "visits_required" in data:
        v = data["visits_required"]
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 5:
            _refuse("到现场次数应为 0 到 5 次", "invalid_visits", "visits_required")
        out["visits_required"] = v
    for key, label in (("citywide", "全市通办"), ("high_frequency", "高频事项"), ("active", "在线")):
        if key in data:
            out[key] = _flag(data, key, label)
    if "process" in data:
        out["process"] = _process(data.get("process"))
    if "form" in data:
        out["form"] = _form(data.get("form"))
    return out


def _process(value):
    from digigov.support.workflow.models import ProcessDefinition

    if value in (None, ""):
        return None
    if not isinstance(value, ProcessDefinition) or value.voided_at is not None:
        _refuse("请选择办理流程", "invalid_process", "process")
    return value


def _form(value):
    from digigov.support.forms.models import FormDefinition

    if value in (None, ""):
        return None
    if not isinstance(value, FormDefinition) or value.voided_at is not None:
        _refuse("请选择申请表单", "invalid_form", "form")
    return value


def _check_limits(values: dict, item: ServiceItem | None = None) -> None:
    statutory = values.get("statutory_days", item.statutory_days if item else None)
    promised = values.get("promised_days", item.promised_days if item else None)
    if statutory is not None and promised is not None and promised > statutory:
        _refuse("承诺办结时限不能长于法定办结时限", "promised_over_statutory", "promised_days")
    depth = values.get("online_depth", item.online_depth if item else OnlineDepth.FULL)
    visits = values.get("visits_required", item.visits_required if item else 0)
    if depth == OnlineDepth.FULL and visits:
        _refuse("全程网办（四级）的事项到现场次数应为 0", "full_online_with_visits", "visits_required")


def _divisions(value) -> list[Division]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(d, Division) for d in value):
        _refuse("办理区划无效", "invalid_divisions", "divisions")
    return list(value)


def _topics(value) -> list[Topic]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(t, Topic) for t in value):
        _refuse("办事主题无效", "invalid_topics", "topics")
    return list(value)


def next_basic_code(item_type: str) -> str:
    """The next free main-item number of a type (a locally added item the basic catalog does not list)."""
    last = (ServiceItem.objects.filter(basic_code__startswith=item_type, basic_code__regex=r"^\d{10}$")
            .order_by("-basic_code").values_list("basic_code", flat=True).first())
    main = int(last[2:7]) + 1 if last else 1
    if main > 99999:
        raise Conflict("该事项类型的基本编码已用完", code="basic_codes_exhausted", detail={"field": "item_type"})
    return codes.basic_code(item_type, main)


def _implementing(values: dict, business_item: int = 1) -> str:
    dept = values["department"]
    return codes.implementing_code(values["basic_code"], dept.division.code, dept.code, business_item)


@transaction.atomic
def create_item(actor, *, materials=None, topics=None, divisions=None, **data) -> ServiceItem:
    """A new item (with its materials, topics and divisions in the same transaction)."""
    values = _clean_item(data, creating=True)
    require(actor, PERM, values["department"])
    topic_list, division_list = _topics(topics), _divisions(divisions)
    material_rows = clean_materials(materials or [], audience=values["audience"])
    _check_limits(values)
    if "basic_code" in values and values["basic_code"][:2] != values["item_type"]:
        _refuse("基本编码的事项类型与所选事项类型不一致", "basic_code_type_mismatch", "basic_code")
    values.setdefault("basic_code", next_basic_code(values["item_type"]))
    if "code" in values:
        if codes.parse(values["code"]).basic != values["basic_code"]:
            _refuse("实施编码不是由该基本编码生成的", "code_basic_mismatch", "code")
    else:
        values["code"] = _implementing(values)
    if ServiceItem.objects.filter(code=values["code"]).exists():
        raise Conflict(f"实施编码 {values['code']} 已存在", code="item_code_taken", detail={"field": "code"})
    item = ServiceItem.objects.create(**values)
    if topic_list:
        item.topics.set(topic_list)
    if division_list:
        item.divisions.set(division_list)
    _write_materials(item, material_rows)
    record(actor, "onestop.item.create", item, after={**snapshot(item, ITEM_SNAP), "materials": len(material_rows),
                                                      "topics": [t.code for t in topic_list], "divisions": [d.code for d in division_list]})
    signals.item_changed.send(sender=ServiceItem, item=item)
    return item


@transaction.atomic
def update_item(actor, item: ServiceItem, *, topics=None, divisions=None, **data) -> ServiceItem:
    """Change an item's fields (only those given); ``topics`` / ``divisions`` replace the sets when given."""
    require(actor, PERM, item)
    for frozen in ("code", "basic_code", "item_type"):
        if frozen in data and data[frozen] != getattr(item, frozen):
            _refuse("事项编码和事项类型不能修改：请新增事项并将原事项下线", "code_locked", frozen)
        data.pop(frozen, None)
    values = _clean_item(data, creating=False)
    if "department" in values and values["department"].pk != item.department_id:
        require(actor, PERM, values["department"])
        _refuse("实施主体不能修改：实施编码含实施部门，请新增事项并将原事项下线", "department_locked", "department")
    topic_list = _topics(topics) if topics is not None else None
    division_list = _divisions(divisions) if divisions is not None else None
    locked = ServiceItem.objects.select_for_update().get(pk=item.pk)
    _check_limits(values, locked)
    before = snapshot(locked, ITEM_SNAP)
    for k, v in values.items():
        setattr(locked, k, v)
    locked.save()
    after = snapshot(locked, ITEM_SNAP)
    if topic_list is not None:
        before["topics"] = sorted(locked.topics.values_list("code", flat=True))
        locked.topics.set(topic_list)
        after["topics"] = sorted(t.code for t in topic_list)
    if division_list is not None:
        before["divisions"] = sorted(locked.divisions.values_list("code", flat=True))
        locked.divisions.set(division_list)
        after["divisions"] = sorted(d.code for d in division_list)
    record(actor, "onestop.item.update", locked, before=before, after=after)
    signals.item_changed.send(sender=ServiceItem, item=locked)
    return locked


def set_item_active(actor, item: ServiceItem, active: bool, reason: str = "") -> ServiceItem:
    """Take an item offline (no longer offered; guides say so) or back online. A reason is required to take it offline."""
    if not isinstance(active, bool):
        _refuse("开关只能是“是”或“否”", "invalid_flag", "active")
    reason = clean_text(reason, "reason", "下线原因", 200, required=not active)
    with transaction.atomic():
        require(actor, PERM, item)
        locked = ServiceItem.objects.select_for_update().get(pk=item.pk)
        if locked.active == active:
            raise Conflict("事项已下线" if not active else "事项已在线", code="item_state_unchanged")
        locked.active = active
        locked.save(update_fields=["active"])
        record(actor, "onestop.item.deactivate" if not active else "onestop.item.activate", locked,
               before={"active": not active}, after={"active": active, "reason": reason})
        signals.item_changed.send(sender=ServiceItem, item=locked)
    return locked


def deactivate_item(actor, item: ServiceItem, reason: str) -> ServiceItem:
    return set_item_active(actor, item, False, reason)


# --- materials -------------------------------------------------------------------------------------
def clean_materials(rows, *, audience: str | None = None) -> list[dict]:
    """Validate a material list: ``[{name, form, copies, required, note, licence_type, shared_source}]``.
    ``licence_type`` is a ``license.LicenceType`` or its code; ``shared_source`` a key of ``prefill.SOURCES``."""
    from digigov.support.license.models import LicenceType

    if not isinstance(rows, (list, tuple)):
        _refuse("申请材料应为列表", "invalid_materials", "materials")
    if len(rows) > MAX_MATERIALS:
        _refuse(f"申请材料最多 {MAX_MATERIALS} 项", "too_many_materials", "materials")
    out, seen = [], set()
    codes_wanted = {r.get("licence_type") for r in rows if isinstance(r, dict) and isinstance(r.get("licence_type"), str) and r.get("licence_type")}
    types = {lt.code: lt for lt in LicenceType.objects.filter(code__in=codes_wanted)} if codes_wanted else {}
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or set(row) - {"name", "form", "copies", "required", "note", "licence_type", "shared_source"}:
            _refuse(f"第 {i} 项材料格式无效", "invalid_material", "materials")
        name = clean_name(row.get("name"), "materials", f"第 {i} 项材料的名称", 200)
        if name in seen:
            _refuse(f"材料“{name}”重复", "duplicate_material", "materials")
        seen.add(name)
        form = row.get("form", MaterialForm.ORIGINAL)
        if form not in MaterialForm.values:
            _refuse(f"材料“{name}”的形式无效", "invalid_material_form", "materials")
        copies = row.get("copies", 1)
        if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 20:
            _refuse(f"材料“{name}”的份数应为 1 到 20", "invalid_copies", "materials")
        required = row.get("required", True)
        if not isinstance(required, bool):
            _refuse(f"材料“{name}”是否必要只能是“是”或“否”", "invalid_required", "materials")
        note = clean_text(row.get("note"), "materials", f"材料“{name}”的填报须知", 300, required=False)
        lt = row.get("licence_type")
        if lt in (None, ""):
            lt = None
        elif isinstance(lt, str):
            if lt not in types:
                _refuse(f"材料“{name}”的电子证照类型 {lt} 不存在", "unknown_licence_type", "materials")
            lt = types[lt]
        elif not isinstance(lt, LicenceType):
            _refuse(f"材料“{name}”的电子证照类型无效", "unknown_licence_type", "materials")
        source = row.get("shared_source") or ""
        if source and source not in prefill.SOURCES:
            _refuse(f"材料“{name}”的共享数据来源无效", "unknown_shared_source", "materials")
        out.append({"name": name, "form": form, "copies": copies, "required": required, "note": note, "licence_type": lt,
                    "shared_source": source, "order": i})
    return out


def _write_materials(item: ServiceItem, rows: list[dict]) -> None:
    ItemMaterial.objects.bulk_create([ItemMaterial(item=item, **row) for row in rows])


@transaction.atomic
def set_materials(actor, item: ServiceItem, materials) -> list[ItemMaterial]:
    """Replace the item's material list (what the guide shows and the application asks for)."""
    require(actor, PERM, item)
    rows = clean_materials(materials, audience=item.audience)
    locked = ServiceItem.objects.select_for_update().get(pk=item.pk)
    before = [snapshot(m, MATERIAL_SNAP) for m in locked.materials.all()]
    locked.materials.all().delete()
    _write_materials(locked, rows)
    after = [snapshot(m, MATERIAL_SNAP) for m in locked.materials.all()]
    record(actor, "onestop.item.materials", locked, before={"materials": before}, after={"materials": after})
    signals.item_changed.send(sender=ServiceItem, item=locked)
    return list(locked.materials.all())


# --- topics ----------------------------------------------------------------------------------------
def _clean_topic(data: dict, *, creating: bool) -> dict:
    import re

    out = {}
    if creating or "code" in data:
        code = data.get("code")
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9-]{1,31}", code):
            _refuse("主题代码应为 2–32 位小写字母、数字或连字符，以字母开头", "invalid_topic_code", "code")
        out["code"] = code
    if creating or "name" in data:
        out["name"] = clean_name(data.get("name"), "name", "主题名称", 32)
    if creating or "kind" in data:
        if data.get("kind") not in TopicKind.values:
            _refuse("请选择主题类别", "invalid_topic_kind", "kind")
        out["kind"] = data["kind"]
    if "description" in data:
        out["description"] = clean_text(data.get("description"), "description", "说明", 200, required=False)
    if "keywords" in data:
        out["keywords"] = _keywords(data.get("keywords"))
    if "order" in data:
        if isinstance(data["order"], bool) or not isinstance(data["order"], int) or not 0 <= data["order"] <= 999:
            _refuse("排序应为 0 到 999", "invalid_order", "order")
        out["order"] = data["order"]
    return out


@transaction.atomic
def create_topic(actor, **data) -> Topic:
    require(actor, PERM, WHOLE_CITY)
    values = _clean_topic(data, creating=True)
    if Topic.objects.filter(code=values["code"]).exists():
        raise Conflict(f"主题代码 {values['code']} 已存在", code="topic_code_taken", detail={"field": "code"})
    topic = Topic.objects.create(**values)
    record(actor, "onestop.topic.create", topic, after=snapshot(topic, TOPIC_SNAP))
    return topic


@transaction.atomic
def update_topic(actor, topic: Topic, **data) -> Topic:
    require(actor, PERM, WHOLE_CITY)
    if "code" in data and data["code"] != topic.code:
        _refuse("主题代码不能修改", "code_locked", "code")
    data.pop("code", None)
    values = _clean_topic(data, creating=False)
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    before = snapshot(locked, TOPIC_SNAP)
    for k, v in values.items():
        setattr(locked, k, v)
    locked.save()
    record(actor, "onestop.topic.update", locked, before=before, after=snapshot(locked, TOPIC_SNAP))
    return locked


# --- bundle metadata (the bundles slice owns members and forms) ------------------------------------
@transaction.atomic
def update_bundle(actor, bundle: Bundle, **data) -> Bundle:
    """Change a 一件事's guide metadata: name, description, topic, promised days, keywords, online."""
    require(actor, PERM, bundle)
    allowed = {"name", "description", "topic", "promised_days", "keywords", "active"}
    unknown = set(data) - allowed
    if unknown:
        _refuse("只能修改名称、说明、主题、承诺时限、关键词和在线状态", "invalid_bundle_field", sorted(unknown)[0])
    values = {}
    if "name" in data:
        values["name"] = clean_name(data["name"], "name", "一件事名称", 100)
    if "description" in data:
        values["description"] = clean_text(data["description"], "description", "说明", 4000, required=False)
    if "topic" in data:
        if data["topic"] is not None and not isinstance(data["topic"], Topic):
            _refuse("办事主题无效", "invalid_topic", "topic")
        values["topic"] = data["topic"]
    if "promised_days" in data:
        values["promised_days"] = _days(data["promised_days"], "promised_days", "承诺办结时限")
    if "keywords" in data:
        values["keywords"] = _keywords(data["keywords"])
    if "active" in data:
        values["active"] = _flag(data, "active", "在线")
    locked = Bundle.objects.select_for_update().get(pk=bundle.pk)
    before = snapshot(locked, BUNDLE_SNAP)
    for k, v in values.items():
        setattr(locked, k, v)
    locked.save()
    record(actor, "onestop.bundle.update", locked, before=before, after=snapshot(locked, BUNDLE_SNAP))
    signals.bundle_changed.send(sender=Bundle, bundle=locked)
    return locked
