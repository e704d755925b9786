"""REST API of the comprehensive window at /api/v1/support/window/: the queue (take a number, call the
next, the screen's data), reception (identify, consent, pull, create the application), materials and
unified output. Objects are addressed by ``public_id`` (cases by their number); every operation names
its permission and answers ``{code, message, detail}`` on error."""

from __future__ import annotations

from datetime import date, datetime

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from digigov.core.api import OpenObject, Page, StrictSchema, errors, paginate, permission
from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.rbac.checks import scope_queryset

from . import selectors
from .actions import deliveries as delivery_actions
from .actions import queue, reception as reception_actions
from .models import Consent, Delivery, QueueTicket, Reception, ServiceHall

router = Router(tags=["support.window 综合窗口"])


# --- schemas ---------------------------------------------------------------------------------------

class HallOut(Schema):
    public_id: str
    name: str
    division: str = Field(description="所在区划名称")
    address: str
    counters: int


def hall_out(h: ServiceHall) -> dict:
    return {"public_id": h.public_id, "name": h.name, "division": h.division.name, "address": h.address, "counters": h.counters}


class HallListOut(Schema):
    items: list[HallOut]


class TicketIn(StrictSchema):
    category: str = Field(description="A 综合受理 | B 企业服务 | C 出件取证 | D 咨询")


class CallNextIn(StrictSchema):
    counter: int = Field(description="窗口号（1…大厅窗口数）")
    category: str | None = Field(None, description="只叫该类别；不填按取号先后")


class RecallIn(StrictSchema):
    counter: int | None = None


class TicketOut(Schema):
    public_id: str
    number: str
    category: str
    category_label: str
    status: str = Field(description="waiting | called | serving | done | absent")
    status_label: str
    counter: int | None
    day: date
    called_at: datetime | None


def ticket_out(t: QueueTicket) -> dict:
    return {"public_id": t.public_id, "number": t.number, "category": t.category, "category_label": t.get_category_display(),
            "status": t.status, "status_label": t.get_status_display(), "counter": t.counter, "day": t.day, "called_at": t.called_at}


class CallNextOut(Schema):
    ticket: TicketOut | None = Field(description="叫到的排队号；无人等候时为 null")


class ScreenCallOut(Schema):
    number: str
    counter: int | None
    status_label: str


class ScreenWaitingOut(Schema):
    category: str
    label: str
    waiting: int


class ScreenOut(Schema):
    hall: str
    calls: list[ScreenCallOut]
    waiting: list[ScreenWaitingOut]
    at: datetime


class ReceptionIn(StrictSchema):
    ticket: str | None = Field(None, description="排队号 public_id；不填为无排队号的现场受理")


class IdentifyIn(StrictSchema):
    kind: str = Field(description="person（身份证号码）| enterprise（统一社会信用代码）")
    code: str = Field(max_length=40)


class ConsentIn(StrictSchema):
    method: str = Field(description="id_card | sms | signature")
    scope: list[str] = Field(description="registries（基础库数据）、licences（电子证照）")
    minutes: int = Field(reception_actions.CONSENT_MINUTES, description="授权有效分钟数（1–120）")


class PullIn(StrictSchema):
    scope: str = Field(description="registries | licences")


class ApplicationIn(StrictSchema):
    version: str = Field(description="流程版本 public_id（生效版本）")
    data: OpenObject = Field(default_factory=dict, description="申请表数据")
    licences: list[str] = Field(default_factory=list, description="替代材料的电子证照 public_id（须有电子证照授权）")
    delivery_method: str = Field("pickup", description="pickup（窗口领取）| post（邮寄送达）")
    recipient_name: str = ""
    address: str = ""
    phone: str = ""
    idempotency_key: str = ""


class ConsentOut(Schema):
    public_id: str
    method_label: str
    scope: list[str]
    expires_at: datetime


class ReceptionOut(Schema):
    public_id: str
    hall: str
    ticket: str | None = Field(description="排队号")
    applicant_kind: str
    applicant_name: str
    case: str | None = Field(description="办件编号")
    finished: bool


def reception_out(r: Reception) -> dict:
    name = r.person.name if r.person_id else (r.legal_person.name if r.legal_person_id else "")
    return {"public_id": r.public_id, "hall": r.hall.name, "ticket": r.ticket.number if r.ticket_id else None,
            "applicant_kind": r.applicant_kind, "applicant_name": name, "case": r.case.number if r.case_id else None,
            "finished": r.finished_at is not None}


class RecordRowOut(Schema):
    label: str
    value: str


class LicenceOut(Schema):
    public_id: str
    licence_name: str
    licence_no: str
    issuer: str
    issued_on: date
    valid_until: date | None


class PullOut(Schema):
    found: bool
    record: list[RecordRowOut]
    licences: list[LicenceOut]


class CaseOut(Schema):
    number: str
    title: str
    status: str
    status_label: str
    department: str
    promised_due: date | None


def case_out(c) -> dict:
    return {"number": c.number, "title": c.title, "status": c.status, "status_label": c.get_status_display(),
            "department": c.department.name, "promised_due": c.promised_due}


class MaterialOut(Schema):
    public_id: str
    name: str
    source_label: str
    content_type: str
    size: int
    pages: int | None
    sha256: str


class DeliveryOut(Schema):
    public_id: str
    case: str = Field(description="办件编号")
    title: str
    hall: str | None
    method: str = Field(description="pickup | post")
    method_label: str
    status: str = Field(description="waiting | ready | posted | handed_out | delivered")
    status_label: str
    tracking_no: str
    handed_at: datetime | None


def delivery_out(d: Delivery) -> dict:
    return {"public_id": d.public_id, "case": d.case.number, "title": d.case.title, "hall": d.hall.name if d.hall_id else None,
            "method": d.method, "method_label": d.get_method_display(), "status": d.status, "status_label": d.get_status_display(),
            "tracking_no": d.tracking_no, "handed_at": d.handed_at}


class HandOutIn(StrictSchema):
    recipient: str = Field(description="applicant（申请人本人/法定代表人）| agent（委托代理人/企业经办人）")
    name: str = Field(max_length=64)
    id_number_last4: str = Field("", max_length=8)
    agent_id_number: str = Field("", max_length=40)
    power_of_attorney: bool = False


class PostIn(StrictSchema):
    tracking_no: str = Field(max_length=40)


# --- halls and the queue ---------------------------------------------------------------------------

def _hall(request, public_id: str, perm: str) -> ServiceHall:
    return selectors.hall_for(request.auth, public_id, perm)


@router.get("/halls", response=HallListOut, summary="政务服务大厅列表（本人范围内）")
@permission("window.view")
def list_halls(request):
    return {"items": [hall_out(h) for h in selectors.halls(request.auth).order_by("division__code", "name")]}


@router.post("/halls/{public_id}/tickets", response={201: TicketOut}, summary="取号（自助机或窗口代取；只记录业务类别）")
@permission("window.queue")
def take_ticket(request, public_id: str, payload: TicketIn):
    return Status(201, ticket_out(queue.take_number(request.auth, _hall(request, public_id, "window.queue"), payload.category)))


@router.post("/halls/{public_id}/call-next", response=CallNextOut, summary="叫下一个号到指定窗口")
@permission("window.queue")
def call_next(request, public_id: str, payload: CallNextIn):
    t = queue.call_next(request.auth, _hall(request, public_id, "window.queue"), payload.counter, payload.category)
    return {"ticket": ticket_out(t) if t else None}


@router.get("/halls/{public_id}/screen", response=ScreenOut, summary="大厅叫号屏数据（只有排队号和窗口号，无个人信息）")
@permission("window.view")
def screen(request, public_id: str):
    s = selectors.screen(_hall(request, public_id, "window.view"))
    return {"hall": s.hall.name, "calls": [{"number": c.number, "counter": c.counter, "status_label": c.status} for c in s.calls],
            "waiting": [{"category": w.category, "label": w.label, "waiting": w.waiting} for w in s.waiting], "at": s.at}


@router.post("/tickets/{public_id}/serve", response=TicketOut, summary="排队号开始办理")
@permission("window.queue")
def serve_ticket(request, public_id: str):
    return ticket_out(queue.start_serving(request.auth, selectors.ticket_for(request.auth, public_id)))


@router.post("/tickets/{public_id}/finish", response=TicketOut, summary="排队号办结")
@permission("window.queue")
def finish_ticket(request, public_id: str):
    return ticket_out(queue.finish(request.auth, selectors.ticket_for(request.auth, public_id)))


@router.post("/tickets/{public_id}/absent", response=TicketOut, summary="过号（叫号后未到）")
@permission("window.queue")
def absent_ticket(request, public_id: str):
    return ticket_out(queue.no_show(request.auth, selectors.ticket_for(request.auth, public_id)))


@router.post("/tickets/{public_id}/recall", response=TicketOut, summary="重新叫号（含过号后重呼）")
@permission("window.queue")
def recall_ticket(request, public_id: str, payload: RecallIn):
    return ticket_out(queue.recall(request.auth, selectors.ticket_for(request.auth, public_id), payload.counter))


# --- reception ---------------------------------------------------------------------------------------

@router.post("/halls/{public_id}/receptions", response={201: ReceptionOut}, summary="开始窗口受理（叫到的排队号或现场受理）")
@permission("window.receive")
@errors(404)
def start_reception(request, public_id: str, payload: ReceptionIn):
    hall = _hall(request, public_id, "window.receive")
    ticket = None
    if payload.ticket:
        ticket = selectors.today_tickets(hall).filter(public_id=payload.ticket).first()
        if ticket is None:
            raise NotFound("排队号不存在", code="not_found", detail={"field": "ticket"})
    return Status(201, reception_out(reception_actions.start_reception(request.auth, hall, ticket=ticket)))


def _reception(request, public_id: str) -> Reception:
    return selectors.reception_for(request.auth, public_id)


@router.post("/receptions/{public_id}/identify", response=ReceptionOut, summary="核验申请人：身份证号码或统一社会信用代码")
@permission("window.receive")
def identify(request, public_id: str, payload: IdentifyIn):
    r = reception_actions.identify(request.auth, _reception(request, public_id), kind=payload.kind, code=payload.code)
    return reception_out(selectors.reception_for(request.auth, r.public_id))


@router.post("/receptions/{public_id}/consent", response={201: ConsentOut}, summary="记录申请人的数据使用授权")
@permission("window.receive")
def consent(request, public_id: str, payload: ConsentIn):
    c: Consent = reception_actions.record_consent(request.auth, _reception(request, public_id), method=payload.method,
                                                  scope=payload.scope, minutes=payload.minutes)
    return Status(201, {"public_id": c.public_id, "method_label": c.get_method_display(), "scope": c.scope, "expires_at": c.expires_at})


@router.post("/receptions/{public_id}/pull", response=PullOut, summary="经授权调取基础库数据或电子证照（明文读取记入审计）")
@permission("window.receive")
def pull(request, public_id: str, payload: PullIn):
    out = reception_actions.pull(request.auth, _reception(request, public_id), scope=payload.scope)
    return {"found": out["found"], "record": [{"label": k, "value": v} for k, v in out["record"]],
            "licences": [{"public_id": x.public_id, "licence_name": x.licence_name, "licence_no": x.licence_no, "issuer": x.issuer.name,
                          "issued_on": x.issued_on, "valid_until": x.valid_until} for x in out["licences"]]}


@router.post("/receptions/{public_id}/application", response={201: CaseOut}, summary="代申请人发起办件（幂等键防重复提交）")
@permission("window.receive")
@errors(404)
def create_application(request, public_id: str, payload: ApplicationIn):
    version = reception_actions.open_versions().filter(public_id=payload.version[:22]).first()
    if version is None:
        raise NotFound("办理事项不存在或未生效", code="version_not_found", detail={"field": "version"})
    case = reception_actions.create_application(
        request.auth, _reception(request, public_id), version, data=payload.data, licences=payload.licences,
        delivery_method=payload.delivery_method, recipient_name=payload.recipient_name, address=payload.address, phone=payload.phone,
        idempotency_key=payload.idempotency_key)
    return Status(201, case_out(case))


# --- materials -----------------------------------------------------------------------------------------

@router.post("/cases/{number}/materials", response={201: MaterialOut},
             summary="上传申请材料（multipart：file 文件，name 材料名称；按内容识别 PDF/OFD/JPEG/PNG）")
@permission("window.receive")
def upload_material(request, number: str, name: str = "", file: UploadedFile | None = File(None, description="PDF、OFD、JPEG 或 PNG")):
    from digigov.support.workflow.actions import materials as material_actions
    from digigov.support.workflow.materials import MAX_BYTES
    from digigov.support.workflow.models import Case, MaterialSource

    case = scope_queryset(request.auth, "window.receive", Case.objects.all()).filter(number=number[:32]).first()
    if case is None:
        raise NotFound("办件不存在或不在您的范围内", code="not_found")
    if file is None:
        raise ValidationFailed("请选择要上传的文件", code="material_required", detail={"field": "file"})
    if file.size and file.size > MAX_BYTES:
        raise ValidationFailed(f"文件过大（不超过 {MAX_BYTES // (1024 * 1024)} MB）", code="material_too_large", detail={"field": "file"})
    data = file.read(MAX_BYTES + 1)
    m = material_actions.add_file(request.auth, case, name=name or file.name or "申请材料", data=data, source=MaterialSource.SCAN)
    return Status(201, {"public_id": m.public_id, "name": m.name, "source_label": m.get_source_display(), "content_type": m.content_type,
                       "size": m.size, "pages": m.pages, "sha256": m.sha256})


# --- unified output ------------------------------------------------------------------------------------

@router.get("/deliveries", response=Page[DeliveryOut], summary="统一出件列表（waiting 待办结 | ready 待领取/待邮寄 | done 已出件）")
@permission("window.view")
def list_deliveries(request, status: str = "", page: int = 1, page_size: int = 50):
    qs = selectors.deliveries(request.auth).filter(selectors.delivery_filter(status))
    return paginate(qs.order_by("-created_at", "-id"), page, page_size, delivery_out)


@router.post("/deliveries/{public_id}/hand-out", response=DeliveryOut, summary="窗口领取（核验领取人）")
@permission("window.deliver")
def hand_out(request, public_id: str, payload: HandOutIn):
    d = delivery_actions.hand_out(request.auth, selectors.delivery_for(request.auth, public_id), recipient=payload.recipient, name=payload.name,
                                  id_number_last4=payload.id_number_last4, agent_id_number=payload.agent_id_number,
                                  power_of_attorney=payload.power_of_attorney)
    return delivery_out(d)


@router.post("/deliveries/{public_id}/post", response=DeliveryOut, summary="邮寄送达（登记邮件单号）")
@permission("window.deliver")
def post(request, public_id: str, payload: PostIn):
    return delivery_out(delivery_actions.post(request.auth, selectors.delivery_for(request.auth, public_id), tracking_no=payload.tracking_no))
