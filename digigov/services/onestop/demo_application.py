"""Demo city: a year of 一网通办 applications through the real actions (``onestop.applications``).

* Applicants are the demo citizens with accounts (and, for enterprise items, their authorised companies);
  items are the catalog's active items that run on an active process (without the catalog slice's data —
  this branch alone — one item per active demo process is listed so the step still shows the flow).
* Each application goes ``start_application`` → ``save_draft`` → ``add_material`` (a small scan) → ``submit``
  (97 % online/mobile, 3 % received at a window through ``receive_at_window``), then the departments'
  approvers move the cases on through the workflow actions: most are approved (done), some rejected,
  some withdrawn by the applicant, some wait in 补正, the newest are still open.
* Seasonality: each application is dated back to a day of the past year drawn by month (spring and
  autumn peaks, the Spring Festival trough) and weekday (Monday busiest, weekends ~6 %); every timestamp of
  the application and its cases moves together and the clocks are recomputed on the city calendar.

Volume: a full city is 1,388,400 cases a year (5,550 a working day); through the actions the step runs
``APPLICATIONS_FULL × scale`` applications (at least ``APPLICATIONS_MIN``), one in ``BUNDLE_EVERY`` of them a
modelled 一件事 (``start_application(bundle=…)``, one case per member). Each form is filled by
``forms.samples.valid_answers`` from the form itself (the applicant's own data where a field is bound to
them), so no item is skipped for its form; what is skipped anyway is counted and named in the description.

Measured 2026-11-27 on the shared 2-core build box (load average ~7): ``democity --scale 0.002`` ran the
40 applications (2 of them 一件事) in 15.7 s — 0.39 s an application end to end (draft, pre-fill, upload,
submission, window acceptance, two-department approval, sealed decision), 0 skipped; the step at
``--scale 0.05`` with a test run sharing the box: 161 applications (7 一件事) in 111 s, 0.69 s each.
``APPLICATIONS_FULL`` is therefore 3,000: ``make run`` (``--scale 0.05``) runs 150 applications, 60–105 s
at those rates, inside the step's 2-minute budget; ``--scale 1`` runs 3,000 (20–35 min). The year's
1,388,400 cases would take 150–270 hours through the actions at those rates, which is why the full volume
is not generated this way
(``bench/cases.py`` measures the case path alone: 1.0–1.4 cases/s at load ~14 before the stamp and
form-validator caches, 7.8 cases/s on SQLite and 5.5 / 10.2 cases/s with one / two processes on PostgreSQL
after them, load ~2; see the figures in ``bench/cases.py``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from digigov.core.context import acting_as
from digigov.core.registry import register_demo

CASES_PER_YEAR = 1_388_400
APPLICATIONS_FULL = 3_000  # 150 at --scale 0.05 (make run): 60–105 s at the 0.39–0.69 s an application measured above
APPLICATIONS_MIN = 40
BUNDLE_EVERY = 25  # one 一件事 application (several member cases) per this many applications
MONTH_WEIGHT = {1: 0.8, 2: 0.55, 3: 1.15, 4: 1.1, 5: 1.0, 6: 1.05, 7: 0.95, 8: 0.9, 9: 1.15, 10: 0.8, 11: 1.1, 12: 1.2}
WEEKDAY_WEIGHT = {0: 1.3, 1: 1.15, 2: 1.1, 3: 1.05, 4: 0.95, 5: 0.04, 6: 0.03}
OUTCOMES = (("approve", 0.86), ("reject", 0.035), ("withdraw", 0.025), ("correction", 0.03), ("open", 0.05))
WINDOW_SHARE = 0.03
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _days(rng, n: int) -> list[int]:
    """``n`` days-back values (0…364) drawn by month and weekday weight."""
    today = timezone.localdate()
    days = [today - dt.timedelta(days=d) for d in range(365)]
    weights = [MONTH_WEIGHT[d.month] * WEEKDAY_WEIGHT[d.weekday()] for d in days]
    return [(today - d).days for d in rng.choices(days, weights=weights, k=n)]


def _items():
    from digigov.support.workflow.models import ProcessVersion, VersionStatus

    from .models import ItemMaterial, MaterialForm, ServiceItem

    active = set(ProcessVersion.objects.filter(status=VersionStatus.ACTIVE).values_list("process_id", flat=True))
    items = [i for i in ServiceItem.objects.filter(active=True, voided_at__isnull=True, process_id__in=active, online_depth__gte=3)
             .select_related("department", "process").order_by("id") if not i.divisions.exists()]
    if items:
        return items
    # this branch alone (no catalog data): one item per active demo process, so the flow can be shown
    from .codes_fallback import item_code

    out = []
    for n, v in enumerate(ProcessVersion.objects.filter(status=VersionStatus.ACTIVE, process__department__isnull=False)
                          .select_related("process", "process__department").order_by("id")):
        p = v.process
        item, made = ServiceItem.objects.get_or_create(process=p, defaults=dict(
            code=item_code(n), basic_code=f"20{n:08d}", name=p.name, item_type="20", audience="person", department=p.department,
            conditions="符合条件的申请人", promised_days=p.promised_days, statutory_days=p.statutory_days, citywide=n % 3 == 0))
        if made:
            ItemMaterial.objects.create(item=item, name="申请书", form=MaterialForm.ELECTRONIC)
        out.append(item)
    return out


def _agents(citizens) -> dict[int, list]:
    """user id → the companies that citizen may act for (a current authorisation, or their own company)."""
    from digigov.core.accounts.models import AgentAuthorization, LegalPerson

    today = timezone.localdate()
    out: dict[int, list] = {}
    for a in AgentAuthorization.objects.active().filter(agent__in=citizens).select_related("legal_person").order_by("id"):
        if a.is_current(today):
            out.setdefault(a.agent_id, []).append(a.legal_person)
    by_person = {u.person_id: u.pk for u in citizens}
    for lp in LegalPerson.objects.filter(legal_representative_id__in=list(by_person)).order_by("id"):
        out.setdefault(by_person[lp.legal_representative_id], []).append(lp)
    return out


def _bundles():
    from .models import Bundle

    return list(Bundle.objects.filter(modelled=True, active=True, voided_at__isnull=True).order_by("code"))


def generate(ctx):
    from digigov.core.accounts.models import User
    from digigov.core.org.models import Department
    from digigov.core.rbac.system import system_account
    from digigov.support.forms.samples import valid_answers
    from digigov.support.window.models import ServiceHall
    from digigov.support.workflow import processes, runtime
    from digigov.support.workflow.demo import _approvers, _decide_open_tasks
    from digigov.support.workflow.models import TaskStatus

    from . import requirements as req
    from .actions import applications as actions
    from .models import Application, ApplicationStatus, Audience

    if Application.objects.exists():
        ctx.describe("网上申请：已有申请，跳过")
        return
    citizens = list(User.objects.filter(is_active=True, person__isnull=False, role_assignments__role="citizen").distinct().select_related("person")
                    .order_by("id")[:500])
    agents = _agents(citizens) if citizens else {}
    agent_users = [u for u in citizens if u.pk in agents]
    # enterprise items need a citizen who may act for a company; without one they are left out (not failed)
    items = [i for i in _items() if i.audience != Audience.ENTERPRISE or agent_users]
    if not items or not citizens:
        ctx.describe("网上申请：没有可网办的事项或市民账户，未生成")
        return
    bundles = [b for b in _bundles() if b.audience != Audience.ENTERPRISE or agent_users]
    rng = ctx.rng
    system = system_account()
    n = ctx.n(APPLICATIONS_FULL, minimum=APPLICATIONS_MIN)
    n_bundles = min(len(bundles) * 2, max(2, n // BUNDLE_EVERY), n) if bundles else 0
    bundle_at = set(rng.sample(range(n), n_bundles))
    # an approver in every department a case of these items can reach (the demo processes', the items' and
    # the 一件事 members'), so no task falls to an approver outside its department
    codes = set(processes.DEPARTMENT_CODES) | {i.department.code for i in items}
    for b in bundles:
        codes |= {i.department.code for i in req.bundle_items(b)}
    codes = set(Department.objects.filter(code__in=[c for c in codes if "-" in c]).values_list("code", flat=True))
    approvers = _approvers(ctx, sorted(codes))
    fallback = User.objects.filter(username="approver", is_active=True).first() or system
    clerk = User.objects.filter(username="clerk", is_active=True).first()
    halls = list(ServiceHall.objects.active().select_related("division").order_by("id"))
    backs = _days(rng, n)
    counts: dict[str, int] = {}
    made_bundles = 0
    started = timezone.now()
    for i in range(n):
        user = citizens[i % len(citizens)]
        bundle = bundles[rng.randrange(len(bundles))] if i in bundle_at else None
        item = None if bundle is not None else items[rng.randrange(len(items))]
        audience = (bundle or item).audience
        legal = None
        if audience == Audience.ENTERPRISE:
            user = agent_users[i % len(agent_users)]
            legal = agents[user.pk][0]
        name = (bundle or item).name
        try:
            if bundle is None and clerk is not None and halls and item.citywide and rng.random() < WINDOW_SHARE * 3:
                r = req.for_item(item)
                hall = halls[i % len(halls)]
                with acting_as(clerk, channel="command"):
                    app = actions.receive_at_window(clerk, hall, item=item, person=user.person, legal_person=legal,
                                                    data=valid_answers(r.form, person=user.person, legal_person=legal),
                                                    files=[(m.key, PNG) for m in r.materials if m.required], idempotency_key=f"demo-w-{i}")
            else:
                with acting_as(user, channel="command"):
                    app = actions.start_application(user, item=item, bundle=bundle, acting_for=legal,
                                                    channel="mobile" if rng.random() < 0.45 else "online")
                    r = actions.requirements_of(app)
                    data = valid_answers(r.form, person=user.person, legal_person=legal, given=app.data)
                    app = actions.save_draft(user, app, data=data)
                    for row in actions.resolve_materials(app, r):
                        if row["how"] == "missing" and row["need"].required:
                            actions.add_material(user, app, key=row["need"].key, data=PNG, filename="扫描件.png")
                    app = actions.submit(user, app, f"demo-{i}")
        except Exception as exc:  # noqa: BLE001 — an item the demo cannot apply for: counted and shown, the run goes on
            counts["skipped"] = counts.get("skipped", 0) + 1
            if counts["skipped"] <= 3:
                detail = getattr(exc, "detail", None)
                fields = (detail or {}).get("fields") if isinstance(detail, dict) else None
                why = "、".join(f"{k}：{v}" for k, v in list(fields.items())[:3]) if isinstance(fields, dict) else ""
                ctx.describe(f"网上申请：跳过 {name}（{getattr(exc, 'message', exc)}{'；' + why if why else ''}）")
            continue
        stop = _draw(rng, backs[i])
        try:
            for link in app.cases.select_related("case"):
                case = link.case
                for task in case.tasks.filter(status=TaskStatus.OPEN, candidate_role="window_clerk"):
                    runtime.complete(task, clerk or system, outcome="complete", opinion="网上受理，材料齐全")
                if stop == "withdraw":
                    continue
                _decide_open_tasks(case, approvers, fallback, rng, stop=stop)
            if stop == "withdraw" and app.applicant_id:
                with acting_as(app.applicant, channel="command"):
                    actions.withdraw(app.applicant, app, reason="申请人主动撤回")
        except Exception as exc:  # noqa: BLE001 — submitted, but a step of its handling refused: left where it stopped
            stop = "open"
            counts["stuck"] = counts.get("stuck", 0) + 1
            if counts["stuck"] <= 3:
                ctx.describe(f"网上申请：{name} 办理中断（{getattr(exc, 'message', exc)}）")
        _date_app_back(app, backs[i])
        counts[stop] = counts.get(stop, 0) + 1
        made_bundles += bundle is not None
        ctx.progress(1)
    seconds = max((timezone.now() - started).total_seconds(), 0.001)
    done = Application.objects.exclude(status=ApplicationStatus.DRAFT).count()
    ctx.rows += done
    summary = (f"网上申请：{done} 件（其中一件事 {made_bundles} 件；办结 {counts.get('approve', 0)}，不予 {counts.get('reject', 0)}，"
               f"撤回 {counts.get('withdraw', 0)}，补正中 {counts.get('correction', 0)}，办理中 {counts.get('open', 0)}；"
               f"跳过 {counts.get('skipped', 0)}）")
    if done:
        rate = done / seconds
        summary += (f"；经动作 {rate:.2f} 件/秒（每件 {seconds / done:.2f} 秒），"
                    f"全市一年 {CASES_PER_YEAR:,} 件按此速度约需 {CASES_PER_YEAR / rate / 3600:.0f} 小时")
    else:
        summary += "；没有一件申请提交成功，无法估算速度"
    ctx.describe(summary)
    ctx.shared["onestop.applications"] = {"done": done, "seconds": round(seconds, 1), **counts}


def _draw(rng, days_back: int) -> str:
    if days_back < 5:
        return "open"  # the last few days' applications are still being handled
    x, acc = rng.random(), 0.0
    for name, p in OUTCOMES:
        acc += p
        if x < acc:
            return name
    return "approve"


def _date_app_back(app, days: int) -> None:
    from digigov.support.workflow.demo import _date_back

    from .models import Application

    for link in app.cases.select_related("case"):
        _date_back(link.case, days)
    if days:
        delta = dt.timedelta(days=days)
        Application.objects.filter(pk=app.pk).update(created_at=F("created_at") - delta, submitted_at=F("submitted_at") - delta)
        Application.objects.filter(pk=app.pk, finished_at__isnull=False).update(finished_at=F("finished_at") - delta)


# the catalog, bundles and payment steps are ``soft_after``: run before this one whenever they are registered,
# whatever order the apps' ``ready()`` registered them in (a filtered ``after`` was evaluated at registration,
# before ``onestop.bundles`` existed, and so put the applications before the 一件事)
register_demo("onestop.applications", generate, after=("support.workflow", "support.window"),
              soft_after=("onestop.catalog", "onestop.bundles", "support.payment"))
