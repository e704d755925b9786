"""The business component ``license.issue`` (签发电子证照): a process's service task issues the licence of an
approved case, sealed by the issuing unit, as the platform's system account (like ``licence.index``: the
approver who completed the review holds no right to issue or seal).

Inputs: ``licence_type`` (the type code), optional ``holder_code`` / ``holder_name`` (default: the case's
applicant), optional ``valid_from``, and any input named like one of the type's fields (``${premises}`` →
``address``); a field without an input is read from the case data under its own key. List values (a
checklist) are joined with "、". Retrying the step after an incident does not issue twice: a valid licence
of the type for the case is returned as it is.
"""

from __future__ import annotations

from digigov.core.errors import ValidationFailed
from digigov.core.registry import Component, ComponentParam

P = ComponentParam


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value if v not in (None, ""))
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def issue(actor, case, inputs: dict) -> dict:
    from digigov.core.context import acting_as, current_actor
    from digigov.core.rbac.system import system_account

    from .actions.licences import issue_licence
    from .models import Licence, LicenceSource, LicenceStatus, LicenceType

    code = str(inputs.get("licence_type") or "").strip()
    if not code:
        raise ValidationFailed("业务组件缺少输入：证照类型代码（licence_type）", code="component_input_missing", detail={"field": "licence_type"})
    lt = LicenceType.objects.filter(code=code).select_related("department").first()
    if lt is None:
        raise ValidationFailed(f"证照类型 {code} 不存在", code="licence_type_unknown", detail={"field": "licence_type"})
    done = Licence.objects.filter(case=case, licence_type=lt, status=LicenceStatus.VALID).first() if case is not None else None
    if done is None:
        holder_code = str(inputs.get("holder_code") or "").strip()
        if not holder_code and case is not None:
            if lt.holder_kind == "enterprise" and case.applicant_legal_person_id:
                holder_code = case.applicant_legal_person.uscc or ""
            elif lt.holder_kind == "person" and case.applicant_person_id:
                holder_code = case.applicant_person.id_number or ""
        holder_name = str(inputs.get("holder_name") or "").strip() or (case.applicant_name if case is not None else "")
        case_data = (case.data or {}) if case is not None else {}
        data = {}
        for f in lt.fields:
            if f["key"] in ("name", "id_number", "uscc"):
                continue
            value = inputs.get(f["key"]) if f["key"] in inputs else case_data.get(f["key"])
            if value not in (None, "", []):
                data[f["key"]] = _text(value)
        system = system_account()
        with acting_as(system, channel="system", ip=current_actor().ip, request_id=current_actor().request_id):
            done = issue_licence(system, lt, lt.holder_kind, holder_code, holder_name, data, inputs.get("valid_from") or None,
                                 case=case, source=LicenceSource.APPROVAL)
    return {"licence_identifier": done.identifier, "licence_no": done.number, "licence_id": str(done.public_id)}


COMPONENT = Component(
    "license.issue", "签发电子证照",
    "审批通过后由发证部门签发电子证照（OFD 和 PDF，加盖发证部门的公章或业务专用章），并登记到电子证照目录索引。"
    "证照字段取同名输入参数，未给出的取办件数据中的同名字段。",
    issue,
    inputs=(P("licence_type", "string", "证照类型代码"), P("holder_code", "string", "持证主体代码（默认申请人）", required=False),
            P("holder_name", "string", "持证主体名称（默认申请人）", required=False),
            P("valid_from", "string", "有效期起（默认当天）", required=False)),
    outputs=(P("licence_identifier", "string", "证照标识"), P("licence_no", "string", "证照编号"), P("licence_id", "string", "电子证照编号")),
    app="license",
)
