"""The GovStack Registration building block API (spec 0.1.1, ``GovStackWorkingGroup/bb-registration``
``api/GovStack_Registration_BB_API.json`` and ``api/GovStack_Registration_BB_API_statistics.json``), mounted at
``/govstack/registration/`` as a Django Ninja API of its own (OpenAPI at ``/govstack/registration/openapi.json``),
over the same items, applications and cases as the portal, so that tools written for GovStack work here.

How the spec's objects map onto the platform:

* **service** = an offered ``ServiceItem`` (id = its public id; its GB/T 39554.1 implementing code is accepted
  too). ``version`` = the active process version; ``isExecutable`` = it can be applied for online (an active
  process and 网办深度 ≥ 三级); ``serviceBody`` = the 办事指南's facts as ``{code, value}`` pairs.
* **eForm** = a published ``FormVersion`` of the item's form (``schema`` = its JSON Schema, draft 2020-12).
* **application file** = an ``Application`` (``fileId`` = its public id) with its workflow cases;
  ``mainTaskId`` = the case's public id; the spec's four statuses are derived from the cases
  (``SENDBACK`` = waiting for 补正).
* **document** = an ``UploadedDocument`` (checked like any material), named later in ``documentUrls``.
* **task** = an open ``WorkTask`` of an application's case.
* **statistics** = counts of the applications' cases (``selectors.govstack.statistics``).

Authentication, as the spec's applicant flow expects (the applicant comes from OAuth 2 / OpenID Connect):
``Authorization: Bearer <access token>`` issued by the platform's OpenID provider (an applicant or an
operator), or the platform's API key (``X-API-Key`` / ``Authorization``) of a system account. The catalogue
(services, eForms) and the statistics are open, as in the spec. Where the spec lists the
``Information-Mediator-Client`` header it is required (``INSTANCE/CLASS/MEMBER/SUBSYSTEM``; else 400).
Errors carry the spec's ``systemError`` fields (``traceId``, ``code``, ``message``, ``localizedMessage``) and
the platform's ``detail``; every message is Chinese.

Where the spec is silent or contradicts its own tests (written down in ``docs/govstack-registration.md``):
``GET /services`` pages with ``firstResult`` / ``maxResult`` like the other lists; statistics answer at both
``/data/statistics`` (the OpenAPI file) and ``/data/statistics/1.0`` (the conformance tests);
``PUT /applications/{fileId}`` is how the applicant sends back a file that was sent back (补正) — the
operator's decisions go through ``POST /tasks/{taskId}/complete``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from ninja import Field, Header, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer
from pydantic import ConfigDict

from digigov.core.api import ChineseJSONRenderer
from digigov.core.errors import DigiGovError, NotFound, ValidationFailed
from digigov.core.rbac.checks import can

from .actions import govstack as actions
from .models import Application, UploadedDocument
from .selectors import govstack as selectors

class BadRequest(DigiGovError):
    status = 400
    code = "bad_request"
    message = "请求无效"


MEDIATOR_PATTERN = r"^[^/\s]{1,64}/[^/\s]{1,64}/[^/\s]{1,64}/[^/\s]{1,128}$"
MAX_RESULTS = 100
CHALLENGE = 'Bearer realm="digigov-govstack"'


# --- authentication -------------------------------------------------------------------------------------

class ApiKey(APIKeyHeader):
    """The platform's API key of a system account (``X-API-Key``)."""

    param_name = "X-API-Key"

    def authenticate(self, request, key):
        from digigov.data.dregistries.views import _authenticate

        return _authenticate(request) if key else None


class AccessToken(HttpBearer):
    """``Authorization: Bearer`` — an OAuth 2 access token of the platform's OpenID provider (or an API key)."""

    def authenticate(self, request, token):
        from digigov.data.dregistries.views import _authenticate

        return _authenticate(request) if token else None


AUTH = [ApiKey(), AccessToken()]

api = NinjaAPI(
    title="DigiGov · GovStack Registration",
    version="0.1.1",
    description="GovStack 登记构件（Registration BB）接口：事项（services）、电子表单（eForms）、申请（applications）、"
                "材料（documents）、任务（tasks）与统计（statistics），与一网通办门户共用同一批事项、申请和办件。"
                "申请人使用平台统一身份认证签发的访问令牌（Bearer）；对接系统使用 API 密钥。错误返回 "
                "{traceId, code, message, localizedMessage, detail}。",
    urls_namespace="govstack_registration",
    openapi_url="/openapi.json",
    docs_url=None,
    renderer=ChineseJSONRenderer(),
    auth=None,
)


# --- schemas (the spec's names) -----------------------------------------------------------------------------

class SystemError(Schema):
    traceId: str = ""
    code: str
    message: str
    localizedMessage: str = ""
    detail: Any = None


class Property(Schema):
    code: str
    value: str


class ServiceOut(Schema):
    id: str
    name: str
    version: str
    type: Literal["None", "Private", "Public"]
    isExecutable: bool
    isClosed: bool
    description: str
    serviceBody: list[Property]


class EFormListItem(Schema):
    eFormId: str
    name: str
    description: str
    version: str
    latest: bool


class EFormOut(EFormListItem):
    model_config = ConfigDict(populate_by_name=True)
    form_schema: dict = Field(..., alias="schema", description="电子表单的 JSON Schema（draft 2020-12）")


class StatusModel(Schema):
    code: Literal["PENDING", "APPROVED", "SENDBACK", "REJECTED"]
    title: str


class FormData(Schema):
    data: dict = Field(default_factory=dict, description="表单字段 → 值")
    eFormId: str | None = None


class ApplicationFileSubmit(Schema):
    applicationName: str | None = Field(None, max_length=200)
    applicantId: str = Field(..., max_length=64, description="申请人账户标识（访问令牌所代表的本人）")
    created: dt.datetime | None = None
    formData: FormData | None = None
    documentUrls: list[str] | None = Field(None, max_length=20)


class ApplicationDataOut(Schema):
    applicationName: str
    applicantId: str
    created: dt.datetime
    formData: FormData
    documentUrls: list[str]


class ApplicationFileResponse(Schema):
    fileId: str
    registered: dt.datetime | None
    serviceId: str
    serviceName: str
    status: StatusModel
    ended: bool
    applicationData: ApplicationDataOut


class AdditionalData(Schema):
    data: dict = Field(default_factory=dict)


class ApplicationListItem(Schema):
    fileId: str
    mainTaskId: str
    taskTitle: str
    roleId: str
    roleName: str
    assigneeId: str
    operatorName: str
    status: StatusModel
    applicantId: str
    created: dt.datetime
    registered: dt.datetime | None
    description: str
    serviceName: str
    serviceId: str
    eformId: str
    documentUrls: list[str]
    additionalMeta: AdditionalData


class UploadResponse(Schema):
    code: int
    type: str
    message: str
    url: str


class UserTaskResponse(Schema):
    taskId: str
    mainTaskId: str
    name: str
    assigneeId: str
    roleId: str
    created: dt.datetime
    description: str
    serviceId: str
    serviceName: str
    fileId: str
    eFormId: str
    status: StatusModel


class DataUserTaskResponse(Schema):
    taskId: str
    taskName: str
    assigneeId: str
    roleId: str
    created: dt.datetime
    description: str
    fileId: str
    serviceId: str
    serviceName: str
    eFormId: str
    formVariables: dict
    status: StatusModel
    data: dict


class CompletedTaskResponse(Schema):
    taskId: str
    fileId: str
    serviceId: str
    status: StatusModel
    variables: dict


class StatisticsReferences(Schema):
    startDate: str
    endDate: str
    registrationName: str
    operator: str
    role: str
    timeframeDay: bool
    timeframeWeek: bool
    timeframeMonth: bool
    timeframeYear: bool


class StatisticsOut(Schema):
    processed: int
    approved: int
    sentBack: int
    rejected: int
    references: StatisticsReferences


E = SystemError
MEDIATOR = Header(..., alias="Information-Mediator-Client", pattern=MEDIATOR_PATTERN,
                  description="格式：INSTANCE/CLASS/MEMBER/SUBSYSTEM", examples=["eGovStack/GOV/90000009/eregistrations-dev"])


# --- errors ---------------------------------------------------------------------------------------------

def _error(request, status: int, code: str, message: str, detail: Any = None):
    body = {"traceId": getattr(request, "request_id", "") or "", "code": code, "message": message, "localizedMessage": message,
            "detail": detail}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = CHALLENGE
    return response


@api.exception_handler(DigiGovError)
def _digigov_error(request, exc: DigiGovError):
    return _error(request, exc.status, exc.code, exc.message, exc.detail)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    detail = [{"loc": [str(p) for p in e.get("loc", [])], "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors]
    if any("Information-Mediator-Client" in d["loc"] for d in detail):
        return _error(request, 400, "invalid_mediator_client",
                      "缺少或格式错误的 Information-Mediator-Client 请求头（格式：INSTANCE/CLASS/MEMBER/SUBSYSTEM）", detail)
    return _error(request, 400, "bad_request", "请求无效：参数或请求体格式不正确", detail)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, 401, "unauthenticated", "请提供访问令牌（Authorization: Bearer）或 API 密钥（X-API-Key）")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    messages = {400: "请求无效", 404: "对象不存在", 405: "不支持该请求方法"}
    return _error(request, exc.status_code, f"http_{exc.status_code}", messages.get(exc.status_code, "请求无效"), str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "对象不存在或无权访问")


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _error(request, 413, "payload_too_large", "请求体超过大小限制（材料请以文件方式上传，单个不超过 20 MB）")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    import logging

    logging.getLogger("digigov.govstack").exception("GovStack registration API error")
    return _error(request, 500, "internal_error", "服务器内部错误，请联系管理员并提供请求ID", {"request_id": getattr(request, "request_id", "")})


# --- mapping --------------------------------------------------------------------------------------------

STATUS_TITLES = {"PENDING": "办理中", "APPROVED": "已办结（准予）", "SENDBACK": "退回补正", "REJECTED": "已办结（不予）"}


def _status(application: Application) -> tuple[dict, bool]:
    """The spec's status and ``ended``, from the application's cases (a withdrawn file is REJECTED, ended)."""
    from digigov.support.workflow.models import CaseStatus

    if application.status == "withdrawn":
        return {"code": "REJECTED", "title": "已撤回"}, True
    statuses = [link.case.status for link in application.cases.all()]
    if not statuses:
        code = {"done": "APPROVED", "rejected": "REJECTED", "correction": "SENDBACK"}.get(application.status, "PENDING")
        return {"code": code, "title": STATUS_TITLES[code]}, code in ("APPROVED", "REJECTED")
    ended_statuses = (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN, CaseStatus.CANCELLED)
    ended = all(s in ended_statuses for s in statuses)
    if CaseStatus.CORRECTION in statuses:
        code = "SENDBACK"
    elif not ended:
        code = "PENDING"
    elif all(s == CaseStatus.APPROVED for s in statuses):
        code = "APPROVED"
    else:
        code = "REJECTED"
    return {"code": code, "title": STATUS_TITLES[code]}, ended


def _user_id(user) -> str:
    return user.public_id if user is not None else ""


def _role_name(code: str) -> str:
    from digigov.core.rbac.models import Role

    return str(Role(code).label) if code in Role.values else ""


def _documents(application: Application) -> list[str]:
    return [actions.document_url(d) for d in UploadedDocument.objects.filter(application=application).order_by("pk")]


def _file_out(application: Application, *, with_data: bool = True) -> dict:
    status, ended = _status(application)
    item = application.item
    version = actions.latest_form_version(item) if item is not None and item.form_id else None
    return {
        "fileId": application.public_id,
        "registered": application.submitted_at,
        "serviceId": item.public_id if item else "",
        "serviceName": item.name if item else application.title,
        "status": status,
        "ended": ended,
        "applicationData": {
            "applicationName": application.title,
            "applicantId": _user_id(application.applicant),
            "created": application.created_at,
            "formData": {"data": dict(application.data or {}) if with_data else {}, "eFormId": version.public_id if version else None},
            "documentUrls": _documents(application),
        },
    }


def _service_out(item, active_versions: dict) -> dict:
    version = active_versions.get(item.process_id)
    body = [
        ("code", item.code), ("itemType", item.get_item_type_display()), ("audience", item.get_audience_display()),
        ("department", item.department.name), ("legalBasis", item.legal_basis), ("conditions", item.conditions),
        ("promisedDays", f"{item.promised_days} 个工作日" if item.promised_days is not None else "无"),
        ("statutoryDays", f"{item.statutory_days} 个工作日" if item.statutory_days is not None else "无"),
        ("onlineDepth", item.get_online_depth_display()), ("citywide", "是" if item.citywide else "否"),
        ("fee", "收费" if item.fee_required else "不收费"),
        ("guide", f"/services/items/{item.code}/"),
    ]
    return {
        "id": item.public_id, "name": item.name, "version": str(version.version) if version else "0",
        "type": "Public" if version else "None", "isExecutable": bool(version) and item.online_depth >= 3, "isClosed": False,
        "description": item.conditions or item.name, "serviceBody": [{"code": c, "value": v or ""} for c, v in body],
    }


def _active_versions(items) -> dict:
    from digigov.support.workflow.models import ProcessVersion, VersionStatus

    ids = {i.process_id for i in items if i.process_id}
    return {v.process_id: v for v in ProcessVersion.objects.filter(process_id__in=ids, status=VersionStatus.ACTIVE)}


def _page(qs, first: int, limit: int, sort_by: str, sort_order: str, fields: dict):
    if sort_by:
        if sort_by not in fields:
            raise ValidationFailed(f"sortBy 只能是 {'、'.join(fields)}", code="invalid_sort", detail={"field": "sortBy"})
        if sort_order not in ("", "asc", "desc"):
            raise ValidationFailed("sortOrder 只能是 asc 或 desc", code="invalid_sort", detail={"field": "sortOrder"})
        qs = qs.order_by(("-" if sort_order == "desc" else "") + fields[sort_by], "pk")
    else:
        qs = qs.order_by("-pk")
    return list(qs[first:first + limit])


# --- services and eForms (open) -----------------------------------------------------------------------------

@api.get("/services", response={200: list[ServiceOut], 400: E}, operation_id="getServiceList", summary="事项列表（可按名称筛选）",
         tags=["services"])
def get_service_list(request, name: str = Query("", max_length=100), firstResult: int = Query(0, ge=0, le=100_000),
                     maxResult: int = Query(MAX_RESULTS, ge=1, le=1000)):
    items = list(selectors.services(name.strip())[firstResult:firstResult + maxResult])
    versions = _active_versions(items)
    return [_service_out(i, versions) for i in items]


@api.get("/services/{serviceId}", response={200: ServiceOut, 404: E}, operation_id="getService", summary="事项详情", tags=["services"])
def get_service(request, serviceId: str):
    item = selectors.service(serviceId)
    if item is None:
        raise NotFound("事项不存在或已下线", code="service_not_found")
    return _service_out(item, _active_versions([item]))


@api.get("/services/{serviceId}/eForms", response={200: list[EFormListItem], 404: E}, operation_id="getServiceSchemaByServiceKey",
         summary="事项的电子表单", tags=["eForms"])
def get_service_eforms(request, serviceId: str):
    item = selectors.service(serviceId)
    if item is None:
        raise NotFound("事项不存在或已下线", code="service_not_found")
    versions = selectors.eform_versions(item)
    return [{"eFormId": v.public_id, "name": v.form.name, "description": f"{item.name}申请表", "version": str(v.version),
             "latest": i == 0} for i, v in enumerate(versions)]


@api.get("/eForms/{eFormId}", response={200: EFormOut, 404: E}, operation_id="getEForm", summary="电子表单（含 JSON Schema）",
         tags=["eForms"], by_alias=True)
def get_eform(request, eFormId: str):
    from digigov.support.forms.models import FormStatus
    from digigov.support.forms.schema import derive_schema

    version = selectors.eform(eFormId)
    if version is None:
        raise NotFound("电子表单不存在", code="eform_not_found")
    latest = not version.form.versions.filter(status=FormStatus.PUBLISHED, version__gt=version.version).exists()
    return {"eFormId": version.public_id, "name": version.form.name, "description": version.form.name, "version": str(version.version),
            "latest": latest, "schema": version.schema or derive_schema(version.ui)}


# --- applications ---------------------------------------------------------------------------------------

@api.post("/services/{serviceId}/applications", response={200: ApplicationFileResponse, 400: E, 401: E, 403: E, 404: E, 409: E, 422: E},
          auth=AUTH, operation_id="submitApplication", summary="提交申请（申请人本人）", tags=["applications"])
def submit_application(request, serviceId: str, payload: ApplicationFileSubmit, mediator: str = MEDIATOR,
                       idempotency_key: str = Header("", alias="Idempotency-Key", max_length=80)):
    item = selectors.service(serviceId)
    if item is None:
        raise NotFound("事项不存在或已下线", code="service_not_found")
    _require_self(request.auth, payload.applicantId)
    form = payload.formData or FormData()
    application = actions.submit_application(request.auth, item, data=form.data, document_urls=payload.documentUrls,
                                             application_name=payload.applicationName or "", idempotency_key=idempotency_key)
    return _file_out(_reload(request.auth, application.public_id))


def _require_self(user, applicant_id: str) -> None:
    if applicant_id not in (user.public_id, user.username):
        from digigov.core.errors import Forbidden

        raise Forbidden("applicantId 必须是访问令牌所代表的本人（网上申请只能以本人名义提交）", code="not_applicant",
                        detail={"field": "applicantId"})


def _reload(user, file_id: str) -> Application:
    application = selectors.applications(user).filter(public_id=(file_id or "")[:40]).first()
    if application is None:
        raise NotFound("申请不存在或无权查看", code="application_not_found")
    return application


@api.get("/applications", response={200: list[ApplicationListItem], 400: E, 401: E}, auth=AUTH, operation_id="getApplicantFileList",
         summary="申请列表（本人的申请；工作人员：职责范围内的申请）", tags=["applications"])
def get_application_list(request, mediator: str = MEDIATOR, serviceId: str = Query("", max_length=64),
                         applicantId: str = Query("", max_length=64), firstResult: int = Query(0, ge=0, le=100_000),
                         maxResult: int = Query(MAX_RESULTS, ge=1, le=MAX_RESULTS),
                         sortBy: Literal["", "created", "registered", "name", "id", "description"] = Query(""),
                         sortOrder: Literal["", "asc", "desc"] = Query("")):
    from django.db.models import Q

    qs = selectors.applications(request.auth)
    if serviceId:
        qs = qs.filter(Q(item__public_id=serviceId) | Q(item__code=serviceId))
    if applicantId:
        qs = qs.filter(Q(applicant__public_id=applicantId) | Q(applicant__username=applicantId))
    rows = _page(qs, firstResult, maxResult, sortBy, sortOrder,
                 {"created": "created_at", "registered": "submitted_at", "name": "title", "id": "public_id", "description": "title"})
    eforms = selectors.latest_eform_ids(a.item.form_id for a in rows if a.item.form_id)
    docs: dict[int, list[str]] = {}
    for d in UploadedDocument.objects.filter(application__in=rows).order_by("pk"):
        docs.setdefault(d.application_id, []).append(actions.document_url(d))
    return [_list_item(request.auth, a, eforms, docs) for a in rows]


def _list_item(user, a: Application, eforms: dict, docs: dict) -> dict:
    status, _ = _status(a)
    links = list(a.cases.all())
    task = next((t for link in links for t in link.case.tasks.all()), None)
    staff = a.applicant_id != user.pk
    return {
        "fileId": a.public_id, "mainTaskId": links[0].case.public_id if links else "",
        "taskTitle": task.name if task else "", "roleId": task.candidate_role if task else "",
        "roleName": _role_name(task.candidate_role) if task else "",
        "assigneeId": _user_id(task.assignee) if task and staff else "",
        "operatorName": (task.assignee.display_name if task and task.assignee and staff else ""),
        "status": status, "applicantId": _user_id(a.applicant), "created": a.created_at, "registered": a.submitted_at,
        "description": a.title, "serviceName": a.item.name, "serviceId": a.item.public_id, "eformId": eforms.get(a.item.form_id, ""),
        "documentUrls": docs.get(a.pk, []),
        "additionalMeta": {"data": {"application": {"number": a.number or "", "channel": a.get_channel_display(),
                                                    "statusTitle": a.get_status_display()}}},
    }


@api.get("/applications/{fileId}", response={200: ApplicationFileResponse, 400: E, 401: E, 404: E}, auth=AUTH,
         operation_id="getApplicationFileById", summary="申请详情", tags=["applications"])
def get_application(request, fileId: str, mediator: str = MEDIATOR):
    return _file_out(_reload(request.auth, fileId))


@api.put("/applications/{fileId}", response={200: ApplicationFileResponse, 400: E, 401: E, 403: E, 404: E, 409: E, 422: E}, auth=AUTH,
         operation_id="updateApplicationFileForm", summary="更新申请（申请人对退回补正的申请补充数据和材料）", tags=["applications"])
def update_application(request, fileId: str, payload: ApplicationFileSubmit, mediator: str = MEDIATOR):
    application = _reload(request.auth, fileId)
    _require_self(request.auth, payload.applicantId)
    form = payload.formData or FormData()
    actions.answer_correction(request.auth, application, data=form.data, document_urls=payload.documentUrls)
    return _file_out(_reload(request.auth, fileId))


# --- documents ------------------------------------------------------------------------------------------

@api.post("/documents", response={200: UploadResponse, 400: E, 401: E, 403: E, 422: E}, auth=AUTH, operation_id="uploadFile",
          summary="上传申请材料（multipart/form-data 的 file：文件或 base64 文本）", tags=["documents"],
          openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
              "file": {"type": "array", "minItems": 1, "maxItems": 1, "items": {"type": "string", "format": "binary"},
                        "description": "一个文件（或 base64 编码的文本）"}}, "required": ["file"]}}}}})
def upload_file(request, additionalMetadata: str = Query("", max_length=200)):
    parts = [(f.name, f.read(actions_max() + 1)) for f in request.FILES.getlist("file")]
    parts += [("申请材料", v) for v in request.POST.getlist("file")]
    if not parts:
        raise BadRequest("请上传文件（表单字段 file）", code="file_required", detail={"field": "file"})
    if len(parts) > 1:
        raise BadRequest("一次只能上传一个文件", code="too_many_files", detail={"field": "file"})
    name, value = parts[0]
    doc = actions.upload_document(request.auth, name=name, data=actions.decode_upload(value), note=additionalMetadata)
    return {"code": 200, "type": doc.content_type, "message": f"上传成功：{doc.name}", "url": actions.document_url(doc)}


def actions_max() -> int:
    from digigov.support.workflow.materials import MAX_BYTES

    return MAX_BYTES


@api.get("/documents/{documentId}", auth=AUTH, operation_id="downloadFile", summary="下载本人上传的材料（附件方式）", tags=["documents"],
         response={401: E, 404: E}, openapi_extra={"responses": {"200": {"description": "文件内容", "content": {
             "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}})
def download_file(request, documentId: str):
    from digigov.support.workflow import materials

    doc = UploadedDocument.objects.filter(public_id=documentId[:40], owner=request.auth).first()
    if doc is None:
        raise NotFound("材料不存在或无权查看", code="document_not_found")
    response = HttpResponse(materials.read(doc.storage_path), content_type=doc.content_type)
    response["Content-Disposition"] = f'attachment; filename="{doc.public_id}.{materials.TYPES[doc.content_type][0]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- tasks ----------------------------------------------------------------------------------------------

def _task_status(task) -> dict:
    if task.case.status == "correction":
        return {"code": "SENDBACK", "title": STATUS_TITLES["SENDBACK"]}
    return {"code": "PENDING", "title": task.get_status_display()}


def _task_common(user, task) -> dict:
    link = task.case.application_link
    staff = task.case.applicant_id != user.pk
    return {"taskId": task.public_id, "assigneeId": _user_id(task.assignee) if staff else "", "roleId": task.candidate_role,
            "created": task.claimed_at or task.case.started_at, "description": f"{link.item.name}：{task.name}",
            "fileId": link.application.public_id, "serviceId": link.item.public_id, "serviceName": link.item.name,
            "eFormId": task.form_version.public_id if task.form_version_id else "", "status": _task_status(task)}


@api.get("/tasks", response={200: list[UserTaskResponse], 400: E, 401: E}, auth=AUTH, operation_id="getTasks",
         summary="待办任务（本人待办、可认领的和本人申请上的任务）", tags=["tasks"])
def get_tasks(request, mainTaskId: str = Query("", max_length=64), fileId: str = Query("", max_length=64),
              assigneeId: str = Query("", max_length=64), firstResult: int = Query(0, ge=0, le=100_000),
              maxResult: int = Query(MAX_RESULTS, ge=1, le=MAX_RESULTS),
              sortBy: Literal["", "created", "dueDate", "name", "id", "assignee"] = Query(""),
              sortOrder: Literal["", "asc", "desc"] = Query("")):
    qs = selectors.tasks(request.auth).select_related("case__application_link__application")
    if mainTaskId:
        qs = qs.filter(case__public_id=mainTaskId)
    if fileId:
        qs = qs.filter(case__application_link__application__public_id=fileId)
    if assigneeId:
        qs = qs.filter(assignee__public_id=assigneeId)
    rows = _page(qs, firstResult, maxResult, sortBy, sortOrder,
                 {"created": "case__started_at", "dueDate": "due_at", "name": "name", "id": "public_id", "assignee": "assignee_id"})
    return [{**_task_common(request.auth, t), "mainTaskId": t.case.public_id, "name": t.name} for t in rows]


def _task(user, task_id: str):
    task = (selectors.tasks(user).select_related("case__application_link__application").filter(public_id=(task_id or "")[:40]).first())
    if task is None:
        raise NotFound("任务不存在或无权查看", code="task_not_found")
    return task


@api.get("/tasks/{taskId}", response={200: DataUserTaskResponse, 401: E, 404: E}, auth=AUTH, operation_id="getTaskById",
         summary="任务详情", tags=["tasks"])
def get_task(request, taskId: str):
    task = _task(request.auth, taskId)
    staff = can(request.auth, "workflow.view", task.case) or task.assignee_id == request.auth.pk
    data = dict(task.case.application_link.application.data or {}) if staff else {}
    return {**_task_common(request.auth, task), "taskName": task.name,
            "formVariables": {k: {"value": v} for k, v in data.items()},
            "data": {"case": {"number": task.case.number, "status": task.case.get_status_display(), "department": task.case.department.name}}}


@api.post("/tasks/{taskId}/complete", response={200: CompletedTaskResponse, 400: E, 401: E, 403: E, 404: E, 409: E, 422: E}, auth=AUTH,
          operation_id="completeTaskById", summary="办理任务（同意、不同意或办结）", tags=["tasks"])
def complete_task(request, taskId: str, payload: AdditionalData):
    task = _task(request.auth, taskId)
    data = dict(payload.data or {})

    def value(key):
        v = data.pop(key, "")
        return str(v.get("value", "") if isinstance(v, dict) else v or "")[:2000]

    decision, opinion = value("decision"), value("opinion")
    task = actions.complete_task(request.auth, task, decision=decision, opinion=opinion,
                                 data={k: (v.get("value") if isinstance(v, dict) and set(v) == {"value"} else v) for k, v in data.items()})
    link = task.case.application_link
    application = actions.sync_status(request.auth, link.application)
    status, _ = _status(application)
    return {"taskId": task.public_id, "fileId": link.application.public_id, "serviceId": link.item.public_id, "status": status,
            "variables": {"decision": {"data": {"value": task.outcome}}, "opinion": {"data": {"value": task.opinion[:500]}}}}


# --- statistics (open) ----------------------------------------------------------------------------------

@api.get("/data/statistics", response={200: list[StatisticsOut], 400: E, 404: E, 422: E}, operation_id="Statistics",
         summary="办件统计（受理、准予、退回补正、不予）", tags=["statistics"])
def statistics(request, mediator: str = MEDIATOR, startDate: dt.date | None = Query(None), endDate: dt.date | None = Query(None),
               registrationName: str = Query("", max_length=200), operator: str = Query("", max_length=64),
               role: str = Query("", max_length=32), timeframe: Literal["", "day", "week", "month", "year"] = Query("")):
    start, end = startDate, endDate
    if timeframe and start is None:
        anchor = end or dt.date.today()
        start = anchor - dt.timedelta(days={"day": 0, "week": 6, "month": 30, "year": 364}[timeframe])
    if start and end and start > end:
        raise ValidationFailed("startDate 不能晚于 endDate", code="invalid_range", detail={"field": "startDate"})
    items = None
    if registrationName:
        from django.db.models import Q

        items = selectors.services().filter(Q(name=registrationName) | Q(code=registrationName) | Q(public_id=registrationName))
        if not items.exists():
            raise NotFound("没有该名称的事项", code="registration_not_found", detail={"field": "registrationName"})
    counts = selectors.statistics(start=start, end=end, items=items, operator=operator.strip(), role=role.strip())
    refs = {"startDate": start.isoformat() if start else "", "endDate": end.isoformat() if end else "", "registrationName": registrationName,
            "operator": operator, "role": role, "timeframeDay": timeframe == "day", "timeframeWeek": timeframe == "week",
            "timeframeMonth": timeframe == "month", "timeframeYear": timeframe == "year"}
    return [{**counts, "references": refs}]


api.get("/data/statistics/1.0", response={200: list[StatisticsOut], 400: E, 404: E, 422: E}, operation_id="Statistics_1_0",
        summary="办件统计（与上同，合规测试使用的路径）", tags=["statistics"])(statistics)
