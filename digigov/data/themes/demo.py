"""The demo city's 主题库 (投资, 交通, 旅游, 能源) and 专题库 (经济运行监测, 政务服务, 社会管理, 营商环境).

Each library is a catalog category (主题库 ``ZT0n`` / 专题库 ``ZX0n`` under 主题信息资源) holding a few
published entries of the departments that own the data, with data items; their rows are generated
as CSV files and loaded through the aggregation pipeline exactly as a department's upload would be
(a ``Source`` per entry, ``submit_upload``, ``engine.run``), so each dataset lives in its ``dr_<pk>``
table with batches, row counts and mounts like every other aggregated resource.

Sizes are plausible for a city of 2.2 million people (``full`` rows at scale 1, scaled by
``ctx.scale`` with a small floor): ~3,000 fixed-asset investment projects a year, 160 bus lines,
60 A-level scenic spots, 12345 hotline tickets in the hundreds of thousands a year (a year's sample
here), monthly indicators for three years.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from digigov.core import registry

LIBRARIES = (  # code, name, parent label
    ("ZT", "主题库", (("ZT01", "投资"), ("ZT02", "交通"), ("ZT03", "旅游"), ("ZT04", "能源"))),
    ("ZX", "专题库", (("ZX01", "经济运行监测"), ("ZX02", "政务服务"), ("ZX03", "社会管理"), ("ZX04", "营商环境"))),
)

INDUSTRIES = ("制造业", "基础设施", "房地产", "现代农业", "商贸物流", "文化旅游", "能源", "社会事业", "信息技术")
PROJECT_STATUS = ("谋划", "前期", "在建", "竣工")
SECTORS = ("第一产业", "工业", "建筑业", "第三产业", "城乡居民生活")
HOTLINE_KINDS = ("城市管理", "住房保障", "交通出行", "劳动保障", "市场监管", "环境保护", "教育", "医疗卫生", "供水供热", "咨询建议")
TICKET_STATUS = ("已办结", "已办结", "已办结", "办理中", "已回访")
GRID_EVENTS = ("占道经营", "垃圾堆放", "设施损坏", "邻里纠纷", "安全隐患", "违章搭建", "环境噪声", "流浪动物")
INDICATORS = (("地区生产总值", "亿元", 95, 8), ("规模以上工业增加值", "亿元", 24, 3), ("社会消费品零售总额", "亿元", 38, 4),
              ("固定资产投资", "亿元", 30, 6), ("一般公共预算收入", "亿元", 8, 1.5), ("城镇调查失业率", "%", 5.1, 0.4),
              ("居民消费价格指数", "上年同月=100", 101.2, 0.8), ("全社会用电量", "亿千瓦时", 9, 1.2))
SPOT_SUFFIX = ("山风景区", "湖湿地公园", "古城", "温泉度假区", "森林公园", "民俗村", "滨江公园", "博物馆")


def _months(n: int, today: dt.date) -> list[str]:
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(f"{y:04d}-{m:02d}")
    return list(reversed(out))


def _day(rng, today: dt.date, days: int = 365) -> str:
    return (today - dt.timedelta(days=rng.randrange(1, days))).isoformat()


# --- datasets: (library code, department code, name, full rows, items, row maker) ---------------------
# items: (name, field, type C/N/D, length)
def _projects(rng, n, ctx):
    return [{"xmdm": f"2026-210600-{rng.choice(('04', '07', '13', '26', '44', '70'))}-01-{600000 + i:06d}",
             "xmmc": f"{rng.choice(ctx['places'])}{rng.choice(INDUSTRIES)}{rng.choice(('建设项目', '产业园项目', '改扩建工程', '综合体项目'))}",
             "hy": rng.choice(INDUSTRIES), "qx": rng.choice(ctx["counties"]), "ztz": round(rng.lognormvariate(8.3, 1.1), 1),
             "kgnf": str(rng.randint(2022, ctx["today"].year)), "zt": rng.choice(PROJECT_STATUS)} for i in range(n)]


def _attract(rng, n, ctx):
    return [{"xmmc": f"{rng.choice(ctx['places'])}{rng.choice(INDUSTRIES)}招商项目{i + 1}",
             "tzfdq": rng.choice(("北京", "上海", "广东", "浙江", "江苏", "山东", "香港", "韩国", "日本", "新加坡")),
             "xyje": round(rng.lognormvariate(9, 1), 1), "qyrq": _day(rng, ctx["today"], 900), "qx": rng.choice(ctx["counties"])} for i in range(n)]


def _bus(rng, n, ctx):
    out = []
    for i in range(n):
        a, b = rng.sample(ctx["places"], 2)
        out.append({"xlbh": f"{i + 1}路", "qd": f"{a}站", "zd": f"{b}站", "xlcd": round(rng.uniform(6, 32), 1), "zds": rng.randint(12, 45),
                    "pcjg": rng.choice((5, 8, 10, 12, 15, 20, 30))})
    return out


def _traffic(rng, n, ctx):
    return [{"jcd": f"{rng.choice(ctx['places'])}路口{rng.randint(1, 40):02d}", "rq": _day(rng, ctx["today"], 90),
             "ll": rng.randint(3000, 48000), "pjsd": round(rng.uniform(18, 55), 1)} for _ in range(n)]


def _spots(rng, n, ctx):
    used = set()
    out = []
    for _ in range(n):
        name = rng.choice(ctx["places"]) + rng.choice(SPOT_SUFFIX)
        if name in used:
            continue
        used.add(name)
        out.append({"jqmc": name, "dj": rng.choices(("5A", "4A", "3A", "2A"), (1, 8, 20, 12))[0], "qx": rng.choice(ctx["counties"]),
                    "njdrc": round(rng.lognormvariate(3.2, 0.9), 1)})
    return out


def _tourism(rng, n, ctx):
    rows = []
    for month in _months(max(1, n // max(1, len(ctx["counties"]))), ctx["today"]):
        summer = month[5:] in ("06", "07", "08", "10")
        for c in ctx["counties"]:
            v = rng.uniform(8, 30) * (1.8 if summer else 1)
            rows.append({"yf": month, "qx": c, "jdrc": round(v, 2), "lysr": round(v * rng.uniform(700, 1100), 1)})
    return rows


def _energy_units(rng, n, ctx):
    return [{"dwmc": f"示范市{rng.choice(ctx['places'])}{rng.choice(('钢铁', '化工', '水泥', '热电', '造纸', '制药', '玻璃'))}有限公司",
             "nd": str(ctx["today"].year - 1), "zhnh": round(rng.lognormvariate(9.5, 1.2)), "hy": rng.choice(("钢铁", "化工", "建材", "电力", "轻工"))}
            for _ in range(n)]


def _power(rng, n, ctx):
    rows = []
    for month in _months(max(1, n // (len(ctx["counties"]) * len(SECTORS))), ctx["today"]):
        for c in ctx["counties"]:
            for s in SECTORS:
                rows.append({"yf": month, "qx": c, "hy": s, "ydl": round(rng.uniform(300, 9000) * (3 if s == "工业" else 1), 1)})
    return rows


def _indicators(rng, n, ctx):
    rows = []
    for k, month in enumerate(_months(max(1, n // len(INDICATORS)), ctx["today"])):
        for name, unit, base, spread in INDICATORS:
            rows.append({"yf": month, "zbmc": name, "zbz": round(base * (1 + 0.004 * k) + rng.uniform(-spread, spread) / 3, 2), "dw": unit})
    return rows


def _industry(rng, n, ctx):
    firms = [f"示范市{rng.choice(ctx['places'])}{rng.choice(('机械', '食品', '纺织', '电子', '汽车零部件', '新材料'))}有限公司" for _ in range(max(1, n // 12))]
    months = _months(12, ctx["today"])
    return [{"qymc": firms[i % len(firms)], "yf": months[i // len(firms) % 12], "gyzcz": round(rng.lognormvariate(7, 1), 1)} for i in range(n)]


def _service_items(rng, n, ctx):
    rows = []
    months = _months(max(1, n // len(ctx["departments"])), ctx["today"])
    for month in months:
        for d in ctx["departments"]:
            total = rng.randint(200, 9000)
            rows.append({"yf": month, "bm": d, "bjl": total, "wsbl": round(rng.uniform(55, 98), 1), "asbjl": round(rng.uniform(96, 100), 2)})
    return rows


def _hotline(rng, n, ctx):
    return [{"gdbh": f"12345-{ctx['today'].year}-{i + 1:07d}", "slrq": _day(rng, ctx["today"]), "lb": rng.choice(HOTLINE_KINDS),
             "qx": rng.choice(ctx["counties"]), "zt": rng.choice(TICKET_STATUS), "myd": rng.choices(("满意", "基本满意", "不满意"), (80, 15, 5))[0]}
            for i in range(n)]


def _grid_events(rng, n, ctx):
    return [{"sjbh": f"WG{i + 1:08d}", "fsrq": _day(rng, ctx["today"]), "lb": rng.choice(GRID_EVENTS), "xz": rng.choice(ctx["towns"]),
             "zt": rng.choices(("已办结", "处置中", "已上报"), (85, 10, 5))[0]} for i in range(n)]


def _grids(rng, n, ctx):
    return [{"wgbm": f"WG-{i + 1:05d}", "xz": rng.choice(ctx["towns"]), "hs": rng.randint(200, 600), "wgy": rng.randint(1, 3)} for i in range(n)]


def _startup(rng, n, ctx):
    rows = []
    for month in _months(max(1, n // len(ctx["counties"])), ctx["today"]):
        for c in ctx["counties"]:
            rows.append({"yf": month, "qx": c, "pjts": round(rng.uniform(0.5, 2.5), 2), "bjs": rng.randint(150, 900)})
    return rows


def _entities(rng, n, ctx):
    rows = []
    for month in _months(max(1, n // len(ctx["counties"])), ctx["today"]):
        for c in ctx["counties"]:
            rows.append({"yf": month, "qx": c, "xzqy": rng.randint(80, 600), "xzgt": rng.randint(300, 2400), "zxqy": rng.randint(20, 200)})
    return rows


C, N = "C", "N"
DATASETS = (
    ("ZT01", "CITY-DRC", "固定资产投资项目库", 3200, (("项目代码", "xmdm", C, 40), ("项目名称", "xmmc", C, 100), ("所属行业", "hy", C, 20),
                                                   ("所在区县", "qx", C, 20), ("总投资（万元）", "ztz", N, None), ("开工年份", "kgnf", C, 4),
                                                   ("项目状态", "zt", C, 8)), _projects),
    ("ZT01", "CITY-COM", "招商引资签约项目", 600, (("项目名称", "xmmc", C, 100), ("投资方地区", "tzfdq", C, 20), ("协议金额（万元）", "xyje", N, None),
                                               ("签约日期", "qyrq", "D", None), ("落地区县", "qx", C, 20)), _attract),
    ("ZT02", "CITY-TRA", "公交线路", 160, (("线路编号", "xlbh", C, 10), ("起点", "qd", C, 30), ("终点", "zd", C, 30), ("线路长度（公里）", "xlcd", N, None),
                                       ("站点数", "zds", N, None), ("发车间隔（分钟）", "pcjg", N, None)), _bus),
    ("ZT02", "CITY-PSB", "路口交通流量监测", 20000, (("监测点", "jcd", C, 40), ("日期", "rq", "D", None), ("日流量（辆）", "ll", N, None),
                                                  ("平均车速（公里/小时）", "pjsd", N, None)), _traffic),
    ("ZT03", "CITY-CUL", "A级旅游景区", 70, (("景区名称", "jqmc", C, 60), ("等级", "dj", C, 4), ("所在区县", "qx", C, 20),
                                           ("年接待人次（万）", "njdrc", N, None)), _spots),
    ("ZT03", "CITY-CUL", "旅游接待月度统计", 216, (("月份", "yf", C, 7), ("区县", "qx", C, 20), ("接待人次（万）", "jdrc", N, None),
                                               ("旅游收入（万元）", "lysr", N, None)), _tourism),
    ("ZT04", "CITY-IIT", "重点用能单位能耗", 420, (("单位名称", "dwmc", C, 100), ("年度", "nd", C, 4), ("综合能耗（吨标准煤）", "zhnh", N, None),
                                               ("行业", "hy", C, 10)), _energy_units),
    ("ZT04", "CITY-DRC", "分行业月度用电量", 720, (("月份", "yf", C, 7), ("区县", "qx", C, 20), ("行业", "hy", C, 20),
                                               ("用电量（万千瓦时）", "ydl", N, None)), _power),
    ("ZX01", "CITY-STA", "主要经济指标月度数据", 288, (("月份", "yf", C, 7), ("指标名称", "zbmc", C, 40), ("指标值", "zbz", N, None),
                                                  ("计量单位", "dw", C, 20)), _indicators),
    ("ZX01", "CITY-STA", "规模以上工业企业月度产值", 3600, (("企业名称", "qymc", C, 100), ("月份", "yf", C, 7), ("工业总产值（万元）", "gyzcz", N, None)), _industry),
    ("ZX02", "CITY-BDB", "政务服务事项办件月度统计", 400, (("月份", "yf", C, 7), ("部门", "bm", C, 40), ("办件量", "bjl", N, None),
                                                     ("网上办理率（%）", "wsbl", N, None), ("按时办结率（%）", "asbjl", N, None)), _service_items),
    ("ZX02", "CITY-BDB", "12345热线工单", 30000, (("工单编号", "gdbh", C, 30), ("受理日期", "slrq", "D", None), ("诉求类别", "lb", C, 20),
                                              ("区县", "qx", C, 20), ("办理状态", "zt", C, 8), ("满意度", "myd", C, 8)), _hotline),
    ("ZX03", "CITY-URB", "网格事件", 18000, (("事件编号", "sjbh", C, 20), ("发生日期", "fsrq", "D", None), ("事件类别", "lb", C, 20),
                                          ("乡镇街道", "xz", C, 30), ("处置状态", "zt", C, 8)), _grid_events),
    ("ZX03", "CITY-CA", "社区网格划分", 1800, (("网格编码", "wgbm", C, 20), ("乡镇街道", "xz", C, 30), ("户数", "hs", N, None), ("网格员人数", "wgy", N, None)), _grids),
    ("ZX04", "CITY-SAMR", "企业开办时长月度统计", 144, (("月份", "yf", C, 7), ("区县", "qx", C, 20), ("平均开办时长（天）", "pjts", N, None),
                                                   ("办结数", "bjs", N, None)), _startup),
    ("ZX04", "CITY-SAMR", "市场主体登记月度统计", 144, (("月份", "yf", C, 7), ("区县", "qx", C, 20), ("新增企业", "xzqy", N, None),
                                                   ("新增个体工商户", "xzgt", N, None), ("注销企业", "zxqy", N, None)), _entities),
)


def _categories(ctx) -> dict:
    from digigov.data.catalog.models import Category, CategoryKind

    parent = Category.objects.filter(code="2").first()
    out = {}
    for order, (code, name, children) in enumerate(LIBRARIES, 90):
        lib, _ = Category.objects.get_or_create(code=code, defaults={"public_id": ctx.public_id(), "name": name, "kind": CategoryKind.THEME,
                                                                     "parent": parent, "order": order})
        for i, (ccode, cname) in enumerate(children, 1):
            out[ccode], _ = Category.objects.get_or_create(code=ccode, defaults={"public_id": ctx.public_id(), "name": cname,
                                                                                 "kind": CategoryKind.THEME, "parent": lib, "order": i})
    return out


def _facts(ctx) -> dict:
    from digigov.core.org.models import Department, Division, DivisionLevel

    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code").values_list("name", flat=True)) or ["市本级"]
    towns = list(Division.objects.filter(level=DivisionLevel.TOWN).order_by("code").values_list("name", flat=True)) or counties
    places = sorted({t[:2] for t in towns}) or ["示范"]
    departments = list(Department.objects.filter(code__startswith="CITY-", parent__code="CITY-GOV").order_by("code")
                       .values_list("short_name", flat=True)[:40]) or ["营商局"]
    today = (ctx.shared.get("now") or ctx.now).date()
    return {"counties": counties, "towns": towns, "places": places, "departments": [d for d in departments if d], "today": today}


def _csv(items, rows) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([f for _n, f, _t, _l in items])
    for r in rows:
        w.writerow([r.get(f, "") for _n, f, _t, _l in items])
    return out.getvalue().encode("utf-8")


def generate(ctx) -> None:
    from digigov.core.org.models import Department
    from digigov.core.rbac.system import system_account
    from digigov.data.aggregation import actions as agg
    from digigov.data.aggregation.pipeline import engine
    from digigov.data.catalog.models import CatalogEntry, DataItem, EntryStatus, OpenType, SharingType

    if CatalogEntry.objects.filter(category__code__in=[c for _l, _n, ch in LIBRARIES for c, _x in ch]).exists():
        return
    cats = _categories(ctx)
    facts = _facts(ctx)
    actor = system_account()  # the demo city's nightly loads run as the platform's system account
    fallback = Department.objects.filter(code="CITY-BDB").first() or Department.objects.order_by("pk").first()
    if fallback is None:
        ctx.describe("themes: 没有部门，跳过主题库和专题库")
        return
    rng = ctx.rng
    total = 0
    for n, (cat_code, dept_code, name, full, items, maker) in enumerate(DATASETS, 1):
        department = Department.objects.filter(code=dept_code).first() or fallback
        entry = CatalogEntry.objects.create(
            public_id=ctx.public_id(), code=f"{cat_code}/{n:05d}", name=name, department=department, category=cats[cat_code],
            abstract=f"{cats[cat_code].name}{'主题库' if cat_code.startswith('ZT') else '专题库'}：{name}，由{department.name}提供，经数据归集入库。",
            status=EntryStatus.PUBLISHED, version=1, published_on=facts["today"], sharing_type=SharingType.UNCONDITIONAL,
            open_type=OpenType.NONE)
        DataItem.objects.bulk_create([DataItem(entry=entry, seq=i, name=label, field_name=field, data_type=t, length=length, required=i == 1)
                                      for i, (label, field, t, length) in enumerate(items, 1)])
        rows = maker(rng, ctx.n(full, minimum=min(full, 12)), facts)
        source = agg.create_source(actor, entry=entry, name=f"{name}（{department.short_name or department.name}业务系统导出）"[:200], kind="upload")
        job, _created = agg.submit_upload(actor, source, SimpleUploadedFile(f"{cat_code}-{n:02d}.csv", _csv(items, rows)), enqueue=False)
        job = engine.run(job.pk)
        total += job.rows_ok if job is not None else 0
        ctx.progress(len(rows))
    ctx.rows += total
    ctx.describe(f"themes: {len(DATASETS)} 个主题库/专题库数据集，归集 {total:,} 行")


registry.register_demo("themes", generate, after=("org", "accounts", "catalog", "spatial"))
