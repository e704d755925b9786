"""Demo city: 一件事一次办 — the eight bundles modelled in full, then generated ones to 534 at --scale 1.

* The eight of ``bundles_data.MODELLED`` are installed through ``actions.bundles.install_modelled_bundle``
  as the city administrator: their member items (GB/T 39554.1 codes, the city's competent bureaus,
  materials and what replaces them), each member's BPMN process imported and activated, each member's form
  and the bundle's combined form published. They run after the workflow demo, which imports the two
  platform processes two members reuse, and after the e-licence demo, which registers the licence types
  the processes issue.
* Generated bundles (``bundles_data.generated_plan``: 127 real names, the city's version and then each
  county's) up to ``total_for_scale(scale)`` in all: each has 2–8 member items drawn from the catalog's
  active items of the template's departments (the catalog's own items when its demo step ran first, else
  the modelled members), preferring items of the template's topic; the lead bureau is the county's own
  where it has one. ``modelled`` only when every member has a process.

Deterministic for a seed; everything through the actions, audited, named after the administrator.
"""

from __future__ import annotations

from collections import defaultdict

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account

from . import bundles_data as data

MIN_MEMBERS, MAX_MEMBERS = 2, 8


def _abbr(code: str) -> str:
    return code.split("-", 1)[1].split("-", 1)[0] if "-" in code else code


def _pools():
    """Active items by division and the bureau abbreviation of their department (``CITY-HRSS-01`` →
    ``("210600", "HRSS")``, ``210602-HRSS`` → ``("210602", "HRSS")``) and by abbreviation alone (``("*", "HRSS")``)."""
    from .models import ServiceItem

    by_abbr: dict = defaultdict(list)
    rows = (ServiceItem.objects.filter(active=True, voided_at__isnull=True).select_related("department")
            .prefetch_related("topics").order_by("code"))
    everything = list(rows)
    for item in everything:
        code = item.department.code
        by_abbr[("*", _abbr(code))].append(item)
        by_abbr[(code[:6] if code[:6].isdigit() else "210600", _abbr(code))].append(item)
    return by_abbr, everything


def _pool(by_abbr, plan: dict, abbr: str) -> list:
    """The division's own bureau's items (the city's for the city's version, the county's for a county's)
    when the catalog has them, else any bureau of that kind."""
    return by_abbr.get((plan["division"], abbr)) or by_abbr.get(("*", abbr), [])


def _members(plan: dict, by_abbr, everything, rng) -> list:
    want = min(MAX_MEMBERS, max(MIN_MEMBERS, len(plan["departments"]) + rng.randint(0, 2)))
    chosen: list = []
    for abbr in plan["departments"]:
        pool = _pool(by_abbr, plan, abbr)
        on_topic = [i for i in pool if any(t.code == plan["topic"] for t in i.topics.all())]
        pick = rng.choice(on_topic or pool) if pool else None
        if pick is not None and pick not in chosen:
            chosen.append(pick)
    spare = [i for abbr in plan["departments"] for i in _pool(by_abbr, plan, abbr) if i not in chosen]
    rng.shuffle(spare)
    while len(chosen) < want and spare:
        chosen.append(spare.pop())
    if len(chosen) < MIN_MEMBERS:  # the catalog has nothing of these bureaus: any items, so the structure holds
        rest = [i for i in everything if i not in chosen]
        chosen += rng.sample(rest, min(len(rest), MIN_MEMBERS - len(chosen)))
    return chosen[:MAX_MEMBERS]


def generate(ctx) -> None:
    from digigov.core.accounts.models import User
    from digigov.core.org.models import Department

    from .actions.bundles import create_bundle, install_modelled_bundle
    from .models import Bundle, Topic

    users = ctx.shared.get("accounts", {}).get("demo_users", {})
    admin = (User.objects.filter(pk=users.get("cityadmin")).first() or User.objects.filter(username="cityadmin", is_active=True).first()
             or system_account())
    rng = ctx.rng
    before = Bundle.objects.count()
    with acting_as(admin, channel="command"):
        modelled = [install_modelled_bundle(admin, spec) for spec in data.MODELLED]
        ctx.progress(len(modelled))
        total = data.total_for_scale(ctx.scale)
        plans = data.generated_plan(total - len(data.MODELLED))
        existing = set(Bundle.objects.filter(code__in=[p["code"] for p in plans]).values_list("code", flat=True))
        by_abbr, everything = _pools()
        depts = {d.code: d for d in Department.objects.filter(voided_at__isnull=True, code__contains="-")}
        topics = {t.code: t for t in Topic.objects.all()}
        made = 0
        for plan in plans:
            if plan["code"] in existing or len(everything) < MIN_MEMBERS:
                continue
            items = _members(plan, by_abbr, everything, rng)
            lead = (depts.get(f"{plan['division']}-{plan['lead']}") if plan["division"] != "210600" else None) or depts.get(f"CITY-{plan['lead']}")
            lead = lead or items[0].department
            topic = topics.get(plan["topic"])
            if topic is None:
                name, kind = data.TOPIC_NAMES[plan["topic"]]
                topic = topics[plan["topic"]] = Topic.objects.get_or_create(code=plan["topic"], defaults={"name": name, "kind": kind})[0]
            days = [i.promised_days for i in items if i.promised_days]
            optional = [i for i in items[2:] if rng.random() < 0.25]
            names = "、".join(i.name for i in items[:4]) + ("等" if len(items) > 4 else "")
            create_bundle(admin, code=plan["code"], name=plan["name"], audience=plan["audience"], lead_department=lead, items=items, topic=topic,
                          promised_days=max(days) if days else None, optional=optional,
                          description=f"一次申请、一表填报，同步办理{names}{len(items)}个事项，由{lead.short_name or lead.name}牵头。",
                          keywords=plan["name"].removesuffix("一件事"))
            made += 1
            ctx.progress(1)
    ctx.rows += (Bundle.objects.count() - before) * 4
    ctx.describe(f"一件事：{len(modelled)} 个全流程建模（{sum(b.memberships.count() for b in modelled)} 个成员事项），"
                 f"{made} 个按国家和省级清单生成")
