"""Adding application materials (申请材料) to a case: an uploaded or scanned file (checked and kept by
``workflow.materials``), or an e-licence from the licence index standing in for a paper copy."""

from __future__ import annotations

from django.db import transaction

from digigov.core.audit.actions import record
from digigov.core.errors import ValidationFailed
from digigov.core.models import new_public_id
from digigov.core.rbac.checks import can, require
from digigov.core.text import clean_text

from .. import materials, runtime
from ..models import OPEN_CASE_STATUSES, Case, CaseMaterial, MaterialSource


def _may_add(actor, case: Case) -> None:
    """The window's clerk in the case's division, or the applicant of an own case (online)."""
    if case.applicant_id and case.applicant_id == getattr(actor, "pk", None) and can(actor, "workflow.apply"):
        require(actor, "workflow.apply")
        return
    require(actor, "window.receive", case)


def _open(case: Case) -> None:
    if case.status not in OPEN_CASE_STATUSES:
        raise ValidationFailed("办件已办结，不能再添加材料", code="case_finished")


def add_file(actor, case: Case, *, name, data, source=MaterialSource.UPLOAD, cleanup: list | None = None) -> CaseMaterial:
    """Check ``data`` (bytes) and keep it as a material of ``case``. The file is written before the row;
    if the caller's transaction rolls back the file is removed again (``cleanup`` collects paths for a
    caller that adds several files in one transaction, else it is removed here on failure)."""
    if source not in (MaterialSource.UPLOAD, MaterialSource.SCAN):
        raise ValidationFailed("材料来源无效", code="invalid_source", detail={"field": "source"})
    _may_add(actor, case)
    _open(case)
    name = clean_text(name, "name", "材料名称", 200)
    checked = materials.check(data)
    material = CaseMaterial(case=case, name=name, source=source, content_type=checked.content_type, size=checked.size,
                            pages=checked.pages, sha256=checked.sha256, added_by=actor, public_id=new_public_id())
    path = materials.path_for(case.public_id, material.public_id, checked.extension)
    materials.store(path, bytes(data))
    if cleanup is not None:
        cleanup.append(path)
    try:
        with transaction.atomic():
            material.storage_path = materials.relative(path)
            material.save()
            runtime.record_event(case, actor, "material_added", f"收取材料：{name}（{materials.TYPES[checked.content_type][1]}"
                                 + (f"，{checked.pages} 页" if checked.pages else "") + "）", public=True)
            record(actor, "workflow.material_add", material, after={"case": case.number, "name": name, "source": material.get_source_display(),
                                                                     "type": checked.content_type, "size": checked.size, "pages": checked.pages,
                                                                     "sha256": checked.sha256})
    except Exception:
        if cleanup is None:
            path.unlink(missing_ok=True)
        raise
    return material


def add_licence(actor, case: Case, licence, *, name: str = "") -> CaseMaterial:
    """An e-licence from the index replaces a paper material (免提交): only the reference is kept."""
    _may_add(actor, case)
    _open(case)
    if licence is None:
        raise ValidationFailed("请选择电子证照", code="licence_required", detail={"field": "licence"})
    if licence.status != "valid":
        raise ValidationFailed("该电子证照已失效，不能替代材料", code="licence_invalid", detail={"field": "licence"})
    name = clean_text(name or licence.licence_name, "name", "材料名称", 200)
    with transaction.atomic():
        material = CaseMaterial.objects.create(case=case, name=name, source=MaterialSource.LICENCE,
                                               reference=f"{licence.licence_name} {licence.licence_no}"[:200], added_by=actor)
        runtime.record_event(case, actor, "material_added", f"以电子证照替代材料：{name}", public=True)
        record(actor, "workflow.material_licence", material, after={"case": case.number, "name": name, "licence": licence.public_id})
    return material

