"""The catalog of licence types (证照类型目录): ~30 fully modelled real types and generated ones.

证照类型代码 (GB/T 36902 style), as this platform writes it::

    <定义机构区划 6 位><定义机构缩写><3 位顺序号>      e.g. 100000CA001 = 民政部定义的第 1 类（结婚证）

* the first six digits are the region of the authority that *defines* the type: ``100000`` for a type the
  State Council's departments define nationwide (结婚证, 营业执照 …), ``210600`` for one the city defines;
* the abbreviation is the defining department's (``CA`` 民政, ``SAMR`` 市场监管, ``PSB`` 公安 …, the same
  abbreviations the demo city's department codes use: ``CITY-<ABBR>``);
* the sequence numbers the types one authority defines.

The code is plain ASCII letters and digits (the e-licence index accepts nothing else) and at most 16
characters, so the GB/T 36903 identifier built on it (``identifiers.py``) stays within 64 characters.

Each type carries its field template (``key, label, type, required``; types: ``text``, ``date``,
``id_number`` (公民身份号码), ``uscc`` (统一社会信用代码), ``choice`` with ``options``) and its layout
(``layout.py`` makes the default one from the fields and the page size).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

FIELD_TYPES = {"text": _("文本"), "date": _("日期"), "id_number": _("公民身份号码"), "uscc": _("统一社会信用代码"),
               "choice": _("选项"), "number": _("数字")}
TYPE_CODE_RE = re.compile(r"^\d{6}[A-Z]{2,5}\d{3}$")


def F(key, label, type="text", required=True, options=None):  # noqa: N802 — reads like a table row
    f = {"key": key, "label": label, "type": type, "required": required}
    if options:
        f["options"] = list(options)
    return f


# holder fields every type starts with
P_HOLDER = (F("name", "姓名"), F("id_number", "公民身份号码", "id_number"))
E_HOLDER = (F("name", "名称"), F("uscc", "统一社会信用代码", "uscc"))
SEX = ("男", "女")

# (code, name, holder kind, issuing bureau abbreviation, valid years or None, is_licensing, page (w, h) mm, extra fields)
REAL_TYPES: tuple = (
    ("100000PSB001", "居民身份证明", "person", "PSB", 10, False, (86, 54),
     (F("sex", "性别", "choice", options=SEX), F("nation", "民族"), F("birth_date", "出生日期", "date"), F("address", "住址"))),
    ("100000PSB002", "居民户口簿", "person", "PSB", None, False, (143, 105),
     (F("household_no", "户号"), F("relation", "与户主关系"), F("sex", "性别", "choice", options=SEX), F("birth_date", "出生日期", "date"),
      F("address", "住址"))),
    ("100000PSB003", "机动车驾驶证", "person", "PSB", 6, True, (88, 60),
     (F("sex", "性别", "choice", options=SEX), F("address", "住址"), F("first_issue", "初次领证日期", "date"),
      F("vehicle_class", "准驾车型", "choice", options=("A1", "A2", "B1", "B2", "C1", "C2", "D", "E")))),
    ("100000PSB004", "机动车行驶证", "person", "PSB", None, False, (88, 60),
     (F("plate", "号牌号码"), F("vehicle_type", "车辆类型"), F("vin", "车辆识别代号"), F("register_date", "注册日期", "date"))),
    ("100000CA001", "结婚证", "person", "CA", None, False, (180, 125),
     (F("spouse_name", "配偶姓名"), F("spouse_id_number", "配偶公民身份号码", "id_number"), F("register_date", "登记日期", "date"),
      F("remark", "备注", required=False))),
    ("100000CA002", "离婚证", "person", "CA", None, False, (180, 125),
     (F("spouse_name", "原配偶姓名"), F("spouse_id_number", "原配偶公民身份号码", "id_number"), F("register_date", "登记日期", "date"))),
    ("100000CA003", "残疾人证", "person", "CA", 10, False, (120, 85),
     (F("sex", "性别", "choice", options=SEX), F("disability_type", "残疾类别", "choice", options=("视力", "听力", "言语", "肢体", "智力", "精神", "多重")),
      F("disability_level", "残疾等级", "choice", options=("一级", "二级", "三级", "四级")), F("guardian", "监护人", required=False))),
    ("100000CA004", "社会团体法人登记证书", "enterprise", "CA", 5, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("business_scope", "业务范围"), F("address", "住所"))),
    ("100000HEA001", "出生医学证明", "person", "HEA", None, False, (210, 148),
     (F("sex", "性别", "choice", options=SEX), F("birth_date", "出生日期", "date"), F("birth_place", "出生地点"), F("mother_name", "母亲姓名"),
      F("father_name", "父亲姓名", required=False))),
    ("100000HEA002", "医师执业证书", "person", "HEA", None, True, (210, 148),
     (F("qualification_no", "医师资格证书编码"), F("category", "执业类别", "choice", options=("临床", "中医", "口腔", "公共卫生")),
      F("scope", "执业范围"), F("institution", "执业地点"))),
    ("100000HEA003", "医师资格证书", "person", "HEA", None, True, (210, 148),
     (F("category", "资格类别", "choice", options=("临床", "中医", "口腔", "公共卫生")), F("level", "级别", "choice", options=("执业医师", "执业助理医师")),
      F("graduated", "毕业学校"))),
    ("100000HEA004", "公共场所卫生许可证", "enterprise", "HEA", 4, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("address", "经营地址"), F("project", "许可项目"))),
    ("100000HSA001", "医疗保障凭证", "person", "HSA", None, False, (86, 54),
     (F("insured_place", "参保地"), F("insurance_type", "险种", "choice", options=("职工基本医疗保险", "城乡居民基本医疗保险")))),
    ("100000HRSS001", "社会保障卡", "person", "HRSS", 10, False, (86, 54),
     (F("card_no", "社会保障号码"), F("bank", "发卡银行"))),
    ("100000HRSS002", "居民养老保险参保证明", "person", "HRSS", 1, False, (210, 297),
     (F("insured_since", "参保日期", "date"), F("grade", "缴费档次"), F("months", "累计缴费月数", "number"))),
    ("100000HRSS003", "人力资源服务许可证", "enterprise", "HRSS", 5, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("address", "住所"), F("scope", "服务范围"))),
    ("100000SAMR001", "营业执照", "enterprise", "SAMR", None, True, (297, 210),
     (F("kind", "类型", "choice", options=("有限责任公司", "股份有限公司", "个体工商户", "个人独资企业", "合伙企业", "农民专业合作社")),
      F("legal_rep", "法定代表人"), F("capital", "注册资本", required=False), F("established", "成立日期", "date"), F("address", "住所"),
      F("business_scope", "经营范围"))),
    ("100000SAMR005", "个体工商户营业执照", "person", "SAMR", None, True, (297, 210),  # holder: the operator (经营者)
     (F("business_name", "名称", required=False), F("form_of_organisation", "组成形式", "choice", options=("个人经营", "家庭经营")),
      F("business_place", "经营场所"), F("business_scope", "经营范围"), F("capital", "资金数额（万元）", "number", required=False))),
    ("100000SAMR002", "食品经营许可证", "enterprise", "SAMR", 5, True, (297, 210),
     (F("legal_rep", "法定代表人（负责人）"), F("address", "经营场所"), F("main_form", "主体业态"), F("project", "经营项目"))),
    ("100000SAMR003", "食品生产许可证", "enterprise", "SAMR", 5, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("address", "生产地址"), F("category", "食品类别"))),
    ("100000SAMR004", "特种设备使用登记证", "enterprise", "SAMR", None, True, (210, 148),
     (F("equipment", "设备种类"), F("equipment_code", "设备代码"), F("address", "使用地点"))),
    ("100000MPA001", "药品经营许可证", "enterprise", "SAMR", 5, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("manager", "企业负责人"), F("quality_manager", "质量负责人"), F("address", "注册地址"),
      F("scope", "经营范围"))),
    ("100000HUD001", "建筑工程施工许可证", "enterprise", "HUD", None, True, (297, 210),
     (F("project", "工程名称"), F("address", "建设地址"), F("scale", "建设规模"), F("contract_price", "合同价格"), F("builder", "施工单位"),
      F("start_date", "合同工期起", "date"))),
    ("100000HUD002", "建筑业企业资质证书", "enterprise", "HUD", 5, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("qualification", "资质类别及等级"), F("address", "详细地址"))),
    ("100000HUD003", "商品房预售许可证", "enterprise", "HUD", None, True, (297, 210),
     (F("project", "项目名称"), F("address", "房屋坐落"), F("area", "预售面积（平方米）", "number"), F("buildings", "预售楼栋"))),
    ("100000NR001", "不动产权证书", "person", "NR", None, False, (210, 148),
     (F("location", "坐落"), F("unit_no", "不动产单元号"), F("right_type", "权利类型", "choice", options=("国有建设用地使用权/房屋所有权", "宅基地使用权/房屋所有权", "土地承包经营权")),
      F("area", "面积（平方米）", "number"), F("use", "用途"), F("co_owned", "共有情况", "choice", options=("单独所有", "共同共有", "按份共有")))),
    ("100000NR002", "建设工程规划许可证", "enterprise", "NR", None, True, (297, 210),
     (F("project", "建设项目名称"), F("address", "建设位置"), F("scale", "建设规模"))),
    ("100000NR003", "建设用地规划许可证", "enterprise", "NR", None, True, (297, 210),
     (F("project", "项目名称"), F("address", "用地位置"), F("area", "用地面积（平方米）", "number"), F("use", "用地性质"))),
    ("100000EE001", "排污许可证", "enterprise", "EE", 5, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("address", "生产经营场所地址"), F("industry", "行业类别"), F("pollutants", "主要污染物类别"))),
    ("100000TRA001", "道路运输经营许可证", "enterprise", "TRA", 4, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("address", "地址"), F("scope", "经营范围"))),
    ("100000TRA002", "道路运输证", "enterprise", "TRA", 4, True, (120, 85),
     (F("plate", "车辆号牌"), F("vehicle_type", "车辆类型"), F("scope", "经营范围"))),
    ("100000TRA003", "道路运输从业人员从业资格证", "person", "TRA", 6, True, (88, 60),
     (F("sex", "性别", "choice", options=SEX), F("category", "从业资格类别"))),
    ("100000EDU001", "教师资格证书", "person", "EDU", None, True, (210, 148),
     (F("sex", "性别", "choice", options=SEX), F("birth_date", "出生日期", "date"),
      F("category", "资格种类", "choice", options=("幼儿园", "小学", "初级中学", "高级中学", "中等职业学校")), F("subject", "任教学科"))),
    ("100000EDU002", "民办学校办学许可证", "enterprise", "EDU", 5, True, (297, 210),
     (F("principal", "校长"), F("address", "学校地址"), F("level", "办学层次"))),
    ("100000AGR001", "兽药经营许可证", "enterprise", "AGR", 5, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("address", "经营地址"), F("scope", "经营范围"))),
    ("100000AGR002", "动物防疫条件合格证", "enterprise", "AGR", None, True, (210, 148),
     (F("legal_rep", "法定代表人"), F("address", "场所地址"), F("scope", "经营范围"))),
    ("100000CUL001", "娱乐经营许可证", "enterprise", "CUL", 2, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("address", "经营场所地址"), F("kind", "经营场所类型", "choice", options=("歌舞娱乐场所", "游艺娱乐场所")))),
    ("100000EM001", "危险化学品经营许可证", "enterprise", "EM", 3, True, (297, 210),
     (F("legal_rep", "法定代表人"), F("address", "经营场所"), F("mode", "经营方式"), F("scope", "许可范围"))),
    ("100000WR001", "取水许可证", "enterprise", "WR", 5, True, (297, 210),
     (F("location", "取水地点"), F("source", "水源类型"), F("volume", "取水量（万立方米/年）", "number"))),
    ("210600HPF001", "住房公积金缴存证明", "person", "HPF", 1, False, (210, 297),
     (F("account_no", "个人公积金账号"), F("employer", "缴存单位"), F("base", "缴存基数（元）", "number"))),
)

# generated types (to reach the catalog size at --scale 1): real structure, plausible names per bureau
GENERATED = {
    "PSB": ("户籍证明", "临时居民身份证明", "保安服务许可证", "烟花爆竹道路运输许可证", "剧毒化学品购买许可证"),
    "CA": ("婚姻状况证明", "养老机构备案回执", "民办非企业单位登记证书", "殡葬服务许可证", "低保证", "特困人员救助供养证"),
    "HEA": ("医疗机构执业许可证", "护士执业证书", "放射诊疗许可证", "母婴保健技术服务执业许可证", "健康证明", "预防接种证"),
    "HRSS": ("就业创业证", "职业资格证书", "劳务派遣经营许可证", "技能等级证书", "失业登记证明"),
    "SAMR": ("农民专业合作社营业执照", "计量授权证书", "检验检测机构资质认定证书", "工业产品生产许可证", "药品零售许可证"),
    "HUD": ("房屋建筑工程竣工验收备案表", "建筑施工企业安全生产许可证", "房地产开发企业资质证书", "燃气经营许可证", "城市排水许可证"),
    "NR": ("不动产登记证明", "采矿许可证", "乡村建设规划许可证", "测绘资质证书", "土地使用权出让合同备案"),
    "EE": ("辐射安全许可证", "危险废物经营许可证", "环境影响评价批复", "排污登记回执"),
    "TRA": ("道路运输经营许可证（货运）", "出租汽车驾驶员从业资格证", "网络预约出租汽车运输证", "机动车维修经营备案证明", "港口经营许可证"),
    "EDU": ("学历证明", "学位证明", "幼儿园办学许可证", "校外培训机构办学许可证"),
    "AGR": ("农药经营许可证", "种子生产经营许可证", "渔业捕捞许可证", "拖拉机驾驶证", "饲料生产许可证"),
    "CUL": ("营业性演出许可证", "网络文化经营许可证", "出版物经营许可证", "旅行社业务经营许可证", "文物保护工程资质证书"),
    "EM": ("安全生产许可证", "烟花爆竹经营（零售）许可证", "特种作业操作证", "非药品类易制毒化学品经营备案证明"),
    "WR": ("河道采砂许可证", "水土保持方案批复", "洪水影响评价批复"),
    "FOR": ("林木采伐许可证", "林草种子生产经营许可证", "野生动物驯养繁殖许可证", "使用林地审核同意书"),
    "COM": ("对外贸易经营者备案登记表", "酒类流通备案登记证", "单用途商业预付卡备案证明"),
    "JUS": ("律师执业证", "公证员执业证", "司法鉴定许可证", "基层法律服务工作者执业证"),
    "URB": ("城市道路占用挖掘许可证", "户外广告设置许可证", "建筑垃圾处置核准证", "城镇污水排入排水管网许可证"),
    "HSA": ("定点医药机构协议", "医保待遇资格证明"),
    "VET": ("退役军人优待证", "伤残军人证", "光荣证"),
    "FIN": ("会计从业资格证明", "代理记账许可证书"),
    "STA": ("统计调查项目批准证明",),
    "HPF": ("住房公积金贷款结清证明", "住房公积金提取凭证"),
    "SCI": ("高新技术企业证书", "科技型中小企业入库证明"),
    "IIT": ("无线电台执照", "民用爆炸物品生产许可证"),
}
PERSON_HINTS = ("证明", "驾驶证", "执业证", "从业资格证", "资格证书", "技能", "优待证", "伤残军人证", "光荣证", "健康证明",
                "预防接种证", "低保证", "特困", "学历", "学位", "操作证", "就业创业证", "失业", "执照（个人）", "提取凭证", "结清证明")


def generated_types(count: int) -> list[tuple]:
    """``count`` more types in the shape of ``REAL_TYPES``, deterministic (same count, same types)."""
    out: list[tuple] = []
    seqs: dict[str, int] = {}
    pool = [(abbr, name) for abbr, names in GENERATED.items() for name in names]
    # a second round of "（副本）"-free variants keeps codes unique when more are asked than the pool holds
    rounds = 0
    while len(out) < count:
        for abbr, name in pool:
            if len(out) >= count:
                break
            seqs[abbr] = seqs.get(abbr, 0) + 1
            label = name if rounds == 0 else f"{name}（{'一二三四五六七八九'[min(rounds, 9) - 1]}类）"
            person = any(h in name for h in PERSON_HINTS)
            licensing = "许可" in name or "资质" in name or "执业" in name or "执照" in name
            holder = P_HOLDER if person else E_HOLDER
            extra = (F("address", "住址" if person else "住所"), F("scope", "许可内容" if licensing else "证明事项"),
                     F("remark", "备注", required=False))
            years = 5 if licensing else None
            out.append((f"210600{abbr}{500 + seqs[abbr]:03d}", label, "person" if person else "enterprise", abbr, years, licensing,
                        (210, 148), extra))
        rounds += 1
    return out


def all_fields(holder_kind: str, extra: tuple) -> list[dict]:
    return [dict(f) for f in (P_HOLDER if holder_kind == "person" else E_HOLDER)] + [dict(f) for f in extra]


def catalog(total: int | None = None) -> list[dict]:
    """The type definitions: the real ones plus generated ones up to ``total`` (None: the real ones only).
    Each: code, name, holder_kind, abbr, valid_years, is_licensing, fields, layout."""
    from .layout import default_layout

    rows = list(REAL_TYPES)
    if total is not None and total > len(rows):
        rows += generated_types(total - len(rows))
    out = []
    for code, name, holder, abbr, years, licensing, (w, h), extra in rows[: total or len(rows)]:
        fields = all_fields(holder, extra)
        out.append({"code": code, "name": name, "holder_kind": holder, "abbr": abbr, "valid_years": years,
                    "is_licensing": licensing, "fields": fields, "layout": default_layout(name, fields, w, h)})
    return out


def department_for(abbr: str, departments: dict[str, object]):
    """The demo city's bureau for an abbreviation (``CITY-<ABBR>``)."""
    return departments.get(f"CITY-{abbr}")
