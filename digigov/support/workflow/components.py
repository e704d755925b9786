"""The platform's built-in business components (业务组件): what a BPMN service task calls by code.

A process author writes, in Camunda Modeler or the platform's modeller,

    <bpmn:serviceTask id="check" name="信用核查" camunda:type="external" camunda:topic="credit.check">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="subject_code">${uscc}</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
    </bpmn:serviceTask>

and the engine (``engine.ComponentTask``) calls ``registry.component("credit.check").func(actor, case, inputs)``
inside the step, writing the outputs into the case data. Components run as the platform's system account
(an approver completing a review must not need the right to index licences), work over the platform's
own data (the base registries, the in-site inbox), and raise a ``DigiGovError`` with a Chinese message for
a business failure: the step then commits the case into an incident an administrator can retry.

Each component's inputs and outputs are typed (``ComponentParam``); the catalog page shows them with a
sample XML snippet.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from digigov.core import registry
from digigov.core.errors import ValidationFailed
from digigov.core.registry import Component, ComponentParam

P = ComponentParam


def _required(inputs: dict, name: str, label: str) -> str:
    value = inputs.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed(f"业务组件缺少输入：{label}（{name}）", code="component_input_missing", detail={"field": name})
    return str(value).strip()


def _applicant_code(case, kind: str = "") -> str:
    """The applicant's USCC (a legal person) or resident ID (a natural person), for inputs left empty."""
    if case is None:
        return ""
    if kind != "person" and case.applicant_legal_person_id:
        return case.applicant_legal_person.uscc or ""
    if kind != "enterprise" and case.applicant_person_id:
        return case.applicant_person.id_number or ""
    return ""


def _input_or_applicant(inputs: dict, name: str, label: str, case, kind: str = "") -> str:
    if not str(inputs.get(name) or "").strip():
        code = _applicant_code(case, kind)
        if code:
            return code.upper()
    return _required(inputs, name, label).upper()


def _system():
    from digigov.core.rbac.system import system_account

    return system_account()


# --- 基础库 --------------------------------------------------------------------------------------------

def person_lookup(actor, case, inputs: dict) -> dict:
    from digigov.core.pii import blind
    from digigov.data.registries.models import PersonRecord, RecordStatus

    id_number = _input_or_applicant(inputs, "id_number", "公民身份号码", case, "person")
    rec = PersonRecord.objects.filter(blind(PersonRecord, "id_number", id_number), status=RecordStatus.ACTIVE).select_related("division").first()
    if rec is None:
        return {"person_found": False, "person_division": "", "person_birth_date": "", "person_sex": ""}
    return {"person_found": True, "person_division": rec.division.code if rec.division_id else "",
            "person_birth_date": rec.birth_date.isoformat() if rec.birth_date else "", "person_sex": {"M": "男", "F": "女"}.get(rec.sex, "")}


def enterprise_lookup(actor, case, inputs: dict) -> dict:
    from digigov.data.registries.models import EnterpriseRecord, RecordStatus

    uscc = _input_or_applicant(inputs, "credit_code", "统一社会信用代码", case, "enterprise")
    rec = EnterpriseRecord.objects.filter(uscc=uscc, status=RecordStatus.ACTIVE).first()
    if rec is None:
        return {"enterprise_found": False, "enterprise_name": "", "enterprise_status": "", "business_scope": ""}
    attrs = rec.attributes or {}
    return {"enterprise_found": True, "enterprise_name": rec.name, "enterprise_status": str(attrs.get("status", "")),
            "business_scope": str(attrs.get("business_scope", ""))}


# --- 信用 ----------------------------------------------------------------------------------------------

def credit_check(actor, case, inputs: dict) -> dict:
    """Black-list (失信惩戒) facts still in force about the subject. ``on_blacklist`` = ``fail`` stops the
    case with an incident (严重失信主体不予受理); ``flag`` (default) only reports it for the reviewer."""
    from digigov.core.pii import blind
    from digigov.data.registries.models import CreditKind, CreditRecord

    code = _input_or_applicant(inputs, "subject_code", "主体代码（统一社会信用代码或公民身份号码）", case)
    mode = str(inputs.get("on_blacklist") or "flag").strip()
    if mode not in ("fail", "flag"):
        raise ValidationFailed("on_blacklist 只能是 fail 或 flag", code="component_input_invalid", detail={"field": "on_blacklist"})
    today = timezone.localdate()
    rows = list(CreditRecord.objects.filter(blind(CreditRecord, "subject_code", code), voided_at__isnull=True)
                .only("kind", "valid_until", "title"))
    black = [r for r in rows if r.kind == CreditKind.PUNISH and (r.valid_until is None or r.valid_until >= today)]
    if black and mode == "fail":
        raise ValidationFailed(f"申请主体在失信惩戒名单内：{black[0].title}", code="credit_blacklisted")
    return {"credit_blacklisted": bool(black), "credit_record_count": len(rows),
            "credit_note": f"失信惩戒：{black[0].title}" if black else "无失信惩戒记录"}


# --- 资格 ----------------------------------------------------------------------------------------------

ACTIVE_ENTERPRISE_STATUSES = ("存续", "在业", "开业", "在营")


def qualification_check(actor, case, inputs: dict) -> dict:
    """The enterprise is registered, in business (存续/在业) and its business scope contains ``term``."""
    from digigov.data.registries.models import EnterpriseRecord, RecordStatus

    uscc = _input_or_applicant(inputs, "credit_code", "统一社会信用代码", case, "enterprise")
    term = str(inputs.get("scope_term") or "").strip()
    rec = EnterpriseRecord.objects.filter(uscc=uscc, status=RecordStatus.ACTIVE).first()
    if rec is None:
        return {"qualified": False, "qualification_note": "法人基础库中没有该企业"}
    attrs = rec.attributes or {}
    status = str(attrs.get("status", ""))
    if status and status not in ACTIVE_ENTERPRISE_STATUSES:
        return {"qualified": False, "qualification_note": f"企业登记状态为“{status}”"}
    if term and term not in str(attrs.get("business_scope", "")):
        return {"qualified": False, "qualification_note": f"经营范围不含“{term}”"}
    return {"qualified": True, "qualification_note": "资格核验通过"}


# --- 证照 ----------------------------------------------------------------------------------------------

def licence_index(actor, case, inputs: dict) -> dict:
    """Index the licence this case issues in the e-licence index (发证部门 = the case's department)."""
    from digigov.data.registries.actions.licence import index_licence

    kinds = {"自然人": "person", "法人": "enterprise", "person": "person", "enterprise": "enterprise"}
    holder_kind = kinds.get(str(inputs.get("holder_kind") or "").strip(), "enterprise" if case.applicant_legal_person_id else "person")
    holder_code = inputs.get("holder_code")
    if not holder_code:
        if case.applicant_legal_person_id:
            holder_code = case.applicant_legal_person.uscc
        elif case.applicant_person_id:
            holder_code = case.applicant_person.id_number
    licence_no = str(inputs.get("licence_no") or f"{_required(inputs, 'licence_type', '证照类型代码')}-{case.number}")
    issued_on = timezone.localdate()
    years = inputs.get("valid_years")
    valid_until = None
    if years not in (None, ""):
        try:
            valid_until = issued_on.replace(year=issued_on.year + int(years))
        except (TypeError, ValueError):
            valid_until = issued_on + dt.timedelta(days=365 * 5)
    # indexing is the platform's own step (the approver holds no licence-index grant): it runs as the system
    # account, attributed to it in the audit log, keeping the request's id so the entry can be traced to it
    from digigov.core.context import acting_as, current_actor

    system = _system()
    with acting_as(system, channel="system", ip=current_actor().ip, request_id=current_actor().request_id):
        row, _ = index_licence(
            system, issuer=case.department, holder_kind=holder_kind, holder_code=holder_code or "",
            holder_name=str(inputs.get("holder_name") or case.applicant_name), licence_type=_required(inputs, "licence_type", "证照类型代码"),
            licence_name=_required(inputs, "licence_name", "证照名称"), licence_no=licence_no, issued_on=issued_on,
            valid_until=valid_until, source_ref=case.number[:64],
        )
    return {"licence_no": row.licence_no, "licence_id": str(row.public_id)}


# --- 通知 ----------------------------------------------------------------------------------------------

def notify_applicant(actor, case, inputs: dict) -> dict:
    """An in-site message (站内消息) to the applicant's account (none for a walk-in applicant without one)."""
    title = _required(inputs, "title", "消息标题")[:200]
    body = str(inputs.get("body") or "")[:2000]
    if case.applicant_id is None:
        return {"notified": False}
    try:
        from digigov.core.notify import inbox  # the time-limits slice's helper, when merged

        inbox.send(case.applicant, topic="办件进度", title=title, body=body, link="")
    except (ImportError, AttributeError, TypeError):
        from digigov.core.notify.models import InboxMessage

        InboxMessage.objects.create(recipient=case.applicant, topic="办件进度", title=title, body=body)
    return {"notified": True}


SAMPLE = """<bpmn:serviceTask id="{id}" name="{label}" camunda:type="external" camunda:topic="{code}">
  <bpmn:extensionElements>
    <camunda:inputOutput>
{params}    </camunda:inputOutput>
  </bpmn:extensionElements>
</bpmn:serviceTask>"""


def sample_xml(component: Component) -> str:
    params = "".join(f'      <camunda:inputParameter name="{p.name}">${{{p.name}}}</camunda:inputParameter>\n'
                     for p in component.inputs if p.required) or "".join(
        f'      <camunda:inputParameter name="{p.name}">${{{p.name}}}</camunda:inputParameter>\n' for p in component.inputs[:1])
    return SAMPLE.format(id=component.code.replace(".", "_"), label=component.label, code=component.code, params=params)


BUILTIN = (
    Component("registry.person_lookup", "人口基础库核验", "按公民身份号码查询人口基础库，返回是否在库、户籍区划、出生日期和性别（不返回姓名等个人信息）。",
              person_lookup, inputs=(P("id_number", "string", "公民身份号码（默认申请人）", required=False),),
              outputs=(P("person_found", "boolean", "是否在库"), P("person_division", "string", "户籍区划代码"),
                       P("person_birth_date", "string", "出生日期"), P("person_sex", "string", "性别")), app="workflow"),
    Component("registry.enterprise_lookup", "法人基础库核验", "按统一社会信用代码查询法人基础库，返回名称、登记状态和经营范围。",
              enterprise_lookup, inputs=(P("credit_code", "string", "统一社会信用代码（默认申请单位）", required=False),),
              outputs=(P("enterprise_found", "boolean", "是否在库"), P("enterprise_name", "string", "企业名称"),
                       P("enterprise_status", "string", "登记状态"), P("business_scope", "string", "经营范围")), app="workflow"),
    Component("credit.check", "信用核查", "查询信用基础库中仍在有效期内的失信惩戒（黑名单）记录；on_blacklist 为 fail 时在黑名单内即转为异常（不予受理），为 flag 时仅标记供审查。",
              credit_check, inputs=(P("subject_code", "string", "主体代码（默认申请人）", required=False),
                                    P("on_blacklist", "string", "在黑名单内时：fail 中止 / flag 标记", required=False)),
              outputs=(P("credit_blacklisted", "boolean", "是否在失信惩戒名单"), P("credit_record_count", "integer", "信用记录数"),
                       P("credit_note", "string", "核查说明")), app="workflow"),
    Component("qualification.check", "企业资格核验", "核验企业在法人基础库中登记状态为存续/在业，且经营范围包含指定用语。",
              qualification_check, inputs=(P("credit_code", "string", "统一社会信用代码（默认申请单位）", required=False), P("scope_term", "string", "经营范围须包含", required=False)),
              outputs=(P("qualified", "boolean", "是否符合"), P("qualification_note", "string", "核验说明")), app="workflow"),
    Component("licence.index", "证照登记入库", "办结发证时把证照登记到电子证照目录索引（发证部门为承办部门；同一证照编号重复登记即更新）。",
              licence_index, inputs=(P("licence_type", "string", "证照类型代码"), P("licence_name", "string", "证照名称"),
                                     P("licence_no", "string", "证照编号（默认 类型-办件编号）", required=False),
                                     P("holder_kind", "string", "持证主体类型：自然人或法人（默认按申请人）", required=False),
                                     P("holder_code", "string", "持证主体代码（默认申请人）", required=False),
                                     P("holder_name", "string", "持证主体名称（默认申请人）", required=False),
                                     P("valid_years", "integer", "有效年限", required=False)),
              outputs=(P("licence_no", "string", "证照编号"), P("licence_id", "string", "证照索引标识")), app="workflow"),
    Component("notify.applicant", "通知申请人", "给申请人的账户发送站内消息（窗口代办且申请人无账户时不发送）。",
              notify_applicant, inputs=(P("title", "string", "消息标题"), P("body", "string", "消息内容", required=False)),
              outputs=(P("notified", "boolean", "是否已发送"),), app="workflow"),
)


def register_builtin() -> None:
    for c in BUILTIN:
        registry.register_component(c)
