"""Demo city, part 1: divisions, the 235 departments and units, posts and staff.

The city is fictional (示范市, code 2106…): it borrows its size from the plan (a mid-size city of
Liaoning with 235 departments and units) but none of its names. Divisions and departments are
always generated at full size (they are few and other generators hang their data on them); only
the staff scales with ``ctx.scale``.

Stable facts other generators may rely on (see ``CITY_CODE`` and the ``*_CODE`` constants):
the city division ``210600000000``; department codes ``CITY-GOV`` (市人民政府), ``CITY-BDB``
(营商环境建设局（大数据管理局）), ``CITY-BDC`` (大数据管理中心, under CITY-BDB), ``CITY-GSC``
(政务服务中心, under CITY-BDB); city bureaus ``CITY-<ABBR>``; county governments ``<6-digit
county code>-GOV`` and their bureaus ``<county code>-<ABBR>``. The ids of the generated rows are
also left in ``ctx.shared["org"]``.
"""

from __future__ import annotations

import datetime as dt

from digigov.core import registry
from digigov.core.demo import chinese_names

from .models import Department, DepartmentKind, Division, DivisionLevel, Post, StaffMember

CITY_CODE = "210600000000"
CITY_NAME = "示范市"
CITY_GOV_CODE = "CITY-GOV"
BIG_DATA_BUREAU_CODE = "CITY-BDB"  # 营商环境建设局（大数据管理局）
BIG_DATA_CENTER_CODE = "CITY-BDC"  # 大数据管理中心
SERVICE_CENTER_CODE = "CITY-GSC"  # 政务服务中心
DEPARTMENT_COUNT = 235  # 235 departments and units hold the plan's 372 e-seals
STAFF_FULL = 3000

# (6-digit code, kind, number of towns, population weight): 3 districts, 1 county, 2 county-level cities
COUNTIES = (
    ("210602", "区", 15, 1.35),
    ("210603", "区", 13, 1.20),
    ("210604", "区", 12, 0.95),
    ("210624", "县", 22, 0.80),
    ("210681", "市", 19, 1.05),
    ("210682", "市", 19, 0.85),
)

_SYLLABLES = (
    "安宝昌长成春大德东丰凤福阜甘广海和河红宏华怀汇吉佳建金锦靖九康乐利联龙隆茂民明南宁平庆仁荣瑞三山盛石顺"
    "太泰天通同万旺文五西祥新兴秀阳永裕元振正中"
)
_VILLAGE_FIRST = "王李张刘赵杨孙于高马郭宋韩姜曲孟董付田"
_VILLAGE_TAIL = ("家堡", "家屯", "家店", "家沟", "家岭", "家台", "家窝堡", "家园")

# ---- the city's departments: (name, short name, abbreviation, second-level units) ----------------
# second-level units: (name, short name, third-level units); a unit may carry its own code after a "|".
CITY_BUREAUS: tuple = (
    ("人民政府办公室", "市政府办", "OFFICE", (("人民政府发展研究中心", "发展研究中心", ()), ("机关事务服务中心", "机关事务中心", ()))),
    ("发展和改革委员会", "发改委", "DRC", (("价格监测中心", "价格监测中心", ()), ("重点项目服务中心", "重点项目中心", ()))),
    ("教育局", "教育局", "EDU", (("第一高级中学", "一高中", ()), ("第二高级中学", "二高中", ()),
                                ("教育事业发展服务中心", "教育服务中心", ()), ("职业教育中心", "职教中心", ()))),
    ("科学技术局", "科技局", "SCI", (("科技创新服务中心", "科创中心", ()),)),
    ("工业和信息化局", "工信局", "IIT", (("工业经济运行监测中心", "工业监测中心", ()),)),
    ("民族和宗教事务局", "民宗局", "ETH", ()),
    ("公安局", "公安局", "PSB", (("交通警察支队", "交警支队", (("交警直属一大队", "交警一大队"), ("交警直属二大队", "交警二大队"), ("车辆管理所", "车管所"))),
                                ("出入境管理支队", "出入境支队", ()), ("户政管理中心", "户政中心", ()), ("指挥中心", "公安指挥中心", ()))),
    ("民政局", "民政局", "CA", (("社会福利院", "福利院", ()), ("救助管理站", "救助站", ()), ("婚姻登记中心", "婚登中心", ()))),
    ("司法局", "司法局", "JUS", (("公证处", "公证处", ()), ("法律援助中心", "法援中心", ()))),
    ("财政局", "财政局", "FIN", (("国库集中支付中心", "国库支付中心", ()), ("财政事务服务中心", "财政服务中心", ()), ("非税收入管理中心", "非税中心", ()))),
    ("人力资源和社会保障局", "人社局", "HRSS", (("社会保险事业服务中心", "社保中心", (("城乡居民养老保险分中心", "居民养老分中心"), ("机关事业单位养老保险分中心", "机关养老分中心"))),
                                           ("公共就业和人才服务中心", "就业人才中心", ()), ("劳动人事争议仲裁院", "仲裁院", ()))),
    ("自然资源局", "自然资源局", "NR", (("不动产登记中心", "不动产中心", (("不动产登记第一分中心", "不动产一分中心"), ("不动产登记第二分中心", "不动产二分中心"))),
                                    ("国土空间规划研究院", "规划院", ()), ("测绘地理信息中心", "测绘中心", ()))),
    ("生态环境局", "生态环境局", "EE", (("生态环境监测中心", "环境监测中心", ()), ("生态环境保护综合行政执法队", "环境执法队", ()))),
    ("住房和城乡建设局", "住建局", "HUD", (("城建档案馆", "城建档案馆", ()), ("建设工程质量安全监督站", "质安站", ()), ("住房保障服务中心", "住房保障中心", ()))),
    ("交通运输局", "交通局", "TRA", (("交通运输事业发展中心", "交通发展中心", ()), ("交通运输综合行政执法队", "交通执法队", ()))),
    ("水利局", "水利局", "WR", (("水利事务服务中心", "水利服务中心", ()), ("水文局", "水文局", ()))),
    ("农业农村局", "农业农村局", "AGR", (("农业发展服务中心", "农发中心", ()), ("动物疫病预防控制中心", "动物疫控中心", ()), ("农业综合行政执法队", "农业执法队", ()))),
    ("商务局", "商务局", "COM", (("商务事务服务中心", "商务服务中心", ()),)),
    ("文化旅游和广播电视局", "文旅局", "CUL", (("图书馆", "图书馆", ()), ("博物馆", "博物馆", ()), ("文化馆", "文化馆", ()), ("融媒体中心", "融媒体中心", ()))),
    ("卫生健康委员会", "卫健委", "HEA", (("中心医院", "中心医院", (("中心医院东院区", "中心医院东院"),)), ("中医院", "中医院", ()), ("妇幼保健院", "妇幼保健院", ()),
                                       ("疾病预防控制中心", "疾控中心", ()), ("急救中心", "急救中心", ()), ("卫生健康综合监督执法队", "卫健执法队", ()))),
    ("退役军人事务局", "退役军人局", "VET", (("退役军人服务中心", "退役军人中心", ()),)),
    ("应急管理局", "应急局", "EM", (("应急救援指挥中心", "应急指挥中心", ()), ("应急管理综合行政执法队", "应急执法队", ()))),
    ("审计局", "审计局", "AUD", (("审计事务服务中心", "审计服务中心", ()),)),
    ("人民政府国有资产监督管理委员会", "国资委", "SASAC", ()),
    ("市场监督管理局", "市场监管局", "SAMR", (("检验检测中心", "检验检测中心", ()), ("市场监管综合行政执法队", "市场执法队", ()),
                                          ("消费者权益保护中心", "消保中心", ()))),
    ("统计局", "统计局", "STA", (("统计普查中心", "普查中心", ()), ("社会经济调查队", "调查队", ()))),
    ("医疗保障局", "医保局", "HSA", (("医疗保障事务服务中心", "医保服务中心", ()),)),
    ("营商环境建设局（大数据管理局）", "营商局", "BDB", (("大数据管理中心|CITY-BDC", "大数据中心", (("政务云运行保障部", "政务云保障部"), ("数据资源部", "数据资源部"))),
                                                  ("政务服务中心|CITY-GSC", "政务服务中心", (("综合受理窗口", "综合窗口"),)),
                                                  ("“12345”政务服务便民热线中心", "12345热线", ()))),
    ("城市管理综合行政执法局", "城管局", "URB", (("园林绿化服务中心", "园林中心", ()), ("环境卫生服务中心", "环卫中心", ()), ("城市管理综合行政执法支队", "城管执法支队", ()))),
    ("信访局", "信访局", "PET", (("人民来访接待中心", "来访接待中心", ()),)),
    ("人民防空办公室", "人防办", "CAD", ()),
    ("乡村振兴局", "乡村振兴局", "RR", ()),
    ("林业和草原局", "林草局", "FOR", (("林业发展服务中心", "林业服务中心", ()), ("国有林场", "国有林场", ()))),
    ("金融发展局", "金融局", "FD", ()),
    ("住房公积金管理中心", "公积金中心", "HPF", (("住房公积金管理中心直属管理部", "公积金直属部", ()),)),
    ("外事办公室", "外事办", "FAO", ()),
    ("档案馆", "档案馆", "ARC", ()),
    ("供销合作社联合社", "供销社", "COOP", ()),
    ("公共资源交易中心", "交易中心", "PRT", ()),
    ("体育事业发展服务中心", "体育中心", "SPO", (("体育场馆管理中心", "场馆中心", ()),)),
)

# bureaus of every county-level government, in the order they are used
COUNTY_BUREAUS: tuple = (
    ("发展和改革局", "发改局", "DRC"), ("教育局", "教育局", "EDU"), ("公安分局", "公安分局", "PSB"), ("民政局", "民政局", "CA"),
    ("财政局", "财政局", "FIN"), ("人力资源和社会保障局", "人社局", "HRSS"), ("自然资源分局", "自然资源分局", "NR"),
    ("住房和城乡建设局", "住建局", "HUD"), ("农业农村局", "农业农村局", "AGR"), ("卫生健康局", "卫健局", "HEA"),
    ("市场监督管理局", "市场监管局", "SAMR"), ("应急管理局", "应急局", "EM"), ("营商环境建设局", "营商局", "BDB"),
    ("交通运输局", "交通局", "TRA"), ("水利局", "水利局", "WR"), ("司法局", "司法局", "JUS"), ("审计局", "审计局", "AUD"),
    ("医疗保障局", "医保局", "HSA"), ("退役军人事务局", "退役军人局", "VET"), ("统计局", "统计局", "STA"),
)

POSTS = {
    DepartmentKind.GOVERNMENT: ("主要负责人", "分管副职", "办公室主任", "秘书", "督查专员", "政务公开专员"),
    DepartmentKind.COMMITTEE: ("主要负责人", "分管负责人", "办公室主任", "综合科科员", "业务科科长", "业务科科员", "信息化专员", "数据专员"),
    DepartmentKind.SECOND: ("主任", "副主任", "业务骨干", "工作人员", "技术员"),
    DepartmentKind.THIRD: ("负责人", "工作人员", "技术员"),
}
SERVICE_POSTS = ("窗口受理岗", "审批岗")
STAFF_WEIGHT = {DepartmentKind.GOVERNMENT: 14, DepartmentKind.COMMITTEE: 20, DepartmentKind.SECOND: 12, DepartmentKind.THIRD: 6}


def _place_name(rng, used: set, tries: int = 200) -> str:
    for _ in range(tries):
        a, b = rng.sample(_SYLLABLES, 2)
        if a + b not in used:
            used.add(a + b)
            return a + b
    raise RuntimeError("out of place names")  # pragma: no cover


def _village_name(rng, used: set, rural: bool) -> str:
    for _ in range(200):
        if rural and rng.random() < 0.45:
            base = rng.choice(_VILLAGE_FIRST) + rng.choice(_VILLAGE_TAIL)
        else:
            a, b = rng.sample(_SYLLABLES, 2)
            base = a + b
        if base not in used:
            used.add(base)
            return base
    raise RuntimeError("out of village names")  # pragma: no cover


def _division_plan(rng) -> list[dict]:
    """All divisions as dicts (code, name, level, kind, parent_code), parents before children."""
    out = [dict(code=CITY_CODE, name=CITY_NAME, level=DivisionLevel.CITY, kind="市", parent=None)]
    used_top: set = set()
    for code6, kind, n_towns, _weight in COUNTIES:
        county_name = _place_name(rng, used_top) + kind
        county_code = code6 + "000000"
        out.append(dict(code=county_code, name=county_name, level=DivisionLevel.COUNTY, kind=kind, parent=CITY_CODE))
        # districts are mostly streets; counties and county-level cities mostly towns and townships
        if kind == "区":
            n_streets = n_towns - 2
            n_townships = 0
        else:
            n_streets = 3
            n_townships = n_towns // 4
        kinds = ["街道"] * n_streets + ["乡"] * n_townships
        kinds += ["镇"] * (n_towns - len(kinds))
        counters = {"街道": 1, "镇": 100, "乡": 200}
        used_villages: set = set()
        for town_kind in kinds:
            town_code = f"{code6}{counters[town_kind]:03d}000"
            counters[town_kind] += 1
            town_name = _place_name(rng, used_top) + town_kind
            out.append(dict(code=town_code, name=town_name, level=DivisionLevel.TOWN, kind=town_kind, parent=county_code))
            n_villages = rng.randint(7, 13)
            if town_kind == "街道":
                village_kinds = ["社区"] * n_villages
            else:
                n_comm = rng.randint(1, 2)
                village_kinds = ["社区"] * n_comm + ["村"] * (n_villages - n_comm)
            vcounters = {"社区": 1, "村": 200}
            for vkind in village_kinds:
                vcode = f"{town_code[:9]}{vcounters[vkind]:03d}"
                vcounters[vkind] += 1
                vname = _village_name(rng, used_villages, rural=vkind == "村") + ("社区" if vkind == "社区" else "村")
                out.append(dict(code=vcode, name=vname, level=DivisionLevel.VILLAGE, kind=vkind, parent=town_code))
    return out


def _department_plan(counties: list[dict]) -> list[dict]:
    """Exactly DEPARTMENT_COUNT units: (code, name, short_name, kind, division_code, parent_code, budget)."""
    out: list[dict] = []

    def add(code, name, short, kind, division, parent, budget=True):
        out.append(dict(code=code, name=name, short_name=short, kind=kind, division=division, parent=parent, budget=budget))

    add(CITY_GOV_CODE, f"{CITY_NAME}人民政府", "市政府", DepartmentKind.GOVERNMENT, CITY_CODE, None)
    for name, short, abbr, seconds in CITY_BUREAUS:
        bureau_code = f"CITY-{abbr}"
        add(bureau_code, CITY_NAME + name, short, DepartmentKind.COMMITTEE, CITY_CODE, CITY_GOV_CODE)
        for i, (sname, sshort, thirds) in enumerate(seconds, start=1):
            sname, _, scode = sname.partition("|")
            scode = scode or f"{bureau_code}-{i:02d}"
            add(scode, CITY_NAME + sname, sshort, DepartmentKind.SECOND, CITY_CODE, bureau_code)
            for j, (tname, tshort) in enumerate(thirds, start=1):
                # third-level units are mostly internal (not separately budgeted)
                add(f"{scode}-{j:02d}", CITY_NAME + tname, tshort, DepartmentKind.THIRD, CITY_CODE, scode, budget=False)
    remaining = DEPARTMENT_COUNT - len(out) - len(counties)
    per, extra = divmod(remaining, len(counties))
    if per + 1 > len(COUNTY_BUREAUS) or remaining < 0:  # pragma: no cover - guards edits of the tables above
        raise RuntimeError("department tables do not add up to DEPARTMENT_COUNT")
    for idx, county in enumerate(counties):
        code6 = county["code"][:6]
        gov_code = f"{code6}-GOV"
        add(gov_code, f"{county['name']}人民政府", f"{county['name']}政府"[:32], DepartmentKind.GOVERNMENT, county["code"], None)
        for name, short, abbr in COUNTY_BUREAUS[: per + (1 if idx < extra else 0)]:
            full = county["name"] + name
            if abbr in ("PSB", "NR"):  # vertical: branches of the city bureau, named after the county
                full = CITY_NAME + f"公安局{county['name']}分局" if abbr == "PSB" else CITY_NAME + f"自然资源局{county['name']}分局"
            add(f"{code6}-{abbr}", full, short, DepartmentKind.COMMITTEE, county["code"], gov_code)
    assert len(out) == DEPARTMENT_COUNT, len(out)
    return out


def generate(ctx) -> None:
    from digigov.core.accounts.models import User, UserKind

    rng = ctx.rng
    shared = ctx.shared.setdefault("org", {})

    # --- divisions (always full size) -----------------------------------------------------------
    ctx.describe("org: 行政区划")
    plan = _division_plan(rng)
    next_div = ctx.next_id(Division)
    div_ids: dict[str, int] = {}
    divisions = []
    public_ids = ctx.public_ids(len(plan))
    for i, d in enumerate(plan):
        pk = next_div + i
        div_ids[d["code"]] = pk
        divisions.append(Division(id=pk, public_id=public_ids[i], code=d["code"], name=d["name"], level=d["level"], kind=d["kind"],
                                  parent_id=div_ids[d["parent"]] if d["parent"] else None))
    ctx.bulk(Division, divisions)

    # --- departments: 235 units, paths computed here --------------------------------------------
    ctx.describe("org: 部门与单位")
    counties = [d for d in plan if d["level"] == DivisionLevel.COUNTY]
    dplan = _department_plan(counties)
    next_dept = ctx.next_id(Department)
    dept_by_code: dict[str, Department] = {}
    public_ids = ctx.public_ids(len(dplan))
    for i, d in enumerate(dplan):
        pk = next_dept + i
        parent = dept_by_code[d["parent"]] if d["parent"] else None
        parent_path = parent.path if parent else "/"
        dept_by_code[d["code"]] = Department(
            id=pk, public_id=public_ids[i], code=d["code"], name=d["name"], short_name=d["short_name"][:32], kind=d["kind"],
            division_id=div_ids[d["division"]], parent=parent, is_budget_unit=d["budget"],
            path=f"{parent_path}{pk}/", depth=parent_path.count("/") - 1,
        )
    departments = list(dept_by_code.values())
    ctx.bulk(Department, departments)

    # --- posts per department --------------------------------------------------------------------
    ctx.describe("org: 岗位")
    posts_by_dept: dict[int, list[Post]] = {}
    posts = []
    next_post = ctx.next_id(Post)
    for dept in departments:
        pool = POSTS[dept.kind]
        names = list(pool[: rng.randint(min(3, len(pool)), len(pool))])
        if dept.code in (BIG_DATA_BUREAU_CODE, SERVICE_CENTER_CODE) or dept.code.endswith("-BDB"):
            names += list(SERVICE_POSTS)
        for name in names:
            post = Post(id=next_post + len(posts), public_id=ctx.public_id(), department=dept, name=name)
            posts.append(post)
            posts_by_dept.setdefault(dept.pk, []).append(post)
    ctx.bulk(Post, posts)

    # --- staff: user accounts without a usable password, one StaffMember each -------------------
    ctx.describe("org: 工作人员")
    n_staff = ctx.n(STAFF_FULL)
    staff_depts = rng.choices(departments, weights=[STAFF_WEIGHT[d.kind] for d in departments], k=n_staff)
    genders = rng.choices("MF", weights=(55, 45), k=n_staff)
    names = chinese_names(rng, genders)
    next_user = ctx.next_id(User)
    next_staff = ctx.next_id(StaffMember)
    start = dt.datetime(2012, 1, 1, tzinfo=dt.timezone.utc)
    users, members = [], []
    for i in range(n_staff):
        uid = next_user + i
        joined = start + dt.timedelta(seconds=rng.randrange(11 * 365 * 86400))
        users.append(User(id=uid, public_id=ctx.public_id(), username=f"staff{uid:06d}", display_name=names[i], kind=UserKind.STAFF,
                          password=ctx.unusable_password(), date_joined=joined))
        dept = staff_depts[i]
        members.append(StaffMember(id=next_staff + i, public_id=ctx.public_id(), user_id=uid, department=dept,
                                   post=rng.choice(posts_by_dept[dept.pk]), employee_no=f"GH{uid:07d}"))
    ctx.bulk(User, users)
    ctx.bulk(StaffMember, members)
    ctx.reset_sequences(Division, Department, Post, User, StaffMember)

    shared.update(
        city_id=div_ids[CITY_CODE],
        county_ids=[div_ids[c["code"]] for c in counties],
        department_ids={code: d.pk for code, d in dept_by_code.items()},
    )


registry.register_demo("org", generate)
