"""The demo city's 政务数据资源目录, in full at every scale (the real city's catalog: 4,668 entries
from the 38 委办局 surveyed, 1,962 of them mounted — 1,279 as database tables, 683 as APIs).

Entries are built from per-department subject lists (公安: 人口、户籍…; 市场监管: 市场主体…) crossed
with the record kinds a department keeps about them (基本信息、变更信息、许可信息…), each with data
items from templates for people, organisations or things, GB/T 21063 codes (``<category code>/<dept
no><serial>``), a category under 基础/主题/部门, sharing/open types and levels in plausible
proportions and statuses mostly published. The 责任清单 has a line per entry plus lines not yet
catalogued, so 数据编目率 (K04) starts near 70 %; the 需求目录 has a few hundred demands between
departments. Table mounts name the table aggregation will create (``tables.target_table_name``);
the physical tables are the aggregation generator's business. Everything comes from ``ctx.rng``
and explicit primary keys: the same seed gives the same catalog. The search index is filled in
bulk at the end.
"""

from __future__ import annotations

import datetime as dt

from digigov.core import registry
from digigov.core.org.models import Department, DepartmentKind, DivisionLevel

from .index import reindex_entries
from .models import (
    CatalogEntry, Category, CategoryKind, CodeList, CodeListValue, DataDemand, DataItem, DataLevel, DemandStatus, EntryRevision,
    EntryStatus, MountedResource, MountKind, OpenType, PersonalKind, ResourceFormat, ResponsibilityItem, SharingType, UpdateCycle,
)
from .tables import target_table_name

ENTRIES = 4668
DEPARTMENTS = 38
TABLE_MOUNTS = 1279
API_MOUNTS = 683
UNCATALOGUED_SHARE = 0.22   # 责任清单 lines with no entry yet, relative to the entries
DEMANDS = 320

# --- code lists ------------------------------------------------------------------------------------
NATIONS = ("汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 "
           "高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
           "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族").split()
CODE_LISTS = (
    ("GB/T 2261.1-2003", "性别代码", "GB/T 2261.1-2003", (("0", "未知的性别"), ("1", "男性"), ("2", "女性"), ("9", "未说明的性别"))),
    ("GB/T 3304-1991", "中国各民族名称代码", "GB/T 3304-1991",
     tuple((f"{i:02d}", n) for i, n in enumerate(NATIONS, 1)) + (("97", "其他未识别民族"), ("98", "外国血统中国籍人士"))),
    ("GB/T 2261.2-2003", "婚姻状况代码", "GB/T 2261.2-2003",
     (("10", "未婚"), ("20", "已婚"), ("21", "初婚"), ("22", "再婚"), ("23", "复婚"), ("30", "丧偶"), ("40", "离婚"), ("90", "未说明的婚姻状况"))),
    ("GB/T 4658-2006", "学历代码", "GB/T 4658-2006",
     (("10", "研究生教育"), ("11", "博士研究生毕业"), ("14", "硕士研究生毕业"), ("20", "大学本科教育"), ("30", "大学专科教育"),
      ("40", "中等职业教育"), ("60", "普通高级中学教育"), ("70", "初级中学教育"), ("80", "小学教育"), ("90", "其他"))),
    ("GB/T 4762-1984", "政治面貌代码", "GB/T 4762-1984",
     (("01", "中国共产党党员"), ("02", "中国共产党预备党员"), ("03", "中国共产主义青年团团员"), ("13", "群众"))),
    ("GA/T 517-2004", "常用证件代码", "GA/T 517-2004",
     (("111", "居民身份证"), ("335", "机动车驾驶证"), ("414", "普通护照"), ("516", "港澳居民来往内地通行证"), ("990", "其他"))),
    ("GB/T 12402-2000", "经济类型代码", "GB/T 12402-2000",
     (("110", "国有全资"), ("120", "集体全资"), ("130", "股份合作"), ("150", "其他内资"), ("170", "私营企业"), ("190", "个体经营"),
      ("200", "港澳台投资"), ("300", "外商投资"))),
)

# --- categories: 基础 / 主题 (with 小类) / 部门 ------------------------------------------------------------
BASIC = (("101", "人口基础信息"), ("102", "法人单位基础信息"), ("103", "自然资源和空间地理基础信息"), ("104", "电子证照基础信息"),
         ("105", "社会信用基础信息"), ("106", "宏观经济基础信息"))
THEMES = (
    ("201", "医疗健康", ("医疗服务", "公共卫生", "妇幼健康")), ("202", "社会保障", ("社会保险", "社会救助", "养老服务")),
    ("203", "教育科技", ("学前和基础教育", "职业教育", "科技创新")), ("204", "市场监管", ("市场主体", "食品药品", "质量安全")),
    ("205", "交通运输", ("道路运输", "公共交通", "交通设施")), ("206", "生态环境", ("环境质量", "污染防治", "自然保护")),
    ("207", "城乡建设", ("住房保障", "建设工程", "城市管理")), ("208", "公共安全", ("社会治安", "应急管理", "安全生产")),
    ("209", "农业农村", ("农业生产", "农村经济", "乡村振兴")), ("210", "民政服务", ("婚姻登记", "社会组织", "殡葬服务")),
    ("211", "财税金融", ("财政资金", "非税收入", "金融服务")), ("212", "文化旅游", ("公共文化", "旅游服务", "文物保护")),
    ("213", "就业创业", ("就业服务", "职业培训", "劳动关系")), ("214", "营商环境", ("政务服务", "投资项目", "公共资源交易")),
)

# --- data item templates ---------------------------------------------------------------------------------
# (name, field, type, length, format, code list key, personal, level)
P, S = PersonalKind.PERSONAL, PersonalKind.SENSITIVE
PERSON_ITEMS = (
    ("姓名", "xm", "C", 50, "", None, P, 1), ("公民身份号码", "gmsfhm", "C", 18, "resident_id", None, S, 2),
    ("性别", "xb", "C", 1, "", "GB/T 2261.1-2003", P, 1), ("民族", "mz", "C", 2, "", "GB/T 3304-1991", S, 1),
    ("出生日期", "csrq", "D", 8, "", None, P, 1), ("联系电话", "lxdh", "C", 11, "phone", None, P, 1),
    ("户籍地址", "hjdz", "C", 200, "", None, P, 1), ("婚姻状况", "hyzk", "C", 2, "", "GB/T 2261.2-2003", P, 1),
    ("学历", "xl", "C", 2, "", "GB/T 4658-2006", P, 1), ("政治面貌", "zzmm", "C", 2, "", "GB/T 4762-1984", P, 1),
    ("证件类型", "zjlx", "C", 3, "", "GA/T 517-2004", P, 1), ("现住址", "xzz", "C", 200, "", None, P, 1),
)
ORG_ITEMS = (
    ("统一社会信用代码", "tyshxydm", "C", 18, "uscc", None, 0, 1), ("单位名称", "dwmc", "C", 200, "", None, 0, 1),
    ("法定代表人", "fddbr", "C", 50, "", None, P, 1), ("注册资本（万元）", "zczb", "N", 18, "", None, 0, 1),
    ("成立日期", "clrq", "D", 8, "", None, 0, 1), ("住所", "zs", "C", 200, "", None, 0, 1),
    ("经济类型", "jjlx", "C", 3, "", "GB/T 12402-2000", 0, 1), ("联系电话", "lxdh", "C", 11, "phone", None, P, 1),
    ("经营范围", "jyfw", "C", 2000, "", None, 0, 1), ("登记机关", "djjg", "C", 100, "", None, 0, 1),
)
THING_ITEMS = (
    ("名称", "mc", "C", 200, "", None, 0, 1), ("编号", "bh", "C", 64, "", None, 0, 1), ("所在区划", "szqh", "C", 12, "division", None, 0, 1),
    ("地址", "dz", "C", 200, "", None, 0, 1), ("面积（平方米）", "mj", "N", 18, "", None, 0, 1), ("数量", "sl", "N", 12, "", None, 0, 1),
    ("状态", "zt", "C", 20, "", None, 0, 1), ("负责单位", "fzdw", "C", 200, "", None, 0, 1), ("坐标", "zb", "C", 64, "", None, 0, 2),
)
KIND_ITEMS = {  # per record kind
    "基本信息": (("登记日期", "djrq", "D", 8, "", None, 0, 1),),
    "登记信息": (("登记编号", "djbh", "C", 64, "", None, 0, 1), ("登记日期", "djrq", "D", 8, "", None, 0, 1)),
    "变更信息": (("变更事项", "bgsx", "C", 100, "", None, 0, 1), ("变更前内容", "bgqnr", "C", 500, "", None, 0, 1),
                 ("变更后内容", "bghnr", "C", 500, "", None, 0, 1), ("变更日期", "bgrq", "D", 8, "", None, 0, 1)),
    "注销信息": (("注销原因", "zxyy", "C", 200, "", None, 0, 1), ("注销日期", "zxrq", "D", 8, "", None, 0, 1)),
    "许可信息": (("许可证号", "xkzh", "C", 64, "", None, 0, 1), ("许可事项", "xksx", "C", 200, "", None, 0, 1),
                 ("有效期起", "yxqq", "D", 8, "", None, 0, 1), ("有效期止", "yxqz", "D", 8, "", None, 0, 1)),
    "处罚信息": (("处罚决定书文号", "cfwh", "C", 64, "", None, 0, 1), ("违法行为", "wfxw", "C", 500, "", None, 0, 1),
                 ("处罚金额（元）", "cfje", "N", 18, "", None, 0, 1), ("处罚日期", "cfrq", "D", 8, "", None, 0, 1)),
    "办理信息": (("办件编号", "bjbh", "C", 64, "", None, 0, 1), ("受理日期", "slrq", "D", 8, "", None, 0, 1),
                 ("办结日期", "bjrq", "D", 8, "", None, 0, 1), ("办理结果", "bljg", "C", 100, "", None, 0, 1)),
    "证照信息": (("证照编号", "zzbh", "C", 64, "", None, 0, 1), ("发证机关", "fzjg", "C", 100, "", None, 0, 1),
                 ("发证日期", "fzrq", "D", 8, "", None, 0, 1)),
    "统计信息": (("统计期", "tjq", "C", 8, "", None, 0, 1), ("指标名称", "zbmc", "C", 100, "", None, 0, 1), ("指标值", "zbz", "N", 18, "", None, 0, 1)),
    "补贴发放信息": (("补贴类别", "btlb", "C", 50, "", None, 0, 1), ("发放金额（元）", "ffje", "N", 18, "", None, 0, 1),
                     ("发放日期", "ffrq", "D", 8, "", None, 0, 1), ("银行账号", "yhzh", "C", 32, "", None, S, 2)),
    "检查信息": (("检查日期", "jcrq", "D", 8, "", None, 0, 1), ("检查结果", "jcjg", "C", 200, "", None, 0, 1), ("检查人员", "jcry", "C", 50, "", None, P, 1)),
    "年度报告信息": (("报告年度", "bgnd", "N", 4, "", None, 0, 1), ("从业人数", "cyrs", "N", 8, "", None, 0, 1), ("营业收入（万元）", "yysr", "N", 18, "", None, 0, 2)),
    "监测信息": (("监测点位", "jcdw", "C", 100, "", None, 0, 1), ("监测时间", "jcsj", "T", 14, "", None, 0, 1), ("监测值", "jcz", "N", 18, "", None, 0, 1)),
    "档案信息": (("档案号", "dah", "C", 64, "", None, 0, 1), ("归档日期", "gdrq", "D", 8, "", None, 0, 1)),
}
RECORD_KINDS = tuple(KIND_ITEMS)
ITEM_COLUMNS = ("entry", "seq", "name", "field_name", "data_type", "length", "format", "code_list", "required", "is_key",
                "description", "level", "personal")

# department abbreviation → (theme code, [(subject, flavour)]); flavour: p person, o organisation, t thing
DEPT_SUBJECTS = {
    "PSB": ("208", [("人口", "p"), ("户籍迁移", "p"), ("常住人口", "p"), ("流动人口", "p"), ("居民身份证", "p"), ("出入境证件", "p"),
                    ("机动车", "t"), ("驾驶人", "p"), ("交通违法", "p"), ("治安案件", "t"), ("旅馆业", "o"), ("犬只", "t")]),
    "SAMR": ("204", [("企业登记", "o"), ("市场主体", "o"), ("个体工商户", "o"), ("食品经营", "o"), ("食品生产", "o"), ("特种设备", "t"),
                     ("药品零售", "o"), ("商标", "o"), ("计量器具", "t"), ("产品质量抽检", "o"), ("行政许可", "o")]),
    "HRSS": ("213", [("社保参保", "p"), ("养老保险", "p"), ("失业保险", "p"), ("工伤保险", "p"), ("就业登记", "p"), ("职业技能鉴定", "p"),
                     ("人力资源服务机构", "o"), ("劳动合同", "p"), ("劳动保障监察", "o"), ("专业技术职称", "p")]),
    "HEA": ("201", [("出生医学证明", "p"), ("死亡医学证明", "p"), ("执业医师", "p"), ("执业护士", "p"), ("医疗机构", "o"), ("疫苗接种", "p"),
                    ("传染病报告", "p"), ("妇幼保健", "p"), ("家庭医生签约", "p"), ("公共场所卫生", "o")]),
    "CA": ("210", [("婚姻登记", "p"), ("最低生活保障", "p"), ("特困人员", "p"), ("社会组织", "o"), ("养老机构", "o"), ("殡葬服务", "p"),
                   ("临时救助", "p"), ("残疾人两项补贴", "p"), ("地名", "t"), ("儿童福利", "p")]),
    "NR": ("103", [("不动产登记", "t"), ("不动产权证", "p"), ("国有建设用地", "t"), ("宅基地", "t"), ("耕地保护", "t"), ("矿业权", "o"),
                   ("国土空间规划", "t"), ("测绘成果", "t"), ("地质灾害隐患点", "t")]),
    "HUD": ("207", [("建设工程施工许可", "o"), ("竣工验收备案", "o"), ("商品房预售", "o"), ("住房保障", "p"), ("建筑业企业资质", "o"),
                    ("物业服务企业", "o"), ("城建档案", "t"), ("燃气经营", "o")]),
    "EDU": ("203", [("中小学学籍", "p"), ("学校", "o"), ("教师资格", "p"), ("学前教育", "p"), ("学生资助", "p"), ("校外培训机构", "o"),
                    ("招生考试", "p"), ("学位", "p")]),
    "TRA": ("205", [("道路运输经营", "o"), ("营运车辆", "t"), ("网约车", "o"), ("出租汽车", "t"), ("公交线路", "t"), ("公路", "t"),
                    ("从业人员资格", "p"), ("超限运输", "t")]),
    "EE": ("206", [("排污许可", "o"), ("环评审批", "o"), ("空气质量", "t"), ("水质", "t"), ("危险废物", "o"), ("辐射安全", "o"), ("噪声", "t")]),
    "HSA": ("201", [("医保参保", "p"), ("医保结算", "p"), ("定点医药机构", "o"), ("医疗救助", "p"), ("异地就医备案", "p"), ("药品招采", "o")]),
    "HPF": ("207", [("住房公积金缴存", "p"), ("公积金贷款", "p"), ("公积金提取", "p"), ("缴存单位", "o")]),
    "FIN": ("211", [("财政预算", "o"), ("非税收入", "o"), ("政府采购", "o"), ("惠民惠农补贴", "p"), ("国有资产", "t"), ("会计人员", "p")]),
    "AGR": ("209", [("农机", "t"), ("动物防疫", "t"), ("农药经营", "o"), ("家庭农场", "o"), ("农民专业合作社", "o"), ("耕地地力补贴", "p"),
                    ("种子生产经营", "o")]),
    "EM": ("208", [("安全生产许可", "o"), ("危险化学品", "o"), ("应急物资", "t"), ("自然灾害", "t"), ("应急避难场所", "t"), ("安全生产执法", "o")]),
    "VET": ("202", [("退役军人", "p"), ("优抚对象", "p"), ("军休干部", "p"), ("烈士纪念设施", "t")]),
    "JUS": ("208", [("律师", "p"), ("律师事务所", "o"), ("公证", "p"), ("法律援助", "p"), ("人民调解", "p"), ("社区矫正", "p")]),
    "CUL": ("212", [("文物", "t"), ("旅行社", "o"), ("A级旅游景区", "t"), ("娱乐场所", "o"), ("公共图书馆", "t"), ("演出经纪", "o")]),
    "STA": ("106", [("国民经济核算", "t"), ("规模以上工业", "o"), ("人口抽样调查", "t"), ("统计调查对象", "o"), ("价格指数", "t")]),
    "DRC": ("106", [("固定资产投资项目", "o"), ("企业投资项目备案", "o"), ("价格监测", "t"), ("粮食储备", "t"), ("重点项目", "o")]),
    "WR": ("206", [("取水许可", "o"), ("水利工程", "t"), ("河湖管理", "t"), ("水文监测", "t"), ("防汛抗旱", "t")]),
    "FOR": ("206", [("林地", "t"), ("林木采伐许可", "o"), ("草原", "t"), ("野生动物", "t"), ("森林防火", "t")]),
    "COM": ("204", [("对外贸易经营者", "o"), ("成品油经营", "o"), ("再生资源回收", "o"), ("单用途预付卡", "o")]),
    "BDB": ("214", [("政务服务事项", "t"), ("办件", "o"), ("好差评", "p"), ("电子证照", "t"), ("一件事", "t"), ("12345热线", "p")]),
    "URB": ("207", [("城市管理执法", "o"), ("户外广告", "o"), ("园林绿化", "t"), ("环境卫生", "t"), ("停车场", "t")]),
    "IIT": ("204", [("工业企业", "o"), ("专精特新企业", "o"), ("无线电台站", "t"), ("工业经济运行", "t")]),
    "SCI": ("203", [("高新技术企业", "o"), ("科技计划项目", "o"), ("科技型中小企业", "o"), ("技术合同", "o")]),
    "AUD": ("211", [("审计项目", "o"), ("审计整改", "o"), ("审计人员", "p")]),
    "ETH": ("210", [("宗教活动场所", "t"), ("宗教教职人员", "p"), ("少数民族人口", "p")]),
    "PET": ("214", [("信访事项", "p"), ("信访人", "p"), ("信访督办", "o")]),
    "PRT": ("214", [("工程建设招标", "o"), ("政府采购交易", "o"), ("产权交易", "o"), ("交易主体", "o")]),
    "SASAC": ("211", [("国有企业", "o"), ("国有资本", "t"), ("企业负责人", "p")]),
    "FD": ("211", [("小额贷款公司", "o"), ("融资担保机构", "o"), ("上市企业", "o")]),
    "ARC": ("212", [("馆藏档案", "t"), ("档案查询", "p"), ("档案移交", "o")]),
    "CAD": ("208", [("人防工程", "t"), ("防空警报设施", "t")]),
    "RR": ("209", [("脱贫人口", "p"), ("帮扶项目", "o"), ("防返贫监测", "p")]),
    "OFFICE": ("214", [("政府文件", "t"), ("督查事项", "o"), ("建议提案办理", "o")]),
    "FAO": ("212", [("因公出国（境）", "p"), ("外国人来访", "p")]),
    "COOP": ("209", [("基层供销社", "o"), ("农资经营", "o")]),
    "SPO": ("212", [("体育场馆", "t"), ("社会体育指导员", "p"), ("体育赛事", "t")]),
}
GENERIC_SUBJECTS = ("190", [("行政许可", "o"), ("行政处罚", "o"), ("政务服务办件", "p"), ("监督检查", "o"), ("统计报表", "t")])
BASIC_BY_FLAVOUR = {"p": "101", "o": "102", "t": "103"}
# busier departments keep more resources
DEPT_WEIGHT = {"PSB": 3.0, "SAMR": 2.6, "HRSS": 2.4, "HEA": 2.2, "CA": 1.8, "NR": 1.8, "HUD": 1.6, "EDU": 1.6, "TRA": 1.5, "HSA": 1.4,
               "BDB": 1.4, "EE": 1.3, "AGR": 1.3, "FIN": 1.2, "EM": 1.2}
CYCLES = (UpdateCycle.REALTIME, UpdateCycle.DAILY, UpdateCycle.WEEKLY, UpdateCycle.MONTHLY, UpdateCycle.QUARTERLY, UpdateCycle.YEARLY, UpdateCycle.IRREGULAR)
CYCLE_W = (8, 22, 8, 30, 12, 12, 8)
STATUSES = (EntryStatus.PUBLISHED, EntryStatus.DRAFT, EntryStatus.DEPT_REVIEW, EntryStatus.AUTHORITY_REVIEW, EntryStatus.RETURNED, EntryStatus.WITHDRAWN)
STATUS_W = (85, 5, 3, 3, 2, 2)


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` shared in proportion to ``weights`` (largest remainders), summing exactly."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))[: total - sum(out)]:
        out[i] += 1
    return out


def _departments() -> list[Department]:
    qs = Department.objects.filter(voided_at__isnull=True, kind=DepartmentKind.COMMITTEE, division__level=DivisionLevel.CITY).order_by("pk")
    return list(qs[:DEPARTMENTS])


def _abbr(dept: Department) -> str:
    return dept.code.split("-", 1)[-1] if dept.code.startswith("CITY-") else dept.code


def _categories(ctx, depts: list[Department]) -> tuple[dict[str, Category], dict[int, Category]]:
    """The tree; returns (by code, department pk → its 部门 node)."""
    existing = {c.code: c for c in Category.objects.all()}
    rows: list[tuple] = [("1", "基础信息资源", CategoryKind.BASIC, None), ("2", "主题信息资源", CategoryKind.THEME, None),
                         ("3", "部门信息资源", CategoryKind.DEPARTMENT, None)]
    rows += [(code, name, CategoryKind.BASIC, "1") for code, name in BASIC]
    rows += [("190", "其他基础信息", CategoryKind.BASIC, "1")]
    for code, name, subs in THEMES:
        rows.append((code, name, CategoryKind.THEME, "2"))
        rows += [(f"{code}{i:02d}", sub, CategoryKind.THEME, code) for i, sub in enumerate(subs, 1)]
    rows += [(f"3{i:02d}", d.short_name or d.name, CategoryKind.DEPARTMENT, "3") for i, d in enumerate(depts, 1)]
    by_code = dict(existing)
    for order, (code, name, kind, parent) in enumerate(rows):
        if code in by_code:
            continue
        cat = Category(public_id=ctx.public_id(), code=code, name=name, kind=kind, parent=by_code.get(parent) if parent else None, order=order)
        cat.save()
        by_code[code] = cat
    return by_code, {d.pk: by_code[f"3{i:02d}"] for i, d in enumerate(depts, 1)}


def _code_lists(ctx) -> dict[str, CodeList]:
    out = {c.code: c for c in CodeList.objects.all()}
    values = []
    for code, name, standard, pairs in CODE_LISTS:
        if code in out:
            continue
        cl = CodeList(public_id=ctx.public_id(), code=code, name=name, standard=standard)
        cl.save()
        out[code] = cl
        values += [CodeListValue(code_list=cl, value=v, label=label, order=i) for i, (v, label) in enumerate(pairs)]
    ctx.bulk(CodeListValue, values)
    return out


def _actor(ctx):
    from digigov.core.accounts.models import User
    from digigov.core.rbac.system import system_account

    demo_users = (ctx.shared.get("accounts") or {}).get("demo_users") or {}
    pk = demo_users.get("dataauthority") or demo_users.get("dataadmin")
    user = User.objects.filter(pk=pk).first() if pk else None
    return user or system_account()


def generate(ctx) -> None:
    rng = ctx.rng
    depts = _departments()
    if not depts or CatalogEntry.objects.exists():
        return
    ctx.describe("catalog: 资源分类与代码表")
    cats, dept_cats = _categories(ctx, depts)
    code_lists = _code_lists(ctx)
    actor = _actor(ctx)
    counties = list(Department.objects.filter(kind=DepartmentKind.GOVERNMENT, division__level=DivisionLevel.COUNTY)
                    .order_by("pk").values_list("division__name", flat=True)) or ["市本级"]

    ctx.describe("catalog: 目录条目")
    counts = _split(ENTRIES, [DEPT_WEIGHT.get(_abbr(d), 1.0) for d in depts])
    first = ctx.next_id(CatalogEntry)
    entries: list[CatalogEntry] = []
    flavours: list[str] = []
    kinds: list[str] = []
    for dno, (dept, n) in enumerate(zip(depts, counts), 1):
        theme, subjects = DEPT_SUBJECTS.get(_abbr(dept), GENERIC_SUBJECTS)
        combos = [(s, f, k) for s, f in subjects for k in RECORD_KINDS]
        rng.shuffle(combos)
        taken: set[str] = set()
        serial = 0
        for i in range(n):
            subject, flavour, kind = combos[i % len(combos)]
            name = f"{subject}{kind}"
            if i >= len(combos):
                name += f"（{counties[(i // len(combos) - 1) % len(counties)]}）"
            if name in taken:
                name += f"（{i // len(combos) + 1}）"
            taken.add(name)
            serial += 1
            r = rng.random()
            if r < 0.35:
                category = cats[BASIC_BY_FLAVOUR[flavour]] if flavour != "t" or theme != "106" else cats["106"]
                category = cats[theme] if theme in ("103", "106") and r < 0.1 else category
            elif r < 0.8:
                sub = [c for c in cats if c.startswith(theme) and len(c) == 5] or [theme]
                category = cats[rng.choice(sub)] if theme in cats else dept_cats[dept.pk]
            else:
                category = dept_cats[dept.pk]
            status = rng.choices(STATUSES, STATUS_W)[0]
            level = rng.choices((DataLevel.GENERAL, DataLevel.IMPORTANT, DataLevel.CORE), (70, 25, 5))[0]
            personal = rng.choices((PersonalKind.PERSONAL, PersonalKind.SENSITIVE), (60, 40))[0] if flavour == "p" else PersonalKind.NONE
            sharing = rng.choices((SharingType.UNCONDITIONAL, SharingType.CONDITIONAL, SharingType.NONE), (40, 50, 10))[0]
            if personal == PersonalKind.SENSITIVE and sharing == SharingType.UNCONDITIONAL:
                sharing = SharingType.CONDITIONAL
            opened = rng.choices((OpenType.UNCONDITIONAL, OpenType.CONDITIONAL, OpenType.NONE), (10, 15, 75))[0] if personal == 0 else OpenType.NONE
            published = status in (EntryStatus.PUBLISHED, EntryStatus.WITHDRAWN)
            pub_date = dt.date(2021, 1, 4) + dt.timedelta(days=rng.randrange(0, 2100)) if published else None
            entries.append(CatalogEntry(
                id=first + len(entries), public_id=ctx.public_id(), code=f"{category.code}/{dno:03d}{serial:05d}", name=name, department=dept,
                abstract=f"{dept.name}在履行职责过程中产生的{subject}{kind}，{'记录自然人' if flavour == 'p' else '记录单位' if flavour == 'o' else '记录'}"
                         f"的{kind.replace('信息', '')}情况，供相关部门共享使用。",
                category=category, resource_format=rng.choices((ResourceFormat.DATABASE, ResourceFormat.API, ResourceFormat.SPREADSHEET, ResourceFormat.FILE), (60, 25, 10, 5))[0],
                sharing_type=sharing,
                sharing_condition="仅用于依法履职，需经提供部门审核同意" if sharing == SharingType.CONDITIONAL else "",
                sharing_basis="《中华人民共和国个人信息保护法》第二十八条" if sharing == SharingType.NONE else "",
                open_type=opened, open_condition="需签订数据开放利用协议" if opened == OpenType.CONDITIONAL else "",
                update_cycle=rng.choices(CYCLES, CYCLE_W)[0], published_on=pub_date,
                version=(1 + (rng.random() < 0.2)) if published else 0, status=status, level=level, personal=personal,
            ))
            flavours.append(flavour)
            kinds.append(kind)
    ctx.bulk(CatalogEntry, entries)

    ctx.describe("catalog: 信息项")
    items: list[tuple] = []  # straight into the table: ~50,000 rows
    for entry, flavour, kind in zip(entries, flavours, kinds):
        base = {"p": PERSON_ITEMS, "o": ORG_ITEMS, "t": THING_ITEMS}[flavour]
        k = rng.randint(min(3, len(base)), min(8, len(base)))
        chosen = list(base[:2]) + rng.sample(base[2:], k - 2) + list(KIND_ITEMS[kind])
        chosen += [("数据更新时间", "gxsj", "T", 14, "", None, 0, 1)]
        for seq, (name, field, dtype, length, fmt, cl, pers, lvl) in enumerate(chosen, 1):
            items.append((entry.pk, seq, name, field, dtype, length, fmt, code_lists[cl].pk if cl in code_lists else None, seq <= 2,
                          seq == (2 if flavour == "p" else 1), "", max(lvl, entry.level if seq <= 2 else 1), pers if entry.personal else 0))
    ctx.insert_rows(DataItem, ITEM_COLUMNS, items)

    ctx.describe("catalog: 挂载资源")
    published = [e for e in entries if e.status == EntryStatus.PUBLISHED]
    mounted = rng.sample(published, min(len(published), TABLE_MOUNTS + API_MOUNTS))
    mounted.sort(key=lambda e: e.pk)
    rng.shuffle(mounted)
    mounts = []
    for i, e in enumerate(mounted):
        if i < TABLE_MOUNTS:
            mounts.append(MountedResource(public_id=ctx.public_id(), entry_id=e.pk, kind=MountKind.TABLE, name=f"{e.name}库表",
                                          table_name=target_table_name(e), mounted_by=actor))
        else:
            mounts.append(MountedResource(public_id=ctx.public_id(), entry_id=e.pk, kind=MountKind.API, name=f"{e.name}查询接口",
                                          endpoint=f"https://gateway.example.gov.cn/api/catalog/{e.code.replace('/', '-')}", method="POST",
                                          mounted_by=actor))
    ctx.bulk(MountedResource, mounts)

    ctx.describe("catalog: 变更记录、责任清单与需求目录")
    ctx.bulk(EntryRevision, [EntryRevision(entry_id=e.pk, version=e.version, status=e.status, action="catalog.entry.publish",
                                           summary=f"发布第 {e.version} 版", actor=actor, snapshot={"code": e.code, "name": e.name})
                             for e in entries if e.version])
    lines = [ResponsibilityItem(public_id=ctx.public_id(), department=e.department, name=e.name, category=e.category,
                                basis=f"{e.department.short_name or e.department.name}“三定”方案", update_cycle=e.update_cycle, entry_id=e.pk)
             for e in entries]
    extra = _split(round(ENTRIES * UNCATALOGUED_SHARE), [DEPT_WEIGHT.get(_abbr(d), 1.0) for d in depts])
    for dept, n in zip(depts, extra):
        _theme, subjects = DEPT_SUBJECTS.get(_abbr(dept), GENERIC_SUBJECTS)
        for j in range(n):
            subject, _f = subjects[j % len(subjects)]
            lines.append(ResponsibilityItem(public_id=ctx.public_id(), department=dept, name=f"{subject}{['台账', '统计年报', '历史档案', '业务明细'][j // len(subjects) % 4]}"
                                            + (f"（{j // (4 * len(subjects)) + 1}）" if j >= 4 * len(subjects) else ""),
                                            basis="权责清单", update_cycle=UpdateCycle.YEARLY, category=dept_cats[dept.pk]))
    ctx.bulk(ResponsibilityItem, lines)

    by_dept: dict[int, list[CatalogEntry]] = {}
    for e in published:
        by_dept.setdefault(e.department_id, []).append(e)
    demands = []
    if len(depts) > 1:
        for _ in range(DEMANDS):
            requester, provider = rng.sample(depts, 2)
            offer = by_dept.get(provider.pk)
            entry = rng.choice(offer) if offer and rng.random() < 0.7 else None
            title = entry.name if entry else f"{rng.choice(DEPT_SUBJECTS.get(_abbr(provider), GENERIC_SUBJECTS)[1])[0]}数据"
            status = rng.choices((DemandStatus.OPEN, DemandStatus.ACCEPTED, DemandStatus.MET, DemandStatus.REJECTED), (25, 20, 45, 10))[0]
            demands.append(DataDemand(public_id=ctx.public_id(), requester=requester, provider=provider, entry=entry, title=title,
                                      items="、".join(i[0] for i in rng.sample(PERSON_ITEMS[:6] + ORG_ITEMS[:4], 3)),
                                      purpose=f"{requester.short_name or requester.name}办理政务服务事项时核验", basis="《政务信息资源共享管理暂行办法》",
                                      status=status, reply="" if status == DemandStatus.OPEN else "已处理", filed_by=actor))
    ctx.bulk(DataDemand, demands)
    ctx.reset_sequences(CatalogEntry, DataItem)

    ctx.describe("catalog: 检索索引")
    reindex_entries(CatalogEntry.objects.filter(pk__gte=first))


registry.register_demo("catalog", generate, after=("org", "accounts"))
