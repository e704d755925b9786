"""Demo city: the service item catalog (``onestop.catalog``, after the forms, workflow and licence demos).

* the 15 topics of ``catalog_data.TOPICS`` (life events and enterprise stages), through ``create_topic``;
* every real item of ``catalog_data.REAL_ITEMS`` through ``create_item`` as the system account (audited,
  ``item_changed`` sent), linked to the demo workflow process and its form where one runs it
  (个体工商户设立登记, 食品经营许可, 建设工程施工许可, 城乡居民养老保险参保), the e-licence types named by
  their materials; the dozen most used are flagged 高频事项;
* generated items up to ~3,000 at ``--scale 1`` (``ctx.n(2900)``): real objects × verbs of their type,
  implemented by the city bureau of the line, then by the counties' bureaus (the same basic item, a
  different implementing code). These are inserted in bulk (the actions' validation is applied to the
  generator's output by the tests; an audit entry per generated row would be thousands of entries saying
  nothing): one ``onestop.item.create`` entry records the batch.

Deterministic for a seed; a second run adds nothing (items are keyed by implementing code).
"""

from __future__ import annotations

from digigov.core.registry import register_demo

from . import catalog_data as data
from . import codes

FORM_FOR = {  # the demo forms of the workflow demo (digigov/support/workflow/demo.py)
    "individual_business_registration": "individual-business",
    "food_business_licence": "food-business-licence",
    "construction_permit": "construction-permit",
    "resident_pension_enrolment": "resident-pension",
}
GENERATED_FULL = 2900
HIGH_FREQUENCY = 12
LINE_TOPICS = {"HRSS": "employment", "HSA": "medical", "HPF": "housing", "HUD": "housing", "NR": "housing", "EDU": "school",
               "PSB": "household", "CA": "retirement", "VET": "employment", "HEA": "medical", "TRA": "travel"}


def resolve_department(code: str, by_code: dict):
    """The unit named by ``code``, else its nearest existing parent (``CITY-PSB-01-03`` → ``CITY-PSB-01`` → ``CITY-PSB``)."""
    parts = code.split("-")
    while parts:
        dept = by_code.get("-".join(parts))
        if dept is not None:
            return dept
        if len(parts) <= 2:
            return None
        parts = parts[:-1]
    return None


def ensure_topics(actor) -> dict:
    from .actions.catalog import create_topic
    from .models import Topic

    existing = {t.code: t for t in Topic.objects.all()}
    for order, (code, name, kind, description, keywords) in enumerate(data.TOPICS):
        if code not in existing:
            existing[code] = create_topic(actor, code=code, name=name, kind=kind, description=description, keywords=keywords, order=order)
    return existing


def real_item_kwargs(spec: data.RealItem, dept, topics: dict, processes: dict, forms: dict) -> dict:
    process = processes.get(spec.process) if spec.process else None
    return {
        "name": spec.name, "item_type": spec.item_type, "audience": spec.audience, "department": dept,
        "basic_code": codes.basic_code(spec.item_type, spec.main, spec.sub), "legal_basis": spec.legal_basis,
        "conditions": spec.conditions, "process_steps": list(spec.steps),
        "fees": [{"name": n, "amount_cents": c, "basis": b} for n, c, b in spec.fees],
        "statutory_days": spec.statutory_days, "promised_days": spec.promised_days, "online_depth": spec.online_depth,
        "visits_required": spec.visits, "citywide": spec.citywide, "keywords": spec.keywords, "process": process,
        "form": forms.get(FORM_FOR.get(spec.process, "")) if process else None,
        "topics": [topics[t] for t in spec.topics if t in topics],
        "materials": [{"name": n, "form": f, "licence_type": lic or None, "shared_source": src, "required": req}
                      for n, f, lic, src, req in spec.materials],
    }


def generate(ctx) -> None:
    from digigov.core.audit.actions import record
    from digigov.core.context import acting_as
    from digigov.core.org.models import Department
    from digigov.core.rbac.system import system_account
    from digigov.support.forms.models import FormDefinition
    from digigov.support.license.models import LicenceType
    from digigov.support.workflow.models import ProcessDefinition

    from .actions.catalog import create_item
    from .models import ItemMaterial, ServiceItem

    system = system_account()
    rng = ctx.rng
    ctx.describe("onestop: 办事主题")
    with acting_as(system):
        topics = ensure_topics(system)
    by_code = {d.code: d for d in Department.objects.filter(voided_at__isnull=True).select_related("division")}
    processes = {p.key: p for p in ProcessDefinition.objects.filter(key__in=list(FORM_FOR), voided_at__isnull=True)}
    forms = {f.key: f for f in FormDefinition.objects.filter(key__in=list(FORM_FOR.values()), voided_at__isnull=True)}
    licence_codes = set(LicenceType.objects.values_list("code", flat=True))
    existing = set(ServiceItem.objects.values_list("code", flat=True))

    ctx.describe("onestop: 政务服务事项（实有）")
    made = []
    with acting_as(system):
        for spec in data.REAL_ITEMS:
            dept = resolve_department(spec.department, by_code)
            if dept is None:
                continue
            kwargs = real_item_kwargs(spec, dept, topics, processes, forms)
            code = codes.implementing_code(kwargs["basic_code"], dept.division.code, dept.code)
            if code in existing:
                continue
            for m in kwargs["materials"]:
                if m["licence_type"] not in licence_codes:
                    m["licence_type"] = None  # a smaller database without the licence catalog: the material stays asked for
            made.append(create_item(system, code=code, **kwargs))
            existing.add(code)
            ctx.rows += 1
    popular = [s for s in sorted(data.REAL_ITEMS, key=lambda s: -s.popularity)[:HIGH_FREQUENCY]]
    ServiceItem.objects.filter(name__in=[s.name for s in popular]).update(high_frequency=True)
    by_name = {s.name: s.popularity for s in data.REAL_ITEMS}
    for item in ServiceItem.objects.filter(name__in=list(by_name), popularity=0):
        item.popularity = by_name[item.name]
        item.save(update_fields=["popularity"])

    ctx.describe("onestop: 政务服务事项（生成）")
    counties: dict[str, list] = {}
    for d in by_code.values():
        head, _, abbr = d.code.partition("-")
        if head.isdigit() and abbr and "-" not in abbr:
            counties.setdefault(abbr, []).append(d)
    for abbr in counties:
        counties[abbr].sort(key=lambda d: d.code)
    n = ctx.n(GENERATED_FULL, minimum=20)
    rows, materials, topic_links = [], [], []
    kept = 0  # generated on an earlier run (same seed, same sequence): counted, not made again
    for g in data.generated_items(rng, n * 2):
        if len(rows) + kept >= n:
            break
        dept = by_code.get(f"CITY-{g.abbr}") if g.round == 0 else (
            counties.get(g.abbr, [])[g.round - 1] if len(counties.get(g.abbr, [])) >= g.round else None)
        if dept is None:
            continue
        basic = codes.basic_code(g.item_type, g.main)
        code = codes.implementing_code(basic, dept.division.code, dept.code)
        if code in existing:
            kept += 1
            continue
        existing.add(code)
        rows.append(ServiceItem(
            code=code, basic_code=basic, name=g.name, item_type=g.item_type, audience=g.audience, department=dept,
            legal_basis=g.legal_basis, conditions=g.conditions, process_steps=["申请", "受理", "审查", "决定", "送达"],
            statutory_days=g.statutory_days, promised_days=g.promised_days, online_depth=g.online_depth, visits_required=g.visits,
            citywide=g.citywide, popularity=g.popularity))
        materials.append(g.materials)
        topic = "change" if "变更" in g.name else ("operate" if g.audience == "enterprise" else LINE_TOPICS.get(g.abbr))
        topic_links.append(topics.get(topic) if topic else None)
    created = ctx.bulk(ServiceItem, rows)
    lt_by_code = {lt.code: lt for lt in LicenceType.objects.filter(code__in=licence_codes)}
    ctx.bulk(ItemMaterial, (ItemMaterial(item=item, name=name, form=form, licence_type=lt_by_code.get(lic), shared_source=src, order=i)
                            for item, mats in zip(created, materials) for i, (name, form, lic, src) in enumerate(mats)))
    through = ServiceItem.topics.through
    ctx.bulk(through, (through(serviceitem_id=item.pk, topic_id=t.pk) for item, t in zip(created, topic_links) if t is not None))
    if created:
        record(system, "onestop.item.create", None, after={"generated_items": len(created), "scale": ctx.scale,
                                                          "departments": len({i.department_id for i in created})})


register_demo("onestop.catalog", generate, after=("forms", "support.workflow", "support.license"))
