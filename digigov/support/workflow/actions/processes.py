"""Process definitions and their versions: import a ``.bpmn`` file (checked by ``importer``), activate a
version (the previously active one retires; running cases keep the version they started on), retire one,
and export a version's file exactly as it was imported."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from .. import importer
from ..models import ProcessDefinition, ProcessVersion, VersionStatus

FILENAME_MAX = 200


def _clean_filename(filename) -> str:
    name = (filename or "process.bpmn").strip() if isinstance(filename, str) else "process.bpmn"
    name = name.replace("\\", "/").rsplit("/", 1)[-1][:FILENAME_MAX] or "process.bpmn"
    if not name.lower().endswith((".bpmn", ".xml", ".bpmn20.xml")):
        raise ValidationFailed("请上传 .bpmn 文件", code="invalid_filename", detail={"field": "file"})
    return name


@transaction.atomic
def import_process(actor, xml_bytes: bytes, filename: str, *, department: Department | None, form=None, name: str = "",
                   statutory_days: int | None = None, promised_days: int | None = None) -> ProcessVersion:
    """A new draft version of the file's main process (a new process the first time its id is seen)."""
    if not isinstance(department, Department):
        raise ValidationFailed("请选择主管部门", code="department_required", detail={"field": "department"})
    require(actor, "workflow.design", department)
    filename = _clean_filename(filename)
    if isinstance(xml_bytes, str):
        xml_bytes = xml_bytes.encode("utf-8")
    checked = importer.check(xml_bytes, filename)
    try:
        text = xml_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed("流程文件须为 UTF-8 编码", code="bpmn_invalid", detail={"field": "file", "errors": []}) from None
    name = clean_text(name or checked.name, "name", "流程名称", 100)
    for field, value, label in (("statutory_days", statutory_days, "法定时限"), ("promised_days", promised_days, "承诺时限")):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 365):
            raise ValidationFailed(f"{label}须为 1–365 个工作日", code="invalid_days", detail={"field": field})
    process = ProcessDefinition.objects.select_for_update().filter(key=checked.process_id).first()
    if process is None:
        process = ProcessDefinition.objects.create(key=checked.process_id, name=name, department=department, created_by=actor,
                                                   statutory_days=statutory_days, promised_days=promised_days)
        record(actor, "workflow.process_create", process, after={"key": process.key, "name": name, "department": str(department)})
    else:
        require(actor, "workflow.design", process if process.department_id else department)
        changed = {}
        if statutory_days is not None and statutory_days != process.statutory_days:
            changed["statutory_days"] = statutory_days
        if promised_days is not None and promised_days != process.promised_days:
            changed["promised_days"] = promised_days
        if changed:
            ProcessDefinition.objects.filter(pk=process.pk).update(**changed)
    sha = importer.engine.sha256_of(xml_bytes)
    same = process.versions.filter(sha256=sha).first()
    if same is not None:
        raise Conflict(f"与第 {same.version} 版内容完全相同，无需重复导入", code="version_duplicate", detail={"field": "file"})
    number = (process.versions.aggregate(n=Max("version"))["n"] or 0) + 1
    version = ProcessVersion.objects.create(process=process, version=number, status=VersionStatus.DRAFT, bpmn_xml=text, sha256=sha,
                                            filename=filename, start_form=form, imported_by=actor)
    record(actor, "workflow.version_import", version, after={"process": process.key, "version": number, "filename": filename, "sha256": sha})
    return version


@transaction.atomic
def activate_version(actor, version: ProcessVersion) -> ProcessVersion:
    """Make ``version`` the one new cases start on; the previously active version retires."""
    version = ProcessVersion.objects.select_for_update().select_related("process").get(pk=version.pk)
    require(actor, "workflow.design", version)
    if version.status == VersionStatus.ACTIVE:
        raise Conflict("该版本已生效", code="version_active")
    previous = list(ProcessVersion.objects.select_for_update().filter(process=version.process, status=VersionStatus.ACTIVE))
    now = timezone.now()
    for p in previous:
        p.status = VersionStatus.RETIRED
        p.save(update_fields=["status", "updated_at"])
        record(actor, "workflow.version_retire", p, before={"status": "生效中"}, after={"status": "已停用", "replaced_by": version.version})
    before = version.get_status_display()
    version.status, version.activated_at = VersionStatus.ACTIVE, now
    version.save(update_fields=["status", "activated_at", "updated_at"])
    record(actor, "workflow.version_activate", version, before={"status": before}, after={"status": "生效中"})
    return version


@transaction.atomic
def retire_version(actor, version: ProcessVersion) -> ProcessVersion:
    """Stop new cases on ``version``; running cases finish on it."""
    version = ProcessVersion.objects.select_for_update().select_related("process").get(pk=version.pk)
    require(actor, "workflow.design", version)
    if version.status == VersionStatus.RETIRED:
        raise Conflict("该版本已停用", code="version_retired")
    before = version.get_status_display()
    version.status = VersionStatus.RETIRED
    version.save(update_fields=["status", "updated_at"])
    record(actor, "workflow.version_retire", version, before={"status": before}, after={"status": "已停用"})
    return version


def export_version(actor, version: ProcessVersion) -> tuple[str, bytes]:
    """(filename, the stored XML byte for byte)."""
    require(actor, "workflow.view", version)
    return version.filename or f"{version.process.key}.bpmn", version.bpmn_xml.encode("utf-8")
