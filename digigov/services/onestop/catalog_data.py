"""The demo city's service item catalog (政务服务事项目录): the topics, the real items a Chinese city offers
and the generator of the rest.

* ``TOPICS`` — the ways in for people who do not know an item's name: 11 life events (个人) and 4 enterprise
  stages (法人), with the colloquial words people use for them. Codes are stable: other slices (bundles,
  search, 智能推荐) look topics up by code.
* ``REAL_ITEMS`` — items as the national basic catalog lists them (names, types, legal basis with the article,
  acceptance conditions, materials with original/copy and the e-licence type (``support.license.catalog``
  code) or shared-data source (``prefill.SOURCES`` key) that replaces them, fee standards, statutory and
  promised working days, online depth, visits, 全市通办, the workflow process that runs it where one exists,
  colloquial keywords). The competent department is named by its unit code in the demo city
  (``digigov/core/org/demo.py``); a unit missing from a smaller database falls back to its parent bureau.
  The member items of the eight modelled 一件事 (新生儿出生, 企业开办, 退休, 不动产转移登记, 开办餐饮店,
  身后事, 入学, 失业/就业) are the bundles' own and are not listed here — except the two items whose
  processes already run stand-alone (个体工商户设立登记, 食品经营许可): a bundle reuses them by process key.
* ``generated_items(rng, n)`` — the rest of the ~3,000 implementing items a city of this size lists: real
  objects × the verbs of their item type, implemented by the city bureau or a county's bureau of the same
  line, with the line's own laws, materials and fees. No placeholder text.

Each material: ``(name, form, licence type code, shared source, required)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- topics ----------------------------------------------------------------------------------------
# (code, name, kind, description, colloquial words)
TOPICS: tuple[tuple[str, str, str, str, str], ...] = (
    ("birth", "出生", "life", "孩子出生后的证明、户口、医保和疫苗", "生孩子 孩子出生 新生儿 宝宝 上户口 出生证"),
    ("school", "上学", "life", "入学、转学、资助和教师资格", "上学 入学 转学 助学贷款 读书 学校"),
    ("employment", "就业", "life", "找工作、创业、技能培训和劳动争议", "找工作 就业 创业 失业 培训补贴 劳动仲裁 档案"),
    ("marriage", "结婚", "life", "结婚、离婚和婚姻证件", "结婚 领证 离婚 结婚证 婚姻登记"),
    ("childbearing", "生育", "life", "生育登记、生育津贴和生育医疗费用", "生孩子 怀孕 生育津贴 产假 生育保险 准生证"),
    ("housing", "购房", "life", "买房、贷款、公积金和住房保障", "买房 房本 房产证 公积金贷款 公租房 网签"),
    ("medical", "就医", "life", "医保待遇、异地就医和报销", "看病 医保 报销 异地就医 慢性病 门诊"),
    ("retirement", "退休", "life", "养老保险参保、转移和老年人待遇", "养老 退休 养老金 老年证 高龄补贴"),
    ("posthumous", "身后事", "life", "亲人去世后的继承、公证和殡葬", "去世 死亡 继承 遗产 丧葬 殡葬 公墓"),
    ("household", "户籍", "life", "户口、身份证和居住证", "户口 身份证 居住证 迁户口 落户 改名"),
    ("travel", "出行", "life", "驾驶证、机动车、出入境证件", "驾照 驾驶证 开车 车辆 护照 港澳通行证 出国"),
    ("start", "开办", "stage", "个体户、合作社和企业设立", "开公司 办执照 注册公司 个体户 开店 创业"),
    ("operate", "经营", "stage", "经营许可、资质和生产建设审批", "许可证 经营许可 资质 施工 排污 运输"),
    ("change", "变更", "stage", "登记事项和许可事项的变更、补领", "变更 换法人 改地址 改名字 执照丢了 补照"),
    ("close", "注销", "stage", "企业、个体户和许可的注销", "注销 关门 不干了 歇业 清算"),
)

M = tuple  # a material row, see the module docstring


def mat(name: str, form: str = "original", lic: str = "", src: str = "", required: bool = True) -> tuple:
    return (name, form, lic, src, required)


# common materials
ID = mat("居民身份证", "original", "100000PSB001", "household")
HUKOU = mat("居民户口簿", "original", "100000PSB002", "household")
PHOTO = mat("近期免冠白底证件照片", "electronic")
LICENCE = mat("营业执照", "copy", "100000SAMR001", "enterprise_registration")
IND_LICENCE = mat("个体工商户营业执照", "copy", "100000SAMR005")
AGENT = mat("授权委托书及受托人身份证明", "original", required=False)
MARRIAGE = mat("结婚证", "original", "100000CA001", "marriage")
PROPERTY = mat("不动产权证书", "original", "100000NR001", "real_estate")
SSCARD = mat("社会保障卡", "original", "100000HRSS001", "social_insurance")
MEDCARD = mat("医疗保障凭证", "electronic", "100000HSA001", "social_insurance")
HPF_PROOF = mat("住房公积金缴存证明", "original", "210600HPF001", "housing_fund")
DRIVING = mat("机动车驾驶证", "original", "100000PSB003")
VEHICLE = mat("机动车行驶证", "original", "100000PSB004")
APPLY = "申请书"


def form_(name: str) -> tuple:
    """A filled-in application form (the item's online form replaces it when applied for online)."""
    return mat(name, "original")


@dataclass(frozen=True)
class RealItem:
    main: int  # the basic code's main-item number
    item_type: str  # ItemType value
    name: str
    audience: str  # person | enterprise | both
    department: str  # demo city unit code
    topics: tuple[str, ...]
    legal_basis: str
    conditions: str
    materials: tuple = ()
    fees: tuple = ()  # (name, amount in cents, basis)
    statutory_days: int | None = None
    promised_days: int | None = None
    online_depth: int = 4
    visits: int = 0
    citywide: bool = False
    process: str = ""  # workflow process key
    keywords: str = ""
    popularity: int = 0
    sub: int = 0
    steps: tuple[str, ...] = field(default=("申请", "受理", "审查", "决定", "送达"))


LICENSING, PENALTY, LEVY, BENEFIT, CONFIRMATION, REWARD, RULING, OTHER, PUBLIC = "01", "02", "04", "05", "07", "08", "09", "10", "20"
SERVICE_STEPS = ("申请", "受理", "办结")
P, E, B = "person", "enterprise", "both"

REAL_ITEMS: tuple[RealItem, ...] = (
    # --- 户籍 -------------------------------------------------------------------------------------
    RealItem(101, PUBLIC, "居民身份证换领", P, "CITY-PSB-03", ("household",),
             "《中华人民共和国居民身份证法》第十一条：居民身份证有效期满、公民姓名变更或者证件严重损坏不能辨认的，应当申请换领新证。",
             "本市户籍居民身份证有效期满、即将期满（三个月内）或证件严重损坏；省内户籍居民可在本市任一户政窗口异地换领。",
             (ID, HUKOU, mat("数码相片采集回执", "original", required=False)),
             fees=(("居民身份证工本费（换领）", 2000, "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）"),),
             statutory_days=60, promised_days=20, online_depth=2, visits=1, citywide=True,
             keywords="身份证到期 换身份证 身份证过期 二代证", popularity=86500, steps=("申请", "采集指纹和相片", "受理", "制证", "领取")),
    RealItem(101, PUBLIC, "居民身份证补领", P, "CITY-PSB-03", ("household",),
             "《中华人民共和国居民身份证法》第十一条：居民身份证丢失的，应当申请补领。",
             "居民身份证丢失或被盗；补领期间可申领临时居民身份证。",
             (HUKOU, mat("挂失声明或报案回执", "original", required=False)),
             fees=(("居民身份证工本费（补领）", 4000, "发改价格〔2003〕2322号"),), statutory_days=60, promised_days=20,
             online_depth=2, visits=1, citywide=True, keywords="身份证丢了 身份证掉了 补身份证 身份证被偷", popularity=41200, sub=1,
             steps=("申请", "采集指纹和相片", "受理", "制证", "领取")),
    RealItem(102, PUBLIC, "临时居民身份证申领", P, "CITY-PSB-03", ("household",),
             "《中华人民共和国临时居民身份证管理办法》第三条。",
             "正在申领、换领、补领居民身份证期间，急需使用居民身份证的本市户籍居民。",
             (HUKOU, mat("居民身份证申领受理回执", "original")),
             fees=(("临时居民身份证工本费", 1000, "发改价格〔2003〕2322号"),), statutory_days=3, promised_days=1, online_depth=1, visits=1,
             citywide=True, keywords="临时身份证 临时证", popularity=15800, steps=SERVICE_STEPS),
    RealItem(103, CONFIRMATION, "户口迁入（投靠落户）", P, "CITY-PSB-03", ("household",),
             "《中华人民共和国户口登记条例》第十三条；《国务院关于进一步推进户籍制度改革的意见》（国发〔2014〕25号）。",
             "夫妻投靠、子女投靠父母、父母投靠子女，投靠人在本市有合法稳定住所。",
             (ID, HUKOU, mat("亲属关系证明（结婚证、出生医学证明等）", "copy", "100000CA001", "marriage"), PROPERTY),
             statutory_days=20, promised_days=5, online_depth=3, visits=1, keywords="落户 迁户口 投靠 户口迁移 上户口", popularity=23600,
             steps=("申请", "受理", "审核", "签发准予迁入证明", "办理落户")),
    RealItem(104, CONFIRMATION, "户口登记项目变更更正（姓名变更）", P, "CITY-PSB-03", ("household",),
             "《中华人民共和国户口登记条例》第十八条；《中华人民共和国民法典》第一千零一十二条。",
             "未满十八周岁由父母或监护人申请变更姓名；十八周岁以上本人申请，有正当理由。",
             (ID, HUKOU, mat("变更姓名申请及理由说明", "original")),
             statutory_days=20, promised_days=10, online_depth=2, visits=1, keywords="改名字 改名 更名 改姓", popularity=6400, sub=1),
    RealItem(105, PUBLIC, "居住证申领", P, "CITY-PSB-03", ("household",),
             "《居住证暂行条例》第二条、第九条。",
             "离开常住户口所在地到本市居住半年以上，有合法稳定就业、合法稳定住所或连续就读之一的。",
             (ID, mat("居住登记凭证", "original"), mat("合法稳定就业、住所或就读证明", "copy", src="social_insurance"), PHOTO),
             statutory_days=15, promised_days=7, online_depth=4, citywide=True, keywords="居住证 暂住证 外地人 积分落户", popularity=31200),
    RealItem(106, PUBLIC, "户籍证明开具", P, "CITY-PSB-03", ("household",),
             "《公安部关于规范和减少各类证明的通知》；《中华人民共和国户口登记条例》。",
             "需要证明本人户籍信息且无法以户口簿替代的本市户籍居民。", (ID,),
             statutory_days=1, promised_days=0, online_depth=4, citywide=True, keywords="户口证明 户籍证明 户籍信息 开证明",
             popularity=52400, steps=SERVICE_STEPS),
    # --- 出行 -------------------------------------------------------------------------------------
    RealItem(201, LICENSING, "机动车驾驶证期满换证", P, "CITY-PSB-01-03", ("travel",),
             "《中华人民共和国道路交通安全法》第十九条；《机动车驾驶证申领和使用规定》（公安部令第162号）第五十六条。",
             "机动车驾驶证有效期满前九十日内；身体条件符合申请驾驶相应车型的要求。",
             (ID, DRIVING, mat("机动车驾驶人身体条件证明", "electronic")),
             fees=(("机动车驾驶证工本费", 1000, "《国家发展改革委 财政部关于公安部门收取的机动车号牌工本费等收费标准的通知》（发改价格〔2004〕2831号）"),),
             statutory_days=1, promised_days=0, online_depth=4, citywide=True, keywords="驾照到期 换驾照 驾驶证过期 换本",
             popularity=64800),
    RealItem(201, LICENSING, "机动车驾驶证遗失补证", P, "CITY-PSB-01-03", ("travel",),
             "《机动车驾驶证申领和使用规定》（公安部令第162号）第六十条。",
             "机动车驾驶证遗失、损毁无法辨认，且驾驶证未被扣押、扣留、暂扣。", (ID,),
             fees=(("机动车驾驶证工本费", 1000, "发改价格〔2004〕2831号"),), statutory_days=1, promised_days=0, online_depth=4, citywide=True,
             keywords="驾照丢了 驾驶证丢了 补驾照", popularity=18400, sub=1),
    RealItem(202, CONFIRMATION, "机动车注册登记", B, "CITY-PSB-01-03", ("travel",),
             "《中华人民共和国道路交通安全法》第八条；《机动车登记规定》（公安部令第164号）第十一条。",
             "初次申领机动车号牌、行驶证的机动车，已交验车辆并缴纳车辆购置税。",
             (ID, mat("机动车整车出厂合格证明或进口凭证", "original"), mat("购车发票", "original"), mat("机动车交通事故责任强制保险凭证", "electronic")),
             fees=(("汽车号牌工本费", 10000, "发改价格〔2004〕2831号"), ("机动车行驶证工本费", 1000, "发改价格〔2004〕2831号")),
             statutory_days=2, promised_days=1, online_depth=3, visits=1, keywords="新车上牌 上牌照 买车上户 车辆登记", popularity=42100,
             steps=("申请", "查验车辆", "受理", "选号", "核发号牌")),
    RealItem(203, CONFIRMATION, "机动车检验标志核发", B, "CITY-PSB-01-03", ("travel",),
             "《中华人民共和国道路交通安全法》第十三条；《机动车登记规定》第五十四条。",
             "机动车在检验有效期内已经安全技术检验合格，或符合免检条件。", (VEHICLE, mat("机动车交通事故责任强制保险凭证", "electronic")),
             statutory_days=1, promised_days=0, online_depth=4, citywide=True, keywords="年检 车检 验车 电子检验标志 六年免检",
             popularity=98600),
    RealItem(204, PUBLIC, "交通违法处理", P, "CITY-PSB-01", ("travel",),
             "《中华人民共和国道路交通安全法》第一百零七条；《道路交通安全违法行为处理程序规定》（公安部令第157号）。",
             "本人驾驶的机动车有未处理的非现场交通违法记录。", (ID, DRIVING),
             statutory_days=1, promised_days=0, online_depth=4, citywide=True, keywords="违章 处理违章 交罚款 扣分 闯红灯", popularity=132000,
             steps=SERVICE_STEPS),
    RealItem(205, LICENSING, "普通护照签发", P, "CITY-PSB-02", ("travel",),
             "《中华人民共和国护照法》第五条、第六条。",
             "中国公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务原因出国。",
             (ID, PHOTO, mat("国家工作人员出入境审批意见", "original", required=False)),
             fees=(("普通护照工本费", 12000, "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）"),),
             statutory_days=15, promised_days=7, online_depth=2, visits=1, citywide=True, keywords="办护照 出国 护照", popularity=38400,
             steps=("预约", "采集指纹和相片", "受理", "审批", "制证", "领取")),
    RealItem(206, LICENSING, "往来港澳通行证及签注签发", P, "CITY-PSB-02", ("travel",),
             "《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》第三条。",
             "内地居民因私事前往香港、澳门地区。", (ID, PHOTO),
             fees=(("往来港澳通行证（电子）工本费", 6000, "发改价格〔2019〕914号"), ("签注（一次有效）", 1500, "发改价格〔2019〕914号")),
             statutory_days=10, promised_days=7, online_depth=3, visits=1, citywide=True, keywords="港澳通行证 去香港 去澳门 签注 港澳签注",
             popularity=45600, steps=("预约", "采集相片", "受理", "审批", "制证", "领取")),
    RealItem(207, LICENSING, "往来台湾通行证及签注签发", P, "CITY-PSB-02", ("travel",),
             "《中国公民往来台湾地区管理办法》第五条。",
             "大陆居民因私事前往台湾地区。", (ID, PHOTO),
             fees=(("往来台湾通行证（电子）工本费", 6000, "发改价格〔2019〕914号"),), statutory_days=15, promised_days=10, online_depth=3, visits=1,
             citywide=True, keywords="台湾通行证 去台湾 台湾签注", popularity=3900),
    RealItem(208, LICENSING, "网络预约出租汽车驾驶员证核发", P, "CITY-TRA", ("travel", "employment"),
             "《网络预约出租汽车经营服务管理暂行办法》第十四条、第十五条。",
             "取得相应准驾车型机动车驾驶证并具有三年以上驾驶经历，无交通肇事犯罪、危险驾驶犯罪记录，无吸毒记录，通过从业资格考试。",
             (ID, DRIVING, mat("无犯罪记录证明", "original")), statutory_days=20, promised_days=10, online_depth=3, visits=1,
             keywords="网约车 开滴滴 网约车司机 从业资格", popularity=5200),
    RealItem(209, LICENSING, "道路运输从业人员从业资格证核发（经营性道路货物运输驾驶员）", P, "CITY-TRA", ("travel", "employment"),
             "《中华人民共和国道路运输条例》第九条、第二十二条；《道路运输从业人员管理规定》第六条。",
             "取得相应的机动车驾驶证；年龄不超过60周岁；经考试合格。", (ID, DRIVING),
             statutory_days=10, promised_days=5, online_depth=4, keywords="货车司机 从业资格证 货运资格证 大车司机", popularity=7600,
             ),
    # --- 结婚 / 生育 --------------------------------------------------------------------------------
    RealItem(301, CONFIRMATION, "内地居民结婚登记", P, "CITY-CA-03", ("marriage",),
             "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》第四条、第五条。",
             "男年满二十二周岁、女年满二十周岁，双方完全自愿，均无配偶，无禁止结婚的亲属关系；双方亲自到场。",
             (ID, HUKOU, mat("本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明", "original"),
              mat("双方近期半身免冠合影照片（2寸）", "original")),
             statutory_days=1, promised_days=0, online_depth=2, visits=1, citywide=True, keywords="领证 结婚证 登记结婚 扯证 婚姻登记",
             popularity=9800, steps=("预约", "双方到场申请", "审查", "登记颁证")),
    RealItem(302, CONFIRMATION, "内地居民离婚登记", P, "CITY-CA-03", ("marriage",),
             "《中华人民共和国民法典》第一千零七十六条、第一千零七十七条；《婚姻登记条例》第十条。",
             "双方自愿离婚并对子女抚养、财产以及债务处理等事项协商一致；提交申请之日起三十日冷静期届满后三十日内双方亲自到场申请发证。",
             (ID, HUKOU, MARRIAGE, mat("离婚协议书", "original")), statutory_days=30, promised_days=30, online_depth=2, visits=2,
             citywide=True, keywords="离婚 离婚证 协议离婚 冷静期", popularity=3100, steps=("申请", "受理", "冷静期", "审查", "登记发证")),
    RealItem(303, CONFIRMATION, "补领婚姻登记证", P, "CITY-CA-03", ("marriage",),
             "《婚姻登记条例》第十七条。", "结婚证、离婚证遗失或损毁，原婚姻登记档案可查。", (ID, HUKOU),
             statutory_days=1, promised_days=0, online_depth=3, visits=1, citywide=True, keywords="结婚证丢了 补结婚证 补办结婚证 离婚证丢了",
             popularity=2600),
    RealItem(304, PUBLIC, "生育登记服务", P, "CITY-HEA", ("childbearing", "birth"),
             "《中华人民共和国人口与计划生育法》第十八条；《辽宁省人口与计划生育条例》。",
             "夫妻一方为本市户籍或在本市居住的，生育子女前后均可登记。", (ID, MARRIAGE),
             statutory_days=1, promised_days=0, online_depth=4, citywide=True, keywords="准生证 生育服务证 怀孕登记 建卡 二胎 三胎",
             popularity=14200, steps=SERVICE_STEPS),
    RealItem(305, BENEFIT, "生育津贴支付", P, "CITY-HSA-01", ("childbearing",),
             "《中华人民共和国社会保险法》第五十四条、第五十六条；《企业职工生育保险试行办法》。",
             "参加职工基本医疗保险（生育保险）的职工，符合规定生育或实施计划生育手术。",
             (ID, mat("出生医学证明", "original", "100000HEA001", "birth_medical"), mat("用人单位出具的产假证明", "original")),
             statutory_days=20, promised_days=10, online_depth=4, keywords="生育津贴 产假工资 生育险 生育保险报销", popularity=11700),
    RealItem(306, BENEFIT, "生育医疗费用零星报销", P, "CITY-HSA-01", ("childbearing", "medical"),
             "《中华人民共和国社会保险法》第五十五条。",
             "参保职工在定点医疗机构生育、未能直接结算的生育医疗费用。",
             (ID, mat("医疗费用票据", "original"), mat("出院记录", "copy"), MEDCARD), statutory_days=20, promised_days=10, online_depth=3,
             keywords="生孩子报销 生育报销 产检报销", popularity=4300),
    # --- 出生 / 上学 ---------------------------------------------------------------------------------
    RealItem(401, PUBLIC, "出生医学证明补发", P, "CITY-HEA-03", ("birth",),
             "《中华人民共和国母婴保健法》第二十三条；《国家卫生健康委办公厅关于做好出生医学证明管理工作的通知》。",
             "出生医学证明遗失，原签发机构存有出生登记档案；未满十八周岁。",
             (mat("父母双方居民身份证", "original", "100000PSB001", "household"), mat("出生医学证明遗失情况说明", "original")),
             statutory_days=20, promised_days=10, online_depth=2, visits=1, keywords="出生证丢了 补出生证 出生医学证明补办", popularity=1900),
    RealItem(402, PUBLIC, "托育机构备案", E, "CITY-HEA", ("birth", "start"),
             "《托育机构设置标准（试行）》《托育机构管理规范（试行）》（国卫人口发〔2019〕58号）。",
             "依法登记的托育机构，场地、人员和设施符合托育机构设置标准。",
             (LICENCE, mat("托育机构备案书", "original"), mat("场地证明", "copy"), mat("消防验收合格证明", "copy")),
             statutory_days=15, promised_days=5, online_depth=4, keywords="托育 托儿所 婴幼儿照护 早教", popularity=120),
    RealItem(501, PUBLIC, "中小学生转学办理", P, "CITY-EDU", ("school",),
             "《中小学生学籍管理办法》（教基一〔2013〕7号）第十五条。",
             "因户籍迁移、监护人工作调动等原因在本市就读的义务教育阶段学生需转学。",
             (HUKOU, mat("转入学校接收证明", "original"), mat("户籍迁移或居住证明", "copy", src="household")),
             statutory_days=10, promised_days=5, online_depth=3, keywords="转学 换学校 插班", popularity=5400),
    RealItem(502, BENEFIT, "普通高中国家助学金申请", P, "CITY-EDU", ("school",),
             "《普通高中国家助学金管理办法》（财教〔2024〕）；《学生资助资金管理办法》。",
             "具有正式注册学籍的普通高中在校生中家庭经济困难的学生。",
             (ID, HUKOU, mat("家庭经济困难学生认定申请表", "original")), statutory_days=30, promised_days=20, online_depth=3,
             keywords="助学金 贫困生补助 高中补助", popularity=6100),
    RealItem(503, PUBLIC, "生源地信用助学贷款申请", P, "CITY-EDU-03", ("school",),
             "《财政部 教育部 人民银行 银保监会关于进一步完善国家助学贷款政策的通知》（财教〔2020〕）。",
             "本市户籍、被全日制普通高校录取或在读的家庭经济困难学生，学生和共同借款人均具有完全民事行为能力。",
             (ID, HUKOU, mat("录取通知书或学生证", "copy"), mat("共同借款人身份证", "original")), statutory_days=20, promised_days=10,
             online_depth=3, visits=1, keywords="助学贷款 上大学贷款 学费贷款", popularity=8800),
    RealItem(504, LICENSING, "教师资格认定", P, "CITY-EDU", ("school", "employment"),
             "《中华人民共和国教师法》第十条至第十三条；《教师资格条例》第十三条。",
             "具备规定学历、教育教学能力，通过国家教师资格考试，体检合格，普通话水平达到相应等级。",
             (ID, mat("学历证书", "copy"), mat("国家教师资格考试合格证明", "electronic"), mat("体检合格证明", "original"),
              mat("普通话水平测试等级证书", "copy")), statutory_days=30, promised_days=20, online_depth=3, visits=1,
             keywords="教师资格证 教资 当老师", popularity=7300),
    RealItem(505, LICENSING, "民办学校设立审批", E, "CITY-EDU", ("start",),
             "《中华人民共和国民办教育促进法》第十二条、第十四条；《中华人民共和国民办教育促进法实施条例》。",
             "举办者具备相应条件，有规范的名称、章程、组织机构、教师队伍、办学场所和设施设备。",
             (mat("申办报告", "original"), mat("举办者资格证明", "copy"), mat("资产来源和验资证明", "original"), mat("学校章程", "original")),
             statutory_days=90, promised_days=60, online_depth=2, visits=1, keywords="办学校 民办学校 办学许可证", popularity=30),
    RealItem(506, LICENSING, "校外培训机构设立审批（文化艺术类）", E, "CITY-CUL", ("start",),
             "《中华人民共和国民办教育促进法》第十八条；《校外培训机构从业人员管理办法（试行）》。",
             "有符合规定的举办者、场所、师资和培训内容，不得开展学科类培训。",
             (mat("设立申请书", "original"), mat("场地证明", "copy"), mat("从业人员资质证明", "copy"), mat("培训章程", "original")),
             statutory_days=60, promised_days=30, online_depth=3, keywords="培训班 辅导班 艺术培训 开培训机构", popularity=60),
    # --- 就业 -------------------------------------------------------------------------------------
    RealItem(601, BENEFIT, "职业技能提升补贴申领", P, "CITY-HRSS-02", ("employment",),
             "《中华人民共和国就业促进法》第四十九条；《人力资源社会保障部 财政部关于失业保险支持参保职工提升职业技能有关问题的通知》。",
             "参加失业保险一年以上的企业职工，取得职业资格证书或职业技能等级证书。", (ID, SSCARD, mat("职业资格证书或技能等级证书", "electronic")),
             statutory_days=20, promised_days=10, online_depth=4, keywords="技能补贴 考证补贴 电工证补贴 技能提升", popularity=9200),
    RealItem(602, BENEFIT, "创业担保贷款申请", P, "CITY-HRSS-02", ("employment", "start"),
             "《财政部 人力资源社会保障部 中国人民银行关于进一步加大创业担保贷款贴息力度全力支持重点群体创业就业的通知》（财金〔2020〕21号）。",
             "城镇登记失业人员、就业困难人员、返乡创业农民工、高校毕业生等在本市创业，个人贷款最高30万元。",
             (ID, IND_LICENCE, mat("创业项目计划书", "original")), statutory_days=20, promised_days=10, online_depth=3, visits=1,
             keywords="创业贷款 贴息贷款 小额贷款 创业补贴", popularity=1800),
    RealItem(603, PUBLIC, "流动人员人事档案接收", P, "CITY-HRSS-02", ("employment",),
             "《流动人员人事档案管理服务规定》（人社部发〔2021〕112号）第七条。",
             "未就业高校毕业生、辞职辞退人员等需由公共就业和人才服务机构管理档案的流动人员。",
             (ID, mat("档案转递通知单", "original")), statutory_days=5, promised_days=1, online_depth=3, visits=1,
             keywords="档案 存档案 人事档案 档案托管 调档", popularity=7900, steps=SERVICE_STEPS),
    RealItem(604, RULING, "劳动人事争议仲裁申请", P, "CITY-HRSS-03", ("employment",),
             "《中华人民共和国劳动争议调解仲裁法》第二十七条、第二十八条。",
             "与用人单位发生劳动人事争议，在知道或应当知道权利被侵害之日起一年内申请。",
             (ID, mat("仲裁申请书", "original"), mat("劳动关系证明材料", "copy"), mat("用人单位登记信息", "electronic", src="enterprise_registration")),
             statutory_days=45, promised_days=45, online_depth=3, visits=1, keywords="劳动仲裁 拖欠工资 讨薪 被辞退 赔偿",
             popularity=4700, steps=("申请", "受理", "调解", "开庭", "裁决")),
    RealItem(605, LICENSING, "人力资源服务许可", E, "CITY-HRSS", ("operate",),
             "《人力资源市场暂行条例》第十八条。", "有明确的业务范围、固定场所、相应专业人员和健全的管理制度。",
             (LICENCE, mat("服务场所证明", "copy"), mat("专职工作人员名单及资格证明", "copy")), statutory_days=20, promised_days=5,
             online_depth=4, keywords="职业中介 猎头 人力资源公司", popularity=90),
    RealItem(606, LICENSING, "劳务派遣经营许可", E, "CITY-HRSS", ("operate",),
             "《中华人民共和国劳动合同法》第五十七条；《劳务派遣行政许可实施办法》。",
             "注册资本不少于人民币二百万元，有与开展业务相适应的固定经营场所和设施。",
             (LICENCE, mat("验资证明或实缴资本证明", "copy"), mat("劳务派遣管理制度", "original")), statutory_days=20, promised_days=10,
             online_depth=4, keywords="劳务派遣 派遣证", popularity=60),
    # --- 购房 -------------------------------------------------------------------------------------
    RealItem(701, CONFIRMATION, "不动产抵押权首次登记", B, "CITY-NR-01", ("housing",),
             "《中华人民共和国民法典》第四百零二条；《不动产登记暂行条例》第五条、第十四条。",
             "以不动产设定抵押，抵押合同已签订，当事人双方共同申请。",
             (ID, PROPERTY, mat("主债权合同和抵押合同", "original")),
             fees=(("不动产登记费（抵押权登记）", 8000, "《财政部 国家发展改革委关于不动产登记收费标准等有关问题的通知》（财税〔2016〕79号）"),),
             statutory_days=30, promised_days=1, online_depth=4, keywords="房屋抵押 房贷抵押 抵押登记 银行贷款", popularity=26300,
             steps=("申请", "受理", "审核", "登簿", "发证")),
    RealItem(702, PUBLIC, "不动产登记资料查询", P, "CITY-NR-01", ("housing",),
             "《不动产登记资料查询暂行办法》（国土资源部令第80号）第十四条。",
             "权利人、利害关系人依法查询不动产登记结果。", (ID,),
             statutory_days=1, promised_days=0, online_depth=4, citywide=True, keywords="查房产 房产查询 查房子 名下房产 无房证明",
             popularity=71200, steps=SERVICE_STEPS),
    RealItem(703, CONFIRMATION, "不动产权证书补发换发", P, "CITY-NR-01", ("housing",),
             "《不动产登记暂行条例实施细则》第二十二条。", "不动产权证书遗失、灭失或破损。",
             (ID, mat("遗失声明", "original", required=False)),
             fees=(("不动产权证书工本费", 1000, "财税〔2016〕79号"),), statutory_days=30, promised_days=10, online_depth=3, visits=1,
             keywords="房本丢了 补房本 房产证丢了 换房产证", popularity=2900),
    RealItem(704, CONFIRMATION, "商品房买卖合同网签备案", B, "CITY-HUD", ("housing",),
             "《城市房地产开发经营管理条例》第二十八条；《城市商品房预售管理办法》第十条。",
             "买卖双方已签订商品房买卖合同，房屋已取得预售许可或现售备案。", (ID, mat("商品房买卖合同", "electronic")),
             statutory_days=7, promised_days=1, online_depth=4, keywords="网签 备案 买新房 购房合同", popularity=22400),
    RealItem(705, BENEFIT, "公共租赁住房申请", P, "CITY-HUD-03", ("housing",),
             "《公共租赁住房管理办法》（住房和城乡建设部令第11号）第七条。",
             "本市城镇中等偏下收入住房困难家庭、新就业无房职工和稳定就业的外来务工人员。",
             (ID, HUKOU, mat("家庭收入证明", "original"), mat("住房情况证明", "electronic", src="real_estate")), statutory_days=45,
             promised_days=30, online_depth=3, keywords="公租房 廉租房 保障房 租房补贴", popularity=3600,
             steps=("申请", "受理", "街道初审", "部门联审", "公示", "配租")),
    RealItem(706, BENEFIT, "住房公积金个人住房贷款", P, "CITY-HPF", ("housing",),
             "《住房公积金管理条例》第二十六条。",
             "连续足额缴存住房公积金六个月以上，购买、建造、翻建、大修自住住房。",
             (ID, MARRIAGE, mat("购房合同", "original"), HPF_PROOF), statutory_days=15, promised_days=10, online_depth=3, visits=1,
             keywords="公积金贷款 公基金贷款 买房贷款", popularity=12600),
    RealItem(707, BENEFIT, "住房公积金提取（购买住房）", P, "CITY-HPF", ("housing",),
             "《住房公积金管理条例》第二十四条第一款第（一）项。",
             "购买自住住房（含二手房）的缴存职工及配偶，提取额不超过购房款。",
             (ID, mat("购房合同或不动产权证书", "copy", "100000NR001", "real_estate"), HPF_PROOF), statutory_days=3, promised_days=0,
             online_depth=4, citywide=True, keywords="公积金提取 取公积金 公积金怎么取 公基金 买房提公积金", popularity=88300,
             steps=SERVICE_STEPS),
    RealItem(707, BENEFIT, "住房公积金提取（租赁住房）", P, "CITY-HPF", ("housing",),
             "《住房公积金管理条例》第二十四条；《住房城乡建设部 财政部 人民银行关于放宽提取住房公积金支付房租条件的通知》。",
             "本人及配偶在本市无自有住房且租赁住房的缴存职工。", (ID, mat("本人及配偶名下无房信息", "electronic", src="real_estate"), HPF_PROOF),
             statutory_days=3, promised_days=0, online_depth=4, citywide=True, keywords="租房提取公积金 公积金付房租 提公积金",
             popularity=56100, sub=1, steps=SERVICE_STEPS),
    RealItem(708, PUBLIC, "住房公积金缴存证明开具", P, "CITY-HPF", ("housing",),
             "《住房公积金管理条例》。", "在本市缴存住房公积金的职工。", (ID,), statutory_days=1, promised_days=0, online_depth=4,
             citywide=True, keywords="公积金证明 缴存证明 公积金缴存", popularity=19800, steps=SERVICE_STEPS),
    RealItem(709, LICENSING, "商品房预售许可", E, "CITY-HUD", ("operate",),
             "《中华人民共和国城市房地产管理法》第四十五条；《城市商品房预售管理办法》第六条、第七条。",
             "已交付全部土地使用权出让金，取得土地使用权证书；持有建设工程规划许可证和施工许可证；投入开发建设的资金达到工程建设总投资的25%以上。",
             (LICENCE, mat("建设工程规划许可证", "copy", "100000NR002"), mat("建筑工程施工许可证", "copy", "100000HUD001"),
              mat("商品房预售方案", "original")), statutory_days=10, promised_days=5, online_depth=3, keywords="预售证 卖房许可 开发商 楼盘",
             popularity=70),
    # --- 就医 -------------------------------------------------------------------------------------
    RealItem(801, PUBLIC, "异地就医备案", P, "CITY-HSA-01", ("medical",),
             "《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）。",
             "参加本市基本医疗保险的异地长期居住人员、常驻异地工作人员、异地转诊人员和临时外出就医人员。", (ID, MEDCARD),
             statutory_days=1, promised_days=0, online_depth=4, citywide=True, keywords="异地就医 外地看病 异地报销 跨省就医 备案",
             popularity=48700, steps=SERVICE_STEPS),
    RealItem(802, PUBLIC, "基本医疗保险关系转移接续", P, "CITY-HSA-01", ("medical", "employment"),
             "《中华人民共和国社会保险法》第三十二条；《流动就业人员基本医疗保障关系转移接续暂行办法》。",
             "跨统筹地区流动就业，已在转出地参加基本医疗保险并办理中止参保。", (ID, MEDCARD), statutory_days=15, promised_days=10,
             online_depth=4, citywide=True, keywords="医保转移 医保转过来 换工作医保", popularity=13400),
    RealItem(803, CONFIRMATION, "门诊慢特病待遇认定", P, "CITY-HSA-01", ("medical",),
             "《国家医疗保障局办公室关于健全完善门诊慢特病医疗保障工作的通知》；《辽宁省基本医疗保险门诊慢特病病种目录》。",
             "参保人员患有规定的门诊慢性病、特殊疾病，经定点医疗机构诊断符合认定标准。",
             (ID, MEDCARD, mat("二级以上医疗机构诊断证明及检查报告", "copy")), statutory_days=20, promised_days=10, online_depth=3,
             keywords="慢病 慢性病 特殊病 门特 高血压报销 糖尿病", popularity=21300),
    RealItem(804, BENEFIT, "医疗费用手工（零星）报销", P, "CITY-HSA-01", ("medical",),
             "《中华人民共和国社会保险法》第二十八条、第二十九条。",
             "参保人员因急诊抢救、未持卡就医等原因未能直接结算的合规医疗费用。",
             (ID, MEDCARD, mat("医疗费用收据", "original"), mat("费用明细清单", "original"), mat("出院记录或诊断证明", "copy")),
             statutory_days=30, promised_days=20, online_depth=3, visits=1, keywords="医药费报销 看病报销 住院报销 手工报销",
             popularity=26500),
    RealItem(805, LEVY, "城乡居民基本医疗保险费缴纳", P, "CITY-HSA-01", ("medical",),
             "《中华人民共和国社会保险法》第二十五条；《国家医保局 财政部 国家税务总局关于做好城乡居民基本医疗保障工作的通知》。",
             "未参加职工基本医疗保险的本市城乡居民，每年集中缴费期内缴纳次年费用。", (ID,),
             fees=(("城乡居民基本医疗保险个人缴费（成年居民，年）", 40000, "《国家医保局 财政部 国家税务总局关于做好2025年城乡居民基本医疗保障有关工作的通知》"),),
             statutory_days=1, promised_days=0, online_depth=4, citywide=True, keywords="医保缴费 交医保 居民医保 农合 新农合",
             popularity=215000, steps=("申报", "缴费", "到账")),
    RealItem(806, LICENSING, "医师执业注册", P, "CITY-HEA", ("employment", "medical"),
             "《中华人民共和国医师法》第十三条；《医师执业注册管理办法》第九条。",
             "取得医师资格，拟在本市医疗、预防、保健机构执业。",
             (ID, mat("医师资格证书", "copy", "100000HEA003"), mat("拟执业机构聘用证明", "original"), mat("六个月内健康体检证明", "original")),
             statutory_days=20, promised_days=5, online_depth=4, keywords="医生执业证 执业医师注册 变更执业地点", popularity=2400),
    RealItem(807, LICENSING, "医疗机构执业登记（诊所备案）", E, "CITY-HEA", ("start", "operate"),
             "《医疗机构管理条例》第九条；《国家卫生健康委 国家中医药局关于印发诊所备案管理暂行办法的通知》。",
             "有与开展诊疗科目相适应的房屋、设备、卫生技术人员，符合诊所基本标准。",
             (mat("诊所备案信息表", "original"), mat("医师执业证书", "copy", "100000HEA002"), mat("房屋产权证明或租赁合同", "copy")),
             statutory_days=45, promised_days=20, online_depth=3, visits=1, keywords="开诊所 开牙科 医疗机构许可证 门诊部", popularity=180),
    RealItem(808, LICENSING, "公共场所卫生许可", E, "CITY-HEA", ("operate",),
             "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条。",
             "住宿、游泳、沐浴、美容美发等公共场所，卫生设施和从业人员健康合格证明符合要求。",
             (LICENCE, mat("公共场所卫生许可申请表", "original"), mat("卫生检测报告", "original"), mat("从业人员健康合格证明", "copy")),
             statutory_days=20, promised_days=5, online_depth=4, keywords="卫生许可证 理发店 美容院 宾馆 游泳馆 洗浴", popularity=1600),
    # --- 退休 / 老年 --------------------------------------------------------------------------------
    RealItem(901, CONFIRMATION, "城乡居民基本养老保险参保登记", P, "CITY-HRSS-01", ("retirement",),
             "《中华人民共和国社会保险法》第二十条；《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）。",
             "年满十六周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险制度覆盖范围的本市户籍居民。",
             (ID, HUKOU), statutory_days=10, promised_days=5, online_depth=4, citywide=True, process="resident_pension_enrolment",
             keywords="农村养老保险 新农保 居民养老 交养老保险 城乡居民养老", popularity=16800, steps=("申请", "受理", "审核", "登记")),
    RealItem(902, PUBLIC, "基本养老保险关系转移接续", P, "CITY-HRSS-01", ("retirement", "employment"),
             "《中华人民共和国社会保险法》第十九条；《城镇企业职工基本养老保险关系转移接续暂行办法》（国办发〔2009〕66号）。",
             "参保人员跨省、跨统筹地区流动就业，已在转出地参保缴费。", (ID, SSCARD), statutory_days=45, promised_days=15, online_depth=4,
             citywide=True, keywords="社保转移 养老保险转移 社保转过来 换城市社保", popularity=18900),
    RealItem(903, PUBLIC, "个人社会保险权益记录查询打印", P, "CITY-HRSS-01", ("retirement", "employment"),
             "《中华人民共和国社会保险法》第七十四条。", "在本市参加社会保险的个人。", (ID,), statutory_days=1, promised_days=0, online_depth=4,
             citywide=True, keywords="社保缴费记录 社保证明 参保证明 打印社保 社保查询 社宝", popularity=167000, steps=SERVICE_STEPS),
    RealItem(904, PUBLIC, "社会保障卡申领", P, "CITY-HRSS-01", ("retirement", "medical", "employment"),
             "《社会保障卡管理办法》（人社部发〔2011〕47号）；《中华人民共和国社会保险法》第五十八条。",
             "在本市参加社会保险的人员，首次申领社会保障卡。", (ID, PHOTO), statutory_days=20, promised_days=10, online_depth=4,
             citywide=True, keywords="社保卡 社会保障卡 办社保卡 社宝卡 医保卡 新办社保卡", popularity=58600),
    RealItem(904, PUBLIC, "社会保障卡挂失补换", P, "CITY-HRSS-01", ("retirement", "medical"),
             "《社会保障卡管理办法》（人社部发〔2011〕47号）第十六条。",
             "社会保障卡遗失、损坏或信息变更；遗失的先挂失。", (ID, PHOTO),
             fees=(("社会保障卡补换卡工本费（遗失补办）", 2000, "《辽宁省发展改革委 财政厅关于社会保障卡工本费收费标准的通知》"),),
             statutory_days=20, promised_days=5, online_depth=4, citywide=True,
             keywords="社保卡丢了 社保卡掉了 补社保卡 社宝卡丢了 医保卡丢了 社保卡坏了 挂失", popularity=43800, sub=1),
    RealItem(905, BENEFIT, "高龄津贴申领", P, "CITY-CA", ("retirement",),
             "《中华人民共和国老年人权益保障法》第三十三条；《辽宁省老年人权益保障条例》。", "本市户籍年满八十周岁的老年人。", (ID, HUKOU),
             statutory_days=20, promised_days=10, online_depth=4, keywords="高龄补贴 老人补贴 八十岁补贴 长寿金", popularity=12900),
    RealItem(906, PUBLIC, "老年人优待证办理", P, "CITY-CA", ("retirement",),
             "《中华人民共和国老年人权益保障法》第五十八条；《辽宁省老年人优待办法》。", "年满六十周岁的本市户籍或常住老年人。", (ID, PHOTO),
             statutory_days=10, promised_days=3, online_depth=4, citywide=True, keywords="老年证 老人证 免费坐公交 敬老卡", popularity=24100),
    # --- 身后事 -------------------------------------------------------------------------------------
    RealItem(1001, OTHER, "继承公证", P, "CITY-JUS-01", ("posthumous",),
             "《中华人民共和国公证法》第十一条；《中华人民共和国民法典》继承编。",
             "被继承人死亡，继承人对遗产继承无争议，全体继承人共同申请。",
             (ID, mat("被继承人死亡证明", "original"), mat("亲属关系证明", "original", src="household"), mat("遗产权属证明", "original", "100000NR001")),
             fees=(("继承公证费（按遗产价值分段累计收取）", 20000, "《辽宁省公证服务收费标准》"),), statutory_days=15, promised_days=15,
             online_depth=2, visits=2, keywords="继承 遗产 房子过户给子女 遗嘱", popularity=3700),
    RealItem(1002, LICENSING, "经营性公墓建设审批", E, "CITY-CA", ("posthumous", "operate"),
             "《殡葬管理条例》第八条。", "符合殡葬设施规划，选址不占用耕地，取得土地使用权。",
             (mat("建设申请报告", "original"), mat("项目可行性报告", "original"), mat("用地证明", "copy", "100000NR003")),
             statutory_days=20, promised_days=15, online_depth=2, visits=1, keywords="公墓 墓地 殡葬", popularity=5),
    RealItem(1003, PUBLIC, "遗体火化及骨灰寄存服务预约", P, "CITY-CA", ("posthumous",),
             "《殡葬管理条例》第四条、第十四条。", "在本市死亡的居民。", (mat("居民死亡医学证明（推断）书", "original"), ID),
             statutory_days=1, promised_days=0, online_depth=3, keywords="火化 殡仪馆 骨灰 丧事 办丧事", popularity=6900, steps=SERVICE_STEPS),
    # --- 社会救助 / 其他个人 -------------------------------------------------------------------------
    RealItem(1101, BENEFIT, "最低生活保障审核确认", P, "CITY-CA", ("employment",),
             "《社会救助暂行办法》第九条至第十一条；《最低生活保障审核确认办法》（民发〔2021〕57号）。",
             "共同生活的家庭成员人均收入低于当地最低生活保障标准，且家庭财产状况符合规定。",
             (ID, HUKOU, mat("家庭收入和财产状况申报", "original"), mat("家庭经济状况核对授权书", "original")),
             statutory_days=30, promised_days=20, online_depth=3, keywords="低保 吃低保 困难补助 贫困户", popularity=4800,
             steps=("申请", "受理", "家庭经济状况核查", "审核确认", "公示", "发放")),
    RealItem(1102, BENEFIT, "临时救助", P, "CITY-CA", ("employment", "medical"),
             "《社会救助暂行办法》第四十七条至第五十条。", "因火灾、交通事故、重大疾病等导致基本生活暂时出现严重困难的家庭或个人。",
             (ID, mat("困难情况说明及证明材料", "original")), statutory_days=15, promised_days=10, online_depth=3,
             keywords="救助 急难救助 看病没钱 生活困难", popularity=2100),
    RealItem(1103, CONFIRMATION, "残疾人证核发", P, "CITY-CA", ("medical",),
             "《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》第五条。", "符合残疾标准的本市户籍居民。",
             (ID, HUKOU, PHOTO, mat("指定医疗机构残疾评定报告", "original")), statutory_days=30, promised_days=20, online_depth=2, visits=1,
             keywords="残疾证 办残疾证 残疾人", popularity=3300),
    RealItem(1104, PUBLIC, "法律援助申请", P, "CITY-JUS-02", ("employment",),
             "《中华人民共和国法律援助法》第三十一条、第四十一条。", "经济困难，因追索劳动报酬、工伤赔偿、请求给付赡养费等需要代理的公民。",
             (ID, mat("经济困难状况说明表", "original"), mat("与所申请法律援助事项有关的材料", "copy")), statutory_days=7, promised_days=3,
             online_depth=3, keywords="免费律师 法律援助 打官司没钱 请律师", popularity=3900),
    RealItem(1105, PUBLIC, "退役军人优待证申领", P, "CITY-VET", ("employment",),
             "《中华人民共和国退役军人保障法》第六十三条；《退役军人、其他优抚对象优待证管理办法（试行）》。",
             "本市户籍退役军人、烈士遗属、因公牺牲军人遗属、病故军人遗属。", (ID, mat("退役证件", "copy"), PHOTO),
             statutory_days=30, promised_days=15, online_depth=3, keywords="优待证 退伍军人 当兵 退役", popularity=2800),
    # --- 开办 -------------------------------------------------------------------------------------
    RealItem(1201, LICENSING, "个体工商户设立登记", P, "CITY-SAMR", ("start",),
             "《促进个体工商户发展条例》第八条；《中华人民共和国市场主体登记管理条例》第三条、第八条。",
             "有经营能力的自然人（或家庭）从事工商业经营，有固定经营场所。",
             (ID, mat("个体工商户登记（备案）申请书", "original"), mat("经营场所使用证明", "copy", "100000NR001")),
             statutory_days=15, promised_days=3, online_depth=4, citywide=True, process="individual_business_registration",
             keywords="个体户 办执照 开小店 个体执照 营业执照 开店", popularity=38600, steps=("申请", "受理", "审查", "核准", "发照")),
    RealItem(1202, LICENSING, "农民专业合作社设立登记", E, "CITY-SAMR", ("start",),
             "《中华人民共和国农民专业合作社法》第十二条、第十六条；《中华人民共和国市场主体登记管理条例》。",
             "有五名以上符合规定的成员，有符合规定的章程、组织机构、名称、住所和出资。",
             (mat("设立登记申请书", "original"), mat("全体设立人签名的设立大会纪要", "original"), mat("章程", "original"),
              mat("成员名册及身份证明", "copy", src="household")), statutory_days=15, promised_days=3, online_depth=4,
             keywords="合作社 农民合作社 种植合作社 养殖合作社", popularity=420),
    RealItem(1203, LICENSING, "外商投资企业设立登记", E, "CITY-SAMR", ("start",),
             "《中华人民共和国外商投资法》第三十一条；《中华人民共和国市场主体登记管理条例》。",
             "外国投资者依法在本市投资设立有限责任公司或股份有限公司，不属于负面清单禁止领域。",
             (mat("公司登记（备案）申请书", "original"), mat("公司章程", "original"), mat("外国投资者主体资格证明（经公证认证）", "original"),
              mat("住所使用证明", "copy")), statutory_days=15, promised_days=3, online_depth=4, keywords="外资公司 外企注册 合资企业",
             popularity=35),
    # --- 经营 -------------------------------------------------------------------------------------
    RealItem(1301, LICENSING, "食品经营许可", E, "CITY-SAMR", ("operate",),
             "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）。",
             "具有与经营的食品品种、数量相适应的经营场所、设备设施、食品安全管理人员和管理制度。",
             (LICENCE, mat("食品经营许可申请书", "original"), mat("经营场所平面图和设备布局图", "original"), mat("食品安全自查、从业人员健康管理等制度", "original")),
             statutory_days=20, promised_days=10, online_depth=4, citywide=True, process="food_business_licence",
             keywords="食品许可证 开饭店 开餐馆 卖吃的 食品经营许可证 小吃店", popularity=21700,
             steps=("申请", "受理", "审查", "现场核查", "决定", "发证")),
    RealItem(1301, LICENSING, "食品经营许可变更", E, "CITY-SAMR", ("change",),
             "《食品经营许可和备案管理办法》第三十条。", "食品经营许可证载明的许可事项发生变化。",
             (LICENCE, mat("食品经营许可证", "original", "100000SAMR002"), mat("变更申请书", "original")), statutory_days=20, promised_days=5,
             online_depth=4, keywords="食品许可证变更 改经营项目", popularity=3400, sub=1),
    RealItem(1301, LICENSING, "食品经营许可注销", E, "CITY-SAMR", ("close",),
             "《食品经营许可和备案管理办法》第三十六条。", "食品经营者终止食品经营或许可证有效期届满未延续。",
             (mat("食品经营许可证", "original", "100000SAMR002"), mat("注销申请书", "original")), statutory_days=20, promised_days=1,
             online_depth=4, keywords="食品许可证注销 饭店关门", popularity=2100, sub=2),
    RealItem(1302, LICENSING, "食品生产许可", E, "CITY-SAMR", ("operate",),
             "《中华人民共和国食品安全法》第三十五条；《食品生产许可管理办法》（国家市场监督管理总局令第24号）。",
             "具有与生产的食品品种、数量相适应的生产场所、设备、专业技术人员和管理制度。",
             (LICENCE, mat("食品生产许可申请书", "original"), mat("生产设备布局图和工艺流程图", "original")), statutory_days=20,
             promised_days=10, online_depth=3, visits=1, keywords="SC证 食品厂 食品生产许可证", popularity=320),
    RealItem(1303, LICENSING, "药品零售企业经营许可", E, "CITY-SAMR", ("operate",),
             "《中华人民共和国药品管理法》第五十一条、第五十二条；《药品经营和使用质量监督管理办法》。",
             "有依法经过资格认定的药师或其他药学技术人员，有与所经营药品相适应的营业场所、设备、仓储设施和卫生环境。",
             (LICENCE, mat("药品经营许可申请表", "original"), mat("执业药师注册证", "copy"), mat("经营场所证明", "copy")),
             statutory_days=30, promised_days=15, online_depth=3, visits=1, keywords="开药店 药店许可证 药品经营许可证", popularity=260),
    RealItem(1304, CONFIRMATION, "特种设备使用登记", E, "CITY-SAMR", ("operate",),
             "《中华人民共和国特种设备安全法》第三十三条；《特种设备使用管理规则》（TSG 08）。",
             "特种设备在投入使用前或投入使用后三十日内，经监督检验合格。",
             (LICENCE, mat("特种设备使用登记表", "original"), mat("产品合格证和监督检验证明", "copy")), statutory_days=15, promised_days=5,
             online_depth=4, keywords="电梯登记 锅炉 叉车 特种设备", popularity=1900),
    RealItem(1305, LICENSING, "建设工程施工许可", E, "CITY-HUD", ("operate",),
             "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）。",
             "已办理用地批准手续，取得建设工程规划许可证，施工图设计文件已审查合格，有满足施工需要的资金安排。",
             (LICENCE, mat("建设工程规划许可证", "copy", "100000NR002"), mat("施工图审查合格书", "electronic"), mat("施工合同", "copy")),
             statutory_days=15, promised_days=7, online_depth=4, process="construction_permit",
             keywords="施工许可证 开工证 盖房子 建筑施工", popularity=640, steps=("申请", "受理", "施工图联合审查", "审查", "发证")),
    RealItem(1306, LICENSING, "建设工程规划许可", E, "CITY-NR", ("operate",),
             "《中华人民共和国城乡规划法》第四十条。", "已取得土地使用权，建设工程设计方案符合控制性详细规划和规划条件。",
             (LICENCE, mat("建设工程设计方案", "original"), mat("不动产权证书（土地）", "copy", "100000NR001")), statutory_days=20,
             promised_days=10, online_depth=4, keywords="规划许可证 工程规划证", popularity=380),
    RealItem(1307, LICENSING, "建设用地规划许可", E, "CITY-NR", ("operate",),
             "《中华人民共和国城乡规划法》第三十七条、第三十八条。", "以划拨或出让方式取得国有土地使用权的建设项目。",
             (LICENCE, mat("建设项目用地预审与选址意见书", "copy"), mat("国有土地使用权出让合同", "copy")), statutory_days=20,
             promised_days=10, online_depth=4, keywords="用地规划证 用地许可", popularity=210),
    RealItem(1308, LICENSING, "建筑业企业资质核准（施工总承包三级）", E, "CITY-HUD", ("operate",),
             "《中华人民共和国建筑法》第十三条；《建筑业企业资质管理规定》（住房和城乡建设部令第22号）。",
             "企业净资产、技术负责人、注册建造师等符合资质标准。", (LICENCE, mat("资质申请表", "original"), mat("注册人员证书", "copy")),
             statutory_days=20, promised_days=15, online_depth=4, keywords="建筑资质 施工资质 三级资质", popularity=150),
    RealItem(1309, LICENSING, "燃气经营许可", E, "CITY-HUD", ("operate",),
             "《城镇燃气管理条例》第十五条；《燃气经营许可管理办法》。", "符合燃气发展规划，有符合国家标准的燃气气源和燃气设施。",
             (LICENCE, mat("燃气经营许可申请书", "original"), mat("安全评价报告", "original")), statutory_days=20, promised_days=15,
             online_depth=3, visits=1, keywords="燃气 煤气站 液化气", popularity=12),
    RealItem(1310, LICENSING, "城市建筑垃圾处置核准", E, "CITY-URB", ("operate",),
             "《国务院对确需保留的行政审批项目设定行政许可的决定》第101项；《城市建筑垃圾管理规定》第七条。",
             "有建筑垃圾分类处置方案和消纳场地，运输车辆密闭并安装定位装置。",
             (LICENCE, mat("建筑垃圾处置方案", "original"), mat("运输车辆行驶证", "copy", "100000PSB004")), statutory_days=20, promised_days=3,
             online_depth=4, keywords="建筑垃圾 渣土 装修垃圾", popularity=1100),
    RealItem(1311, LICENSING, "设置大型户外广告审批", E, "CITY-URB", ("operate",),
             "《城市市容和环境卫生管理条例》第十一条。", "符合户外广告设置规划，设施安全牢固。",
             (LICENCE, mat("户外广告设置申请表", "original"), mat("设计效果图", "original"), mat("场地使用证明", "copy")), statutory_days=20,
             promised_days=5, online_depth=4, keywords="广告牌 户外广告 楼顶广告", popularity=680),
    RealItem(1312, LICENSING, "排污许可", E, "CITY-EE", ("operate",),
             "《排污许可管理条例》第二条、第八条。", "依法实行排污许可管理的企业事业单位，污染防治设施和排放符合要求。",
             (LICENCE, mat("排污许可证申请表", "original"), mat("自行监测方案", "original")), statutory_days=30, promised_days=15,
             online_depth=4, keywords="排污证 环保许可 排污许可证", popularity=520),
    RealItem(1313, LICENSING, "建设项目环境影响报告表审批", E, "CITY-EE", ("operate",),
             "《中华人民共和国环境影响评价法》第二十二条；《建设项目环境保护管理条例》第九条。",
             "建设项目符合生态环境分区管控要求和相关规划，污染物排放达标。",
             (LICENCE, mat("环境影响报告表", "original")), statutory_days=30, promised_days=15, online_depth=4, keywords="环评 环评审批 环境影响评价",
             popularity=740),
    RealItem(1314, LICENSING, "取水许可", E, "CITY-WR", ("operate",),
             "《中华人民共和国水法》第四十八条；《取水许可和水资源费征收管理条例》第二条。",
             "直接从江河、湖泊或地下取用水资源的单位和个人，取水符合水资源规划和用水总量控制。",
             (LICENCE, mat("取水许可申请书", "original"), mat("建设项目水资源论证报告", "original")), statutory_days=45, promised_days=20,
             online_depth=3, keywords="打井 取水证 用水许可", popularity=90),
    RealItem(1315, LICENSING, "道路货物运输经营许可", E, "CITY-TRA", ("operate",),
             "《中华人民共和国道路运输条例》第二十一条、第二十四条。", "有与经营业务相适应并经检测合格的车辆，符合条件的驾驶人员和安全生产管理制度。",
             (LICENCE, mat("道路货物运输经营申请表", "original"), mat("驾驶人员从业资格证", "copy", "100000TRA003")), statutory_days=20,
             promised_days=5, online_depth=4, keywords="运输证 货运许可 物流公司 道路运输经营许可证", popularity=1300),
    RealItem(1316, LICENSING, "兽药经营许可", E, "CITY-AGR", ("operate",),
             "《兽药管理条例》第二十二条。", "有与所经营的兽药相适应的兽药技术人员、营业场所、设备和仓库设施。",
             (LICENCE, mat("兽药经营许可证申请表", "original"), mat("质量管理制度", "original")), statutory_days=30, promised_days=15,
             online_depth=3, keywords="兽药店 卖兽药", popularity=70),
    RealItem(1317, LICENSING, "动物防疫条件合格证核发", E, "CITY-AGR", ("operate",),
             "《中华人民共和国动物防疫法》第二十四条、第二十五条。", "动物饲养场、屠宰加工场所等选址、布局、设施设备符合动物防疫条件。",
             (LICENCE, mat("动物防疫条件审查申请表", "original"), mat("场所平面图", "original")), statutory_days=20, promised_days=10,
             online_depth=3, visits=1, keywords="养殖场 养猪场 防疫合格证", popularity=160),
    RealItem(1318, LICENSING, "林木采伐许可", B, "CITY-FOR", ("operate",),
             "《中华人民共和国森林法》第五十六条。", "采伐林地上的林木，符合采伐限额。", (ID, mat("林木权属证明", "copy"), mat("采伐作业设计", "original")),
             statutory_days=20, promised_days=5, online_depth=4, keywords="砍树 采伐证 伐木", popularity=930),
    RealItem(1319, LICENSING, "娱乐场所经营许可", E, "CITY-CUL", ("operate",),
             "《娱乐场所管理条例》第九条。", "歌舞、游艺娱乐场所符合设置规划，消防、治安条件符合要求。",
             (LICENCE, mat("娱乐经营许可申请书", "original"), mat("场所平面图", "original"), mat("消防安全检查合格证明", "copy")),
             statutory_days=20, promised_days=10, online_depth=3, visits=1, keywords="KTV 歌厅 游戏厅 娱乐许可证", popularity=70),
    RealItem(1320, LICENSING, "互联网上网服务营业场所经营许可", E, "CITY-CUL", ("operate",),
             "《互联网上网服务营业场所管理条例》第十条、第十一条。", "营业场所面积、计算机台数、网络安全技术措施符合规定。",
             (LICENCE, mat("申请书", "original"), mat("网络安全审核意见", "original")), statutory_days=20, promised_days=10, online_depth=3,
             keywords="网吧 网咖 上网服务", popularity=40),
    RealItem(1321, LICENSING, "营业性演出审批", E, "CITY-CUL", ("operate",),
             "《营业性演出管理条例》第十三条。", "举办营业性演出，演出场所合法，安保方案完备。",
             (LICENCE, mat("演出节目内容及演员名单", "original"), mat("演出场所合同", "copy"), mat("安全保卫工作方案", "original")),
             statutory_days=3, promised_days=2, online_depth=4, keywords="演出 演唱会 商演", popularity=210),
    RealItem(1322, LICENSING, "旅行社设立许可", E, "CITY-CUL", ("start", "operate"),
             "《旅行社条例》第六条、第七条。", "有固定的经营场所、必要的营业设施，在规定期限内缴纳质量保证金。",
             (LICENCE, mat("设立申请书", "original"), mat("经营场所证明", "copy"), mat("质量保证金存款证明", "original")), statutory_days=20,
             promised_days=10, online_depth=4, keywords="开旅行社 旅游公司 旅行社许可证", popularity=25),
    RealItem(1323, LICENSING, "出版物零售单位设立许可", E, "CITY-CUL", ("operate",),
             "《出版管理条例》第三十七条；《出版物市场管理规定》第九条。", "有确定的名称、经营场所和符合规定的从业人员。",
             (LICENCE, mat("申请书", "original"), mat("经营场所使用证明", "copy")), statutory_days=20, promised_days=5, online_depth=4,
             keywords="书店 卖书 出版物经营许可证", popularity=120),
    RealItem(1324, LICENSING, "危险化学品经营许可", E, "CITY-EM", ("operate",),
             "《危险化学品安全管理条例》第三十三条、第三十四条；《危险化学品经营许可证管理办法》。",
             "经营场所和储存设施符合国家标准，从业人员经专业技术培训考核合格，有健全的安全管理制度。",
             (LICENCE, mat("危险化学品经营许可证申请表", "original"), mat("安全评价报告", "original"), mat("主要负责人安全资格证", "copy")),
             statutory_days=30, promised_days=15, online_depth=3, visits=1, keywords="危化品 化工 加油站 危险品", popularity=140),
    RealItem(1325, CONFIRMATION, "人民防空工程竣工验收备案", E, "CITY-CAD", ("operate",),
             "《中华人民共和国人民防空法》第二十二条；《人民防空工程质量监督管理规定》。", "结合民用建筑修建的防空地下室竣工验收合格。",
             (LICENCE, mat("竣工验收报告", "original")), statutory_days=15, promised_days=5, online_depth=4, keywords="人防 防空地下室 人防验收",
             popularity=160),
    RealItem(1326, CONFIRMATION, "股权出质登记", E, "CITY-SAMR", ("change",),
             "《中华人民共和国民法典》第四百四十三条；《股权出质登记办法》第三条。", "以持有的有限责任公司和股份有限公司股权出质。",
             (mat("股权出质登记申请书", "original"), mat("质押合同", "copy"), LICENCE), statutory_days=3, promised_days=1, online_depth=4,
             keywords="股权质押 股权出质", popularity=240),
    # --- 变更 / 注销 ---------------------------------------------------------------------------------
    RealItem(1401, LICENSING, "企业变更登记（法定代表人、住所、经营范围等）", E, "CITY-SAMR", ("change",),
             "《中华人民共和国市场主体登记管理条例》第二十四条。", "企业登记事项发生变更，自作出变更决议、决定或法定变更事项发生之日起30日内申请。",
             (LICENCE, mat("变更登记申请书", "original"), mat("变更决议或决定", "original"), mat("章程修正案", "original", required=False)),
             statutory_days=15, promised_days=1, online_depth=4, citywide=True, keywords="公司变更 换法人 改地址 改经营范围 改名字 变更登记",
             popularity=18900),
    RealItem(1402, LICENSING, "个体工商户变更登记", P, "CITY-SAMR", ("change",),
             "《促进个体工商户发展条例》第九条；《中华人民共和国市场主体登记管理条例》第二十四条。", "个体工商户登记事项发生变更。",
             (ID, IND_LICENCE, mat("变更登记申请书", "original")), statutory_days=15, promised_days=1, online_depth=4, citywide=True,
             keywords="个体户变更 执照变更 个体户改地址", popularity=9100),
    RealItem(1403, OTHER, "营业执照遗失补领、换发", E, "CITY-SAMR", ("change",),
             "《中华人民共和国市场主体登记管理条例实施细则》第六十八条。", "营业执照遗失、毁损的市场主体。",
             (mat("补领（换发）申请书", "original"), mat("遗失公示截图", "electronic", required=False)), statutory_days=15, promised_days=1,
             online_depth=4, citywide=True, keywords="执照丢了 营业执照丢了 补执照 换执照", popularity=6200),
    RealItem(1404, LICENSING, "企业注销登记（简易注销）", E, "CITY-SAMR", ("close",),
             "《中华人民共和国市场主体登记管理条例》第三十三条；《市场监管总局 国家税务总局关于进一步完善简易注销登记便捷中小微企业市场退出的通知》。",
             "未发生债权债务或已将债权债务清偿完结，经20日公示无异议。", (LICENCE, mat("简易注销全体投资人承诺书", "original")),
             statutory_days=3, promised_days=1, online_depth=4, citywide=True, keywords="公司注销 注销公司 关公司 企业注销 不干了",
             popularity=7400, steps=("公示", "申请", "受理", "核准")),
    RealItem(1405, LICENSING, "个体工商户注销登记", P, "CITY-SAMR", ("close",),
             "《促进个体工商户发展条例》第十条；《中华人民共和国市场主体登记管理条例》第三十一条。", "个体工商户终止经营。",
             (ID, IND_LICENCE, mat("注销登记申请书", "original")), statutory_days=15, promised_days=1, online_depth=4, citywide=True,
             keywords="个体户注销 不开店了 注销执照", popularity=11300),
    RealItem(1406, PUBLIC, "单位社会保险注销登记", E, "CITY-HRSS-01", ("close",),
             "《中华人民共和国社会保险法》第五十七条；《社会保险经办条例》。", "用人单位依法终止，已结清社会保险费。",
             (LICENCE, mat("注销登记申请表", "original"), mat("企业注销证明", "electronic", src="enterprise_registration")), statutory_days=15,
             promised_days=5, online_depth=4, keywords="社保注销 单位注销社保", popularity=3900),
    RealItem(1407, PUBLIC, "住房公积金单位缴存登记变更与注销", E, "CITY-HPF", ("change", "close"),
             "《住房公积金管理条例》第十四条、第十六条。", "单位名称、地址等信息变更，或单位合并、分立、撤销、解散、破产。",
             (LICENCE, mat("单位信息变更或注销申请", "original")), statutory_days=5, promised_days=1, online_depth=4,
             keywords="公积金单位变更 公积金注销 公基金", popularity=2800),
    RealItem(1408, PUBLIC, "企业信用修复", E, "CITY-SAMR", ("change", "operate"),
             "《市场监督管理信用修复管理办法》第五条；《企业信息公示暂行条例》。",
             "被列入经营异常名录或严重违法失信名单的企业，已纠正失信行为并履行法定义务。",
             (LICENCE, mat("信用修复申请书", "original"), mat("履行义务的证明", "copy"), mat("企业信用信息", "electronic", src="credit")),
             statutory_days=15, promised_days=5, online_depth=4, keywords="移出经营异常 信用修复 黑名单 异常名录", popularity=2300),
    RealItem(1409, REWARD, "高新技术企业认定推荐", E, "CITY-SCI", ("operate",),
             "《高新技术企业认定管理办法》（国科发火〔2016〕32号）第十一条。",
             "注册成立一年以上，拥有核心自主知识产权，研发人员和研发投入比例符合规定。",
             (LICENCE, mat("高新技术企业认定申请书", "original"), mat("知识产权证书", "copy"), mat("年度财务会计报告", "original")),
             statutory_days=60, promised_days=60, online_depth=4, keywords="高新企业 高企认定 科技企业", popularity=110),
    RealItem(1410, BENEFIT, "稳岗返还", E, "CITY-HRSS-02", ("operate",),
             "《中华人民共和国社会保险法》；《人力资源社会保障部 财政部 国家税务总局关于继续实施失业保险稳岗返还政策的通知》。",
             "依法参加失业保险并足额缴费、上年度未裁员或裁员率不高于规定比例的企业，免申即享。",
             (mat("企业参保缴费信息", "electronic", src="enterprise_insurance"),), statutory_days=30, promised_days=15, online_depth=4,
             keywords="稳岗补贴 稳岗返还 失业保险返还", popularity=4200, steps=("数据比对", "公示", "拨付")),
)


# --- the generator of the rest ----------------------------------------------------------------------
# (department line, laws, objects per item type, materials) — real objects of each line's own work
VERBS = {
    LICENSING: ("许可", "审批", "核准", "延续", "变更"),
    CONFIRMATION: ("登记", "认定", "确认", "备案"),
    BENEFIT: ("申领", "发放", "补贴申请"),
    PUBLIC: ("查询", "办理", "预约", "证明开具"),
    REWARD: ("评选推荐", "认定"),
    OTHER: ("备案", "审核"),
}

LINES: tuple[tuple[str, str, tuple[str, ...], dict, str], ...] = (
    ("SAMR", "《中华人民共和国市场主体登记管理条例》；《中华人民共和国行政许可法》",
     ("小餐饮", "食品小作坊", "小食杂店", "计量器具", "检验检测机构", "广告发布", "商标质押", "网络交易经营者", "重要工业产品生产",
      "特种设备作业人员", "认证机构", "直销企业分支机构", "拍卖企业", "成品油零售", "电动自行车销售"),
     {"audience": E}, "市场主体"),
    ("HRSS", "《中华人民共和国社会保险法》；《中华人民共和国就业促进法》",
     ("工伤保险待遇", "失业保险关系转移", "技能人才评价", "职业培训机构", "专业技术人员职称", "灵活就业人员参保", "企业年金方案",
      "高校毕业生就业见习", "农民工工资保证金", "特殊工时工作制", "外国人来华工作", "社会保险费补缴"),
     {"audience": B}, "参保人"),
    ("HUD", "《中华人民共和国建筑法》；《建设工程质量管理条例》",
     ("房屋建筑工程竣工验收", "物业服务企业", "房地产经纪机构", "住房租赁合同", "城市房屋白蚁防治", "建设工程消防设计",
      "建设工程消防验收", "预拌混凝土企业", "房屋维修资金使用", "既有住宅加装电梯", "房地产开发企业资质", "建筑起重机械"),
     {"audience": E}, "建设单位"),
    ("NR", "《中华人民共和国土地管理法》；《不动产登记暂行条例》",
     ("国有建设用地使用权", "集体土地使用权", "宅基地使用权", "地役权", "土地复垦方案", "临时用地", "乡村建设规划", "测绘资质",
      "地质灾害危险性评估", "采矿权", "土地权属争议调处", "不动产预告"),
     {"audience": B}, "权利人"),
    ("TRA", "《中华人民共和国道路运输条例》；《中华人民共和国公路法》",
     ("出租汽车经营", "机动车驾驶员培训", "机动车维修经营", "道路旅客运输", "公路超限运输", "占用挖掘公路", "跨越公路设施",
      "公路用地范围内设置广告", "网络预约出租汽车运输证", "道路运输车辆年审", "港口经营", "水路运输"),
     {"audience": E}, "经营者"),
    ("HEA", "《中华人民共和国基本医疗卫生与健康促进法》；《医疗机构管理条例》",
     ("护士执业注册", "放射诊疗", "母婴保健技术服务", "饮用水供水单位卫生", "消毒产品生产企业卫生", "职业健康检查机构",
      "乡村医生执业注册", "医疗广告", "计划生育家庭特别扶助金", "预防接种单位", "病残儿医学鉴定", "中医诊所"),
     {"audience": B}, "申请人"),
    ("CA", "《社会救助暂行办法》；《社会团体登记管理条例》",
     ("社会团体成立", "民办非企业单位成立", "基金会", "养老机构", "困难残疾人生活补贴", "重度残疾人护理补贴", "孤儿基本生活费",
      "特困人员供养", "地名命名", "慈善组织认定", "殡葬服务机构", "流浪乞讨人员救助"),
     {"audience": B}, "申请人"),
    ("EDU", "《中华人民共和国教育法》；《中华人民共和国义务教育法》",
     ("学籍信息变更", "中等职业学校学生资助", "学前教育资助", "幼儿园设立", "民办学校变更", "学历证明", "教师资格证补发",
      "普通话水平测试", "中小学校服采购", "校车使用许可", "适龄儿童延缓入学", "随迁子女积分"),
     {"audience": B}, "学生家长"),
    ("AGR", "《中华人民共和国农业法》；《中华人民共和国种子法》",
     ("农作物种子生产经营", "农药经营", "拖拉机和联合收割机登记", "渔业捕捞", "水产苗种生产", "生鲜乳收购站", "动物诊疗",
      "农机购置补贴", "耕地地力保护补贴", "畜禽养殖场备案", "农村土地承包经营权", "肥料登记"),
     {"audience": B}, "生产经营者"),
    ("CUL", "《中华人民共和国公共文化服务保障法》；《中华人民共和国文物保护法》",
     ("文物保护单位修缮", "卫星电视接收设施", "广播电视节目制作经营", "艺术品经营单位", "游艺娱乐场所变更", "演出经纪机构",
      "古籍保护", "公共图书馆借阅证", "博物馆藏品", "星级饭店评定", "A级旅游景区评定", "导游证"),
     {"audience": B}, "申请人"),
    ("EE", "《中华人民共和国环境保护法》；《中华人民共和国固体废物污染环境防治法》",
     ("危险废物经营", "辐射安全", "放射性同位素转让", "建设项目环境影响登记", "排污口设置", "噪声排放", "机动车排放检验机构",
      "突发环境事件应急预案", "固体废物跨省转移", "环境监测数据"),
     {"audience": E}, "建设单位"),
    ("PSB", "《中华人民共和国治安管理处罚法》；《中华人民共和国户口登记条例》",
     ("旅馆业特种行业", "公章刻制业", "剧毒化学品购买", "民用爆炸物品购买", "大型群众性活动安全", "保安服务公司", "犬只登记",
      "烟花爆竹道路运输", "机动车临时号牌", "校车驾驶资格", "无犯罪记录证明", "出生申报户口"),
     {"audience": B}, "申请人"),
    ("HSA", "《中华人民共和国社会保险法》；《医疗保障基金使用监督管理条例》",
     ("定点医药机构", "长期护理保险", "医疗救助", "职工医保个人账户家庭共济", "医保参保信息变更", "大病保险", "转外就医",
      "特药待遇", "医保电子凭证", "灵活就业人员医保参保"),
     {"audience": B}, "参保人"),
    ("WR", "《中华人民共和国水法》；《中华人民共和国防洪法》",
     ("河道管理范围内建设项目", "水土保持方案", "河道采砂", "农村集体经济组织修建水库", "洪水影响评价", "取水工程验收",
      "生产建设项目水土保持设施", "城市排水"),
     {"audience": E}, "建设单位"),
    ("EM", "《中华人民共和国安全生产法》；《危险化学品安全管理条例》",
     ("烟花爆竹经营（零售）", "非煤矿山安全生产", "危险化学品建设项目安全条件", "生产安全事故应急预案", "安全生产标准化",
      "特种作业操作证", "第二类非药品类易制毒化学品生产", "金属冶炼建设项目安全设施"),
     {"audience": E}, "生产经营单位"),
    ("URB", "《城市市容和环境卫生管理条例》；《城市绿化条例》",
     ("临时占用城市绿地", "砍伐城市树木", "城市道路临时占用", "城市道路挖掘", "门头牌匾设置", "临时搭建建筑物", "生活垃圾经营性清扫",
      "市政设施建设类审批", "夜间施工", "餐厨垃圾收集运输"),
     {"audience": B}, "申请人"),
    ("HPF", "《住房公积金管理条例》", ("住房公积金个人账户", "住房公积金异地转移", "住房公积金贷款提前还款", "住房公积金缓缴",
                             "灵活就业人员住房公积金", "住房公积金贷款逾期", "住房公积金离退休提取", "住房公积金偿还贷款提取"),
     {"audience": B}, "缴存人"),
    ("VET", "《中华人民共和国退役军人保障法》；《军人抚恤优待条例》",
     ("退役士兵自主就业", "伤残抚恤", "烈士褒扬金", "退役军人创业", "光荣牌悬挂", "参战退役人员补助", "优抚对象医疗补助",
      "退役士兵安置"),
     {"audience": P}, "退役军人"),
    ("FOR", "《中华人民共和国森林法》；《中华人民共和国野生动物保护法》",
     ("使用林地", "林草种子生产经营", "野生动物人工繁育", "木材运输", "森林防火期野外用火", "植物检疫", "林木良种", "古树名木迁移"),
     {"audience": B}, "申请人"),
    ("COM", "《中华人民共和国对外贸易法》；《商务部单用途商业预付卡管理办法》",
     ("对外贸易经营者", "报废机动车回收拆解", "二手车交易市场", "单用途预付卡", "成品油市场", "拍卖业务", "再生资源回收经营者",
      "外派劳务"),
     {"audience": E}, "经营者"),
)

GENERIC_MATERIALS = {
    P: (("申请人居民身份证", "original", "100000PSB001", "household"), ("申请表", "original", "", "")),
    E: (("营业执照", "copy", "100000SAMR001", "enterprise_registration"), ("申请表", "original", "", ""),
        ("法定代表人身份证明", "copy", "", "enterprise_registration")),
    B: (("申请人身份证明（居民身份证或营业执照）", "copy", "", ""), ("申请表", "original", "", "")),
}
EXTRA_MATERIALS = ("场所使用证明", "相关资质证明", "技术方案", "情况说明", "现场照片", "检测报告", "管理制度", "人员名单")
SUFFIXES = ("", "（首次）", "（延续）", "（补办）")
TYPES_BY_WEIGHT = (LICENSING, LICENSING, LICENSING, CONFIRMATION, CONFIRMATION, PUBLIC, PUBLIC, BENEFIT, OTHER, REWARD)


@dataclass(frozen=True)
class GeneratedItem:
    main: int
    item_type: str
    name: str
    audience: str
    abbr: str  # department line
    round: int  # 0: the city bureau implements it; k ≥ 1: the k-th county's bureau of the line (the same basic item)
    legal_basis: str
    conditions: str
    materials: tuple
    statutory_days: int
    promised_days: int
    online_depth: int
    visits: int
    citywide: bool
    popularity: int
    fees: tuple = ()


def _types_for(obj: str) -> tuple[str, ...]:
    """The item types an object plausibly has: money is paid out (给付), records are looked up (公共服务),
    everything else is licensed, confirmed or filed."""
    if any(w in obj for w in ("补贴", "津贴", "待遇", "救助", "补助", "生活费", "资助", "褒扬金", "抚恤", "扶助金")):
        return (BENEFIT,)
    if any(w in obj for w in ("证明", "账户", "借阅证", "数据", "信息变更", "电子凭证", "积分", "转移", "提取", "还款", "逾期")):
        return (PUBLIC,)
    if any(w in obj for w in ("评定", "认定", "评价", "职称")):
        return (REWARD, CONFIRMATION)
    return (LICENSING, CONFIRMATION, OTHER)


def generated_items(rng, n: int, *, first_main: int = 3000):
    """``n`` generated items (deterministic for the RNG): the first ones are the city bureaus' (one per
    object × verb), then the same basic items as the county bureaus implement them."""
    combos = []
    for abbr, laws, objects, extra, who in LINES:
        for obj in objects:
            for item_type, verbs in VERBS.items():
                if item_type not in _types_for(obj):
                    continue
                for verb in verbs:
                    combos.append((abbr, laws, obj, item_type, verb, extra, who))
    rng.shuffle(combos)
    # a natural catalog: each object has a handful of items, not every verb
    seen: dict[str, int] = {}
    chosen = []
    for combo in combos:
        key = combo[0] + combo[2]
        if seen.get(key, 0) >= 4:
            continue
        seen[key] = seen.get(key, 0) + 1
        chosen.append(combo)
    out: list[GeneratedItem] = []
    county_rounds = 0
    while len(out) < n:
        for i, (abbr, laws, obj, item_type, verb, extra, who) in enumerate(chosen):
            if len(out) >= n:
                break
            name = f"{obj}{verb}".replace("证明证明", "证明") + (rng.choice(SUFFIXES) if item_type == LICENSING and verb in ("许可", "审批") else "")
            audience = extra.get("audience", B)
            mats = list(GENERIC_MATERIALS[audience]) + [(m, rng.choice(("original", "copy")), "", "")
                                                        for m in rng.sample(EXTRA_MATERIALS, rng.randint(0, 3))]
            statutory = {LICENSING: 20, CONFIRMATION: 15, BENEFIT: 30, PUBLIC: 5, REWARD: 60, OTHER: 10}[item_type]
            promised = max(0, statutory - rng.choice((0, 5, 10, statutory - 1 if statutory > 1 else 0)))
            depth = rng.choices((4, 3, 2), weights=(70, 20, 10))[0]
            out.append(GeneratedItem(
                main=first_main + i, item_type=item_type, name=name, audience=audience, abbr=abbr, round=county_rounds,
                legal_basis=f"{laws}（{obj}相关条款）",
                conditions=f"符合{obj}相关法律法规规定条件的{who}，材料齐全、符合法定形式。",
                materials=tuple(mats), statutory_days=statutory, promised_days=min(promised, statutory),
                online_depth=depth, visits=0 if depth == 4 else 1, citywide=rng.random() < 0.3,
                popularity=int(rng.paretovariate(1.3) * 40), fees=()))
        county_rounds += 1
    return out
