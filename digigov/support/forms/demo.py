"""Demo city: five published forms of the city's services, each with sections, a repeating group, a
conditional field and bindings to the base registries (免填). Built through the actions as the demo city
admin (or the system account), so each has its audit trail; a handful of rows, no loops over big tables."""

from __future__ import annotations

from digigov.core.context import acting_as
from digigov.core.registry import register_demo
from digigov.core.rbac.system import system_account
from .build import field


_c = field  # the demo forms are written with the shared component builder


def _group(label: str, components: list, gid: str) -> dict:
    return {"type": "group", "label": label, "id": f"Group_{gid}", "showOutline": True, "components": components}


def _list(path: str, label: str, components: list, *, required=False) -> dict:
    comp = {"type": "dynamiclist", "path": path, "label": label, "id": f"List_{path}", "isRepeating": True,
            "defaultRepetitions": 1, "allowAddRemove": True, "showOutline": True, "components": components}
    if required:
        comp["validate"] = {"required": True}
    return comp


def _doc(fid: str, components: list) -> dict:
    return {"type": "default", "id": fid, "schemaVersion": 18, "components": components}


YES_NO = ("是", "否")


def _applicant(prefix: str = "applicant") -> list:
    return [
        _c("textfield", f"{prefix}_name", "姓名", required=True, max_length=32),
        _c("textfield", f"{prefix}_id_number", "公民身份号码", required=True, idtype="resident_id"),
        _c("textfield", f"{prefix}_phone", "手机号码", required=True, idtype="phone"),
        _c("textfield", f"{prefix}_address", "住址", max_length=200),
    ]


PERSON_BINDINGS = {
    "applicant_name": "registries.person.name", "applicant_id_number": "registries.person.id_number",
    "applicant_phone": "profile.phone", "applicant_address": "registries.person.address",
}
ENTERPRISE_BINDINGS = {
    "enterprise_name": "registries.enterprise.name", "enterprise_uscc": "registries.enterprise.uscc",
    "legal_representative": "registries.enterprise.legal_representative", "enterprise_address": "registries.enterprise.address",
}


def _enterprise() -> list:
    return [
        _c("textfield", "enterprise_name", "单位名称", required=True, max_length=100),
        _c("textfield", "enterprise_uscc", "统一社会信用代码", required=True, idtype="uscc"),
        _c("textfield", "legal_representative", "法定代表人", required=True, max_length=32),
        _c("textfield", "enterprise_address", "住所", required=True, max_length=200),
    ]


FORMS = (
    ("birth-registration", "出生登记（新生儿出生“一件事”）申请表", "CITY-PSB",
     "新生儿出生后一次申请，同步办理出生登记（落户）、医保参保、社保卡申领和预防接种证。",
     _doc("birth_registration", [
         _group("申请人（父亲或母亲）", [*_applicant(), _c("radio", "relation", "与新生儿关系", required=True, values=("父亲", "母亲", "其他监护人"))], "applicant"),
         _group("新生儿信息", [
             _c("textfield", "baby_name", "新生儿姓名", required=True, max_length=32),
             _c("radio", "baby_sex", "性别", required=True, values=("男", "女")),
             _c("datetime", "baby_birth_date", "出生日期", required=True, subtype="date"),
             _c("textfield", "birth_certificate", "出生医学证明编号", required=True, max_length=20),
             _c("textfield", "birth_place", "出生地点（医院）", required=True, max_length=100),
         ], "baby"),
         _group("一并办理的事项", [
             _c("checklist", "services", "办理事项", required=True, values=("户口登记", "城乡居民医保参保", "社会保障卡申领", "预防接种证")),
             _c("checkbox", "need_social_card", "需要邮寄社会保障卡"),
             _c("textfield", "card_mail_address", "社保卡邮寄地址", required=True, max_length=200, hide="=need_social_card != true"),
         ], "services"),
         _list("members", "同户家庭成员", [
             _c("textfield", "name", "姓名", required=True, max_length=32),
             _c("textfield", "id_number", "公民身份号码", required=True, idtype="resident_id"),
             _c("select", "relation", "与新生儿关系", required=True, values=("父亲", "母亲", "祖父母", "外祖父母", "兄弟姐妹", "其他")),
         ]),
     ]), PERSON_BINDINGS),
    ("individual-business", "个体工商户设立登记申请书", "CITY-SAMR",
     "经营者本人申请，或委托代理人办理。",
     _doc("individual_business", [
         _group("经营者", _applicant(), "operator"),
         _group("个体工商户", [
             _c("textfield", "business_name", "个体工商户名称", max_length=60, description="可以不起字号名称"),
             _c("textfield", "business_place", "经营场所", required=True, max_length=200),
             _c("textarea", "business_scope", "经营范围", required=True, max_length=500),
             _c("number", "capital", "资金数额（万元）", required=True, min_value=0),
             _c("radio", "form_of_organisation", "组成形式", required=True, values=("个人经营", "家庭经营")),
         ], "business"),
         _group("委托代理", [
             _c("checkbox", "by_agent", "委托代理人办理"),
             _c("textfield", "agent_name", "代理人姓名", required=True, max_length=32, hide="=not(by_agent = true)"),
             _c("textfield", "agent_id_number", "代理人公民身份号码", required=True, idtype="resident_id", hide="=not(by_agent = true)"),
         ], "agent"),
         _list("staff", "从业人员", [
             _c("textfield", "name", "姓名", required=True, max_length=32),
             _c("textfield", "id_number", "公民身份号码", required=True, idtype="resident_id"),
             _c("select", "relation", "与经营者关系", values=("本人", "配偶", "子女", "其他家庭成员", "雇员")),
         ]),
     ]), PERSON_BINDINGS),
    ("food-business-licence", "食品经营许可申请书", "CITY-SAMR",
     "食品销售经营者、餐饮服务经营者和单位食堂申请食品经营许可。",
     _doc("food_business_licence", [
         _group("申请人（单位）", _enterprise(), "enterprise"),
         _group("经营信息", [
             _c("select", "business_type", "主体业态", required=True, values=("食品销售经营者", "餐饮服务经营者", "单位食堂")),
             _c("checklist", "items", "经营项目", required=True, values=("预包装食品销售", "散装食品销售", "特殊食品销售", "热食类食品制售", "冷食类食品制售", "自制饮品制售")),
             _c("textfield", "premises", "经营场所", required=True, max_length=200),
             _c("number", "area", "经营场所面积（平方米）", required=True, min_value=1),
             _c("radio", "online", "是否网络经营", required=True, values=YES_NO),
             _c("textfield", "website", "网站或网店地址", required=True, max_length=200, hide='=online != "是"'),
         ], "business"),
         _list("food_safety_staff", "食品安全管理人员", [
             _c("textfield", "name", "姓名", required=True, max_length=32),
             _c("textfield", "id_number", "公民身份号码", required=True, idtype="resident_id"),
             _c("textfield", "phone", "手机号码", idtype="phone"),
         ], required=True),
     ]), ENTERPRISE_BINDINGS),
    ("resident-pension", "城乡居民基本养老保险参保登记表", "CITY-HRSS",
     "年满16周岁、不是在校学生、未参加职工基本养老保险的城乡居民参保登记。",
     _doc("resident_pension", [
         _group("参保人", [*_applicant(), _c("radio", "household_type", "户籍性质", required=True, values=("农业户口", "非农业户口", "居民户口"))], "insured"),
         _group("缴费", [
             _c("select", "contribution_level", "缴费档次（元/年）", required=True, values=("200", "300", "500", "800", "1000", "1500", "2000", "3000", "4000", "5000")),
             _c("select", "bank", "代扣银行", required=True, values=("中国农业银行", "中国工商银行", "中国建设银行", "中国邮政储蓄银行", "农村商业银行")),
             _c("textfield", "bank_account", "银行账号", required=True, max_length=30),
             _c("checkbox", "special_group", "属于政府代缴的困难群体"),
             _c("select", "special_kind", "困难群体类别", required=True, hide="=not(special_group = true)",
                values=("最低生活保障对象", "特困人员", "返贫致贫人口", "重度残疾人")),
         ], "payment"),
         _list("beneficiaries", "指定受益人（可选）", [
             _c("textfield", "name", "姓名", required=True, max_length=32),
             _c("textfield", "id_number", "公民身份号码", required=True, idtype="resident_id"),
         ]),
     ]), PERSON_BINDINGS),
    ("construction-permit", "建设工程施工许可申请表", "CITY-HUD",
     "工程投资额30万元以上或建筑面积300平方米以上的房屋建筑和市政基础设施工程。",
     _doc("construction_permit", [
         _group("建设单位", _enterprise(), "builder"),
         _group("工程概况", [
             _c("textfield", "project_name", "工程名称", required=True, max_length=100),
             _c("textfield", "project_site", "建设地址", required=True, max_length=200),
             _c("number", "contract_price", "合同价格（万元）", required=True, min_value=30),
             _c("number", "floor_area", "建筑面积（平方米）", required=True, min_value=0),
             _c("datetime", "start_date", "计划开工日期", required=True, subtype="date"),
             _c("datetime", "finish_date", "计划竣工日期", required=True, subtype="date"),
             _c("radio", "high_rise", "是否超限高层建筑", required=True, values=YES_NO),
             _c("textfield", "review_opinion_no", "超限高层抗震设防专项审查意见书编号", required=True, max_length=40, hide='=high_rise != "是"'),
         ], "project"),
         _list("contractors", "施工单位", [
             _c("textfield", "name", "单位名称", required=True, max_length=100),
             _c("textfield", "uscc", "统一社会信用代码", required=True, idtype="uscc"),
             _c("textfield", "project_manager", "项目经理", required=True, max_length=32),
         ], required=True),
     ]), ENTERPRISE_BINDINGS),
)


def generate(ctx) -> None:
    from digigov.core.accounts.models import User
    from digigov.core.org.models import Department

    from . import actions
    from .models import FormDefinition

    users = ctx.shared.get("accounts", {}).get("demo_users", {})
    actor = User.objects.filter(pk=users.get("cityadmin")).first() or system_account()
    departments = {d.code: d for d in Department.objects.filter(code__in=[f[2] for f in FORMS], voided_at__isnull=True)}
    made = 0
    with acting_as(actor, channel="command"):
        for key, name, dept_code, description, ui, bindings in FORMS:
            if FormDefinition.objects.filter(key=key).exists():
                continue
            form = actions.create_form(actor, key=key, name=name, description=description, department=departments.get(dept_code))
            version = actions.save_draft_version(actor, form, ui, bindings)
            actions.publish_version(actor, version)
            made += 1
    ctx.rows += made * 2  # each form and its published version
    ctx.describe(f"表单：{made} 张办事表单已发布（含分组、重复分组、显示条件和基础库免填绑定）")


register_demo("forms", generate, after=("registries",))
