"""Demo of 供需对接: a calling app per city department that holds published entries (two for the busiest),
and share requests between those departments in every state (待审核, 已同意, 部分同意, 不予同意, 已撤回)
against the published, shareable entries the catalog demo made, with the subscriptions approval made
(some since suspended or revoked) and, for each rejected request, its line in the 需求目录.

The 营商局/大数据局 (``CITY-BDB``, where the demo department and data admins work) both asks and is asked,
so its admins see requests in every list and a to-do. Meters (``UsageDaily``) are not made here: the
gateway and the exchange jobs write them from real traffic. Everything comes from ``ctx.rng``.
"""

from __future__ import annotations

import datetime as dt

from digigov.core import registry

APPS_FULL = 60
REQUESTS_FULL = 600
HOME = "CITY-BDB"
PURPOSES = ("办理政务服务事项时核验申请人信息", "开展联合监管和信用分级分类监管", "社会救助对象资格比对", "“一网通办”材料免提交",
            "城市运行监测分析", "营商环境评价数据核验", "疫情防控与公共卫生应急", "税费征缴信息比对")
BASES = ("《政务信息资源共享管理暂行办法》（国发〔2016〕51号）", "《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》",
         "本部门“三定”规定职责", "《优化营商环境条例》", "《社会救助暂行办法》")
STATES = (("submitted", 18), ("approved", 38), ("narrowed", 20), ("rejected", 12), ("withdrawn", 12))


def _actor(ctx, *names):
    from digigov.core.accounts.models import User
    from digigov.core.rbac.system import system_account

    demo_users = (ctx.shared.get("accounts") or {}).get("demo_users") or {}
    for name in names:
        if demo_users.get(name):
            user = User.objects.filter(pk=demo_users[name]).first()
            if user:
                return user
    return system_account()


def generate(ctx) -> None:
    from django.db.models import Count
    from django.utils import timezone

    from digigov.core.org.models import Department
    from digigov.data.catalog.models import CatalogEntry, DataDemand, DataItem, EntryStatus, SharingType

    from .actions.apps import new_app_key, new_secret
    from .actions.requests import item_names
    from .models import (AppKind, AppStatus, ConsumerApp, RequestStatus, ShareRequest, Subscription, SubscriptionSource, SubscriptionStatus,
                         bump_policy_version)

    if ShareRequest.objects.exists():
        return
    rng = ctx.rng
    entries = list(CatalogEntry.objects.filter(voided_at__isnull=True, status=EntryStatus.PUBLISHED).exclude(sharing_type=SharingType.NONE)
                   .annotate(n=Count("items")).filter(n__gt=0).order_by("pk").values_list("pk", "department_id", "name", "sharing_type"))
    by_dept: dict[int, list[tuple]] = {}
    for e in entries:
        by_dept.setdefault(e[1], []).append(e)
    depts = list(Department.objects.filter(pk__in=list(by_dept), voided_at__isnull=True).order_by("pk"))
    if len(depts) < 2:
        return
    ctx.describe("sharing: 调用应用")
    actor = _actor(ctx, "dataadmin", "deptadmin")
    reviewer = _actor(ctx, "deptadmin", "dataadmin")
    now = timezone.now()
    apps_of: dict[int, list] = {}
    n_apps = max(len(depts), ctx.n(APPS_FULL, len(depts)))
    for i in range(n_apps):
        dept = depts[i % len(depts)]
        label = dept.short_name or dept.name
        name = f"{label}业务协同系统" if i < len(depts) else f"{label}监管分析平台"
        app = ConsumerApp(public_id=ctx.public_id(), name=name, kind=AppKind.DEPARTMENT, department=dept,
                          description=f"{label}调用共享数据的业务系统", app_key=new_app_key(), secret=new_secret(), secret_rotated_at=now,
                          status=AppStatus.SUSPENDED if rng.random() < 0.04 else AppStatus.ACTIVE, rate_limit=rng.choice((20, 50, 100)),
                          daily_quota=rng.choice((10_000, 50_000, 100_000)), created_by=actor)
        app.save()
        apps_of.setdefault(dept.pk, []).append(app)

    ctx.describe("sharing: 共享申请与授权")
    items = {}
    for entry_id, field_name, personal in DataItem.objects.filter(entry_id__in=[e[0] for e in entries]).order_by("entry_id", "seq") \
            .values_list("entry_id", "field_name", "personal"):
        items.setdefault(entry_id, []).append((field_name, personal))
    home = next((d for d in depts if d.code == HOME), None)
    today = timezone.localdate()
    taken_open, taken_sub = set(), set()
    requests, plans = [], []
    n = ctx.n(REQUESTS_FULL, 30)
    for k in range(n):
        if home is not None and k < 12:  # the demo admins' own department: asking (even k) and asked (odd k)
            requester, provider = (home, rng.choice([d for d in depts if d.pk != home.pk])) if k % 2 == 0 else \
                (rng.choice([d for d in depts if d.pk != home.pk]), home)
            status = ("submitted", "submitted", "approved", "narrowed", "rejected", "withdrawn")[k // 2]
        else:
            requester, provider = rng.sample(depts, 2)
            status = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        entry = rng.choice(by_dept[provider.pk])
        app = rng.choice(apps_of[requester.pk])
        key = (app.pk, entry[0])
        if key in taken_sub or (status == "submitted" and key in taken_open):
            continue
        if entry[3] == SharingType.UNCONDITIONAL and status in ("submitted", "narrowed", "rejected"):
            status = "approved"  # 无条件共享 is approved on filing (it asked no field in clear)
        fields_all = items[entry[0]]
        size = rng.randint(max(1, len(fields_all) // 2), len(fields_all))
        chosen = [f for f, _ in rng.sample(fields_all, size)]
        order = {f: i for i, (f, _) in enumerate(fields_all)}
        chosen.sort(key=order.get)
        personal = [f for f, p in fields_all if p and f in chosen]
        clear = personal[:1] if personal and entry[3] != SharingType.UNCONDITIONAL and rng.random() < 0.5 else []
        filed = today - dt.timedelta(days=rng.randint(0, 120) if status != "submitted" else rng.randint(0, 10))
        start = filed + dt.timedelta(days=rng.randint(0, 7))
        end = start + dt.timedelta(days=rng.choice((180, 364, 729)))
        req = ShareRequest(public_id=ctx.public_id(), requester=requester, provider=provider, entry_id=entry[0], app=app, fields=chosen,
                           clear_fields=clear, purpose=rng.choice(PURPOSES), basis=rng.choice(BASES), period_start=start, period_end=end,
                           status=status, filed_by=actor)
        if status in ("approved", "narrowed"):
            req.approved_fields, req.approved_clear_fields, req.approved_until = list(chosen), list(clear), end
            if status == "narrowed":
                if len(chosen) > 1:
                    drop = set(rng.sample(chosen, max(1, len(chosen) // 3)))
                    req.approved_fields = [f for f in chosen if f not in drop]
                    req.approved_clear_fields = [f for f in clear if f not in drop]
                else:
                    req.approved_until = start + dt.timedelta(days=(end - start).days // 2)
                req.reply = "按最小必要原则部分同意"
            else:
                req.reply = "同意" if entry[3] != SharingType.UNCONDITIONAL else "无条件共享目录条目，按申请自动同意（不含明文信息项）"
            taken_sub.add(key)
        elif status == "rejected":
            req.reply = rng.choice(("申请用途与所申请信息项不匹配", "涉及个人敏感信息，依据不足", "该数据正在治理，暂不具备共享条件"))
        elif status == "withdrawn":
            req.reply = "业务调整，撤回申请"
        else:
            taken_open.add(key)
        if status in ("approved", "narrowed", "rejected"):
            req.decided_by, req.decided_at = reviewer, timezone.make_aware(dt.datetime.combine(filed + dt.timedelta(days=rng.randint(1, 5)),
                                                                                              dt.time(10, rng.randint(0, 59))))
        requests.append(req)
        plans.append(entry)
    requests = ctx.bulk(ShareRequest, requests)
    ShareRequest.objects.filter(pk__in=[r.pk for r in requests if r.status != RequestStatus.SUBMITTED]).update(updated_at=now)

    demands, subs = [], []
    for req, entry in zip(requests, plans):
        if req.status in (RequestStatus.APPROVED, RequestStatus.NARROWED):
            roll = rng.random()
            status = SubscriptionStatus.REVOKED if roll < 0.05 else SubscriptionStatus.SUSPENDED if roll < 0.1 else SubscriptionStatus.ACTIVE
            subs.append(Subscription(public_id=ctx.public_id(), app_id=req.app_id, entry_id=req.entry_id, source=SubscriptionSource.SHARE_REQUEST,
                                     share_request=req, fields=req.approved_fields, clear_fields=req.approved_clear_fields, purpose=req.purpose,
                                     valid_from=req.period_start, valid_until=req.approved_until, status=status, created_by=reviewer))
        elif req.status == RequestStatus.REJECTED:
            demands.append((req, DataDemand(public_id=ctx.public_id(), requester_id=req.requester_id, provider_id=req.provider_id,
                                            entry_id=req.entry_id, title=entry[2], items=item_names(req.entry_id, req.fields),
                                            purpose=req.purpose, basis=req.basis, filed_by=actor)))
    ctx.bulk(Subscription, subs)
    made = ctx.bulk(DataDemand, [d for _, d in demands])
    for (req, _), demand in zip(demands, made):
        ShareRequest.objects.filter(pk=req.pk).update(demand=demand)
    bump_policy_version()


registry.register_demo("sharing", generate, after=("catalog",), soft_after=())
