"""A realistic service catalog for the search tests, the evaluation and the benchmark (``make_search_catalog``):
about 120 items of a prefecture-level city named as the national basic catalog names them, in 14 departments,
with their life-event and enterprise-stage topics, materials and plausible yearly volumes, plus the 一件事
bundles the city runs. No search keywords are filled in: the query understanding has to find them from how
people ask, as it will for a catalog whose keywords nobody wrote."""

from __future__ import annotations

from .models import Audience, Bundle, BundleMember, ItemMaterial, ServiceItem, Topic, TopicKind

DEPARTMENTS = {
    "PSB": "市公安局", "HRSS": "市人力资源和社会保障局", "HSA": "市医疗保障局", "HPF": "市住房公积金管理中心",
    "SAMR": "市市场监督管理局", "CA": "市民政局", "HC": "市卫生健康委员会", "NR": "市自然资源局", "TAX": "国家税务总局示范市税务局",
    "HUD": "市住房和城乡建设局", "EDU": "市教育局", "TRA": "市交通运输局", "JUS": "市司法局", "VET": "市退役军人事务局",
}

TOPICS = [("birth", "出生", "life"), ("school", "上学", "life"), ("job", "就业", "life"), ("marry", "结婚", "life"),
          ("house", "购房", "life"), ("retire", "退休", "life"), ("death", "身后事", "life"),
          ("open", "开办", "stage"), ("operate", "经营", "stage"), ("change", "变更", "stage"), ("close", "注销", "stage")]

# department | item name | type code | audience p/e/b | topics | yearly cases | materials
ITEMS = """
HC|出生医学证明首次签发|20|p|出生|9800|父母居民身份证;住院分娩记录
HC|出生医学证明补发|20|p|出生|420|父母居民身份证;补发申请书
HC|生育登记|20|p|出生,结婚|8700|夫妻双方居民身份证;结婚证
HC|预防接种证办理|20|p|出生,上学|9100|出生医学证明
HC|母婴保健技术服务执业许可|01|e|开办|30|医疗机构执业许可证
HC|医疗机构执业登记|01|e|开办|160|设置批准书;场所证明
HC|医师执业注册|01|p|就业|900|医师资格证书;健康证明
HC|护士执业注册|01|p|就业|1200|护士执业资格考试成绩合格证明
HC|公共场所卫生许可|01|e|开办,经营|2600|营业执照;卫生检测报告
HC|死亡医学证明（推断）书签发|20|p|身后事|3100|死者居民身份证
PSB|出生登记（户口登记）|07|p|出生|9600|出生医学证明;父母居民户口簿
PSB|居民身份证首次申领|20|p|上学|12000|居民户口簿
PSB|居民身份证换领|20|p||58000|原居民身份证
PSB|居民身份证补领|20|p||21000|居民户口簿
PSB|临时居民身份证申领|20|p||8300|居民户口簿
PSB|户口迁移（迁入）|07|p|购房,结婚,就业|16000|居民户口簿;房屋产权证明
PSB|户口迁出|07|p||6400|居民户口簿
PSB|户口注销（死亡）|07|p|身后事|3200|死亡医学证明;居民户口簿
PSB|居住证申领|20|p|就业|7200|居民身份证;居住证明
PSB|无犯罪记录证明开具|20|p|就业|11000|居民身份证
PSB|普通护照签发|01|p||15000|居民身份证
PSB|往来港澳通行证签发|01|p||9800|居民身份证
PSB|机动车驾驶证换证|01|p||26000|机动车驾驶证;身体条件证明
PSB|机动车驾驶证补领|01|p||5200|居民身份证
PSB|机动车注册登记|01|p||19000|机动车来历证明;车辆购置税完税证明
PSB|机动车转移登记|01|p||14000|机动车登记证书;来历证明
PSB|机动车检验合格标志核发|20|p||61000|机动车行驶证;交强险凭证
PSB|交通违法行为处理|02|p||88000|机动车驾驶证
PSB|公章刻制备案|20|e|开办|6900|营业执照;法定代表人身份证
PSB|旅馆业特种行业许可|01|e|开办|120|营业执照;消防安全检查合格证明
PSB|电动自行车登记|20|p||23000|购车发票;合格证
HRSS|社会保障卡申领|20|b|出生,就业|31000|居民身份证;照片
HRSS|社会保障卡挂失与补换|20|p||18000|居民身份证
HRSS|个人参保登记|07|p|就业|21000|居民身份证
HRSS|单位参保登记|07|e|开办|4200|营业执照
HRSS|养老保险关系转移接续|20|p|就业|7600|参保缴费凭证
HRSS|基本养老保险待遇申领（退休）|05|p|退休|9800|居民身份证;人事档案
HRSS|城乡居民基本养老保险参保登记|07|p||5400|居民身份证
HRSS|失业登记|07|p|就业|6900|居民身份证;解除劳动合同证明
HRSS|失业保险金申领|05|p|就业|8200|居民身份证;解除劳动合同证明
HRSS|就业登记|07|b|就业|15000|居民身份证;劳动合同
HRSS|就业创业证申领|20|p|就业|6000|居民身份证
HRSS|创业担保贷款申请|20|p|开办|1800|营业执照;创业计划书
HRSS|职业技能培训补贴申领|05|p|就业|4300|培训合格证书
HRSS|工伤认定|07|p||2300|工伤认定申请表;医疗诊断证明
HRSS|劳动人事争议仲裁申请|09|p||3100|仲裁申请书;劳动合同
HRSS|丧葬补助金、抚恤金申领|05|p|身后事|2900|死亡医学证明;居民身份证
HRSS|人力资源服务许可|01|e|开办|60|营业执照
HRSS|劳务派遣经营许可|01|e|开办|40|营业执照;经营场所证明
HSA|城乡居民基本医疗保险参保登记|07|p|出生|12000|居民身份证;户口簿
HSA|职工基本医疗保险参保登记|07|e|开办|5100|营业执照
HSA|异地就医备案|20|p||22000|居民身份证
HSA|门诊慢特病待遇认定|07|p||8700|诊断证明;病历
HSA|生育保险待遇核准支付（生育津贴）|05|p|出生|6400|出生医学证明;医疗费用票据
HSA|医疗费用零星报销|05|p||17000|医疗费用票据;病历
HSA|城乡居民医保缴费|20|p||41000|居民身份证
HPF|住房公积金提取（购房）|05|p|购房|18000|购房合同;居民身份证
HPF|住房公积金提取（租房）|05|p||21000|租房合同
HPF|住房公积金提取（离退休）|05|p|退休|6300|退休证明
HPF|住房公积金个人住房贷款|20|p|购房|7800|购房合同;收入证明
HPF|单位住房公积金缴存登记|07|e|开办|2900|营业执照
HPF|住房公积金个人账户设立|07|p|就业|8400|居民身份证
HPF|住房公积金缴存证明开具|20|p||9200|居民身份证
SAMR|企业设立登记|01|e|开办|8900|公司章程;法定代表人身份证明;住所使用证明
SAMR|个体工商户设立登记|01|p|开办|14000|经营者居民身份证;经营场所证明
SAMR|企业名称自主申报|20|e|开办|9000|投资人身份证明
SAMR|企业变更登记|01|e|变更|7100|变更决议;营业执照
SAMR|个体工商户变更登记|01|p|变更|3900|营业执照;经营者身份证
SAMR|企业注销登记|01|e|注销|3300|清算报告;注销决议
SAMR|企业简易注销登记|01|e|注销|2800|全体投资人承诺书
SAMR|个体工商户注销登记|01|p|注销|5200|营业执照
SAMR|营业执照补领|20|e||1500|遗失声明
SAMR|食品经营许可|01|b|开办,经营|6200|营业执照;经营场所平面图;食品安全管理制度
SAMR|食品生产许可|01|e|开办|180|营业执照;生产场所平面图
SAMR|食品小作坊登记|01|e|开办|210|经营者身份证;场所证明
SAMR|小餐饮登记|01|p|开办|1900|经营者身份证;场所证明
SAMR|药品经营许可（零售）|01|e|开办|240|营业执照;执业药师证明
SAMR|第二类医疗器械经营备案|20|e|开办|310|营业执照
SAMR|特种设备使用登记|07|e|经营|4100|特种设备监督检验证明
SAMR|工业产品生产许可|01|e|经营|90|营业执照
SAMR|企业年度报告公示|20|e|经营|52000|年度报告
SAMR|农民专业合作社设立登记|01|e|开办|260|成员名册;章程
CA|结婚登记|07|p|结婚|9300|双方居民身份证;居民户口簿
CA|离婚登记|07|p||3600|结婚证;双方居民身份证
CA|补领婚姻登记证|07|p|结婚|1800|居民身份证
CA|收养登记|07|p||60|收养申请书
CA|最低生活保障审核确认|05|p||4700|家庭收入证明
CA|特困人员救助供养审核确认|05|p||600|居民身份证
CA|临时救助|05|p||2100|救助申请书
CA|高龄津贴申领|05|p|退休|5600|居民身份证
CA|残疾人两项补贴申领|05|p||3300|残疾人证
CA|遗体火化|20|p|身后事|3000|死亡医学证明
CA|社会团体成立登记|01|e|开办|70|章程;会员名单
CA|民办非企业单位成立登记|01|e|开办|90|章程;场所证明
CA|养老机构备案|20|e|开办|40|营业执照;消防验收合格证明
NR|不动产首次登记|07|b|购房|6100|不动产权籍调查成果
NR|不动产转移登记（二手房）|07|p|购房|19000|买卖合同;不动产权证书;完税证明
NR|不动产转移登记（继承）|07|p|身后事|1400|继承公证书;不动产权证书
NR|不动产抵押登记|07|b|购房|16000|借款合同;抵押合同;不动产权证书
NR|不动产登记资料查询|20|p|购房|27000|居民身份证
NR|建设用地规划许可|01|e|经营|50|用地申请
NR|乡村建设规划许可（农村村民住宅）|01|p||700|宅基地批准文件
TAX|新办纳税人套餐（发票领用）|20|e|开办|7600|营业执照
TAX|增值税纳税申报|20|e|经营|120000|申报表
TAX|个人所得税综合所得汇算|20|p|就业|86000|居民身份证
TAX|契税申报（购房）|04|p|购房|17000|购房合同
TAX|税务注销|20|e|注销|3000|清税申报表
HUD|商品房预售许可|01|e|经营|70|项目开发手续
HUD|建筑工程施工许可|01|e|经营|380|施工合同;规划许可证
HUD|公共租赁住房保障资格审核|05|p||2400|家庭收入证明
HUD|住房租赁合同登记备案|20|p||6800|租赁合同
HUD|燃气经营许可|01|e|开办|20|营业执照
EDU|小学入学报名|20|p|上学|7900|出生医学证明;居民户口簿;房屋产权证明
EDU|初中入学报名|20|p|上学|7100|小学毕业证明;居民户口簿
EDU|中小学转学|20|p|上学|3200|转学申请表
EDU|学前教育资助申请|05|p|上学|2100|家庭经济困难证明
EDU|教师资格认定|07|p|就业|2600|普通话等级证书;体检表
EDU|民办学校办学许可|01|e|开办|30|举办者资格证明
TRA|出租汽车驾驶员从业资格证核发|01|p|就业|900|驾驶证
TRA|网络预约出租汽车运输证核发|01|p|就业|2100|行驶证;车辆保险
TRA|道路货物运输经营许可|01|e|开办|700|营业执照;车辆行驶证
TRA|机动车驾驶员培训备案|20|e|开办|15|营业执照
JUS|法律援助申请|20|p||3800|经济困难声明
JUS|公证（继承）|20|p|身后事|1600|死亡证明;亲属关系证明
JUS|人民调解申请|20|p||2400|调解申请书
VET|退役士兵安置|05|p|就业|300|退役证
VET|优待证申领（退役军人）|20|p||5100|退役证
"""

BUNDLES = [
    ("新生儿出生一件事", "出生", "HC", ["出生医学证明首次签发", "出生登记（户口登记）", "城乡居民基本医疗保险参保登记", "社会保障卡申领", "预防接种证办理"], 8800),
    ("企业开办一件事", "开办", "SAMR", ["企业设立登记", "公章刻制备案", "新办纳税人套餐（发票领用）", "单位参保登记", "单位住房公积金缴存登记"], 7200),
    ("开办餐饮店一件事", "开办", "SAMR", ["个体工商户设立登记", "食品经营许可", "公共场所卫生许可"], 1600),
    ("退休一件事", "退休", "HRSS", ["基本养老保险待遇申领（退休）", "住房公积金提取（离退休）", "高龄津贴申领"], 5400),
    ("不动产转移登记一件事", "购房", "NR", ["不动产转移登记（二手房）", "契税申报（购房）", "户口迁移（迁入）"], 9000),
    ("身后一件事", "身后事", "CA", ["死亡医学证明（推断）书签发", "户口注销（死亡）", "遗体火化", "丧葬补助金、抚恤金申领"], 2700),
    ("结婚一件事", "结婚", "CA", ["结婚登记", "生育登记", "户口迁移（迁入）"], 3100),
    ("企业注销一件事", "注销", "SAMR", ["企业注销登记", "税务注销"], 2400),
    ("入学一件事", "上学", "EDU", ["小学入学报名", "预防接种证办理", "居民身份证首次申领"], 4200),
    ("失业一件事", "就业", "HRSS", ["失业登记", "失业保险金申领", "职业技能培训补贴申领"], 2600),
]


def _departments(parent):
    from digigov.core.org import actions as org_actions
    from digigov.core.org.models import Department, DepartmentKind
    from digigov.core.rbac.system import system_account

    out = {}
    for key, name in DEPARTMENTS.items():
        code = f"SC-{key}"
        dept = Department.objects.filter(code=code).first() or org_actions.create_department(
            system_account(), code=code, name=name, kind=DepartmentKind.COMMITTEE, division=parent.division, parent=parent)
        out[key] = dept
    return out


def parse_items():
    rows = []
    for line in ITEMS.strip().splitlines():
        dept, name, type_code, aud, topics, pop, materials = line.split("|")
        rows.append((dept, name, type_code, {"p": Audience.PERSON, "e": Audience.ENTERPRISE, "b": Audience.BOTH}[aud],
                     [t for t in topics.split(",") if t], int(pop), [m for m in materials.split(";") if m]))
    return rows


def make_search_catalog(parent_department, *, copies: int = 1) -> dict:
    """Items, topics and bundles under ``parent_department`` (departments ``SC-*`` created once). ``copies`` > 1
    repeats each item for more divisions (the benchmark's scale: “（元宝区）”-suffixed copies with less volume)."""
    depts = _departments(parent_department)
    topics = {}
    for i, (code, name, kind) in enumerate(TOPICS):
        topics[name], _ = Topic.objects.get_or_create(code=code, defaults={"name": name, "order": i,
                                                                            "kind": TopicKind.LIFE_EVENT if kind == "life" else TopicKind.ENTERPRISE_STAGE})
    counties = ("", "（元宝区）", "（振兴区）", "（振安区）", "（宽甸满族自治县）", "（东港市）", "（凤城市）")
    items = {}
    seq = ServiceItem.objects.count()
    for round_ in range(copies):
        suffix = counties[round_ % len(counties)] + (f"（第{round_ // len(counties) + 1}批）" if round_ >= len(counties) else "")
        for dept, name, type_code, audience, topic_names, pop, materials in parse_items():
            seq += 1
            item = ServiceItem.objects.create(
                code=f"1121060000{seq:06d}{type_code}", basic_code=f"{type_code}{seq:08d}", name=name + suffix, item_type=type_code,
                audience=audience, department=depts[dept], legal_basis="", conditions="", popularity=pop // (1 + 3 * round_),
                promised_days=5, statutory_days=20)
            if topic_names:
                item.topics.set([topics[t] for t in topic_names])
            ItemMaterial.objects.bulk_create([ItemMaterial(item=item, name=m, order=k) for k, m in enumerate(materials)])
            if round_ == 0:
                items[name] = item
    bundles = {}
    for k, (name, topic, dept, members, pop) in enumerate(BUNDLES):
        bundle = Bundle.objects.create(code=f"YJS-SC-{k + 1:03d}", name=name, audience=items[members[0]].audience if k not in (1, 7) else Audience.ENTERPRISE,
                                       topic=topics[topic], lead_department=depts[dept], modelled=False, popularity=pop)
        BundleMember.objects.bulk_create([BundleMember(bundle=bundle, item=items[m], order=j) for j, m in enumerate(members)])
        bundles[name] = bundle
    return {"items": items, "bundles": bundles, "topics": topics, "departments": depts}
