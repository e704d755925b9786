"""Demo seals: every unit's 公章 plus 业务专用章 / 合同专用章 / 法人章 spread over the units (372 at scale 1 for
the city's 235 units; at least 12), all made through the actions — each unit's administrator applies
(``acting_as`` them), the demo city admin approves — so certificates, SESeal structures, pictures and audit
entries are real. A few are suspended or revoked, and a few applications are left pending for the approval
queue. A unit without an administrator gets one of its staff granted 单位管理员 (as the org office would)."""

from __future__ import annotations

from digigov.core.accounts.models import User
from digigov.core.context import acting_as
from digigov.core.org.models import Department, StaffMember
from digigov.core.rbac.checks import can
from digigov.core.rbac.models import Role, RoleAssignment
from digigov.core.registry import register_demo

from . import actions
from .models import Seal, SealApplication, SealType

SEALS_FULL = 372
UNITS_FULL = 235
PENDING_FULL = 12
OTHER_TYPES = ((SealType.BUSINESS, 5), (SealType.CONTRACT, 4), (SealType.LEGAL_REP, 3))
REASONS = ("单位启用电子印章", "开展电子公文和电子证照签章", "网上办事材料签章需要", "合同网签需要")


def _admins(ctx, units: list[Department]) -> dict[int, User]:
    """An applicant per unit: an existing 单位管理员 who reaches it, else a staff member granted the role."""
    admins: dict[int, User] = {}
    existing = list(User.objects.filter(role_assignments__role=Role.DEPT_ADMIN, role_assignments__voided_at__isnull=True).distinct())
    staff_by_unit: dict[int, int] = {}
    for dept_id, user_id in StaffMember.objects.filter(department__in=units, voided_at__isnull=True).order_by("id").values_list("department_id", "user_id"):
        staff_by_unit.setdefault(dept_id, user_id)
    grants = []
    for unit in units:
        admin = next((u for u in existing if can(u, "seal.apply", SealApplication(department=unit))), None)
        if admin is None and unit.pk in staff_by_unit:
            grants.append(RoleAssignment(public_id=ctx.public_id(), user_id=staff_by_unit[unit.pk], role=Role.DEPT_ADMIN, department=unit))
        if admin is not None:
            admins[unit.pk] = admin
    RoleAssignment.objects.bulk_create(grants)
    ctx.rows += len(grants)
    users = User.objects.in_bulk([g.user_id for g in grants])
    for g in grants:
        admins[g.department_id] = users[g.user_id]
    return admins


def generate(ctx):
    rng = ctx.rng
    accounts = ctx.shared.get("accounts", {}).get("demo_users", {})
    approver = User.objects.filter(pk=accounts.get("cityadmin")).first() or User.objects.filter(username="cityadmin").first()
    if approver is None:
        ctx.describe("未找到示范市级管理员账户，跳过电子印章示范数据")
        return
    if Seal.objects.exists() or SealApplication.objects.exists():
        ctx.describe("已有电子印章数据，跳过（重复运行不再新增）")
        return
    units = list(Department.objects.active().select_related("division").order_by("path"))
    total = ctx.n(SEALS_FULL, minimum=12)
    n_official = min(len(units), max(1, round(total * UNITS_FULL / SEALS_FULL)))
    admins = _admins(ctx, units)
    units = [u for u in units if u.pk in admins]
    official_units = units if n_official >= len(units) else sorted(rng.sample(units, n_official), key=lambda u: u.path)
    plan = [(u, SealType.OFFICIAL) for u in official_units]
    kinds = [t for t, _w in OTHER_TYPES]
    weights = [w for _t, w in OTHER_TYPES]
    used = set()
    for _ in range(max(0, total - len(plan)) * 3):
        if len(plan) >= total:
            break
        unit, kind = rng.choice(units), rng.choices(kinds, weights)[0]
        if (unit.pk, kind) not in used:
            used.add((unit.pk, kind))
            plan.append((unit, kind))
    staff = {}
    for dept_id, user_id in StaffMember.objects.filter(department__in=units, voided_at__isnull=True).values_list("department_id", "user_id"):
        staff.setdefault(dept_id, []).append(user_id)
    people = User.objects.in_bulk([uid for ids in staff.values() for uid in ids[:3]])
    n_pending = min(ctx.n(PENDING_FULL, minimum=3), len(plan) // 4)
    pending_at = set(rng.sample(range(len(official_units), len(plan)), min(n_pending, len(plan) - len(official_units))))
    made: list[Seal] = []
    pending = 0
    for i, (unit, kind) in enumerate(plan):
        holders = [people[uid] for uid in staff.get(unit.pk, [])[:3] if uid in people]
        if kind == SealType.LEGAL_REP:
            if not holders:
                continue
            holders, name = holders[:1], holders[0].display_name
        else:
            holders = holders[:1] if holders and rng.random() < 0.5 else []
            name = unit.name if kind == SealType.OFFICIAL else f"{unit.name}{kind.label}"
        applicant = admins[unit.pk]
        with acting_as(applicant):
            app, _created = actions.apply_for_seal(applicant, department=unit, seal_type=kind, name=name, holders=holders,
                                                   valid_years=rng.choice((3, 5, 5, 5, 10)), reason=rng.choice(REASONS))
        ctx.rows += 1
        if i in pending_at:
            pending += 1
            continue
        with acting_as(approver):
            app = actions.approve(approver, app, "同意制作")
        made.append(app.seal)
        ctx.rows += 1 + len(holders)
    changed = {"suspended": 0, "revoked": 0}
    with acting_as(approver):
        others = [s for s in made if s.seal_type != SealType.OFFICIAL] or made
        for seal in rng.sample(others, min(len(others), max(1, len(made) // 30))):
            actions.suspend(approver, seal, "印章保管人调整，暂停使用")
            changed["suspended"] += 1
        still = [s for s in others if s.status == "active"]
        for seal in rng.sample(still, min(len(still), max(1, len(made) // 50))):
            actions.revoke(approver, seal, "业务调整，不再使用")
            changed["revoked"] += 1
    ctx.describe(f"电子印章 {len(made)} 枚（公章 {len(official_units)} 枚，暂停 {changed['suspended']}、注销 {changed['revoked']}），"
                 f"待审批申请 {pending} 件")


def ensure_official_seals(ctx, departments) -> int:
    """A 公章 for each of ``departments`` without an active 公章 or 业务专用章 (e.g. the licence-issuing units at a
    small scale, where only some units got seals above): applied for by the unit's administrator and approved by
    the demo city admin through the actions, as above. Returns how many were made."""
    from .models import SealStatus

    accounts = ctx.shared.get("accounts", {}).get("demo_users", {})
    approver = User.objects.filter(pk=accounts.get("cityadmin")).first() or User.objects.filter(username="cityadmin").first()
    lacking = [d for d in departments if not Seal.objects.filter(
        department=d, status=SealStatus.ACTIVE, seal_type__in=(SealType.OFFICIAL, SealType.BUSINESS)).exists()]
    if approver is None or not lacking:
        return 0
    admins = _admins(ctx, lacking)
    made = 0
    for unit in lacking:
        applicant = admins.get(unit.pk)
        if applicant is None:
            continue
        with acting_as(applicant):
            app, _created = actions.apply_for_seal(applicant, department=unit, seal_type=SealType.OFFICIAL, name=unit.name,
                                                   holders=[], valid_years=5, reason="签发电子证照需要")
        if app.seal_id is None:
            with acting_as(approver):
                actions.approve(approver, app, "同意制作")
        made += 1
        ctx.rows += 2
    return made


register_demo("support.seal", generate, after=("org", "accounts"))
