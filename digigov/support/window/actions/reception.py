"""Reception at the window (窗口受理): who came, with what consent, for which service.

The steps, each one action in one transaction with its audit entry:

1. ``start_reception`` — the clerk starts serving a called number, or a walk-in without a number.
2. ``identify`` — the applicant's ID number (looked up by the blind index of ``NaturalPerson``) or
   unified social credit code (``LegalPerson.uscc``); a bad check digit is refused with the validators'
   Chinese message, an unknown holder with 404; nothing is written then.
3. ``record_consent`` — the holder's consent (how it was given, to what: base-registry data and/or
   e-licences), valid for ``CONSENT_MINUTES``. Without a live consent of the right scope ``pull`` refuses.
4. ``pull`` — with consent, the golden record (clear values, the read audited with ``record_pii_read``
   naming the purpose 窗口受理) and the holder's valid e-licences from the licence index. The answer is
   shown once, never stored on the reception.
5. ``create_application`` — the case on the applicant's behalf (``start_case(channel=window)``,
   idempotent), its materials (files checked by ``workflow.materials``; e-licences standing in for
   papers), the process's first 窗口受理 task completed by the clerk, and how the result will be
   handed over (a ``Delivery``: pick-up at this hall or post).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from digigov.core.accounts.models import LegalPerson, NaturalPerson
from digigov.core.audit.actions import record, record_pii_read
from digigov.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from digigov.core.pii import blind
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text
from digigov.core.validators import clean_phone, clean_resident_id, clean_uscc
from digigov.data.grading.policy import mask_resident_id

from ..models import (
    ApplicantKind, Consent, ConsentMethod, Delivery, DeliveryMethod, QueueTicket, Reception, ServiceHall, TicketStatus,
)

CONSENT_MINUTES = 30
SCOPES = {"registries": "基础库数据", "licences": "电子证照"}
PURPOSE = "窗口受理"
MAX_FILES = 20


def _lock(reception: Reception) -> Reception:
    r = Reception.objects.select_for_update(of=("self",)).select_related("hall", "hall__division", "person", "legal_person", "ticket").get(pk=reception.pk)
    return r


def _open(reception: Reception) -> None:
    if reception.finished_at is not None or reception.case_id is not None:
        raise Conflict("本次受理已结束", code="reception_finished")


@transaction.atomic
def start_reception(actor, hall: ServiceHall, *, ticket: QueueTicket | None = None) -> Reception:
    if hall is None or hall.voided_at is not None:
        raise ValidationFailed("该大厅已停用", code="hall_closed", detail={"field": "hall"})
    require(actor, "window.receive", hall)
    if ticket is not None:
        ticket = QueueTicket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
        if ticket.hall_id != hall.pk:
            raise ValidationFailed("该排队号不属于本大厅", code="ticket_hall", detail={"field": "ticket"})
        if ticket.status not in (TicketStatus.CALLED, TicketStatus.SERVING):
            raise Conflict(f"排队号 {ticket.number} 当前状态为“{ticket.get_status_display()}”，请先叫号", code="ticket_state")
        if ticket.status == TicketStatus.CALLED:
            ticket.status, ticket.served_by = TicketStatus.SERVING, actor
            ticket.save(update_fields=["status", "served_by", "updated_at"])
    reception = Reception.objects.create(hall=hall, clerk=actor, ticket=ticket, applicant_kind=ApplicantKind.PERSON)
    record(actor, "window.reception_start", reception, after={"hall": hall.name, "ticket": ticket.number if ticket else "（无排队号）"})
    return reception


@transaction.atomic
def identify(actor, reception: Reception, *, kind, code) -> Reception:
    """Who the applicant is: a natural person by ID number or a legal person by USCC."""
    reception = _lock(reception)
    require(actor, "window.receive", reception.hall)
    _open(reception)
    if kind == ApplicantKind.PERSON:
        id_number = clean_resident_id(code, field="code")
        person = NaturalPerson.objects.active().filter(blind(NaturalPerson, "id_number", id_number)).first()
        if person is None:
            raise NotFound("未找到该身份证号码对应的自然人，请核对号码或先办理实名登记", code="person_not_found", detail={"field": "code"})
        reception.person, reception.legal_person = person, None
        shown = mask_resident_id(id_number)
    elif kind == ApplicantKind.ENTERPRISE:
        uscc = clean_uscc(code, field="code")
        legal = LegalPerson.objects.active().filter(uscc=uscc).first()
        if legal is None:
            raise NotFound("未找到该统一社会信用代码对应的法人", code="legal_person_not_found", detail={"field": "code"})
        reception.person, reception.legal_person = None, legal
        shown = uscc
    else:
        raise ValidationFailed("请选择申请人类型（自然人或法人）", code="invalid_kind", detail={"field": "kind"})
    reception.applicant_kind = kind
    reception.save(update_fields=["applicant_kind", "person", "legal_person", "updated_at"])
    # a new applicant voids any consent given for the previous one
    reception.consents.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(actor, "window.applicant_identify", reception, after={"kind": reception.get_applicant_kind_display(), "code": shown})
    return reception


def _scope(value) -> list[str]:
    if not isinstance(value, (list, tuple)) or not value or any(v not in SCOPES for v in value):
        raise ValidationFailed("请选择授权调取的范围（基础库数据、电子证照）", code="invalid_scope", detail={"field": "scope", "allowed": list(SCOPES)})
    return sorted(set(value))


@transaction.atomic
def record_consent(actor, reception: Reception, *, method, scope, minutes: int = CONSENT_MINUTES) -> Consent:
    reception = _lock(reception)
    require(actor, "window.receive", reception.hall)
    _open(reception)
    if reception.person_id is None and reception.legal_person_id is None:
        raise ValidationFailed("请先核验申请人身份", code="applicant_required", detail={"field": "applicant"})
    if method not in ConsentMethod.values:
        raise ValidationFailed("请选择授权确认方式", code="invalid_method", detail={"field": "method"})
    scope = _scope(scope)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 120:
        raise ValidationFailed("授权有效时间应在 1 到 120 分钟之间", code="invalid_minutes", detail={"field": "minutes"})
    now = timezone.now()
    reception.consents.filter(revoked_at__isnull=True).update(revoked_at=now)
    consent = Consent.objects.create(reception=reception, scope=scope, method=method, granted_at=now, expires_at=now + dt.timedelta(minutes=minutes))
    record(actor, "window.consent_record", consent, after={"method": consent.get_method_display(), "scope": [SCOPES[s] for s in scope],
                                                            "expires_at": timezone.localtime(consent.expires_at).strftime("%H:%M")})
    return consent


def live_consent(reception: Reception, scope: str, now=None) -> Consent | None:
    now = now or timezone.now()
    for c in reception.consents.filter(revoked_at__isnull=True, expires_at__gt=now).order_by("-granted_at"):
        if scope in (c.scope or []):
            return c
    return None


def require_consent(reception: Reception, scope: str) -> Consent:
    consent = live_consent(reception, scope)
    if consent is not None:
        return consent
    expired = reception.consents.filter(revoked_at__isnull=True, expires_at__lte=timezone.now()).exists()
    if expired:
        raise Forbidden(f"申请人对调取{SCOPES[scope]}的授权已过期，请重新确认授权", code="consent_expired", detail={"scope": scope})
    raise Forbidden(f"未经申请人授权，不能调取{SCOPES[scope]}", code="consent_required", detail={"scope": scope})


def holder_code(reception: Reception) -> str:
    if reception.person_id:
        return reception.person.id_number
    if reception.legal_person_id:
        return reception.legal_person.uscc
    return ""


def holder_licences(reception: Reception):
    from digigov.data.registries.models import LicenceIndex, LicenceStatus

    code = holder_code(reception)
    if not code:
        return LicenceIndex.objects.none()
    return (LicenceIndex.objects.filter(blind(LicenceIndex, "holder_code", code), status=LicenceStatus.VALID)
            .select_related("issuer").order_by("-issued_on", "-pk"))


def golden_record(reception: Reception):
    from digigov.data.registries.models import EnterpriseRecord, PersonRecord, RecordStatus

    if reception.person_id:
        return PersonRecord.objects.filter(blind(PersonRecord, "id_number", reception.person.id_number),
                                           status=RecordStatus.ACTIVE).select_related("division").first()
    if reception.legal_person_id:
        return EnterpriseRecord.objects.filter(uscc=reception.legal_person.uscc, status=RecordStatus.ACTIVE).select_related("division").first()
    return None


PERSON_FIELDS = (("name", "姓名"), ("id_number", "公民身份号码"), ("sex", "性别"), ("birth_date", "出生日期"), ("ethnicity", "民族"),
                 ("address", "住址"), ("phone", "手机号码"))
ENTERPRISE_FIELDS = (("name", "名称"), ("uscc", "统一社会信用代码"))


@transaction.atomic
def pull(actor, reception: Reception, *, scope: str) -> dict:
    """With a live consent of ``scope``: ``{"record": [(label, value)…], "licences": [LicenceIndex…]}``."""
    reception = _lock(reception)
    require(actor, "window.receive", reception.hall)
    _open(reception)
    if scope not in SCOPES:
        raise ValidationFailed("调取范围无效", code="invalid_scope", detail={"field": "scope"})
    if reception.person_id is None and reception.legal_person_id is None:
        raise ValidationFailed("请先核验申请人身份", code="applicant_required", detail={"field": "applicant"})
    require_consent(reception, scope)
    out: dict = {"record": [], "licences": [], "found": False}
    if scope == "registries":
        from digigov.data.registries.purpose import display

        golden = golden_record(reception)
        if golden is not None:
            registry_name = "person" if reception.person_id else "enterprise"
            fields = PERSON_FIELDS if reception.person_id else ENTERPRISE_FIELDS
            rows = []
            for code, label in fields:
                value = getattr(golden, code, "")
                text = display(registry_name, code, "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value))
                if text:
                    rows.append((label, text))
            if golden.division_id:
                rows.append(("户籍区划" if reception.person_id else "登记区划", golden.division.name))
            out["record"], out["found"] = rows, True
            if reception.person_id:
                record_pii_read(actor, golden, [c for c, _ in fields if getattr(golden, c, "")], purpose=PURPOSE)
    else:
        out["licences"] = list(holder_licences(reception))
        out["found"] = bool(out["licences"])
    record(actor, "window.data_pull", reception, after={"scope": SCOPES[scope], "found": out["found"]})
    return out


def _delivery_fields(method, *, recipient_name, address, phone) -> dict:
    if method not in DeliveryMethod.values:
        raise ValidationFailed("请选择出件方式（窗口领取或邮寄送达）", code="invalid_delivery", detail={"field": "delivery_method"})
    recipient_name = clean_text(recipient_name, "recipient_name", "领取/收件人", 64, required=method == DeliveryMethod.POST)
    if method == DeliveryMethod.POST:
        return {"recipient_name": recipient_name, "address": clean_text(address, "address", "邮寄地址", 200),
                "phone": clean_phone(phone, "phone", required=True)}
    return {"recipient_name": recipient_name, "address": "", "phone": ""}


def open_versions():
    """The services the window can take: active versions of processes, with their department."""
    from digigov.support.workflow.models import ProcessVersion, VersionStatus

    return (ProcessVersion.objects.filter(status=VersionStatus.ACTIVE, process__voided_at__isnull=True)
            .select_related("process", "process__department__division", "start_form").order_by("process__name", "-version"))


def create_application(actor, reception: Reception, version, *, data: dict | None = None, files=(), licences=(),
                       delivery_method=DeliveryMethod.PICKUP, recipient_name: str = "", address: str = "", phone: str = "",
                       idempotency_key: str = ""):
    """Create the case on the applicant's behalf; see the module docstring. ``files`` are ``(name, bytes)``
    pairs, ``licences`` public ids of the holder's valid e-licences (the licences consent must be live).
    Either all is written (case, materials, accept task, delivery, audit) or nothing: files written
    before a failure are removed again."""
    cleanup: list = []
    try:
        return _create(actor, reception, version, data=data, files=files, licences=licences, delivery_method=delivery_method,
                       recipient_name=recipient_name, address=address, phone=phone, idempotency_key=idempotency_key, cleanup=cleanup)
    except BaseException:
        for path in cleanup:
            path.unlink(missing_ok=True)
        raise


@transaction.atomic
def _create(actor, reception, version, *, data, files, licences, delivery_method, recipient_name, address, phone, idempotency_key, cleanup):
    from digigov.support.workflow import runtime
    from digigov.support.workflow.actions import cases
    from digigov.support.workflow.actions import materials as material_actions
    from digigov.support.workflow.idempotency import clean_key
    from digigov.support.workflow.models import Channel, IdempotentRequest, MaterialSource, TaskStatus

    reception = _lock(reception)
    require(actor, "window.receive", reception.hall)
    key = clean_key(idempotency_key)
    if key:
        previous = IdempotentRequest.objects.filter(actor=actor, scope="workflow.case_start", key=key).first()
        if previous is not None and reception.case_id is not None and reception.case.public_id == previous.target:
            return reception.case  # the same submission again (a double click): the case it made
    _open(reception)
    if reception.person_id is None and reception.legal_person_id is None:
        raise ValidationFailed("请先核验申请人身份", code="applicant_required", detail={"field": "applicant"})
    if version is None:
        raise ValidationFailed("请选择办理事项", code="version_required", detail={"field": "version"})
    delivery = _delivery_fields(delivery_method, recipient_name=recipient_name, address=address, phone=phone)
    files = list(files or [])
    licences = list(licences or [])
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"一次最多上传 {MAX_FILES} 个材料", code="too_many_files", detail={"field": "files"})
    chosen = []
    if licences:
        require_consent(reception, "licences")
        allowed = {lic.public_id: lic for lic in holder_licences(reception)}
        for pid in licences:
            if pid not in allowed:
                raise ValidationFailed("所选电子证照不属于该申请人或已失效", code="licence_invalid", detail={"field": "licences"})
            chosen.append(allowed[pid])
    case = cases.start_case(actor, version, channel=Channel.WINDOW, division=reception.hall.division, data=data or {},
                            applicant=_account_of(reception),
                            applicant_person=reception.person, applicant_legal_person=reception.legal_person, idempotency_key=key)
    for name, content in files:
        material_actions.add_file(actor, case, name=name, data=content, source=MaterialSource.SCAN, cleanup=cleanup)
    for lic in chosen:
        material_actions.add_licence(actor, case, lic)
    accept = case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED), candidate_role="window_clerk").order_by("id").first()
    if accept is not None:
        runtime.complete(accept, actor, outcome="complete", opinion="窗口受理，材料已收取")
        record(actor, "window.accept_task", accept, after={"case": case.number, "task": accept.name, "outcome": "窗口受理"})
        case.refresh_from_db()
    d = Delivery.objects.create(case=case, hall=reception.hall, method=delivery_method, **delivery)
    record(actor, "window.delivery_create", d, after={"case": case.number, "method": d.get_method_display(), "hall": reception.hall.name})
    reception.case, reception.finished_at = case, timezone.now()
    reception.save(update_fields=["case", "finished_at", "updated_at"])
    if reception.ticket_id:
        QueueTicket.objects.filter(pk=reception.ticket_id).update(case=case)
    record(actor, "window.application_create", reception, after={"case": case.number, "process": version.process.name,
                                                                 "materials": len(files) + len(chosen), "delivery": d.get_method_display()})
    return case


def _account_of(reception: Reception):
    """The applicant's own account, if they have one (their 办件 then shows in their portal and they are
    notified); a legal person's case has none."""
    from digigov.core.accounts.models import User

    if reception.person_id:
        return User.objects.filter(person=reception.person, is_active=True).first()
    return None


@transaction.atomic
def finish_reception(actor, reception: Reception) -> Reception:
    """End a reception without an application (consultation only, applicant left)."""
    reception = _lock(reception)
    require(actor, "window.receive", reception.hall)
    _open(reception)
    reception.finished_at = timezone.now()
    reception.save(update_fields=["finished_at", "updated_at"])
    reception.consents.filter(revoked_at__isnull=True).update(revoked_at=reception.finished_at)
    record(actor, "window.reception_finish", reception, after={"case": "（未申请）"})
    return reception
