"""REST API of the workflow engine at /api/v1/support/workflow/: processes (list, import a .bpmn file,
activate/retire, export), cases (read where a case stands; an online applicant starts one), incidents
(list, retry, cancel) and messages to a waiting case. Objects are addressed by ``public_id``."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from digigov.core.api import OpenObject, Page, StrictSchema, errors, get_or_404, paginate, permission
from digigov.core.errors import ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import scope_queryset

from . import selectors
from .actions import incidents as incident_actions
from .actions import messages as message_actions
from .actions import processes as process_actions
from .actions.cases import start_case
from .models import Case, Channel, ProcessVersion, VersionStatus

router = Router(tags=["support.workflow 流程引擎"])


class WfVersionOut(Schema):
    public_id: str
    version: int
    status: str = Field(description="draft | active | retired")
    status_label: str
    filename: str
    sha256: str
    imported_by: str
    created_at: datetime
    activated_at: datetime | None


class WfProcessOut(Schema):
    public_id: str
    key: str = Field(description="BPMN 流程 id")
    name: str
    department: str | None = Field(description="主管部门 public_id")
    department_name: str | None
    statutory_days: int | None
    promised_days: int | None
    active_version: int | None
    versions: list[WfVersionOut]


class WfExportOut(Schema):
    filename: str
    sha256: str
    bpmn_xml: str = Field(description="导入时的 BPMN 文件原文")


class WfTaskOut(Schema):
    public_id: str
    element_id: str
    name: str
    status: str = Field(description="open | claimed | completed | cancelled")
    status_label: str
    candidate_role: str
    department_name: str | None
    outcome: str
    completed_at: datetime | None


class WfEventOut(Schema):
    at: datetime
    kind: str
    text: str


class WfCaseOut(Schema):
    public_id: str
    number: str
    title: str
    status: str = Field(description="running | correction | suspended | incident | approved | rejected | withdrawn | cancelled")
    status_label: str
    process: str = Field(description="流程标识")
    version: int
    department_name: str
    current_elements: list[str] = Field(description="办件当前所处的流程节点 id（待办任务、等待中的定时/消息事件、异常节点）")
    waiting_messages: list[str]
    tasks: list[WfTaskOut]
    timeline: list[WfEventOut]
    started_at: datetime
    finished_at: datetime | None


class WfCaseStartIn(StrictSchema):
    process: str = Field(description="流程标识（用其生效版本）")
    title: str = ""
    data: OpenObject = Field(default_factory=dict, description="申请数据（JSON 对象）")
    idempotency_key: str | None = None


class WfMessageIn(StrictSchema):
    name: str
    payload: OpenObject = Field(default_factory=dict, description="消息内容（JSON 对象）")
    idempotency_key: str | None = None


class WfCancelIn(StrictSchema):
    reason: str


class WfIncidentOut(Schema):
    public_id: str
    case: str = Field(description="办件 public_id")
    case_number: str
    element_id: str
    component: str
    error_code: str
    message: str
    status: str = Field(description="open | resolved")
    status_label: str
    attempts: int
    created_at: datetime


def version_out(v: ProcessVersion) -> dict:
    return {"public_id": v.public_id, "version": v.version, "status": v.status, "status_label": v.get_status_display(),
            "filename": v.filename, "sha256": v.sha256, "imported_by": v.imported_by.display_name if v.imported_by_id else "",
            "created_at": v.created_at, "activated_at": v.activated_at}


def process_out(p) -> dict:
    vs = sorted(p.versions.all(), key=lambda v: -v.version)
    active = next((v.version for v in vs if v.status == VersionStatus.ACTIVE), None)
    return {"public_id": p.public_id, "key": p.key, "name": p.name, "department": p.department.public_id if p.department_id else None,
            "department_name": p.department.name if p.department_id else None, "statutory_days": p.statutory_days,
            "promised_days": p.promised_days, "active_version": active, "versions": [version_out(v) for v in vs]}


def case_out(case: Case, *, staff: bool = True) -> dict:
    from . import where

    tasks = list(case.tasks.select_related("department").order_by("pk"))
    events = case.events.order_by("at", "pk")
    if not staff:
        events = events.filter(public=True)
    position = where.position(case)
    return {
        "public_id": case.public_id, "number": case.number, "title": case.title, "status": case.status,
        "status_label": case.get_status_display(), "process": case.process_version.process.key, "version": case.process_version.version,
        "department_name": case.department.name, "current_elements": position.current, "waiting_messages": position.messages,
        "tasks": [{"public_id": t.public_id, "element_id": t.element_id, "name": t.name, "status": t.status, "status_label": t.get_status_display(),
                   "candidate_role": t.candidate_role, "department_name": t.department.name if t.department_id else None,
                   "outcome": t.outcome, "completed_at": t.completed_at} for t in tasks],
        "timeline": [{"at": e.at, "kind": e.kind, "text": e.text} for e in events[:200]],
        "started_at": case.started_at, "finished_at": case.finished_at,
    }


def incident_out(i) -> dict:
    return {"public_id": i.public_id, "case": i.case.public_id, "case_number": i.case.number, "element_id": i.element_id,
            "component": i.component, "error_code": i.error_code, "message": i.message, "status": i.status,
            "status_label": i.get_status_display(), "attempts": i.attempts, "created_at": i.created_at}


def _with_versions(qs):
    return qs.select_related("department").prefetch_related(Prefetch("versions", queryset=ProcessVersion.objects.select_related("imported_by")))


# --- processes ---------------------------------------------------------------------------------------

@router.get("/processes", response=Page[WfProcessOut], summary="流程列表（含各版本）")
@permission("workflow.view")
def list_processes(request, q: str = "", page: int = 1, page_size: int = 50):
    qs = _with_versions(selectors.processes(request.auth)).order_by("-pk")
    if q:
        qs = qs.filter(name__icontains=q[:100])
    return paginate(qs, page, page_size, process_out)


@router.get("/processes/{public_id}", response=WfProcessOut, summary="流程详情")
@permission("workflow.view")
def get_process(request, public_id: str):
    return process_out(get_or_404(_with_versions(selectors.processes(request.auth)), public_id=public_id))


@router.post("/processes", response={201: WfVersionOut}, summary="导入 BPMN 文件为新的草稿版本（multipart：file、department）")
@permission("workflow.design")
@errors(404)
def import_bpmn(request, department: str = Form("", description="主管部门 public_id"), name: str = Form(""),
                file: UploadedFile | None = File(None, description=".bpmn 文件")):
    if file is None:
        raise ValidationFailed("请选择 .bpmn 文件", code="file_required", detail={"field": "file"})
    if not department:
        raise ValidationFailed("请选择主管部门", code="department_required", detail={"field": "department"})
    dept = get_or_404(Department.objects.all(), public_id=department[:22])
    if file.size and file.size > 2 * 1024 * 1024:
        raise ValidationFailed("文件过大（不超过 2 MB）", code="bpmn_invalid", detail={"field": "file", "errors": []})
    version = process_actions.import_process(request.auth, file.read(), file.name or "process.bpmn", department=dept, name=name)
    return Status(201, version_out(version))


@router.post("/versions/{public_id}/activate", response=WfVersionOut, summary="发布版本（原生效版本停用，在办件仍按原版本办理）")
@permission("workflow.design")
def activate(request, public_id: str):
    version = get_or_404(selectors.versions(request.auth, "workflow.design"), public_id=public_id)
    return version_out(process_actions.activate_version(request.auth, version))


@router.post("/versions/{public_id}/retire", response=WfVersionOut, summary="停用版本")
@permission("workflow.design")
def retire(request, public_id: str):
    version = get_or_404(selectors.versions(request.auth, "workflow.design"), public_id=public_id)
    return version_out(process_actions.retire_version(request.auth, version))


@router.get("/versions/{public_id}/export", response=WfExportOut, summary="导出版本的 BPMN 文件（原文）")
@permission("workflow.view")
def export(request, public_id: str):
    version = get_or_404(selectors.versions(request.auth), public_id=public_id)
    filename, data = process_actions.export_version(request.auth, version)
    return {"filename": filename, "sha256": version.sha256, "bpmn_xml": data.decode("utf-8")}


# --- cases -------------------------------------------------------------------------------------------

@router.get("/cases/{public_id}", response=WfCaseOut, summary="办件：状态、所处节点、任务、办理记录")
@permission("workflow.track")
def get_case(request, public_id: str):
    from digigov.core.rbac.checks import can

    case = get_or_404(selectors.cases(request.auth), public_id=public_id)
    return case_out(case, staff=can(request.auth, "workflow.view", case))


@router.post("/cases", response={201: WfCaseOut}, summary="网上申请：按流程的生效版本发起办件（申请人本人）")
@permission("workflow.apply")
@errors(404)
def create_case(request, payload: WfCaseStartIn):
    version = selectors.active_version(payload.process[:100])
    if version is None:
        raise ValidationFailed("该事项没有生效的流程", code="version_not_active", detail={"field": "process"})
    case = start_case(request.auth, version, channel=Channel.ONLINE, title=payload.title, data=payload.data,
                      idempotency_key=payload.idempotency_key or "")
    return Status(201, case_out(case, staff=False))


@router.post("/cases/{public_id}/messages", response=WfCaseOut, summary="向等待中的办件投递消息（如外部部门回函）")
@permission("workflow.handle")
def post_message(request, public_id: str, payload: WfMessageIn):
    case = get_or_404(scope_queryset(request.auth, "workflow.handle", Case.objects.all()), public_id=public_id)
    case = message_actions.deliver_message(request.auth, case, payload.name, payload.payload, idempotency_key=payload.idempotency_key or "")
    return case_out(case)


# --- incidents ---------------------------------------------------------------------------------------

@router.get("/incidents", response=Page[WfIncidentOut], summary="流程异常列表")
@permission("workflow.incident")
def list_incidents(request, status: str = "open", page: int = 1, page_size: int = 50):
    if status not in ("open", "resolved", ""):
        raise ValidationFailed("状态只能是 open 或 resolved", code="invalid_status", detail={"field": "status"})
    return paginate(selectors.incidents(request.auth, status=status).order_by("-pk"), page, page_size, incident_out)


@router.post("/incidents/{public_id}/retry", response=WfIncidentOut, summary="重试异常环节")
@permission("workflow.incident")
def retry(request, public_id: str):
    incident = get_or_404(selectors.incidents(request.auth, status=""), public_id=public_id)
    return incident_out(incident_actions.retry_incident(request.auth, incident))


@router.post("/incidents/{public_id}/cancel", response=WfIncidentOut, summary="终止异常办件")
@permission("workflow.incident")
def cancel(request, public_id: str, payload: WfCancelIn):
    incident = get_or_404(selectors.incidents(request.auth, status=""), public_id=public_id)
    return incident_out(incident_actions.cancel_incident(request.auth, incident, reason=payload.reason))

