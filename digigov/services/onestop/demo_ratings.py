"""Demo city: 好差评 over the demo applications (and window visits), with the rectifications of the poor ones.

* About 99% of what can be rated is rated satisfied (非常满意 mostly), as the national system's figures run;
  a realistic share of raters (``PARTICIPATION``) rate at all. These ratings are written in bulk (the rater's
  own channel, a time after the service).
* A handful of poor ratings go through the actions as their raters (``acting_as``): each opens a rectification
  (deadline on the workflow calendar); some are then answered by a department administrator of the rated
  department, and some of those visited and closed by the city administrator — so the queue shows open, replied
  and closed tickets, and the overdue flag.

What can be rated: applications of the portal (``onestop.applications``) that were accepted or have ended and
have an applicant account; without any (the application slice not yet merged), finished window visits whose
applicant has an account. Nothing to rate: the generator says so and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from digigov.core.context import acting_as
from digigov.core.registry import register_demo

from . import rating_codes as codes

PARTICIPATION = 0.6
POOR_SHARE = 0.01
MIN_POOR = 5
LEVEL_WEIGHTS = ((5, 80), (4, 15), (3, 5))  # among the satisfied


def _targets(limit: int):
    from digigov.support.window.models import Reception

    from .actions.ratings import RATABLE_STATUSES
    from .models import Application, Rating

    apps = list(Application.objects.filter(status__in=RATABLE_STATUSES, applicant__isnull=False, ratings__isnull=True)
                .select_related("item", "bundle", "applicant").order_by("id")[:limit])
    if apps:
        return "application", apps
    from digigov.core.accounts.models import User

    rated = Rating.objects.filter(reception__isnull=False).values("reception_id")
    recs = list(Reception.objects.filter(finished_at__isnull=False, person__isnull=False).exclude(pk__in=rated)
                .select_related("hall", "case").order_by("id")[:limit])
    users = {u.person_id: u for u in User.objects.filter(person_id__in={r.person_id for r in recs}, is_active=True)}
    return "reception", [(r, users[r.person_id]) for r in recs if r.person_id in users]


def _user(role: str, department=None):
    """An active holder of ``role``; with ``department``, one whose grant covers it (its own or an ancestor's)."""
    from digigov.core.rbac.models import RoleAssignment

    for ra in RoleAssignment.objects.active().filter(role=role, user__is_active=True).select_related("user", "department").order_by("id"):
        if department is None or (ra.department_id and (department.path or "").startswith(ra.department.path or "\0")):
            return ra.user
    return None


def generate(ctx):
    from django.utils import timezone

    from .actions import ratings as actions
    from .models import Rating, RatingChannel

    rng = ctx.rng
    kind, targets = _targets(ctx.n(20000, minimum=50))
    if not targets:
        ctx.describe("好差评：没有可评价的办件或窗口服务，跳过")
        return
    rng.shuffle(targets)
    rated = targets[: max(1, int(len(targets) * PARTICIPATION))]
    n_poor = min(len(rated), max(MIN_POOR, int(len(rated) * POOR_SHARE)))
    poor, good = rated[:n_poor], rated[n_poor:]
    now = ctx.now
    rows = []
    levels, weights = zip(*LEVEL_WEIGHTS)
    good_codes = list(codes.GOOD_REASONS)
    for t in good:
        level = rng.choices(levels, weights)[0]
        reasons = rng.sample(good_codes, rng.randint(0, 3))
        when = now - dt.timedelta(days=rng.randint(0, 180), minutes=rng.randint(0, 600))
        channel = rng.choice((RatingChannel.MOBILE, RatingChannel.MOBILE, RatingChannel.PC, RatingChannel.PAD))
        if kind == "application":
            link = t.cases.select_related("case", "item").order_by("id").first()
            dept_id = t.bundle.lead_department_id if t.bundle_id else t.item.department_id
            rows.append(Rating(public_id=ctx.public_id(), application=t, case=link.case if link else None, item=link.item if link else t.item,
                               department_id=dept_id, rater=t.applicant, level=level, reasons=reasons, channel=channel, created_at=when))
        else:
            rec, user = t
            dept_id = actions._reception_department_id(rec)
            if dept_id is None:
                continue
            rows.append(Rating(public_id=ctx.public_id(), reception=rec, case=rec.case, item=actions._item_for_process(
                rec.case.process_version.process_id) if rec.case_id else None, department_id=dept_id, hall=rec.hall, rater=user,
                level=level, reasons=reasons, channel=RatingChannel.PAD, created_at=when))
    Rating.objects.bulk_create(rows, batch_size=1000)
    made = []
    poor_codes = list(codes.POOR_REASONS)
    for t in poor:
        target = {"application": t} if kind == "application" else {"reception": t[0]}
        rater = t.applicant if kind == "application" else t[1]
        with acting_as(rater, channel="web"):
            try:
                made.append(actions.rate(rater, level=rng.choice((1, 2, 2)), reasons=rng.sample(poor_codes, rng.randint(1, 2)),
                                         comment=rng.choice(("等了很久才办完", "材料要求和指南不一致", "窗口让我跑了两趟", "网上提交总是失败")),
                                         channel=RatingChannel.MOBILE, **target))
            except Exception as exc:  # noqa: BLE001 — a target the action refuses (e.g. no department) is skipped, the demo goes on
                ctx.describe(f"好差评：跳过一条差评（{exc}）")
    admin = _user("city_admin")
    replied = closed = 0
    for i, rating in enumerate(made):
        rect = rating.rectification
        if i % 3 == 0:
            continue  # stays open
        if i == 1:  # one ticket answered late: its deadline moved into the past shows the overdue flag
            type(rect).objects.filter(pk=rect.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
            rect.refresh_from_db()
        clerk = _user("dept_admin", rating.department)
        if clerk is None:
            continue
        with acting_as(clerk, channel="web"):
            actions.reply(clerk, rect, reply="已核实情况，对窗口人员进行了批评教育，并修订了办事指南，向申请人致歉。")
        replied += 1
        if i % 3 == 2 and admin is not None:
            with acting_as(admin, channel="web"):
                actions.visit(admin, rect, satisfied=rng.random() < 0.8, note="电话回访，申请人表示已了解整改情况。")
            closed += 1
    ctx.rows += len(rows) + len(made) * 2
    ctx.describe(f"好差评 {len(rows) + len(made)} 条（差评 {len(made)} 条：已整改 {replied}，已回访 {closed}）")


# ``soft_after``: after the applications whenever that step is registered, whatever the registration order
register_demo("onestop.ratings", generate, after=("support.workflow", "support.window"), soft_after=("onestop.applications",))
