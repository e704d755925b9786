"""Demo city: 信用基础库 and a few e-licence index rows for the demo city's enterprises (``LegalPerson``).

About 4 % of the legal persons carry credit facts at full scale (≈6,000 facts for ≈150 k legal persons):
双公示 行政许可 and 行政处罚 decided by the city's 市场监管局, 生态环境局, 应急局 and 人社局, red-list entries
(守信激励) and a few black-list entries (失信惩戒), and 信用承诺. Facts are linked to their 法人基础库 record
by USCC when the registry is built (``selectors.enterprise_credit`` also finds them by USCC before that).
The e-licence index gets a few hundred 营业执照 rows marked ``is_demo`` until the e-licence app indexes
real ones. Rows are marked ``is_demo``; everything random comes from ``ctx.rng``.
"""

from __future__ import annotations

import datetime as dt

from digigov.core.accounts.models import LegalPerson
from digigov.core.org.models import Department
from digigov.core.registry import register_demo

from .models import CreditKind, CreditRecord, LicenceIndex, SubjectKind

FULL_CREDIT = 6000
FULL_LICENCES = 300
KIND_WEIGHTS = ((CreditKind.LICENSE, 45), (CreditKind.PENALTY, 28), (CreditKind.REWARD, 10), (CreditKind.PUNISH, 5), (CreditKind.COMMITMENT, 12))
DECIDERS = {  # kind → department codes that decide it
    CreditKind.LICENSE: ("CITY-SAMR", "CITY-EE", "CITY-EM"),
    CreditKind.PENALTY: ("CITY-SAMR", "CITY-EE", "CITY-EM", "CITY-HRSS"),
    CreditKind.REWARD: ("CITY-SAMR",),
    CreditKind.PUNISH: ("CITY-SAMR", "CITY-HRSS"),
    CreditKind.COMMITMENT: ("CITY-SAMR",),
}
TITLES = {
    CreditKind.LICENSE: ("食品经营许可", "排污许可", "危险化学品经营许可", "特种设备使用登记", "工业产品生产许可"),
    CreditKind.PENALTY: ("未按规定公示年度报告", "销售不合格产品", "超标排放大气污染物", "未按规定开展安全生产教育培训", "拖欠劳动者工资"),
    CreditKind.REWARD: ("A级纳税人", "守合同重信用企业", "劳动保障守法诚信企业"),
    CreditKind.PUNISH: ("严重违法失信企业名单", "拖欠农民工工资失信联合惩戒对象名单"),
    CreditKind.COMMITMENT: ("告知承诺制审批信用承诺", "证明事项告知承诺"),
}
DOC_PREFIX = {"CITY-SAMR": "示市监", "CITY-EE": "示环", "CITY-EM": "示应急", "CITY-HRSS": "示人社"}


def _pick(rng, weights):
    total = sum(w for _, w in weights)
    x = rng.uniform(0, total)
    for value, w in weights:
        x -= w
        if x <= 0:
            return value
    return weights[-1][0]


def generate(ctx):
    rng = ctx.rng
    departments = {d.code: d for d in Department.objects.filter(code__in=sorted({c for cs in DECIDERS.values() for c in cs}))}
    if not departments:
        ctx.describe("未找到市场监管局等认定部门，跳过信用示范数据")
        return
    total = LegalPerson.objects.active().count()
    if not total:
        ctx.describe("没有法人，跳过信用示范数据")
        return
    n = min(ctx.n(FULL_CREDIT, 20), total)
    # a spread sample of legal persons: every k-th by id, offset by the seed
    step = max(1, total // n)
    chosen = list(LegalPerson.objects.active().order_by("id").values_list("uscc", "name")[rng.randrange(step)::step][:n])
    today = ctx.now.date()
    rows, seq = [], 0
    for uscc, name in chosen:
        kind = _pick(rng, KIND_WEIGHTS)
        codes = [c for c in DECIDERS[kind] if c in departments] or list(departments)
        code = rng.choice(codes)
        decided = today - dt.timedelta(days=rng.randint(1, 1000))
        seq += 1
        doc = f"{DOC_PREFIX.get(code, '示')}{'许' if kind == CreditKind.LICENSE else '罚' if kind == CreditKind.PENALTY else '信'}〔{decided.year}〕{seq}号"
        rows.append(CreditRecord(
            public_id=ctx.public_id(), subject_kind=SubjectKind.ENTERPRISE, subject_code=uscc, subject_name=name[:100], kind=kind,
            title=rng.choice(TITLES[kind]), document_no=doc if kind in (CreditKind.LICENSE, CreditKind.PENALTY) else "",
            department=departments[code], decided_on=decided,
            valid_until=decided + dt.timedelta(days=365 * 3) if kind in (CreditKind.LICENSE, CreditKind.REWARD, CreditKind.PUNISH) else None,
            is_demo=True,
        ))
    ctx.bulk(CreditRecord, rows)
    issuer = departments.get("CITY-SAMR") or next(iter(departments.values()))
    licences = [LicenceIndex(
        public_id=ctx.public_id(), holder_kind=SubjectKind.ENTERPRISE, holder_code=uscc, holder_name=name[:100], licence_type="yyzz",
        licence_name="营业执照", licence_no=f"DEMO{i:08d}", issuer=issuer, issued_on=today - dt.timedelta(days=rng.randint(30, 3000)),
        is_demo=True,
    ) for i, (uscc, name) in enumerate(chosen[: ctx.n(FULL_LICENCES, 10)], start=1)]
    ctx.bulk(LicenceIndex, licences)
    ctx.describe(f"信用记录 {len(rows)} 条，电子证照索引（演示） {len(licences)} 条")


register_demo("registries.credit", generate, after=("org", "accounts"))
