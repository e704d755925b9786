"""Demo city: the city's 政务云 as the plan describes it in 一(一) and 五(一).

* one pool with the real capacity: 5844 vCPU, 20435 GB memory, 491 TB storage, ~70% allocated;
* ~20 clouds/机房 run by departments, 70% integrated into the city's “一朵云” (K01 baseline 70%);
* 25 systems already hosted on the cloud, which is 60% of the non-classified systems that should be
  (上云率 baseline 60%), plus a few classified and exempt systems outside the ratio;
* quotas consistent with the allocations, a few pending requests that fit in the pool,
  hourly utilisation samples for the last 30 days averaging ~70%.

Deterministic for a seed: only ``ctx.rng`` and ``ctx.public_id()``; timestamps are anchored to
``ctx.shared["now"]`` when the runner provides one, else to today's local midnight.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.utils import timezone

from digigov.core.org.demo import BIG_DATA_CENTER_CODE
from digigov.core.org.models import Department, DivisionLevel
from digigov.core.registry import register_demo

from .models import (
    Allocation,
    CloudPlatform,
    CloudStatus,
    HostedSystem,
    PlatformKind,
    Quota,
    RequestPurpose,
    RequestStatus,
    ResourcePool,
    ResourceRequest,
    UtilisationSample,
)

POOL = {"name": "市级政务云资源池", "vcpu_total": 5844, "memory_gb_total": 20435, "storage_tb_total": Decimal("491.00")}
USAGE = 0.70
SYSTEM_NAMES = [
    "不动产登记信息系统", "社会保险经办系统", "医疗保障信息平台", "住房公积金管理系统", "一体化政务服务平台", "城市管理综合执法系统",
    "应急指挥调度系统", "公共资源交易系统", "市场主体登记系统", "工程建设项目审批管理系统", "互联网+监管系统", "12345政务服务便民热线",
    "数字城管平台", "智慧教育资源公共服务平台", "区域人口健康信息平台", "医学影像云平台", "智慧养老综合管理平台", "雪亮工程视频监控平台",
    "安全生产感知网络平台", "生态环境监测系统", "交通运输综合执法系统", "农业农村综合信息平台", "民政综合业务系统", "退役军人服务系统",
    "统计联网直报系统", "财政预算一体化系统", "审计数据分析平台", "自然资源“一张图”系统", "水务综合管理平台", "文化旅游服务平台",
    "人力资源市场信息系统", "税费协同共治平台", "信用信息共享平台", "电子证照系统", "电子印章系统", "档案数字化管理系统",
    "网格化社会治理平台", "气象灾害预警系统", "地震监测信息系统", "林草资源监测系统", "粮食储备监管系统", "机关事务管理系统",
    "人防指挥信息系统", "信访信息系统", "政务公开平台", "协同办公系统", "视频会议系统", "数据共享交换平台",
]
CLASSIFIED_NAMES = ["机要文件传输系统", "涉密公文处理系统", "保密监管系统", "国防动员指挥系统"]
EXEMPT_NAMES = ["核辐射在线监测系统（专网）", "气象雷达数据处理系统（专用设备）", "北斗应急通信系统（专用终端）"]


def _anchor(ctx) -> dt.datetime:
    now = ctx.shared.get("now")
    if now is None:
        today = timezone.localdate()
        now = timezone.make_aware(dt.datetime(today.year, today.month, today.day))
    return now


def _split(total, weights, as_decimal=False):
    """Split ``total`` proportionally to ``weights`` (floors, so the parts never exceed the total)."""
    s = sum(weights)
    if as_decimal:
        return [(Decimal(str(total)) * Decimal(w / s)).quantize(Decimal("0.01"), rounding="ROUND_FLOOR") for w in weights]
    return [int(total * w / s) for w in weights]


def generate(ctx):
    rng = ctx.rng
    now = _anchor(ctx)
    today = timezone.localtime(now).date()
    depts = list(Department.objects.active().select_related("division").order_by("path", "id"))
    if not depts:
        ctx.describe("未找到组织机构，跳过政务云示范数据")
        return
    city_level = [d for d in depts if d.division.level == DivisionLevel.CITY] or depts
    bdc = next((d for d in city_level if d.code == BIG_DATA_CENTER_CODE), city_level[0])

    # --- platforms: the city cloud (integrated) + clouds/机房 run by other departments ---------
    n_platforms = ctx.n(20, minimum=3)
    n_integrated = max(1, round(n_platforms * 0.70))
    others = [d for d in depts if d.pk != bdc.pk]
    operators = rng.sample(others, min(len(others), n_platforms - 1)) if others else []
    while len(operators) < n_platforms - 1:
        operators.append(rng.choice(depts))
    integrated_flags = [True] * (n_integrated - 1) + [False] * (n_platforms - n_integrated)
    rng.shuffle(integrated_flags)
    platforms = [CloudPlatform(public_id=ctx.public_id(), name="市级政务云平台", department=bdc, kind=PlatformKind.CLOUD, integrated=True,
                               integrated_on=today - dt.timedelta(days=900), note="全市政务“一朵云”主平台")]
    for i, (dept, integrated) in enumerate(zip(operators, integrated_flags)):
        kind = PlatformKind.DATACENTER if rng.random() < 0.5 else PlatformKind.CLOUD
        suffix = "自建机房" if kind == PlatformKind.DATACENTER else "私有云"
        platforms.append(CloudPlatform(
            public_id=ctx.public_id(), name=f"{dept.short_name or dept.name}{suffix}（{i + 1:02d}）", department=dept, kind=kind,
            integrated=integrated, integrated_on=today - dt.timedelta(days=rng.randint(30, 700)) if integrated else None,
        ))
    platforms = ctx.bulk(CloudPlatform, platforms)
    city_cloud = platforms[0]
    legacy = [p for p in platforms[1:] if not p.integrated] or [None]

    pool = ctx.bulk(ResourcePool, [ResourcePool(public_id=ctx.public_id(), platform=city_cloud, **POOL)])[0]

    # --- systems: 25 hosted = 60% of the eligible, plus classified and exempt ones -------------
    n_migrated = ctx.n(25, minimum=3)
    n_eligible = max(n_migrated + 1, round(n_migrated / 0.60))
    n_classified = ctx.n(3, minimum=1)
    n_exempt = ctx.n(2, minimum=1)
    names = list(SYSTEM_NAMES)
    rng.shuffle(names)
    systems = []
    for i in range(n_eligible):
        base = names[i % len(names)]
        name = base if i < len(names) else f"{base}（{i // len(names) + 1}期）"
        migrated = i < n_migrated
        went_live = today - dt.timedelta(days=rng.randint(400, 3000))
        systems.append(HostedSystem(
            public_id=ctx.public_id(), department=rng.choice(depts), name=name, classified=False,
            cloud_status=CloudStatus.MIGRATED if migrated else CloudStatus.PLANNED,
            platform=city_cloud if migrated else rng.choice(legacy), went_live_on=went_live,
            migrated_on=today - dt.timedelta(days=rng.randint(10, 380)) if migrated else None,
            planned_migration_on=None if migrated else today + dt.timedelta(days=rng.randint(30, 700)),
        ))
    for i in range(n_classified):
        systems.append(HostedSystem(public_id=ctx.public_id(), department=rng.choice(depts), name=CLASSIFIED_NAMES[i % len(CLASSIFIED_NAMES)]
                                    + ("" if i < len(CLASSIFIED_NAMES) else f"（{i + 1}）"), classified=True,
                                    cloud_status=CloudStatus.EXEMPT, went_live_on=today - dt.timedelta(days=rng.randint(400, 3000))))
    for i in range(n_exempt):
        systems.append(HostedSystem(public_id=ctx.public_id(), department=rng.choice(depts), name=EXEMPT_NAMES[i % len(EXEMPT_NAMES)]
                                    + ("" if i < len(EXEMPT_NAMES) else f"（{i + 1}）"), classified=False,
                                    cloud_status=CloudStatus.EXEMPT, exempt_reason="依赖专用硬件，经批准暂不迁移",
                                    platform=rng.choice(legacy), went_live_on=today - dt.timedelta(days=rng.randint(400, 3000))))
    systems = ctx.bulk(HostedSystem, systems)
    migrated = [s for s in systems if s.cloud_status == CloudStatus.MIGRATED]
    planned = [s for s in systems if s.cloud_status == CloudStatus.PLANNED]

    # --- allocations: ~70% of the pool, one per hosted system; the latest few came from requests --
    weights = [rng.uniform(0.5, 2.0) for _ in migrated]
    cpus = _split(int(POOL["vcpu_total"] * USAGE), weights)
    mems = _split(int(POOL["memory_gb_total"] * USAGE), weights)
    stos = _split(POOL["storage_tb_total"] * Decimal(str(USAGE)), weights, as_decimal=True)
    n_from_requests = min(len(migrated), ctx.n(5, minimum=1))
    approved = ctx.bulk(ResourceRequest, [
        ResourceRequest(public_id=ctx.public_id(), department=s.department, pool=pool, system=s, purpose=RequestPurpose.MIGRATE,
                        vcpu=cpus[i], memory_gb=mems[i], storage_tb=stos[i], reason=f"{s.name}迁移上云", status=RequestStatus.APPROVED,
                        decided_at=timezone.make_aware(dt.datetime.combine(s.migrated_on, dt.time(10))), decision_note="同意")
        for i, s in enumerate(migrated[:n_from_requests])
    ])
    by_system = {r.system_id: r for r in approved}
    ctx.bulk(Allocation, [
        Allocation(public_id=ctx.public_id(), pool=pool, department=s.department, system=s, request=by_system.get(s.pk),
                   vcpu=cpus[i], memory_gb=mems[i], storage_tb=stos[i],
                   granted_at=timezone.make_aware(dt.datetime.combine(s.migrated_on, dt.time(10))))
        for i, s in enumerate(migrated)
    ])

    # --- pending requests that fit in the remaining 30% ----------------------------------------
    n_pending = min(len(planned), ctx.n(5, minimum=2))
    pending = []
    for s in planned[:n_pending]:
        pending.append(ResourceRequest(
            public_id=ctx.public_id(), department=s.department, pool=pool, system=s, purpose=RequestPurpose.MIGRATE,
            vcpu=rng.choice([8, 16, 32, 64]), memory_gb=rng.choice([16, 32, 64, 128]), storage_tb=Decimal(rng.choice(["0.50", "1.00", "2.00", "5.00"])),
            reason=f"{s.name}按计划迁移至市级政务云", status=RequestStatus.SUBMITTED,
        ))
    if migrated:
        s = migrated[-1]
        pending.append(ResourceRequest(public_id=ctx.public_id(), department=s.department, pool=pool, system=s, purpose=RequestPurpose.EXPAND,
                                       vcpu=16, memory_gb=64, storage_tb=Decimal("2.00"), reason=f"{s.name}业务量增长，申请扩容",
                                       status=RequestStatus.SUBMITTED))
    if planned[n_pending:]:
        s = planned[n_pending]
        pending.append(ResourceRequest(public_id=ctx.public_id(), department=s.department, pool=pool, system=s, purpose=RequestPurpose.MIGRATE,
                                       vcpu=512, memory_gb=2048, storage_tb=Decimal("80.00"), reason=f"{s.name}迁移上云",
                                       status=RequestStatus.REJECTED, decided_at=now - dt.timedelta(days=3),
                                       decision_note="申请规模明显超出业务需要，请压缩后重新申请"))
    ctx.bulk(ResourceRequest, pending)

    # --- quotas: what each department holds plus its pending requests, with 30% headroom --------
    need: dict[int, list] = {}
    for i, s in enumerate(migrated):
        n = need.setdefault(s.department_id, [0, 0, Decimal("0")])
        n[0] += cpus[i]
        n[1] += mems[i]
        n[2] += stos[i]
    for r in pending:
        if r.status == RequestStatus.SUBMITTED:
            n = need.setdefault(r.department_id, [0, 0, Decimal("0")])
            n[0] += r.vcpu
            n[1] += r.memory_gb
            n[2] += r.storage_tb
    ctx.bulk(Quota, [
        Quota(public_id=ctx.public_id(), department_id=dept_id, pool=pool,
              vcpu=min(POOL["vcpu_total"], math.ceil(c * 1.3 / 8) * 8 or 8),
              memory_gb=min(POOL["memory_gb_total"], math.ceil(m * 1.3 / 16) * 16 or 16),
              storage_tb=min(POOL["storage_tb_total"], (st * Decimal("1.3")).quantize(Decimal("0.01")) or Decimal("1.00")))
        for dept_id, (c, m, st) in sorted(need.items())
    ])

    # --- hourly utilisation for the last 30 days, ~70% on average ------------------------------
    end = now.replace(minute=0, second=0, microsecond=0)
    hours = 30 * 24
    samples = []
    for h in range(hours, 0, -1):
        at = end - dt.timedelta(hours=h)
        local_hour = timezone.localtime(at).hour
        daily = math.sin((local_hour - 9) / 24 * 2 * math.pi)  # busier in office hours
        cpu = 70 + 12 * daily + rng.gauss(0, 3)
        mem = 72 + 5 * daily + rng.gauss(0, 1.5)
        sto = 66 + 6 * (hours - h) / hours + rng.gauss(0, 0.2)
        samples.append(UtilisationSample(pool=pool, at=at, cpu_pct=round(min(max(cpu, 0), 100), 1),
                                         mem_pct=round(min(max(mem, 0), 100), 1), storage_pct=round(min(max(sto, 0), 100), 1)))
    ctx.bulk(UtilisationSample, samples)
    ctx.describe(f"政务云：{len(platforms)} 个云平台（{n_integrated} 个已整合），{len(systems)} 个信息系统（{len(migrated)} 个已上云），"
                 f"{len(pending)} 条申请，{len(samples)} 条使用率采样")


register_demo("infra.cloud", generate, after=("org",))
