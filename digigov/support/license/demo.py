"""Demo city: the licence type catalog (185 types at --scale 1) and licences issued through the actions.

* types: the real ones (``catalog.REAL_TYPES``) and generated ones up to 185, each issued by the city bureau
  whose abbreviation it names (``CITY-<ABBR>``);
* every issuing bureau that has no active 公章 / 业务专用章 gets a 公章 here (the seal registry's demo, when
  it runs first, makes its own and this one is skipped);
* licences, issued through ``issue_licence`` as each bureau's platform signer (the system account, sealed
  with the bureau's seal): the demo citizen's 结婚证 (OFD), 居民身份证明 and 社会保障卡; the demo agent's
  enterprise's 营业执照 and 食品经营许可证; then random people and enterprises (a few dozen at --scale 0.002);
  some changed, re-issued or revoked so every status shows. The demo workflow's 个体工商户设立登记 cases
  issue their 营业执照 through the ``license.issue`` component when the workflow demo runs (after this one).
"""

from __future__ import annotations

import datetime as dt

from digigov.core.context import acting_as
from digigov.core.registry import register_demo

LICENCES_FULL = 2000  # ~0.6 s each (two seals: OFD + PDF) → ~20 min at --scale 1
LICENCES_MIN = 24
TYPES_FULL = 185
STREETS = ("兴业街", "振兴路", "元宝大街", "锦江街", "胜利路", "春河街", "帽儿山路", "滨江路")
SCOPES = ("预包装食品销售", "日用百货零售", "餐饮服务", "建筑工程施工", "道路普通货物运输", "药品零售", "技术咨询服务")


def _fill(f: dict, rng, holder: dict) -> str:
    from digigov.core.accounts.ids import resident_id_check_char
    from digigov.core.demo import chinese_name

    kind, key = f.get("type", "text"), f["key"]
    if kind == "date":
        return (dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(30, 3650))).isoformat()
    if kind == "id_number":
        body = f"210602{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
        return body + resident_id_check_char(body)
    if kind == "uscc":
        return holder["code"]
    if kind == "choice":
        return rng.choice(f["options"])
    if kind == "number":
        return str(rng.randint(1, 500))
    if any(k in key for k in ("address", "place", "location", "premises")):
        return f"示范市元宝区{rng.choice(STREETS)}{rng.randint(1, 300)}号"
    if key in ("legal_rep", "manager", "quality_manager", "principal", "spouse_name", "mother_name", "father_name", "guardian"):
        return chinese_name(rng)
    if "scope" in key or key in ("project", "category", "business_scope"):
        return rng.choice(SCOPES)
    if not f.get("required", True) and rng.random() < 0.5:
        return ""
    return f"{f['label']}：第{rng.randint(1, 99)}号"


def _data(lt, rng, holder: dict, **given) -> dict:
    out = {}
    for f in lt.fields:
        if f["key"] in ("name", "id_number", "uscc"):
            continue
        value = given.get(f["key"]) if f["key"] in given else _fill(f, rng, holder)
        if value:
            out[f["key"]] = value
    return out


def _types(ctx) -> dict:
    from digigov.core.org.models import Department

    from . import catalog
    from .models import LicenceType

    existing = set(LicenceType.objects.values_list("code", flat=True))
    depts = {d.code: d for d in Department.objects.filter(code__startswith="CITY-")}
    rows = []
    for t in catalog.catalog(ctx.n(TYPES_FULL, minimum=len(catalog.REAL_TYPES))):
        dept = catalog.department_for(t["abbr"], depts)
        if dept is None or t["code"] in existing:
            continue
        rows.append(LicenceType(public_id=ctx.public_id(), code=t["code"], name=t["name"], holder_kind=t["holder_kind"], department=dept,
                                fields=t["fields"], layout=t["layout"], valid_years=t["valid_years"], is_licensing=t["is_licensing"]))
    ctx.bulk(LicenceType, rows)
    return {t.code: t for t in LicenceType.objects.select_related("department")}


def generate(ctx):
    from digigov.core.accounts.models import LegalPerson, LegalPersonKind, NaturalPerson, User
    from digigov.core.rbac.system import system_account

    from .actions import licences as actions
    from .models import Licence

    rng = ctx.rng
    system = system_account()
    ctx.describe("电子证照：证照类型")
    types = _types(ctx)
    if Licence.objects.exists():
        ctx.describe(f"电子证照：{len(types)} 种证照类型；已有证照，跳过")
        return
    from .catalog import REAL_TYPES

    real = [types[r[0]] for r in REAL_TYPES if r[0] in types]
    person_types = [t for t in real if t.holder_kind == "person"]
    enterprise_types = [t for t in real if t.holder_kind == "enterprise"]
    from digigov.support.seal.demo import ensure_official_seals

    seals = ensure_official_seals(ctx, list({t.department_id: t.department for t in types.values()}.values()))
    issued = 0

    def issue(lt, holder, **given):
        nonlocal issued
        with acting_as(system, channel="command"):
            lic = actions.issue_licence(system, lt, lt.holder_kind, holder["code"], holder["name"], _data(lt, rng, holder, **given),
                                        is_demo=True)
        issued += 1
        ctx.progress(1)
        return lic

    # --- the demo accounts' own licences ---------------------------------------------------------
    citizen = User.objects.filter(username="citizen").select_related("person").first()
    people = list(NaturalPerson.objects.active().order_by("pk")[: max(40, ctx.n(LICENCES_FULL, minimum=LICENCES_MIN) * 2)])
    if citizen is not None and citizen.person_id:
        me = {"code": citizen.person.id_number, "name": citizen.person.name}
        spouse = next((p for p in people if p.pk != citizen.person_id and p.gender != citizen.person.gender), None)
        if "100000CA001" in types and spouse is not None:
            issue(types["100000CA001"], me, spouse_name=spouse.name, spouse_id_number=spouse.id_number,
                  register_date=(dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(100, 3000))).isoformat(), remark="")
        for code in ("100000PSB001", "100000HRSS001"):
            if code in types:
                sex = {"M": "男", "F": "女"}.get(citizen.person.gender, "男")
                issue(types[code], me, sex=sex, birth_date=citizen.person.birth_date.isoformat())
    agent = User.objects.filter(username="agent").first()
    firm = None
    if agent is not None:
        from digigov.core.accounts.models import AgentAuthorization

        auth = AgentAuthorization.objects.filter(agent=agent).select_related("legal_person").first()
        firm = auth.legal_person if auth else None
    if firm is not None:
        holder = {"code": firm.uscc, "name": firm.name}
        for code in ("100000SAMR001", "100000SAMR002"):
            if code in types:
                issue(types[code], holder, address=firm.address or f"示范市元宝区{rng.choice(STREETS)}8号")

    # --- the city's other holders ----------------------------------------------------------------
    firms = list(LegalPerson.objects.active().filter(kind=LegalPersonKind.ENTERPRISE).order_by("pk")[:200])
    n = ctx.n(LICENCES_FULL, minimum=LICENCES_MIN)
    made: list = []
    for i in range(n):
        if (i % 3 == 2 or not people or not person_types) and firms and enterprise_types:
            f = firms[rng.randrange(len(firms))]
            made.append(issue(rng.choice(enterprise_types), {"code": f.uscc, "name": f.name}))
        elif people and person_types:
            p = people[rng.randrange(len(people))]
            lt = rng.choice(person_types)
            given = {"sex": {"M": "男", "F": "女"}.get(p.gender, "男")} if any(f["key"] == "sex" for f in lt.fields) else {}
            made.append(issue(lt, {"code": p.id_number, "name": p.name}, **given))
    # every status shows up: a change, a re-issue, a revocation
    with acting_as(system, channel="command"):
        for lic, move in zip(made[:3], ("change", "reissue", "revoke")):
            if move == "revoke":
                actions.revoke_licence(system, lic, "持证主体申请注销")
            elif move == "reissue":
                actions.reissue_licence(system, lic, "原证照遗失，申请补发")
            else:
                f = next((f for f in lic.licence_type.fields if f.get("type") == "text" and f["key"] not in ("name",)), None)
                if f is not None:
                    actions.change_licence(system, lic, {f["key"]: f"{lic.data.get(f['key'], '')}（已变更）"[:200]}, "登记事项变更")
    ctx.rows += Licence.objects.count()
    ctx.describe(f"电子证照：{len(types)} 种证照类型，{seals} 枚发证印章，签发 {issued} 张证照（OFD + PDF，均已签章）")


register_demo("support.license", generate, after=("org", "accounts", "registries", "support.seal"))
