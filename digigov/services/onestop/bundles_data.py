"""The eight 一件事 modelled in full (一件事一次办), and the names and templates of the generated ones.

Each modelled bundle (``MODELLED``) lists its member items as the city implements them: GB/T 39554.1 codes
(``codes`` below), the real competent department of the demo city (``CITY-<ABBR>``, see
``digigov/core/org/demo.py``), legal basis, time limits, the application materials and what replaces each
(免证办: an e-licence type code of ``digigov/support/license/catalog.py``, or a shared-data source key of
``onestop.prefill.SOURCES``), the fields the member's form asks, and the BPMN process that runs it
(``onestop/processes/<key>.bpmn``, written by ``onestop/processes/authoring.py`` from ``process`` below; two
members reuse the platform's existing processes, ``resident_pension_enrolment`` and
``individual_business_registration``). Where the member's result is a licence, its process ends with the
business component ``license.issue`` and the licence lands in the holder's wallet; the others end with a
decision (准予/不予).

Where the demo city has no such department, the nearest one stands in and the member says so in
``note``: the tax bureau (税务, vertically managed, not a city department) is left out of 企业开办 and
不动产转移登记 (契税/发票 are shown in the guide as "由税务部门办理"); the fire-rescue detachment (消防救援,
also vertical) is stood in for by 应急管理局 for the 消防安全检查 of 开办餐饮店.

Field keys are shared across members on purpose (``applicant_*`` as ``onestop.requirements`` names the
applicant block, ``baby_*``, ``child_*`` …): the combined form of a bundle asks each key once
(``onestop.bundles.combined_fields``).
"""

from __future__ import annotations

from digigov.core.org.demo import CITY_CODE

from .models import Audience, ItemType, MaterialForm, TopicKind

DIVISION6 = CITY_CODE[:6]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --- GB/T 39554.1 codes ----------------------------------------------------------------------------
# A tiny local copy of the catalog slice's ``onestop/codes.py`` (not on main when this was written): the
# same basic code (TT MMMMM SSS) and implementing code (basic + division 6 + department letters + business
# item 2 + ISO/IEC 7064 MOD 37,36 check character), so its validator accepts these codes.

def _check_char(body: str) -> str:
    m, p = 36, 36
    for ch in body:
        s = (p + ALPHABET.index(ch)) % m
        p = (2 * (s or m)) % (m + 1)
    return ALPHABET[(37 - p) % 36]


def basic_code(item_type: str, main: int, sub: int = 0) -> str:
    return f"{item_type}{main:05d}{sub:03d}"


def department_part(department_code: str) -> str:
    parts = [p for p in department_code.upper().replace("_", "-").split("-") if p]
    if len(parts) > 1 and (parts[0] == "CITY" or parts[0].isdigit()):
        parts = parts[1:]
    out = "".join(parts)
    return (out if out[:1].isalpha() else "D" + out)[:10]


def implementing_code(basic: str, department_code: str, business_item: int = 1, division: str = DIVISION6) -> str:
    body = f"{basic}{division}{department_part(department_code)}{business_item:02d}"
    return body + _check_char(body)


# --- form fields (form-js components, the subset ``digigov.support.forms`` renders) ------------------

def fld(kind: str, key: str, label: str, *, required: bool = True, max_length: int | None = None, idtype: str | None = None,
        values=None, subtype: str | None = None, min_value=None, description: str = "") -> dict:
    """A member-form component (required unless said otherwise), built by the forms app's one builder."""
    from digigov.support.forms.build import field

    return field(kind, key, label, required=required, max_length=max_length, idtype=idtype, values=values, subtype=subtype,
                 min_value=min_value, description=description or None)


def text(key, label, **kw):
    return fld("textfield", key, label, max_length=kw.pop("max_length", 100), **kw)


def date(key, label, **kw):
    return fld("datetime", key, label, subtype="date", **kw)


def number(key, label, **kw):
    return fld("number", key, label, min_value=kw.pop("min_value", 0), **kw)


def select(key, label, values, **kw):
    return fld("select", key, label, values=values, **kw)


def radio(key, label, values, **kw):
    return fld("radio", key, label, values=values, **kw)


def checklist(key, label, values, **kw):
    return fld("checklist", key, label, values=values, **kw)


# the applicant blocks (the keys ``onestop.requirements`` uses for its standard block)
PERSON_APPLICANT = [
    text("applicant_name", "姓名", max_length=32),
    text("applicant_id_number", "公民身份号码", idtype="resident_id", max_length=None),
    text("applicant_phone", "手机号码", idtype="phone", max_length=None),
    text("applicant_address", "住址", required=False, max_length=200),
]
PERSON_BINDINGS = {"applicant_name": "registries.person.name", "applicant_id_number": "registries.person.id_number",
                   "applicant_phone": "profile.phone", "applicant_address": "registries.person.address"}
ENTERPRISE_APPLICANT = [
    text("enterprise_name", "单位名称"),
    text("enterprise_uscc", "统一社会信用代码", idtype="uscc", max_length=None),
    text("legal_representative", "法定代表人", max_length=32),
    text("contact_name", "联系人", max_length=32),
    text("contact_phone", "联系电话", idtype="phone", max_length=None),
]
ENTERPRISE_BINDINGS = {"enterprise_name": "registries.enterprise.name", "enterprise_uscc": "registries.enterprise.uscc",
                       "legal_representative": "registries.enterprise.legal_representative", "contact_phone": "profile.phone"}

BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "中国邮政储蓄银行", "示范市农村商业银行")
SEX = ("男", "女")
BABY = [text("baby_name", "新生儿姓名", max_length=32), radio("baby_sex", "新生儿性别", SEX), date("baby_birth_date", "出生日期"),
        text("baby_id_number", "新生儿公民身份号码", idtype="resident_id", max_length=None, description="医院出生登记时预赋的公民身份号码")]
CHILD = [text("child_name", "儿童姓名", max_length=32), text("child_id_number", "儿童公民身份号码", idtype="resident_id", max_length=None),
         date("child_birth_date", "儿童出生日期")]
DECEASED = [text("deceased_name", "逝者姓名", max_length=32), text("deceased_id_number", "逝者公民身份号码", idtype="resident_id", max_length=None),
            date("death_date", "死亡日期"),
            select("relation_to_deceased", "申请人与逝者关系", ("配偶", "子女", "父母", "兄弟姐妹", "其他近亲属"))]
BANK = [select("bank", "开户银行", BANKS), text("bank_account", "银行账号", max_length=30)]


def mat(name: str, form: str = MaterialForm.ORIGINAL, *, licence: str = "", shared: str = "", required: bool = True, note: str = "") -> dict:
    """One application material: ``licence`` = the e-licence type code that replaces it, ``shared`` = the
    shared-data source key that replaces it."""
    return {"name": name, "form": form, "licence": licence, "shared": shared, "required": required, "note": note}


ID_CARD = mat("申请人居民身份证", licence="100000PSB001")
HOUSEHOLD = mat("居民户口簿", licence="100000PSB002", shared="household")


def proc(reviews, *, licence: str = "", inputs: dict | None = None, pre=(), notify: str = "") -> dict:
    """A member's process: window acceptance, then the ``reviews`` in order — ``(element id, name,
    department code)`` each an approver's task — then 是否准予 (rejected if any review rejected); on 准予 the
    service tasks ``pre`` (``(id, name, component, inputs)``), then ``license.issue`` of ``licence`` with
    ``inputs`` (when given), then a message to the applicant."""
    return {"reviews": list(reviews), "licence": licence, "inputs": dict(inputs or {}), "pre": list(pre), "notify": notify}


def member(key: str, name: str, item_type: str, dept: str, main: int, *, fields=(), materials=(), process: dict | None = None,
           reuse: str = "", optional: bool = False, statutory: int = 20, promised: int = 5, legal_basis: str = "", conditions: str = "",
           keywords: str = "", note: str = "", visits: int = 0, fees=()) -> dict:
    """One member item. ``key`` names its process (``onestop/processes/<key>.bpmn``) and its form
    (``yjs-<key>``); ``reuse`` names an existing platform process used instead of a new one; ``fees`` are
    ``(name, amount in cents, basis)`` (stored as the catalog stores them: name, amount_cents, basis)."""
    basic = basic_code(item_type, main)
    return {"key": key, "name": name, "item_type": item_type, "department": dept, "basic_code": basic,
            "code": implementing_code(basic, dept), "fields": list(fields), "materials": list(materials), "process": process,
            "reuse": reuse, "optional": optional, "statutory_days": statutory, "promised_days": promised, "legal_basis": legal_basis,
            "conditions": conditions, "keywords": keywords, "note": note, "visits": visits,
            "fees": [{"name": n, "amount_cents": c, "basis": b} for n, c, b in fees]}


# --- the eight modelled bundles ---------------------------------------------------------------------

MODELLED: tuple[dict, ...] = (
    {
        "code": "210600YJS0001", "name": "新生儿出生一件事", "audience": Audience.PERSON, "topic": ("birth", "出生", TopicKind.LIFE_EVENT),
        "lead": "CITY-HEA", "promised_days": 5,
        "description": "新生儿父母一次申请、一表填报，同步办理出生医学证明、出生登记（落户）、城乡居民医保参保、社会保障卡申领和预防接种证，证照统一送达。",
        "keywords": "生孩子 上户口 新生儿落户 出生证 宝宝医保 宝宝社保卡 出生一件事",
        "members": (
            member("yjs_birth_medical_certificate", "出生医学证明签发", ItemType.PUBLIC, "CITY-HEA", 32101,
                   fields=[*PERSON_APPLICANT, *BABY, text("birth_place", "出生地点（医院）"), text("mother_name", "母亲姓名", max_length=32),
                           text("father_name", "父亲姓名", required=False, max_length=32)],
                   materials=[mat("母亲居民身份证", licence="100000PSB001"), mat("父亲居民身份证", licence="100000PSB001", required=False),
                              mat("医疗机构出生记录", MaterialForm.ELECTRONIC, shared="birth_medical")],
                   process=proc([("review", "出生医学证明审核", "CITY-HEA")], licence="100000HEA001",
                                inputs={"holder_code": "${baby_id_number}", "holder_name": "${baby_name}", "sex": "${baby_sex}",
                                        "birth_date": "${baby_birth_date}", "birth_place": "${birth_place}", "mother_name": "${mother_name}",
                                        "father_name": "${father_name}"}, notify="新生儿出生医学证明已签发"),
                   legal_basis="《中华人民共和国母婴保健法》第二十三条", conditions="在本市医疗机构内出生的新生儿", statutory=10, promised=3,
                   keywords="出生证 出生证明"),
            member("yjs_birth_household_registration", "出生登记（新生儿落户）", ItemType.CONFIRMATION, "CITY-PSB", 32102,
                   fields=[*PERSON_APPLICANT, *BABY, text("household_no", "户号", max_length=20), text("household_address", "户籍地址", max_length=200),
                           select("baby_relation", "新生儿与户主关系", ("子", "女", "孙子", "孙女", "外孙子", "外孙女", "其他"))],
                   materials=[mat("出生医学证明", licence="100000HEA001"), HOUSEHOLD,
                              mat("父母结婚证", licence="100000CA001", shared="marriage", required=False)],
                   process=proc([("review", "户籍民警审核", "CITY-PSB")], licence="100000PSB002",
                                inputs={"holder_code": "${baby_id_number}", "holder_name": "${baby_name}", "household_no": "${household_no}",
                                        "relation": "${baby_relation}", "sex": "${baby_sex}", "birth_date": "${baby_birth_date}",
                                        "address": "${household_address}"}, notify="新生儿出生登记已办结"),
                   legal_basis="《中华人民共和国户口登记条例》第七条", conditions="婴儿出生后一个月以内，由户主、亲属、抚养人或者邻居申报出生登记",
                   statutory=20, promised=3, keywords="上户口 落户 报户口"),
            member("yjs_birth_medical_insurance", "城乡居民基本医疗保险参保登记（新生儿）", ItemType.PUBLIC, "CITY-HSA", 32103,
                   fields=[*PERSON_APPLICANT, *BABY], materials=[HOUSEHOLD],
                   process=proc([("review", "参保登记审核", "CITY-HSA")], licence="100000HSA001",
                                inputs={"holder_code": "${baby_id_number}", "holder_name": "${baby_name}", "insured_place": "示范市",
                                        "insurance_type": "城乡居民基本医疗保险"}, notify="新生儿已参加城乡居民基本医疗保险"),
                   legal_basis="《中华人民共和国社会保险法》第二十五条", conditions="本市户籍或在本市出生的新生儿", statutory=10, promised=2,
                   keywords="宝宝医保 新生儿医保"),
            member("yjs_birth_social_security_card", "社会保障卡申领（新生儿）", ItemType.PUBLIC, "CITY-HRSS", 32104,
                   fields=[*PERSON_APPLICANT, *BABY, select("card_bank", "发卡银行", BANKS), text("card_mail_address", "社会保障卡邮寄地址", required=False, max_length=200)],
                   materials=[mat("新生儿近期免冠照片", MaterialForm.ELECTRONIC), HOUSEHOLD],
                   process=proc([("review", "制卡审核", "CITY-HRSS")], licence="100000HRSS001",
                                inputs={"holder_code": "${baby_id_number}", "holder_name": "${baby_name}", "card_no": "${baby_id_number}",
                                        "bank": "${card_bank}"}, notify="新生儿社会保障卡已制发"),
                   legal_basis="《社会保障卡管理办法》", conditions="已参加社会保险的新生儿", statutory=20, promised=5, keywords="宝宝社保卡 社保卡"),
            member("yjs_birth_vaccination_certificate", "预防接种证办理", ItemType.PUBLIC, "CITY-HEA", 32105, optional=True,
                   fields=[*PERSON_APPLICANT, *BABY], materials=[mat("出生医学证明", licence="100000HEA001")],
                   process=proc([("review", "接种单位建证", "CITY-HEA")], notify="预防接种证已建立"),
                   legal_basis="《中华人民共和国疫苗管理法》第四十七条", conditions="新生儿出生后一个月内", statutory=10, promised=3,
                   keywords="打疫苗 接种本 疫苗本"),
        ),
    },
    {
        "code": "210600YJS0002", "name": "企业开办一件事", "audience": Audience.ENTERPRISE, "topic": ("start", "开办", TopicKind.ENTERPRISE_STAGE),
        "lead": "CITY-SAMR", "promised_days": 1,
        "description": "一表填报、一次提交，同步办理企业设立登记（电子营业执照）、公章刻制备案、单位参保登记和住房公积金单位缴存登记，一个工作日内办结。"
                       "首次申领发票由税务部门办理。",
        "keywords": "开公司 注册公司 办营业执照 企业开办 刻章 开办企业",
        "members": (
            member("yjs_enterprise_registration", "企业设立登记", ItemType.LICENSING, "CITY-SAMR", 10201,
                   fields=[*PERSON_APPLICANT, text("enterprise_name", "企业名称"),
                           select("company_kind", "企业类型", ("有限责任公司", "股份有限公司", "个人独资企业", "合伙企业")),
                           text("legal_rep_name", "法定代表人（负责人）姓名", max_length=32), text("registered_capital", "注册资本（万元）", required=False, max_length=20),
                           text("address", "住所", max_length=200), fld("textarea", "business_scope", "经营范围", max_length=500)],
                   materials=[mat("公司章程", MaterialForm.ELECTRONIC), mat("法定代表人居民身份证", licence="100000PSB001"),
                              mat("住所使用证明", MaterialForm.COPY, licence="100000NR001", shared="real_estate"),
                              mat("股东主体资格证明", MaterialForm.COPY, licence="100000PSB001")],
                   process=proc([("review", "登记审查", "CITY-SAMR")], licence="100000SAMR001",
                                pre=[("assign_code", "赋统一社会信用代码", "onestop.assign_uscc", {})],
                                inputs={"holder_code": "${uscc}", "holder_name": "${enterprise_name}", "kind": "${company_kind}",
                                        "legal_rep": "${legal_rep_name}", "capital": "${registered_capital}", "established": "${established}",
                                        "address": "${address}", "business_scope": "${business_scope}"}, notify="企业设立登记已核准，电子营业执照已发放"),
                   legal_basis="《中华人民共和国市场主体登记管理条例》第三条", conditions="申请人已完成企业名称自主申报", statutory=15, promised=1,
                   keywords="注册公司 开公司 营业执照"),
            member("yjs_enterprise_seal", "公章刻制备案", ItemType.OTHER, "CITY-PSB", 10202,
                   fields=[*PERSON_APPLICANT, text("enterprise_name", "企业名称"), checklist("seal_kinds", "刻制印章", ("公章", "财务专用章", "发票专用章", "合同专用章")),
                           select("seal_maker", "刻章企业", ("示范市诚信刻章有限公司", "示范市元宝印章制作部", "示范市金鼎标识有限公司"))],
                   materials=[mat("营业执照", licence="100000SAMR001"), mat("法定代表人居民身份证", licence="100000PSB001")],
                   process=proc([("review", "印章备案审核", "CITY-PSB")], notify="公章刻制备案已办结，可到所选刻章企业领取印章"),
                   legal_basis="《印铸刻字业暨印章刻制业治安管理办法》", conditions="新设立的企业", statutory=5, promised=1, keywords="刻章 公章"),
            member("yjs_enterprise_social_insurance", "单位参保登记", ItemType.CONFIRMATION, "CITY-HRSS", 10203,
                   fields=[*PERSON_APPLICANT, text("enterprise_name", "企业名称"), number("staff_count", "参保职工人数"), select("insurance_bank", "社保缴费银行", BANKS)],
                   materials=[mat("营业执照", licence="100000SAMR001")],
                   process=proc([("review", "参保登记审核", "CITY-HRSS")], notify="单位社会保险登记已办结"),
                   legal_basis="《中华人民共和国社会保险法》第五十七条", conditions="自成立之日起三十日内", statutory=15, promised=1, keywords="社保开户 单位社保"),
            member("yjs_enterprise_housing_fund", "住房公积金单位缴存登记", ItemType.PUBLIC, "CITY-HPF", 10204, optional=True,
                   fields=[*PERSON_APPLICANT, text("enterprise_name", "企业名称"), select("deposit_ratio", "缴存比例", ("5%", "6%", "8%", "10%", "12%"))],
                   materials=[mat("营业执照", licence="100000SAMR001")],
                   process=proc([("review", "缴存登记审核", "CITY-HPF")], notify="住房公积金单位缴存登记已办结"),
                   legal_basis="《住房公积金管理条例》第十四条", conditions="新设立的单位", statutory=20, promised=1, keywords="公积金开户"),
        ),
    },
    {
        "code": "210600YJS0003", "name": "退休一件事", "audience": Audience.PERSON, "topic": ("retire", "退休", TopicKind.LIFE_EVENT),
        "lead": "CITY-HRSS", "promised_days": 10,
        "description": "职工到龄退休一次申请，同步办理退休审批、基本养老金核定发放、退休人员医保待遇核定和住房公积金退休提取。",
        "keywords": "办退休 退休手续 领养老金 退休金 退休医保 退休提取公积金",
        "members": (
            member("yjs_retire_approval", "职工正常退休（职）申请", ItemType.CONFIRMATION, "CITY-HRSS", 32301,
                   fields=[*PERSON_APPLICANT, text("employer", "工作单位"), date("retire_date", "退休日期"), number("work_years", "累计缴费年限（年）")],
                   materials=[ID_CARD, mat("职工人事档案", note="由存档单位通过内部流转提供", required=False),
                              mat("参保缴费记录", MaterialForm.ELECTRONIC, shared="social_insurance")],
                   process=proc([("review", "退休资格审核", "CITY-HRSS")], notify="您的退休申请已审批"),
                   legal_basis="《国务院关于工人退休、退职的暂行办法》", conditions="达到法定退休年龄且累计缴费满十五年", statutory=20, promised=10,
                   keywords="办退休 退休审批"),
            member("yjs_retire_pension", "基本养老金待遇核定与发放", ItemType.BENEFIT, "CITY-HRSS", 32302,
                   fields=[*PERSON_APPLICANT, *BANK],
                   materials=[mat("参保缴费记录", MaterialForm.ELECTRONIC, shared="social_insurance")],
                   process=proc([("review", "待遇核定", "CITY-HRSS")], notify="您的基本养老金已核定"),
                   legal_basis="《中华人民共和国社会保险法》第十六条", conditions="已办理退休手续", statutory=20, promised=10, keywords="养老金 退休金"),
            member("yjs_retire_medical", "退休人员基本医疗保险待遇核定", ItemType.CONFIRMATION, "CITY-HSA", 32303,
                   fields=[*PERSON_APPLICANT, number("medical_years", "医保累计缴费年限（年）")],
                   materials=[mat("医保缴费记录", MaterialForm.ELECTRONIC, shared="social_insurance")],
                   process=proc([("review", "医保待遇核定", "CITY-HSA")], licence="100000HSA001",
                                inputs={"insured_place": "示范市", "insurance_type": "职工基本医疗保险"}, notify="退休人员医保待遇已核定"),
                   legal_basis="《中华人民共和国社会保险法》第二十七条", conditions="退休时医保累计缴费年限达到规定年限", statutory=20, promised=10,
                   keywords="退休医保"),
            member("yjs_retire_housing_fund", "住房公积金退休提取", ItemType.PUBLIC, "CITY-HPF", 32304, optional=True,
                   fields=[*PERSON_APPLICANT, *BANK], materials=[ID_CARD],
                   process=proc([("review", "提取审核", "CITY-HPF")], notify="住房公积金退休提取已办结"),
                   legal_basis="《住房公积金管理条例》第二十四条", conditions="离休、退休", statutory=3, promised=1, keywords="退休提取公积金 销户提取"),
        ),
    },
    {
        "code": "210600YJS0004", "name": "不动产转移登记一件事", "audience": Audience.PERSON, "topic": ("house", "购房", TopicKind.LIFE_EVENT),
        "lead": "CITY-NR", "promised_days": 5,
        "description": "二手房买卖一次申请，同步办理存量房合同网签备案、不动产转移登记（电子不动产权证书）、住房公积金购房提取和水电气过户。"
                       "交易税费由税务部门在窗口同步征收。",
        "keywords": "二手房过户 房产过户 买房过户 房本 不动产登记 水电气过户",
        "members": (
            member("yjs_property_contract", "存量房买卖合同网签备案", ItemType.PUBLIC, "CITY-HUD", 11101,
                   fields=[*PERSON_APPLICANT, text("contract_no", "合同编号", max_length=30), number("price", "成交价格（万元）"),
                           text("seller_name", "出卖人姓名", max_length=32), text("seller_id_number", "出卖人公民身份号码", idtype="resident_id", max_length=None),
                           text("property_location", "房屋坐落", max_length=200)],
                   materials=[mat("存量房买卖合同", MaterialForm.ELECTRONIC), mat("出卖人不动产权证书", licence="100000NR001")],
                   process=proc([("review", "网签备案审核", "CITY-HUD")], notify="存量房买卖合同已网签备案"),
                   legal_basis="《城市房地产管理法》第四十条", conditions="买卖双方已签订存量房买卖合同", statutory=5, promised=1, keywords="网签 合同备案"),
            member("yjs_property_transfer", "不动产转移登记", ItemType.CONFIRMATION, "CITY-NR", 11102,
                   fields=[*PERSON_APPLICANT, text("property_location", "房屋坐落", max_length=200), text("unit_no", "不动产单元号", max_length=40),
                           number("floor_area", "建筑面积（平方米）"), select("property_use", "用途", ("住宅", "商业", "办公", "车库")),
                           select("co_owned", "共有情况", ("单独所有", "共同共有", "按份共有"))],
                   materials=[mat("出卖人不动产权证书", licence="100000NR001"), mat("存量房买卖合同", MaterialForm.ELECTRONIC),
                              mat("买受人婚姻状况证明", licence="100000CA001", shared="marriage", required=False), ID_CARD,
                              mat("完税凭证", MaterialForm.ELECTRONIC, note="由税务部门推送")],
                   process=proc([("review", "登记审核", "CITY-NR"), ("check", "登簿", "CITY-NR")], licence="100000NR001",
                                inputs={"location": "${property_location}", "unit_no": "${unit_no}", "right_type": "国有建设用地使用权/房屋所有权",
                                        "area": "${floor_area}", "use": "${property_use}", "co_owned": "${co_owned}"},
                                notify="不动产转移登记已办结，电子不动产权证书已发放"),
                   legal_basis="《不动产登记暂行条例》第十四条", conditions="已完成合同网签和税费缴纳", statutory=30, promised=5, keywords="过户 房本 房产证",
                   fees=[("住宅类不动产登记费", 8000, "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）")]),
            member("yjs_property_housing_fund", "住房公积金购房提取", ItemType.PUBLIC, "CITY-HPF", 11103, optional=True,
                   fields=[*PERSON_APPLICANT, *BANK, number("withdraw_amount", "提取金额（元）")],
                   materials=[mat("存量房买卖合同", MaterialForm.ELECTRONIC), ID_CARD],
                   process=proc([("review", "提取审核", "CITY-HPF")], notify="住房公积金购房提取已办结"),
                   legal_basis="《住房公积金管理条例》第二十四条", conditions="购买自住住房", statutory=3, promised=1, keywords="公积金提取 买房提取"),
            member("yjs_property_utilities", "水电气网联动过户", ItemType.PUBLIC, "CITY-HUD", 11104,
                   fields=[*PERSON_APPLICANT, text("property_location", "房屋坐落", max_length=200),
                           checklist("utilities", "过户项目", ("供水", "供电", "燃气", "有线电视", "宽带"))],
                   materials=[mat("不动产权证书", licence="100000NR001")],
                   process=proc([("review", "联动过户", "CITY-HUD")], notify="水电气网过户已办结"),
                   legal_basis="《国务院办公厅关于加快推进“高效办成一件事”的指导意见》", conditions="已完成不动产转移登记", statutory=5, promised=2,
                   keywords="水电气过户 燃气过户"),
        ),
    },
    {
        "code": "210600YJS0005", "name": "开办餐饮店一件事", "audience": Audience.ENTERPRISE, "topic": ("operate", "经营", TopicKind.ENTERPRISE_STAGE),
        "lead": "CITY-SAMR", "promised_days": 10,
        "description": "已登记的市场主体开办餐饮门店，一次申请同步办理食品经营许可、公众聚集场所投入使用营业前消防安全检查、户外招牌设置和城镇污水排入排水管网许可。",
        "keywords": "开饭店 开餐馆 开餐饮店 食品经营许可证 餐饮许可 招牌 排水许可",
        "members": (
            member("yjs_restaurant_food_licence", "食品经营许可（餐饮服务）", ItemType.LICENSING, "CITY-SAMR", 10501,
                   fields=[*ENTERPRISE_APPLICANT, text("premises", "经营场所", max_length=200), number("area", "经营场所面积（平方米）", min_value=1),
                           select("business_type", "主体业态", ("餐饮服务经营者", "单位食堂")),
                           checklist("food_items", "经营项目", ("热食类食品制售", "冷食类食品制售", "生食类食品制售", "自制饮品制售", "预包装食品销售"))],
                   materials=[mat("营业执照", licence="100000SAMR001", shared="enterprise_registration"), mat("法定代表人居民身份证", licence="100000PSB001"),
                              mat("经营场所使用证明", MaterialForm.COPY, licence="100000NR001"),
                              mat("食品安全管理制度", MaterialForm.ELECTRONIC), mat("从业人员健康证明", MaterialForm.COPY)],
                   process=proc([("review", "材料审查", "CITY-SAMR"), ("inspect", "现场核查", "CITY-SAMR")], licence="100000SAMR002",
                                inputs={"legal_rep": "${legal_representative}", "address": "${premises}", "main_form": "${business_type}",
                                        "project": "${food_items}"}, notify="食品经营许可证已核发"),
                   legal_basis="《中华人民共和国食品安全法》第三十五条", conditions="有与经营的食品品种、数量相适应的经营场所", statutory=20, promised=10,
                   keywords="餐饮许可 食品许可证", visits=0),
            member("yjs_restaurant_fire_check", "公众聚集场所投入使用、营业前消防安全检查", ItemType.LICENSING, "CITY-EM", 10502,
                   fields=[*ENTERPRISE_APPLICANT, text("premises", "经营场所", max_length=200), number("area", "经营场所面积（平方米）", min_value=1),
                           number("seats", "餐位数")],
                   materials=[mat("营业执照", licence="100000SAMR001"), mat("消防安全制度和疏散预案", MaterialForm.ELECTRONIC)],
                   process=proc([("review", "消防安全检查", "CITY-EM")], notify="消防安全检查已办结"),
                   legal_basis="《中华人民共和国消防法》第十五条", conditions="公众聚集场所投入使用、营业前",
                   note="消防救援机构为垂直管理，示范市由应急管理局代为承办", statutory=10, promised=5, keywords="消防检查 消防验收"),
            member("yjs_restaurant_signboard", "户外招牌设施设置", ItemType.LICENSING, "CITY-URB", 10503, optional=True,
                   fields=[*ENTERPRISE_APPLICANT, text("premises", "经营场所", max_length=200), text("sign_text", "招牌文字", max_length=50),
                           text("sign_size", "招牌尺寸（米）", max_length=20)],
                   materials=[mat("招牌设计效果图", MaterialForm.ELECTRONIC)],
                   process=proc([("review", "招牌设置审核", "CITY-URB")], notify="户外招牌设置已办结"),
                   legal_basis="《城市市容和环境卫生管理条例》第十一条", conditions="在城市建筑物、设施上设置招牌", statutory=20, promised=5,
                   keywords="招牌 门头 牌匾"),
            member("yjs_restaurant_drainage", "城镇污水排入排水管网许可", ItemType.LICENSING, "CITY-URB", 10504,
                   fields=[*ENTERPRISE_APPLICANT, text("premises", "经营场所", max_length=200), number("daily_discharge", "日排水量（立方米）")],
                   materials=[mat("排水户内部排水管网图", MaterialForm.ELECTRONIC), mat("隔油设施说明", MaterialForm.ELECTRONIC)],
                   process=proc([("review", "排水许可审查", "CITY-URB")], notify="排水许可已办结"),
                   legal_basis="《城镇排水与污水处理条例》第二十一条", conditions="从事餐饮服务向城镇排水设施排放污水", statutory=20, promised=7,
                   keywords="排水许可 排污"),
        ),
    },
    {
        "code": "210600YJS0006", "name": "身后一件事", "audience": Audience.PERSON, "topic": ("death", "身后", TopicKind.LIFE_EVENT),
        "lead": "CITY-CA", "promised_days": 5,
        "description": "亲属一次申请，同步办理死亡户口注销、基本殡葬服务费用减免、丧葬补助金和抚恤金申领、医保个人账户继承和住房公积金提取。",
        "keywords": "人去世了 销户 注销户口 丧葬费 抚恤金 殡葬 身后事",
        "members": (
            member("yjs_death_household_cancel", "死亡户口注销", ItemType.CONFIRMATION, "CITY-PSB", 32601,
                   fields=[*PERSON_APPLICANT, *DECEASED],
                   materials=[mat("居民死亡医学证明（推断）书", MaterialForm.ELECTRONIC, shared="death"), mat("逝者居民户口簿", licence="100000PSB002", shared="household")],
                   process=proc([("review", "户籍注销审核", "CITY-PSB")], notify="逝者户口已注销"),
                   legal_basis="《中华人民共和国户口登记条例》第八条", conditions="公民死亡", statutory=20, promised=1, keywords="销户 注销户口"),
            member("yjs_death_funeral_relief", "基本殡葬服务费用减免", ItemType.BENEFIT, "CITY-CA", 32602,
                   fields=[*PERSON_APPLICANT, *DECEASED, select("funeral_home", "殡仪馆", ("示范市殡仪馆", "示范市元宝区殡仪服务站"))],
                   materials=[mat("居民死亡医学证明（推断）书", MaterialForm.ELECTRONIC, shared="death")],
                   process=proc([("review", "减免审核", "CITY-CA")], notify="基本殡葬服务费用减免已办结"),
                   legal_basis="《殡葬管理条例》", conditions="本市户籍居民", statutory=10, promised=3, keywords="殡葬补助 火化费减免"),
            member("yjs_death_pension_benefits", "丧葬补助金、抚恤金申领", ItemType.BENEFIT, "CITY-HRSS", 32603,
                   fields=[*PERSON_APPLICANT, *DECEASED, *BANK],
                   materials=[mat("居民死亡医学证明（推断）书", MaterialForm.ELECTRONIC, shared="death"), mat("申请人与逝者关系证明", MaterialForm.COPY, shared="household")],
                   process=proc([("review", "待遇审核", "CITY-HRSS")], notify="丧葬补助金、抚恤金已核定"),
                   legal_basis="《中华人民共和国社会保险法》第十七条", conditions="参加基本养老保险的个人因病或者非因工死亡", statutory=20, promised=5,
                   keywords="丧葬费 抚恤金"),
            member("yjs_death_medical_account", "医保个人账户余额继承及参保关系注销", ItemType.PUBLIC, "CITY-HSA", 32604,
                   fields=[*PERSON_APPLICANT, *DECEASED, *BANK],
                   materials=[mat("居民死亡医学证明（推断）书", MaterialForm.ELECTRONIC, shared="death")],
                   process=proc([("review", "账户继承审核", "CITY-HSA")], notify="医保个人账户余额继承已办结"),
                   legal_basis="《中华人民共和国社会保险法》第十四条", conditions="参保人死亡", statutory=20, promised=5, keywords="医保继承 医保注销"),
            member("yjs_death_housing_fund", "住房公积金提取（死亡）", ItemType.PUBLIC, "CITY-HPF", 32605, optional=True,
                   fields=[*PERSON_APPLICANT, *DECEASED, *BANK],
                   materials=[mat("居民死亡医学证明（推断）书", MaterialForm.ELECTRONIC, shared="death"), mat("继承权公证书或判决书", MaterialForm.COPY)],
                   process=proc([("review", "提取审核", "CITY-HPF")], notify="住房公积金提取已办结"),
                   legal_basis="《住房公积金管理条例》第二十四条", conditions="职工死亡", statutory=3, promised=2, keywords="公积金继承"),
        ),
    },
    {
        "code": "210600YJS0007", "name": "入学一件事", "audience": Audience.PERSON, "topic": ("school", "上学", TopicKind.LIFE_EVENT),
        "lead": "CITY-EDU", "promised_days": 10,
        "description": "适龄儿童入学一次申请，户籍、房产、出生医学证明等由共享数据核验，同步办理义务教育入学登记、预防接种证查验和学生医保参保。",
        "keywords": "上小学 上初中 入学报名 小学报名 学区 入学一件事",
        "members": (
            member("yjs_school_enrolment", "义务教育阶段新生入学登记", ItemType.PUBLIC, "CITY-EDU", 32201,
                   fields=[*PERSON_APPLICANT, *CHILD, select("grade", "入学年级", ("小学一年级", "初中一年级")),
                           text("residence_address", "实际居住地址", max_length=200)],
                   materials=[mat("儿童居民户口簿", licence="100000PSB002", shared="household"), mat("房屋产权证明", licence="100000NR001", shared="real_estate"),
                              mat("出生医学证明", licence="100000HEA001", shared="birth_medical")],
                   process=proc([("review", "学位审核", "CITY-EDU")], notify="入学登记已审核，请留意学校通知"),
                   legal_basis="《中华人民共和国义务教育法》第十二条", conditions="年满六周岁的适龄儿童", statutory=20, promised=10, keywords="入学报名 学区"),
            member("yjs_school_vaccination_check", "入学预防接种证查验", ItemType.PUBLIC, "CITY-HEA", 32202,
                   fields=[*PERSON_APPLICANT, *CHILD], materials=[mat("预防接种证", MaterialForm.COPY)],
                   process=proc([("review", "接种证查验", "CITY-HEA")], notify="预防接种证查验已完成"),
                   legal_basis="《中华人民共和国疫苗管理法》第四十八条", conditions="入托、入学儿童", statutory=10, promised=5, keywords="查验接种证"),
            member("yjs_school_medical_insurance", "学生城乡居民基本医疗保险参保登记", ItemType.PUBLIC, "CITY-HSA", 32203, optional=True,
                   fields=[*PERSON_APPLICANT, *CHILD], materials=[mat("儿童居民户口簿", licence="100000PSB002", shared="household")],
                   process=proc([("review", "参保登记审核", "CITY-HSA")], notify="学生医保参保已办结"),
                   legal_basis="《中华人民共和国社会保险法》第二十五条", conditions="在校学生", statutory=10, promised=3, keywords="学生医保"),
            member("yjs_school_residence_permit", "随迁子女居住证办理", ItemType.CONFIRMATION, "CITY-PSB", 32204, optional=True,
                   fields=[*PERSON_APPLICANT, *CHILD, text("residence_address", "实际居住地址", max_length=200)],
                   materials=[mat("居住证明", MaterialForm.COPY, shared="real_estate")],
                   process=proc([("review", "居住证审核", "CITY-PSB")], notify="居住证已办理"),
                   legal_basis="《居住证暂行条例》第九条", conditions="非本市户籍随迁子女", statutory=15, promised=10, keywords="居住证 随迁子女"),
        ),
    },
    {
        "code": "210600YJS0008", "name": "失业一件事", "audience": Audience.PERSON, "topic": ("job", "就业", TopicKind.LIFE_EVENT),
        "lead": "CITY-HRSS", "promised_days": 5,
        "description": "失业人员一次申请，同步办理失业登记、失业保险金申领、失业期间医保参保，可选申领职业培训补贴、参加城乡居民养老保险或登记个体工商户自主创业。",
        "keywords": "失业了 领失业金 失业保险金 失业登记 再就业 灵活就业",
        "members": (
            member("yjs_unemployment_registration", "失业登记", ItemType.CONFIRMATION, "CITY-HRSS", 32401,
                   fields=[*PERSON_APPLICANT, text("last_employer", "原工作单位"), date("separation_date", "离职日期"),
                           select("separation_reason", "离职原因", ("劳动合同期满", "用人单位解除", "协商解除", "其他"))],
                   materials=[ID_CARD, mat("解除或终止劳动关系证明", MaterialForm.ELECTRONIC), mat("就业登记信息", shared="employment")],
                   process=proc([("review", "失业登记审核", "CITY-HRSS")], notify="失业登记已办结"),
                   legal_basis="《就业服务与就业管理规定》第六十三条", conditions="法定劳动年龄内、有劳动能力、有就业要求、处于无业状态",
                   statutory=15, promised=1, keywords="失业登记"),
            member("yjs_unemployment_benefit", "失业保险金申领", ItemType.BENEFIT, "CITY-HRSS", 32402,
                   fields=[*PERSON_APPLICANT, text("last_employer", "原工作单位"), *BANK],
                   materials=[mat("参保缴费记录", MaterialForm.ELECTRONIC, shared="social_insurance")],
                   process=proc([("review", "待遇审核", "CITY-HRSS")], notify="失业保险金已核定"),
                   legal_basis="《失业保险条例》第十四条", conditions="失业前参保缴费满一年，非因本人意愿中断就业", statutory=20, promised=5,
                   keywords="失业金 领失业金"),
            member("yjs_unemployment_medical", "失业期间基本医疗保险参保", ItemType.PUBLIC, "CITY-HSA", 32403,
                   fields=[*PERSON_APPLICANT], materials=[mat("失业登记信息", shared="employment")],
                   process=proc([("review", "参保审核", "CITY-HSA")], notify="失业期间医保参保已办结"),
                   legal_basis="《中华人民共和国社会保险法》第四十八条", conditions="领取失业保险金期间", statutory=10, promised=3, keywords="失业医保"),
            member("yjs_unemployment_training", "职业培训补贴申领", ItemType.BENEFIT, "CITY-HRSS", 32404, optional=True,
                   fields=[*PERSON_APPLICANT, text("training_course", "培训项目"), *BANK],
                   materials=[mat("培训合格证书", MaterialForm.COPY)],
                   process=proc([("review", "补贴审核", "CITY-HRSS")], notify="职业培训补贴已核定"),
                   legal_basis="《失业保险条例》第十条", conditions="领取失业保险金期间参加职业培训", statutory=20, promised=10, keywords="培训补贴"),
            member("yjs_unemployment_resident_pension", "城乡居民基本养老保险参保登记", ItemType.PUBLIC, "CITY-HRSS", 32405, optional=True,
                   reuse="resident_pension_enrolment",
                   fields=[*PERSON_APPLICANT, select("contribution_level", "缴费档次（元/年）", ("200", "300", "500", "800", "1000", "2000", "5000"))],
                   materials=[ID_CARD],
                   legal_basis="《国务院关于建立统一的城乡居民基本养老保险制度的意见》", conditions="未参加职工基本养老保险的城乡居民",
                   statutory=10, promised=5, keywords="居民养老保险 灵活就业养老"),
            member("yjs_unemployment_self_employment", "个体工商户设立登记（自主创业）", ItemType.LICENSING, "CITY-SAMR", 32406, optional=True,
                   reuse="individual_business_registration",
                   fields=[*PERSON_APPLICANT, text("business_name", "个体工商户名称", required=False, max_length=60),
                           text("business_place", "经营场所", max_length=200), fld("textarea", "business_scope", "经营范围", max_length=500),
                           radio("form_of_organisation", "组成形式", ("个人经营", "家庭经营")), number("capital", "资金数额（万元）", required=False)],
                   materials=[ID_CARD, mat("经营场所使用证明", MaterialForm.COPY, licence="100000NR001", shared="real_estate")],
                   legal_basis="《促进个体工商户发展条例》", conditions="有经营能力的自然人", statutory=15, promised=3, keywords="个体户 自主创业"),
        ),
    },
)


def modelled_members() -> list[tuple[dict, dict]]:
    """(bundle, member) for every member of the eight, in order."""
    return [(b, m) for b in MODELLED for m in b["members"]]


def process_keys() -> list[str]:
    """The keys of the processes this module defines (not the reused ones)."""
    return [m["key"] for _, m in modelled_members() if not m["reuse"]]


REUSED_PROCESSES = ("resident_pension_enrolment", "individual_business_registration")


# --- generated bundles -------------------------------------------------------------------------------
# Real names from the national and provincial 一件事 lists (国务院办公厅“高效办成一件事”重点事项清单 and the
# provinces' own lists): ``名称|对象 P 个人 / E 法人|牵头部门|成员事项的部门|主题``. The demo draws each
# bundle's 2–8 member items from the catalog's items of those departments (preferring the topic's), so the
# structure is real even where the members have no process yet (then ``modelled`` stays False).

GENERATED_TEMPLATES = """
二手房交易|P|NR|NR,HUD,HPF|house
新建商品房交易登记|P|NR|NR,HUD,HPF|house
公积金贷款购房|P|HPF|HPF,NR,HUD|house
房屋租赁登记备案|P|HUD|HUD,PSB,HPF|house
公共租赁住房申请|P|HUD|HUD,CA,PSB,HPF|house
保障性租赁住房申请|P|HUD|HUD,CA,HPF|house
租房提取住房公积金|P|HPF|HPF,HUD|house
农村宅基地建房|P|NR|NR,AGR,HUD|house
军人退役|P|VET|VET,PSB,HRSS,HSA,HPF|job
退役军人优待证申领|P|VET|VET,PSB|job
烈士褒扬和优抚对象待遇|P|VET|VET,CA,HSA|aid
义务兵家庭优待金发放|P|VET|VET,FIN|aid
残疾人服务|P|CA|CA,HRSS,HSA,HEA,TRA|aid
残疾人两项补贴申领|P|CA|CA,HRSS|aid
公民婚育|P|CA|CA,HEA,PSB,HSA|marry
结婚登记|P|CA|CA,PSB,HPF|marry
生育津贴申领|P|HSA|HSA,HEA,HRSS|birth
独生子女父母奖励|P|HEA|HEA,CA,FIN|birth
计划生育特别扶助|P|HEA|HEA,CA,FIN|birth
孕产妇建档与产检|P|HEA|HEA,HSA|birth
就医费用报销|P|HSA|HSA,HEA|medical
异地就医备案与结算|P|HSA|HSA,HEA|medical
门诊慢特病认定|P|HSA|HSA,HEA|medical
长期护理保险待遇申请|P|HSA|HSA,CA,HEA|medical
医疗救助|P|HSA|HSA,CA,HEA|aid
献血者用血费用报销|P|HEA|HEA,HSA|medical
社会保障卡居民服务|P|HRSS|HRSS,HSA,HEA,TRA,CUL|job
职工退休|P|HRSS|HRSS,HSA,HPF|retire
机关事业单位工作人员退休|P|HRSS|HRSS,HSA,HPF,FIN|retire
灵活就业人员参保|P|HRSS|HRSS,HSA|job
高校毕业生就业|P|HRSS|HRSS,PSB,EDU,HPF|job
高校毕业生落户|P|PSB|PSB,HRSS,EDU|job
人才引进|P|HRSS|HRSS,PSB,HPF,EDU,HUD|job
人才住房补贴申领|P|HRSS|HRSS,HUD,HPF|job
个人创业担保贷款|P|HRSS|HRSS,FIN,FD|job
返乡入乡创业|P|HRSS|HRSS,SAMR,FD,AGR|job
职业技能等级认定|P|HRSS|HRSS,EDU|job
工伤认定与待遇申领|P|HRSS|HRSS,HSA,HEA|job
养老保险关系转移接续|P|HRSS|HRSS,HSA|retire
医保关系转移接续|P|HSA|HSA,HRSS|medical
农民工工资支付保障|P|HRSS|HRSS,JUS,HUD|job
法律援助|P|JUS|JUS,CA,HRSS|aid
困难群众救助|P|CA|CA,HSA,EDU,HUD|aid
最低生活保障申请|P|CA|CA,HSA,EDU|aid
临时救助|P|CA|CA,HSA|aid
孤儿基本生活保障|P|CA|CA,EDU,HSA|aid
事实无人抚养儿童保障|P|CA|CA,EDU,HSA|aid
老年人优待|P|CA|CA,TRA,CUL,HEA|retire
高龄津贴申领|P|CA|CA,FIN|retire
居家养老服务|P|CA|CA,HEA,HSA|retire
户口迁移|P|PSB|PSB,EDU,HSA,HRSS|house
新市民落户|P|PSB|PSB,EDU,HSA,HPF|house
居住证办理|P|PSB|PSB,EDU,HRSS|house
出入境证件办理|P|PSB|PSB|travel
机动车驾驶人考试|P|PSB|PSB,HEA,TRA|drive
新车上牌|P|PSB|PSB,TRA,SAMR|drive
二手车交易登记|P|PSB|PSB,COM,TRA|drive
电动自行车登记上牌|P|PSB|PSB,SAMR|drive
养犬登记|P|PSB|PSB,AGR,URB|house
网约车驾驶员从业|P|TRA|TRA,PSB|job
出租汽车驾驶员从业资格|P|TRA|TRA,PSB|job
幼儿园入园|P|EDU|EDU,HEA,PSB|school
义务教育转学|P|EDU|EDU,PSB|school
中考报名|P|EDU|EDU,PSB|school
学生资助|P|EDU|EDU,CA,FIN|school
引进人才子女入学|P|EDU|EDU,HRSS,PSB|school
教师资格认定|P|EDU|EDU,HEA,PSB|job
医师执业注册|P|HEA|HEA,HSA|job
护士执业注册|P|HEA|HEA|job
外国人来华工作|P|SCI|SCI,PSB,HRSS|job
农机购置补贴|P|AGR|AGR,FIN|job
耕地地力保护补贴|P|AGR|AGR,FIN|job
农村土地承包经营权流转|P|AGR|AGR,NR|house
企业信息变更|E|SAMR|SAMR,PSB,HRSS,HPF,FD|change
企业注销|E|SAMR|SAMR,HRSS,HPF,PSB,COM|close
企业迁移登记|E|SAMR|SAMR,HRSS,HPF|change
企业迁入|E|SAMR|SAMR,HRSS,HPF,PSB|change
个体工商户转型为企业|E|SAMR|SAMR,HRSS,HPF|change
开办药店|E|SAMR|SAMR,HSA,PSB|start
开办超市|E|SAMR|SAMR,EM,URB,CUL|start
开办便利店|E|SAMR|SAMR,URB,COM|start
开办书店|E|CUL|CUL,SAMR,EM|start
开办健身房|E|SPO|SPO,SAMR,EM,HEA|start
开办美容美发店|E|SAMR|SAMR,HEA,EM|start
开办宾馆|E|PSB|PSB,SAMR,EM,HEA|start
开办民宿|E|CUL|CUL,PSB,EM,HEA,SAMR|start
开办歌舞娱乐场所|E|CUL|CUL,PSB,EM,SAMR|start
开办网吧|E|CUL|CUL,PSB,EM|start
开办民办学校|E|EDU|EDU,CA,EM,SAMR|start
开办幼儿园|E|EDU|EDU,HEA,EM,SAMR|start
开办托育机构|E|HEA|HEA,EM,SAMR,CA|start
开办养老机构|E|CA|CA,EM,HEA,SAMR|start
开办诊所|E|HEA|HEA,HSA,EE,SAMR|start
开办医疗器械经营企业|E|SAMR|SAMR,HEA|start
开办加油站|E|COM|COM,EM,SAMR,NR|start
开办汽车维修店|E|TRA|TRA,SAMR,EE|start
开办旅行社|E|CUL|CUL,SAMR|start
开办道路货运企业|E|TRA|TRA,SAMR|start
开办人力资源服务机构|E|HRSS|HRSS,SAMR|start
开办建筑企业|E|HUD|HUD,SAMR,HRSS|start
开办食品生产企业|E|SAMR|SAMR,EE,EM|start
开办农民专业合作社|E|AGR|AGR,SAMR|start
开办家庭农场|E|AGR|AGR,SAMR,NR|start
开办二手车交易市场|E|COM|COM,SAMR,PSB|start
开办外贸企业|E|COM|COM,SAMR,FIN|start
建设项目开工|E|HUD|HUD,NR,DRC,EE,CAD|build
建设项目竣工验收|E|HUD|HUD,NR,CAD,EM|build
社会投资小型低风险项目审批|E|HUD|HUD,NR,DRC|build
企业投资项目备案|E|DRC|DRC,NR,EE|build
水电气网报装|E|HUD|HUD,URB|build
企业上市合法合规信息核查|E|FD|FD,SAMR,HRSS,EE,EM,NR|operate
企业破产信息核查|E|JUS|JUS,SAMR,NR,HRSS,HPF|close
企业招工用工|E|HRSS|HRSS,HSA,HPF|operate
员工录用|E|HRSS|HRSS,HSA,HPF|operate
职工退休（单位申报）|E|HRSS|HRSS,HSA|operate
企业聘用外国人|E|SCI|SCI,PSB|operate
高新技术企业认定|E|SCI|SCI,FIN|operate
排污许可与环评|E|EE|EE,NR,DRC|operate
危险化学品经营|E|EM|EM,PSB,SAMR|operate
特种设备使用登记|E|SAMR|SAMR,EM|operate
道路运输车辆年审|E|TRA|TRA,PSB|operate
户外广告设置|E|URB|URB,SAMR|operate
城市道路占用挖掘|E|URB|URB,PSB|operate
惠企政策兑现|E|BDB|BDB,FIN,SCI,IIT,HRSS|operate
涉企年度报告|E|SAMR|SAMR,HRSS,COM|operate
企业信用修复|E|DRC|DRC,SAMR,EE,EM|operate
渔业船舶登记|E|AGR|AGR,TRA|operate
"""

TOPIC_NAMES = {
    "birth": ("出生", TopicKind.LIFE_EVENT), "school": ("上学", TopicKind.LIFE_EVENT), "job": ("就业", TopicKind.LIFE_EVENT),
    "marry": ("婚育", TopicKind.LIFE_EVENT), "house": ("住房", TopicKind.LIFE_EVENT), "retire": ("退休", TopicKind.LIFE_EVENT),
    "death": ("身后", TopicKind.LIFE_EVENT), "medical": ("就医", TopicKind.LIFE_EVENT), "aid": ("社会救助", TopicKind.LIFE_EVENT),
    "drive": ("出行", TopicKind.LIFE_EVENT), "travel": ("出入境", TopicKind.LIFE_EVENT),
    "start": ("开办", TopicKind.ENTERPRISE_STAGE), "operate": ("经营", TopicKind.ENTERPRISE_STAGE),
    "change": ("变更", TopicKind.ENTERPRISE_STAGE), "build": ("投资建设", TopicKind.ENTERPRISE_STAGE),
    "close": ("注销", TopicKind.ENTERPRISE_STAGE),
}
# the county-level divisions implementing the city's list (城区 first), for the county versions
COUNTY_NAMES = (("210602", "元宝区"), ("210603", "振兴区"), ("210604", "振安区"), ("210624", "宽甸县"), ("210681", "东港市"), ("210682", "凤城市"))
FULL_TOTAL = 534  # bundles at --scale 1 (the eight modelled included)


def templates() -> list[dict]:
    out = []
    for line in GENERATED_TEMPLATES.strip().splitlines():
        name, aud, lead, depts, topic = line.split("|")
        out.append({"name": f"{name}一件事", "audience": Audience.PERSON if aud == "P" else Audience.ENTERPRISE, "lead": lead,
                    "departments": depts.split(","), "topic": topic})
    return out


def total_for_scale(scale: float) -> int:
    """How many bundles (modelled included) the demo city has at ``scale``: never fewer than the eight."""
    return max(len(MODELLED), round(FULL_TOTAL * scale))


def generated_plan(count: int) -> list[dict]:
    """``count`` generated bundles, deterministic: the city's version of each template first, then each
    county's own (a county implements the city's list with its own bureaus where it has them).
    Each: code, name, audience, lead (department code), departments (abbreviations), division code, topic."""
    rows = templates()
    out = []
    levels = [("210600", "")] + list(COUNTY_NAMES)
    for division, county in levels:
        for t in rows:
            if len(out) >= count:
                return out
            out.append({**t, "code": f"{division}YJS{len(out) + 101:04d}", "name": f"{county}{t['name']}" if county else t["name"],
                        "division": division})
    return out
