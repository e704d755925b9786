"""The business component ``onestop.assign_uscc`` (赋统一社会信用代码): the registration authority's own
step in 企业设立登记 — on approval the new enterprise gets its 18-character USCC (GB 32100: 登记管理部门
``9`` 企业 ``1``, the division, a nine-character body, the check character) and its date of establishment,
which the next step (``license.issue`` of the 营业执照) prints. The body is derived from the case number,
so retrying the step after an incident assigns the same code again. A case filed by an authorised agent for an
enterprise already on record (``Case.applicant_legal_person``: its code was given when the name was reserved)
keeps that code, so the 营业执照 is issued to that enterprise and lands in its wallet instead of to a second,
unknown code no one can hold."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from digigov.core.registry import Component, ComponentParam

P = ComponentParam


def assign_uscc(actor, case, inputs: dict) -> dict:
    from digigov.core.accounts.ids import USCC_CHARSET, uscc_check_char

    lp = case.applicant_legal_person if case is not None and getattr(case, "applicant_legal_person_id", None) else None
    if lp is not None and lp.uscc:
        return {"uscc": lp.uscc, "established": timezone.localdate().isoformat()}
    division = str(inputs.get("division") or "").strip()
    if not (len(division) == 6 and division.isdigit()):
        division = (case.division.code[:6] if case is not None and case.division_id else "") or "210600"
    seed = hashlib.sha256(f"uscc:{case.number if case is not None else ''}".encode()).digest()
    body = "91" + division + "".join(USCC_CHARSET[b % len(USCC_CHARSET)] for b in seed[:9])
    return {"uscc": body + uscc_check_char(body), "established": timezone.localdate().isoformat()}


COMPONENT = Component(
    "onestop.assign_uscc", "赋统一社会信用代码",
    "企业设立登记核准时由登记机关为新设企业赋统一社会信用代码并确定成立日期（同一办件重试时赋同一代码），供后续签发营业执照使用。",
    assign_uscc,
    inputs=(P("division", "string", "登记机关所在区划代码（默认办件区划或本市）", required=False),),
    outputs=(P("uscc", "string", "统一社会信用代码"), P("established", "string", "成立日期")),
    app="onestop",
)
