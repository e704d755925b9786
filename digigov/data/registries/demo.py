"""Demo city: the population and legal-person registries built from departments' feeds.

* **Person extracts** of four departments (公安局 户籍人口, 人社局 参保人员, 民政局 婚姻登记/低保,
  卫健委 出生医学证明/健康档案) are drawn from the truth population (``accounts.NaturalPerson``): a
  sample of ``round(200,000 × scale)`` people (10,000 at ``make run``'s 0.05, at least 200), each
  delivered with the noise ``linkage.synth`` plants (15-digit and mistyped IDs, seven date formats, six
  sex codes, full-width digits, traditional characters, homophones, addresses spelt several ways,
  within-source duplicates). About 2.4 rows per person.
* **Enterprise extracts** (市场监管局 登记, 人社局 参保单位, and 税务局 纳税信用 when the city has a tax
  department) from ``accounts.LegalPerson``: ``round(60,000 × scale)`` subjects (3,000 at 0.05), with a
  few missing or lower-case USCCs, full-width brackets in names and differing addresses.
* Each extract is a published catalog entry of its department delivered like any aggregation upload
  (an upload ``Source``, a succeeded ``Job``, a committed ``Batch``, rows in ``dr_<pk>`` with personal
  columns sealed, a table mount), then registered as a ``Feed``; the authority table follows the
  issue (name/ID/ethnicity/address ← 公安, insured ← 人社, marital ← 民政, birth certificate/guardian ←
  卫健, business scope/status/name ← 市场监管, tax status ← 税务, insured staff ← 人社).
* Both registries are then built (as the demo data authority), so the city has golden records,
  conflicts and a steward's queue. Deterministic per seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time

from django.db import connection
from django.utils import timezone

from digigov.core import pii, registry
from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account

REAL_SAMPLE_PERSONS = 200_000
REAL_SAMPLE_ENTERPRISES = 60_000

# column → (item name, personal kind, canonical field)
PERSON_COLUMNS = {
    "jlbs": ("记录标识", 0, "row_id"), "xm": ("姓名", 1, "name"), "gmsfhm": ("公民身份号码", 2, "id_number"), "zjlx": ("证件类型", 0, "id_type"),
    "xb": ("性别", 1, "sex"), "csrq": ("出生日期", 1, "birth_date"), "mz": ("民族", 1, "ethnicity"), "zz": ("住址", 1, "address"),
    "lxdh": ("联系电话", 1, "phone"), "cym": ("曾用名", 1, "former_names"), "cbzt": ("参保状态", 1, "insured"),
    "hyzk": ("婚姻状况", 2, "marital"), "jhrsfhm": ("监护人公民身份号码", 2, "guardian_id_number"), "mqxm": ("母亲姓名", 1, "mother_name"),
    "fqxm": ("父亲姓名", 1, "father_name"), "cszmbh": ("出生医学证明编号", 1, "birth_certificate"),
}
PERSON_FEEDS = (  # (synth source, department code, entry code, feed/entry name, columns)
    ("gongan", "CITY-PSB", "JC-RK-GA-001", "公安局户籍人口信息", ("jlbs", "xm", "gmsfhm", "zjlx", "xb", "csrq", "mz", "zz", "lxdh", "cym")),
    ("renshe", "CITY-HRSS", "JC-RK-RS-001", "人社局参保人员信息", ("jlbs", "xm", "gmsfhm", "zjlx", "xb", "csrq", "zz", "lxdh", "cbzt")),
    ("minzheng", "CITY-CA", "JC-RK-MZ-001", "民政局婚姻登记与低保人员信息", ("jlbs", "xm", "gmsfhm", "zjlx", "xb", "csrq", "mz", "zz", "lxdh", "hyzk")),
    ("weijian", "CITY-HEA", "JC-RK-WJ-001", "卫健委出生医学证明与健康档案信息",
     ("jlbs", "xm", "gmsfhm", "zjlx", "xb", "csrq", "zz", "lxdh", "jhrsfhm", "mqxm", "fqxm", "cszmbh")),
)
ENTERPRISE_COLUMNS = {
    "jlbs": ("记录标识", 0, "row_id"), "tyshxydm": ("统一社会信用代码", 0, "uscc"), "mc": ("名称", 0, "name"),
    "fddbr": ("法定代表人", 1, "legal_representative"), "jyfw": ("经营范围", 0, "business_scope"), "zs": ("住所", 0, "address"),
    "clrq": ("成立日期", 0, "established_on"), "djzt": ("登记状态", 0, "status"), "nsxydj": ("纳税信用等级", 0, "tax_status"),
    "cbzgrs": ("参保职工人数", 0, "insured_staff"),
}
ENTERPRISE_FEEDS = (
    ("samr", "CITY-SAMR", "JC-FR-SJ-001", "市场监管局市场主体登记信息", ("jlbs", "tyshxydm", "mc", "fddbr", "jyfw", "zs", "clrq", "djzt")),
    ("hrss", "CITY-HRSS", "JC-FR-RS-001", "人社局参保单位信息", ("jlbs", "tyshxydm", "mc", "zs", "cbzgrs")),
    ("tax", "税务", "JC-FR-SW-001", "税务局纳税信用等级信息", ("jlbs", "tyshxydm", "mc", "nsxydj")),
)
PERSON_AUTHORITY = {"name": "CITY-PSB", "id_number": "CITY-PSB", "sex": "CITY-PSB", "birth_date": "CITY-PSB", "ethnicity": "CITY-PSB",
                    "address": "CITY-PSB", "former_names": "CITY-PSB", "insured": "CITY-HRSS", "marital": "CITY-CA",
                    "birth_certificate": "CITY-HEA", "guardian_id_number": "CITY-HEA"}
ENTERPRISE_AUTHORITY = {"name": "CITY-SAMR", "uscc": "CITY-SAMR", "legal_representative": "CITY-SAMR", "business_scope": "CITY-SAMR",
                        "status": "CITY-SAMR", "established_on": "CITY-SAMR", "address": "CITY-SAMR", "insured_staff": "CITY-HRSS",
                        "tax_status": "税务"}
BASIS = "《政务数据“一数一源”权威来源清单》"
SCOPES = ("软件开发；信息技术咨询服务", "食品销售；餐饮服务", "建筑工程施工；装饰装修", "货物进出口；技术进出口", "农产品收购与销售",
          "道路货物运输", "医疗器械经营", "房地产经纪", "机械设备制造与销售", "文化艺术交流活动策划")


def _department(code: str):
    from digigov.core.org.models import Department

    if code.startswith("CITY-"):
        return Department.objects.filter(code=code, voided_at__isnull=True).first()
    return Department.objects.filter(name__contains=code, voided_at__isnull=True).order_by("path").first()


def _category():
    from digigov.data.catalog.models import Category, CategoryKind

    return (Category.objects.filter(kind=CategoryKind.BASIC).order_by("code").first()
            or Category.objects.get_or_create(code="JC", defaults={"name": "基础信息资源", "kind": CategoryKind.BASIC})[0])


def _entry(ctx, dept, code: str, name: str, columns: tuple, spec: dict, actor):
    from digigov.data.catalog.models import CatalogEntry, DataItem, DataLevel

    entry = CatalogEntry.objects.filter(code=code).first()
    if entry is not None:
        return entry
    personal = max(spec[c][1] for c in columns)
    entry = CatalogEntry.objects.create(public_id=ctx.public_id(), code=code, name=name, department=dept, abstract=f"{dept.name}报送基础库的{name}",
                                        category=_category(), status="published", version=1, published_on=timezone.localdate(),
                                        level=DataLevel.IMPORTANT if personal else DataLevel.GENERAL, personal=personal, maintainer=actor)
    DataItem.objects.bulk_create([DataItem(entry=entry, seq=n, name=spec[c][0], field_name=c, length=200, personal=spec[c][1],
                                           is_key=(c == "jlbs"), required=(c == "jlbs"))
                                  for n, c in enumerate(columns, 1)])
    return entry


def _deliver(ctx, entry, rows: list[dict], columns: tuple, spec: dict, actor, at) -> int:
    """Rows into ``dr_<pk>`` as a committed upload batch (what the aggregation pipeline leaves behind)."""
    from digigov.data.aggregation.models import Batch, Job, JobState, Policy, Source, SourceKind
    from digigov.data.aggregation.pipeline import target
    from digigov.data.catalog.models import MountedResource, MountKind
    from digigov.data.catalog.tables import BATCH_COLUMN, ROW_COLUMN, target_table_name

    items = list(entry.items.order_by("seq"))
    table = target_table_name(entry)
    target.ensure_target(table, items)
    source = Source.objects.create(public_id=ctx.public_id(), entry=entry, name=f"{entry.name}（基础库报送）"[:200], kind=SourceKind.UPLOAD,
                                   policy=Policy.COMMIT_GOOD, created_by=actor)
    checksum = hashlib.sha256(f"{ctx.seed}:{entry.code}:{len(rows)}".encode()).hexdigest()
    job = Job.objects.create(public_id=ctx.public_id(), source=source, state=JobState.SUCCEEDED, trigger="upload", file_name=f"{entry.code}.csv",
                             file_size=len(rows) * 160, checksum=checksum, idempotency_key=f"{source.public_id}:{checksum}",
                             bytes_read=len(rows) * 160, rows_read=len(rows), rows_ok=len(rows), rows_bad=0, started_at=at,
                             finished_at=at + dt.timedelta(seconds=max(1, len(rows) // 20000)), actor=actor)
    batch = Batch.objects.create(public_id=ctx.public_id(), source=source, job=job, entry=entry, department=entry.department, target_table=table,
                                 rows=len(rows), rows_bad=0, checksum=checksum, committed_at=at, committed_by=actor)
    fields = [spec[i.field_name][2] for i in items]
    sealers = [pii.BulkSealer(table, i.field_name) if i.personal else None for i in items]
    q = connection.ops.quote_name
    cols = [q(i.field_name) for i in items] + [q(BATCH_COLUMN), q(ROW_COLUMN)]
    sql = f"INSERT INTO {q(table)} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
    out = []
    for n, row in enumerate(rows, 1):
        values = []
        for f, seal in zip(fields, sealers):
            v = str(row.get(f) or "")
            values.append(seal(v) if seal is not None else v)
        out.append((*values, batch.pk, n))
    with connection.cursor() as cur:
        for i in range(0, len(out), ctx.batch_size):
            cur.executemany(sql, out[i:i + ctx.batch_size])
            ctx.progress(len(out[i:i + ctx.batch_size]))
    MountedResource.objects.update_or_create(entry=entry, kind=MountKind.TABLE, table_name=table,
                                             defaults={"public_id": ctx.public_id(), "name": f"{entry.name}（归集库表）"[:200],
                                                       "mounted_by": actor, "record_count": len(rows)})
    return len(rows)


def _truth_people(ctx, n: int):
    """A sample of the truth population in ``linkage.synth``'s shape (households are not modelled here:
    newborns get a guardian drawn from the adults of the sample)."""
    from digigov.core.accounts.models import NaturalPerson
    from digigov.core.org.models import Division
    from digigov.data.linkage import synth

    rng = ctx.rng
    total = NaturalPerson.objects.filter(voided_at__isnull=True).count()
    if not total:
        return []
    ids = list(NaturalPerson.objects.filter(voided_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    pk_set = sorted(rng.sample(ids, n)) if n < total else ids
    names = dict(Division.objects.filter(code__endswith="000000").values_list("code", "name"))
    people = []
    found = []
    for i in range(0, len(pk_set), 2000):
        found.extend(NaturalPerson.objects.filter(pk__in=pk_set[i:i + 2000]).select_related("division").order_by("pk"))
    for p in found:
        county = p.division.code[:6]
        addr = (county, names.get(county + "000000", "市辖区"), rng.choice(synth.STREETS), rng.randint(1, 300), rng.randint(1, 30),
                rng.randint(1, 6), rng.randint(1, 18) * 100 + rng.randint(1, 4))
        people.append(synth.TruthPerson(key=f"N{p.pk:09d}", name=p.name, id_number=p.id_number, sex=p.gender, birth_date=p.birth_date,
                                        ethnicity=rng.choice(synth.ETHNICITIES), address=addr, phone=p.phone or ""))
    adults = [p for p in people if not p.is_minor]
    for p in people:
        if p.is_minor and adults:
            p.guardian_key = rng.choice(adults).key
    return people


def _enterprise_rows(ctx, n: int) -> dict[str, list[dict]]:
    from digigov.core.accounts.models import LegalPerson

    rng = ctx.rng
    qs = LegalPerson.objects.filter(voided_at__isnull=True).select_related("legal_representative").order_by("pk")
    legal = list(qs[:n])
    samr, hrss, tax = [], [], []
    for k, e in enumerate(legal):
        rep = e.legal_representative.name if e.legal_representative_id else ""
        scope = rng.choice(SCOPES)
        status = rng.choices(("存续", "在业", "吊销", "注销"), weights=(70, 20, 5, 5))[0]
        samr.append({"row_id": f"SJ{k:07d}", "uscc": e.uscc, "name": e.name, "legal_representative": rep, "business_scope": scope,
                     "address": e.address, "established_on": e.established_on.isoformat() if e.established_on else "", "status": status})
        if rng.random() < 0.6:
            code = e.uscc if rng.random() > 0.04 else ("" if rng.random() < 0.5 else e.uscc.lower())
            address = e.address if rng.random() > 0.05 else (e.address + "（临时经营场所）" if e.address else "")
            hrss.append({"row_id": f"RS{k:07d}", "uscc": code, "name": e.name, "address": address, "insured_staff": str(rng.randint(1, 300))})
        if rng.random() < 0.8:
            name = e.name.replace("（", "(").replace("）", ")") if rng.random() < 0.3 else e.name
            tax.append({"row_id": f"SW{k:07d}", "uscc": e.uscc if rng.random() > 0.02 else "", "name": name,
                        "tax_status": rng.choices("ABMCD", weights=(30, 40, 15, 10, 5))[0]})
    return {"samr": samr, "hrss": hrss, "tax": tax}


def generate(ctx) -> None:
    from digigov.core.accounts.models import User
    from digigov.data.linkage import synth

    from . import actions, build
    from .models import AttributeAuthority, Feed, RegistryKind

    users = ctx.shared.get("accounts", {}).get("demo_users", {})
    actor = User.objects.filter(pk=users.get("dataauthority")).first() or system_account()
    now = ctx.shared.get("now") or timezone.now()
    started = time.monotonic()
    written = 0
    with acting_as(actor, channel="command"):
        people = _truth_people(ctx, ctx.n(REAL_SAMPLE_PERSONS, minimum=200))
        if not people:
            ctx.describe("没有自然人数据（accounts 示范数据未生成），跳过基础库示范数据")
            return
        feeds = synth.strip_truth(synth.feeds_from_people(people, seed=ctx.seed))
        made = 0
        for source, dept_code, code, name, columns in PERSON_FEEDS:
            dept = _department(dept_code)
            if dept is None:
                continue
            entry = _entry(ctx, dept, code, name, columns, PERSON_COLUMNS, actor)
            written += _deliver(ctx, entry, feeds.get(source, []), columns, PERSON_COLUMNS, actor, now - dt.timedelta(days=ctx.rng.randint(1, 20)))
            if not Feed.objects.filter(registry=RegistryKind.PERSON, name=name).exists():
                actions.register_feed(actor, registry=RegistryKind.PERSON, name=name[:64], department=dept, entry=entry,
                                      mapping={PERSON_COLUMNS[c][2]: c for c in columns})
            made += 1
        ent_rows = _enterprise_rows(ctx, ctx.n(REAL_SAMPLE_ENTERPRISES, minimum=50))
        for source, dept_code, code, name, columns in ENTERPRISE_FEEDS:
            dept = _department(dept_code)
            if dept is None:
                ctx.describe(f"示范城市没有“{dept_code}”部门，未生成“{name}”")
                continue
            entry = _entry(ctx, dept, code, name, columns, ENTERPRISE_COLUMNS, actor)
            written += _deliver(ctx, entry, ent_rows[source], columns, ENTERPRISE_COLUMNS, actor, now - dt.timedelta(days=ctx.rng.randint(1, 20)))
            if not Feed.objects.filter(registry=RegistryKind.ENTERPRISE, name=name).exists():
                actions.register_feed(actor, registry=RegistryKind.ENTERPRISE, name=name[:64], department=dept, entry=entry,
                                      mapping={ENTERPRISE_COLUMNS[c][2]: c for c in columns})
        for reg, table in ((RegistryKind.PERSON, PERSON_AUTHORITY), (RegistryKind.ENTERPRISE, ENTERPRISE_AUTHORITY)):
            for attribute, dept_code in table.items():
                dept = _department(dept_code)
                if dept is not None and not AttributeAuthority.objects.filter(registry=reg, attribute=attribute).exists():
                    actions.set_authority(actor, registry=reg, attribute=attribute, department=dept, basis=BASIS)
        generated = time.monotonic() - started
        runs = []
        for reg in (RegistryKind.PERSON, RegistryKind.ENTERPRISE):
            run = build.run_build(actions.start_build(actor, reg, queue=False).pk)
            runs.append(run)
    ctx.rows += written
    figures = "；".join(f"{r.get_registry_display()}：源记录 {r.source_rows:,} 条 → 主体 {r.golden_records:,} 个，属性冲突 {r.conflicts:,} 个，"
                       f"疑似重复 {r.uncertain_pairs:,} 对，{r.report.get('figures', {}).get('seconds', 0)} 秒"
                       + ("" if r.status == "done" else f"（{r.error}）") for r in runs)
    ctx.describe(f"基础库：{len(people):,} 名自然人的 {made} 个部门报送 {written:,} 行（生成 {generated:.1f} 秒）；{figures}")


registry.register_demo("registries", generate, after=("aggregation", "quality"))
