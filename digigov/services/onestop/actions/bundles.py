"""Writes of the 一件事 part of the catalog: installing a modelled bundle (its member items, their processes
and forms, the combined form) and creating a generated bundle over existing items.

Every action: ``onestop.manage`` checked city-wide (the member items belong to several departments), one
transaction, audit entries naming the actor (``onestop.item.create`` per new member item,
``onestop.bundle.create`` per bundle), and the catalog signals (``item_changed`` / ``bundle_changed``) so
the search index follows. The processes and forms go through their own apps' actions (import + activate,
create + publish), so the actor also needs ``workflow.design`` and ``forms.design`` — the city administrator
holds all three. Installing is idempotent by code: what exists is reused, a second run changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.text import clean_text

from .. import signals
from ..bundles import combined_document, merge_fields
from ..bundles_data import ENTERPRISE_BINDINGS, PERSON_BINDINGS
from ..models import Audience, Bundle, BundleMember, ItemMaterial, ServiceItem, Topic

MAX_MEMBERS = 12


def _department(code: str):
    from digigov.core.org.models import Department

    dept = Department.objects.filter(code=code, voided_at__isnull=True).first()
    if dept is None:
        raise ValidationFailed(f"部门 {code} 不存在", code="department_unknown", detail={"field": "department"})
    return dept


def _licence_type(code: str):
    from digigov.support.license.models import LicenceType

    lt = LicenceType.objects.filter(code=code).first()
    if lt is None:
        raise ValidationFailed(f"证照类型 {code} 不存在，请先在电子证照目录中登记", code="licence_type_unknown", detail={"field": "licence_type"})
    return lt


def _bindings_for(fields) -> dict:
    keys = {c.get("key") for c in fields}
    return {k: v for k, v in {**PERSON_BINDINGS, **ENTERPRISE_BINDINGS}.items() if k in keys}


def form_key(member_key: str) -> str:
    return "yjs-" + member_key.removeprefix("yjs_").replace("_", "-")


def _published_form(actor, key: str, name: str, department, ui: dict, bindings: dict):
    """The newest published version of form ``key``, created and published when missing."""
    from digigov.support.forms import actions as form_actions
    from digigov.support.forms.models import FormDefinition
    from digigov.support.forms.selectors import current_version

    form = FormDefinition.objects.filter(key=key).first()
    if form is None:
        form = form_actions.create_form(actor, key=key, name=name[:100], department=department)
    version = current_version(form)
    if version is None:
        version = form_actions.publish_version(actor, form_actions.save_draft_version(actor, form, ui, bindings))
    return form, version


def member_document(m: dict) -> tuple[dict, dict]:
    """The form-js document and bindings of one member of ``bundles_data.MODELLED`` (what its form publishes)."""
    sections = merge_fields([(m["name"], m["fields"])])
    ui = {"type": "default", "id": m["key"], "schemaVersion": 18,
          "components": [{"type": "group", "label": name, "id": f"Group_s{i}", "showOutline": True, "components": fs}
                         for i, (name, fs) in enumerate(sections)]}
    return ui, _bindings_for(m["fields"])


def bundle_document(spec: dict) -> tuple[dict, dict]:
    """The combined form-js document and bindings of a modelled bundle (what its combined form publishes)."""
    return combined_document([(m["name"], m["fields"]) for m in spec["members"]], form_id=f"bundle_{spec['code'].lower()}",
                             bindings=[_bindings_for(m["fields"]) for m in spec["members"]])


def _member_form(actor, m: dict, department):
    ui, bindings = member_document(m)
    return _published_form(actor, form_key(m["key"]), f"{m['name']}申请表", department, ui, bindings)


def _process(actor, m: dict, department, form_version):
    """The member's active process: the reused platform process, else this folder's file (imported and
    activated when no active version exists)."""
    from digigov.support.workflow.actions.processes import activate_version, import_process
    from digigov.support.workflow.models import ProcessVersion, VersionStatus

    from .. import processes

    key = m["reuse"] or m["key"]
    active = ProcessVersion.objects.filter(process__key=key, status=VersionStatus.ACTIVE).select_related("process").first()
    if active is not None:
        return active.process
    if m["reuse"]:
        raise ValidationFailed(f"复用的流程 {key} 尚未发布", code="process_not_active", detail={"field": "process"})
    version = import_process(actor, processes.read(key), f"{key}.bpmn", department=department, form=form_version, name=m["name"],
                             statutory_days=m["statutory_days"], promised_days=m["promised_days"])
    return activate_version(actor, version).process


def _topic(spec) -> Topic | None:
    if not spec:
        return None
    code, name, kind = spec
    topic, _ = Topic.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
    return topic


def _member_audience(m: dict, bundle_audience: str) -> str:
    """法人 where the member's form asks for the enterprise's code; a member of an enterprise 一件事 whose
    applicant is a person (企业开办: the founder applies before the enterprise exists) serves both
    (个人和法人) — an enterprise service all the same, counted by K09 营商环境便利度 and listed for enterprises."""
    if any(c.get("key") == "enterprise_uscc" for c in m["fields"]):
        return Audience.ENTERPRISE
    return Audience.BOTH if bundle_audience == Audience.ENTERPRISE else Audience.PERSON


def _install_item(actor, m: dict, topic, bundle_audience: str = Audience.PERSON) -> ServiceItem:
    item = ServiceItem.objects.filter(code=m["code"]).first()
    if item is not None:
        return item
    department = _department(m["department"])
    materials = [(x, _licence_type(x["licence"]) if x["licence"] else None) for x in m["materials"]]
    form, version = _member_form(actor, m, department)
    process = _process(actor, m, department, version)
    item = ServiceItem.objects.create(
        code=m["code"], basic_code=m["basic_code"], name=m["name"], item_type=m["item_type"],
        audience=_member_audience(m, bundle_audience),
        department=department, legal_basis=m["legal_basis"], conditions=m["conditions"] + (f"（{m['note']}）" if m["note"] else ""),
        process_steps=["申请", "受理", "审查", "决定", "送达"], statutory_days=m["statutory_days"], promised_days=m["promised_days"],
        visits_required=m["visits"], process=process, form=form, keywords=m["keywords"], fees=m["fees"], fee_required=bool(m["fees"]))
    if topic is not None:
        item.topics.add(topic)
    ItemMaterial.objects.bulk_create([
        ItemMaterial(item=item, name=x["name"], form=x["form"], required=x["required"], note=x["note"], licence_type=lt,
                     shared_source=x["shared"], order=i) for i, (x, lt) in enumerate(materials)])
    record(actor, "onestop.item.create", item, after={"code": item.code, "name": item.name, "department": str(department),
                                                      "process": process.key, "materials": len(materials)})
    signals.item_changed.send(sender=ServiceItem, item=item)
    return item


@transaction.atomic
def install_modelled_bundle(actor, spec: dict) -> Bundle:
    """Install one bundle of ``bundles_data.MODELLED``: member items with processes and forms, the combined
    form, the bundle. Returns the existing bundle when its code is already installed."""
    require(actor, "onestop.manage", WHOLE_CITY)
    existing = Bundle.objects.filter(code=spec["code"]).first()
    if existing is not None:
        return existing
    lead = _department(spec["lead"])
    topic = _topic(spec.get("topic"))
    items = [_install_item(actor, m, topic, spec["audience"]) for m in spec["members"]]
    ui, bindings = bundle_document(spec)
    form, _ = _published_form(actor, f"yjs-bundle-{spec['code'].lower()}", f"{spec['name']}合并申请表", lead, ui, bindings)
    bundle = Bundle.objects.create(code=spec["code"], name=spec["name"], audience=spec["audience"], description=spec["description"],
                                   topic=topic, lead_department=lead, form=form, promised_days=spec["promised_days"],
                                   keywords=spec["keywords"], modelled=all(i.process_id for i in items))
    BundleMember.objects.bulk_create([BundleMember(bundle=bundle, item=i, order=n, optional=m["optional"])
                                      for n, (i, m) in enumerate(zip(items, spec["members"]))])
    record(actor, "onestop.bundle.create", bundle, after={"code": bundle.code, "name": bundle.name, "lead": str(lead),
                                                          "members": [i.name for i in items], "modelled": bundle.modelled})
    signals.bundle_changed.send(sender=Bundle, bundle=bundle)
    return bundle


@transaction.atomic
def create_bundle(actor, *, code: str, name: str, audience: str, lead_department, items, topic=None, promised_days: int | None = None,
                  description: str = "", keywords: str = "", optional=()) -> Bundle:
    """A bundle over existing items (2–12 members, in order). ``modelled`` is set only when every member
    has a process; otherwise the bundle is offered for information and routing."""
    require(actor, "onestop.manage", WHOLE_CITY)
    code = clean_text(code, field="code", label="一件事编码", max_length=40)
    name = clean_text(name, field="name", label="一件事名称", max_length=100)
    if audience not in Audience.values:
        raise ValidationFailed("服务对象无效", code="invalid_audience", detail={"field": "audience"})
    items = list(dict.fromkeys(items))
    if not 2 <= len(items) <= MAX_MEMBERS:
        raise ValidationFailed(f"一件事应包含 2～{MAX_MEMBERS} 个事项", code="member_count", detail={"field": "items"})
    if promised_days is not None and not 1 <= int(promised_days) <= 365:
        raise ValidationFailed("承诺办结时限应为 1～365 个工作日", code="invalid_days", detail={"field": "promised_days"})
    if Bundle.objects.filter(code=code).exists():
        raise Conflict("该一件事编码已被使用", code="bundle_exists", detail={"field": "code"})
    bundle = Bundle.objects.create(code=code, name=name, audience=audience, lead_department=lead_department, topic=topic,
                                   promised_days=promised_days, description=clean_text(description, field="description", label="说明",
                                                                                        max_length=2000, required=False),
                                   keywords=clean_text(keywords, field="keywords", label="搜索关键词", max_length=500, required=False),
                                   modelled=all(i.process_id for i in items))
    optional = set(optional)
    BundleMember.objects.bulk_create([BundleMember(bundle=bundle, item=i, order=n, optional=i in optional) for n, i in enumerate(items)])
    record(actor, "onestop.bundle.create", bundle, after={"code": bundle.code, "name": bundle.name, "lead": str(lead_department),
                                                          "members": [i.name for i in items], "modelled": bundle.modelled})
    signals.bundle_changed.send(sender=Bundle, bundle=bundle)
    return bundle
