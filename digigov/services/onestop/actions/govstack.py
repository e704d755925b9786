"""Writes behind the GovStack Registration building-block API (``/govstack/registration/``).

The API is one more door onto the same items, applications and cases as the portal: an application made
here goes through the portal's own actions (``actions.applications``: draft, answers, materials, submit),
so there is one submission path, and its status follows the portal's rule (``refresh_status``).

Every function takes the actor explicitly, checks permission and input, writes in one transaction and
leaves an audit entry.
"""

from __future__ import annotations

import base64
import binascii

from django.db import transaction

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from ..models import (Application, ApplicationMaterial, ApplicationStatus, AppMaterialSource, ServiceItem,
                      UploadedDocument)

MAX_DOCUMENTS = 20
DOCUMENT_URL_PREFIX = "/govstack/registration/documents/"


def document_url(doc: UploadedDocument) -> str:
    return f"{DOCUMENT_URL_PREFIX}{doc.public_id}"


def decode_upload(value) -> bytes:
    """A ``file`` part of ``POST /documents``: an uploaded file's bytes, or the spec's base64 text."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    text = str(value or "").strip()
    if "," in text[:100] and text.startswith("data:"):
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("文件内容应为文件上传或 base64 编码的文本", code="invalid_file", detail={"field": "file"}) from None


def upload_document(actor, *, name: str, data: bytes, note: str = "") -> UploadedDocument:
    """Check and keep one document for the actor's next application (any logged-in applicant)."""
    from digigov.core.models import new_public_id
    from digigov.support.workflow import materials

    require(actor, "workflow.apply")
    name = clean_text(name or "申请材料", field="file", label="文件名称", max_length=200) or "申请材料"
    note = clean_text(note, field="additionalMetadata", label="附加说明", max_length=200, required=False)
    checked = materials.check(data)
    doc = UploadedDocument(owner=actor, name=name, note=note, content_type=checked.content_type, size=checked.size,
                           pages=checked.pages, sha256=checked.sha256, public_id=new_public_id())
    path = materials.path_for("uploads", doc.public_id, checked.extension)
    materials.store(path, data)
    try:
        with transaction.atomic():
            doc.storage_path = materials.relative(path)
            doc.save()
            record(actor, "onestop.govstack.document_upload", doc,
                   after={"name": name, "type": checked.content_type, "size": checked.size, "pages": checked.pages, "sha256": checked.sha256})
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return doc


def _documents_from_urls(actor, urls) -> list[UploadedDocument]:
    if urls is None:
        return []
    if not isinstance(urls, list) or len(urls) > MAX_DOCUMENTS:
        raise ValidationFailed(f"documentUrls 应为不超过 {MAX_DOCUMENTS} 个地址的列表", code="invalid_documents", detail={"field": "documentUrls"})
    ids = []
    for url in urls:
        text = str(url or "").strip().rstrip("/")
        ids.append(text.rsplit("/", 1)[-1][:40])
    found = {d.public_id: d for d in UploadedDocument.objects.select_for_update().filter(public_id__in=ids, owner=actor)}
    missing = [u for u, i in zip(urls, ids) if i not in found]
    if missing:
        raise ValidationFailed("材料地址无效：请先通过 /documents 上传（只能使用本人上传的材料）", code="unknown_document",
                               detail={"field": "documentUrls", "urls": [str(m)[:200] for m in missing[:5]]})
    used = [found[i] for i in ids if found[i].application_id is not None]
    if used:
        raise Conflict("该材料已用于其他申请，请重新上传", code="document_used", detail={"field": "documentUrls"})
    return [found[i] for i in dict.fromkeys(ids)]


def _attach(actor, application: Application, docs: list[UploadedDocument], cases) -> None:
    from digigov.support.workflow import materials
    from digigov.support.workflow.actions.materials import add_file

    for doc in docs:
        ApplicationMaterial.objects.create(application=application, name=doc.name, source=AppMaterialSource.UPLOAD,
                                           storage_path=doc.storage_path, content_type=doc.content_type, size=doc.size,
                                           pages=doc.pages, sha256=doc.sha256)
        for case in cases:
            add_file(actor, case, name=doc.name, data=materials.read(doc.storage_path))
        doc.application = application
        doc.save(update_fields=["application"])


def check_form_data(item: ServiceItem, data) -> dict:
    """The applicant's answers against the item's published form (its JSON Schema), as the portal checks them."""
    from digigov.support.forms.actions import check_submission

    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed("formData.data 应为一组字段", code="invalid_form_data", detail={"field": "formData.data"})
    version = latest_form_version(item)
    if version is None:
        return data
    clean, errors = check_submission(version, data)
    if errors:
        raise ValidationFailed("表单填写有误，请按提示修改", code="form_invalid", detail={"field": "formData.data", "fields": errors})
    return clean


def latest_form_version(item: ServiceItem):
    from digigov.support.forms.models import FormStatus, FormVersion

    if item.form_id is None:
        return None
    return FormVersion.objects.filter(form_id=item.form_id, status=FormStatus.PUBLISHED).order_by("-version").first()


def submit_application(actor, item: ServiceItem, *, data=None, document_urls=None, application_name: str = "",
                       idempotency_key: str = "", channel: str = "online") -> Application:
    """Submit an application for ``item`` in the actor's own name through the portal's own path
    (``actions.applications``: ``start_application`` → ``save_draft`` → ``add_material`` → ``submit``), so the
    same form, materials, fee and case rules apply whichever door the applicant uses. The answers are the
    pre-filled ones overridden by ``data``; each uploaded document (``documentUrls``; the spec's documents name
    no material) fills the next material the applicant still has to give, in the guide's order, and any left
    over go with the first material. Sent twice with one ``idempotency_key``, the second call returns the
    first application; a refusal writes nothing (the draft is rolled back with it)."""
    from digigov.support.workflow import materials
    from digigov.support.workflow.idempotency import clean_key
    from digigov.support.workflow.models import IdempotentRequest, ProcessVersion, VersionStatus

    from . import applications as apps

    require(actor, "workflow.apply")
    if item.voided_at is not None or not item.active:
        raise NotFound("事项不存在或已下线", code="service_not_found")
    executable = item.process_id and item.online_depth >= 3 and ProcessVersion.objects.filter(
        process_id=item.process_id, status=VersionStatus.ACTIVE).exists()
    if not executable:
        raise Conflict("该事项暂不支持网上申请，请到窗口办理", code="service_not_executable", detail={"field": "serviceId"})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed("formData.data 应为一组字段", code="invalid_form_data", detail={"field": "formData.data"})
    title = clean_text(application_name, field="applicationName", label="申请名称", max_length=200, required=False) or item.name
    key = clean_key(clean_text(idempotency_key, field="Idempotency-Key", label="幂等键", max_length=80, required=False))
    if key:  # the same key replayed: the first application (before a second draft is made)
        previous = IdempotentRequest.objects.filter(actor=actor, scope="onestop.application_submit", key=key).first()
        found = Application.objects.filter(public_id=previous.target, applicant=actor).first() if previous else None
        if found is not None:
            return found
    cleanup: list = []
    try:
        with transaction.atomic():
            docs = _documents_from_urls(actor, document_urls)
            application = apps.start_application(actor, item=item, channel="mobile" if channel == "mobile" else "online")
            application = apps.save_draft(actor, application, data={**(application.data or {}), **data})
            if title != application.title:
                application.title = title
                application.save(update_fields=["title", "updated_at"])
            needs = apps.resolve_materials(application, apps.requirements_of(application))
            open_needs = [r["need"] for r in needs if r["how"] == "missing"]
            open_needs.sort(key=lambda n: not n.required)
            for n, doc in enumerate(docs):
                need = open_needs[n] if n < len(open_needs) else (needs[0]["need"] if needs else None)
                if need is None:
                    raise ValidationFailed("该事项无需提交材料", code="no_materials", detail={"field": "documentUrls"})
                m = apps.add_material(actor, application, key=need.key, data=materials.read(doc.storage_path), filename=doc.name)
                cleanup.append(materials.root() / m.storage_path)
                doc.application = application
                doc.save(update_fields=["application"])
            application = apps.submit(actor, application, idempotency_key=key)
            record(actor, "onestop.govstack.application_submit", application,
                   after={"number": application.number, "item": item.name, "channel": "GovStack 登记接口", "documents": len(docs)})
            return application
    except BaseException:
        for path in cleanup:
            path.unlink(missing_ok=True)
        raise


@transaction.atomic
def answer_correction(actor, application: Application, *, data=None, document_urls=None, note: str = "") -> Application:
    """``PUT /applications/{fileId}``: the applicant sends back a file that was sent back (补正): new or
    corrected answers and documents; every case waiting for correction is answered and runs again."""
    from digigov.support.workflow.actions.tasks import pending_correction, submit_correction
    from digigov.support.workflow.models import CaseStatus, WorkTask

    require(actor, "workflow.apply")
    if application.applicant_id != actor.pk:
        raise Forbidden("只能更新本人的申请", code="not_applicant")
    application = Application.objects.select_for_update().get(pk=application.pk)
    links = list(application.cases.select_related("case", "item"))
    waiting = [link.case for link in links if link.case.status == CaseStatus.CORRECTION]
    if not waiting:
        raise Conflict("该申请当前没有待补正的事项，不能修改", code="not_sent_back", detail={"status": application.get_status_display()})
    before = {"status": application.get_status_display()}
    if data:
        merged = dict(application.data or {})
        merged.update(check_form_data(application.item, {**merged, **data}) if application.item_id else data)
        application.data = merged
    docs = _documents_from_urls(actor, document_urls)
    _attach(actor, application, docs, waiting)
    for case in waiting:
        task = next((t for t in WorkTask.objects.filter(case=case).exclude(corrections=[]).order_by("-updated_at", "-pk")
                     if pending_correction(t)), None)
        items = pending_correction(task)["items"] if task else []
        answer = note or "已按要求补正" + (f"，补充材料 {len(docs)} 份" if docs else "")
        submit_correction(actor, case, answers=[answer] * len(items), note=note)
    application.status = ApplicationStatus.IN_PROGRESS
    application.save(update_fields=["data", "status", "updated_at"])
    record(actor, "onestop.govstack.application_update", application, before=before,
           after={"status": application.get_status_display(), "documents": len(docs), "fields": len(data or {})})
    return application


@transaction.atomic
def complete_task(actor, task, *, decision: str = "", opinion: str = "", data=None):
    """``POST /tasks/{taskId}/complete``: the operator decides an open task of an application's case — claiming
    it first when it is in their queue — through the workflow's own task actions (which check the assignee)."""
    from digigov.support.workflow.actions import tasks as task_actions
    from digigov.support.workflow.models import TaskStatus

    decision = (decision or "approve").strip().lower()
    if decision not in ("approve", "reject", "complete"):
        raise ValidationFailed("decision 只能是 approve（同意）、reject（不同意）或 complete（办结）", code="invalid_decision",
                               detail={"field": "data.decision"})
    if task.status == TaskStatus.OPEN:
        if not task_actions.could_claim(actor, task):
            raise Forbidden("该环节不在您的办理范围内", code="not_candidate")
        task = task_actions.claim(actor, task)
    func = {"approve": task_actions.approve, "reject": task_actions.reject, "complete": task_actions.complete}[decision]
    return func(actor, task, opinion=opinion, data=data or None)


def sync_status(actor, application: Application) -> Application:
    """The application's status after a decision made through this API (办理中 / 待补正 / 已办结 / 不予办理):
    the portal's own rule, ``actions.applications.refresh_status`` (which the case signal receivers already
    ran inside the decision's transaction; calling it again changes nothing then). One rule for every door:
    the finished signal and the applicant's notice go out once, as for a portal application. Returns the
    fresh row."""
    from .applications import refresh_status

    application = Application.objects.select_for_update().get(pk=application.pk)
    return refresh_status(application, actor)
