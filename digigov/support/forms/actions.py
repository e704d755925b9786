"""Every write of the forms app: a permission check, validation, one transaction, one audit entry.

Stable entry point other slices call::

    submit(actor, version, data, provenance=None, *, draft=False) -> FormSubmission

validates ``data`` against the published ``version`` (``schema.validate``: hidden fields dropped, Chinese
messages) and raises ``ValidationFailed(code="form_invalid", detail={"fields": {path: 中文}})`` on bad input,
writing nothing; ``provenance`` is what ``prefill`` returned (with ``confirmed`` set per field by the
applicant) and is re-checked here (``changed`` comes from comparing the answer with the pre-filled value).
Anyone signed in may submit (citizens hold no forms permission): the caller — the portal, the window,
the task page — checks who may apply for what. A draft (``draft=True``) is stored without the 必填 checks.

Designer actions (``forms.design``): ``create_form``, ``save_draft_version``, ``publish_version``,
``retire_version``. A published version never changes; saving after a publish starts version + 1.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, Unauthenticated, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, require
from digigov.core.text import clean_text

from . import prefill as pf
from . import schema as sc
from .models import FormDefinition, FormStatus, FormSubmission, FormVersion

MAX_DOCUMENT_BYTES = 200_000
MAX_SUBMISSION_BYTES = 500_000
KEY_RE = r"^[a-z][a-z0-9-]{1,63}$"


def _scope_obj(form_or_department):
    department = form_or_department.department if isinstance(form_or_department, FormDefinition) else form_or_department
    return FormDefinition(department=department) if department is not None else WHOLE_CITY


def _size(value) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str).encode())


def _clean_document(ui) -> dict:
    if not isinstance(ui, dict) or not isinstance(ui.get("components"), list):
        raise ValidationFailed("表单定义无效：应为 form-js 文档（含组件列表 components）", code="invalid_document", detail={"field": "ui"})
    if _size(ui) > MAX_DOCUMENT_BYTES:
        raise ValidationFailed("表单定义过大", code="document_too_large", detail={"field": "ui"})
    return ui


def _clean_bindings(bindings) -> dict:
    if bindings is None:
        return {}
    if not isinstance(bindings, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in bindings.items()):
        raise ValidationFailed("数据绑定应为“字段 → 数据来源”的对应表", code="invalid_bindings", detail={"field": "bindings"})
    if len(bindings) > 200:
        raise ValidationFailed("数据绑定过多", code="invalid_bindings", detail={"field": "bindings"})
    return {k: v for k, v in bindings.items() if v}


@transaction.atomic
def create_form(actor, *, key: str, name: str, description: str = "", department=None) -> FormDefinition:
    """A new form with an empty draft version 1."""
    import re

    require(actor, "forms.design", _scope_obj(department))
    key = clean_text(key, "key", "表单标识", 64)
    if not re.fullmatch(KEY_RE, key):
        raise ValidationFailed("表单标识应以小写字母开头，只含小写字母、数字和连字符（2～64 位）", code="invalid_key", detail={"field": "key"})
    if FormDefinition.objects.filter(key=key).exists():
        raise Conflict("该表单标识已被使用", code="form_exists", detail={"field": "key"})
    form = FormDefinition.objects.create(key=key, name=clean_text(name, "name", "表单名称", 100),
                                         description=clean_text(description, "description", "说明", 500, required=False),
                                         department=department, created_by=actor)
    ui = {"type": "default", "id": key.replace("-", "_"), "components": []}
    FormVersion.objects.create(form=form, version=1, ui=ui, schema=sc.derive_schema(ui))
    record(actor, "forms.form.create", form, after={"key": form.key, "name": form.name,
                                                    "department": department.name if department else ""})
    return form


@transaction.atomic
def save_draft_version(actor, form: FormDefinition, ui, bindings=None) -> FormVersion:
    """Save the designer's document as the form's draft: the open draft is updated, or — when the newest
    version is published or retired — a new draft (version + 1) is started. The JSON Schema is derived here."""
    require(actor, "forms.design", form)
    form = FormDefinition.objects.select_for_update().get(pk=form.pk)
    if form.voided_at:
        raise Conflict("表单已作废", code="form_voided")
    ui = _clean_document(ui)
    bindings = _clean_bindings(bindings)
    latest = form.versions.order_by("-version").first()
    if latest is not None and latest.status == FormStatus.DRAFT:
        version = latest
        before = {"components": len(sc.components(version.ui)), "bindings": len(version.bindings or {})}
    else:
        version = FormVersion(form=form, version=(latest.version + 1) if latest else 1)
        before = None
    version.ui, version.bindings, version.schema = ui, bindings, sc.derive_schema(ui)
    version.save()
    record(actor, "forms.version.save", version, before=before,
           after={"version": version.version, "components": len(sc.components(ui)), "bindings": len(bindings)})
    return version


@transaction.atomic
def publish_version(actor, version: FormVersion) -> FormVersion:
    """Publish a draft after the checks applicants depend on: unique keys, supported components, conditions
    in the supported subset, bindings to known sources. 422 names each problem (``detail.problems``)."""
    require(actor, "forms.design", version.form)
    version = FormVersion.objects.select_for_update().select_related("form").get(pk=version.pk)
    if version.status != FormStatus.DRAFT:
        raise Conflict("该版本已发布或已停用，不能再发布；修改请保存为新版本", code="not_draft")
    problems = sc.check_document(version.ui, version.bindings, pf.known_source)
    if not sc.flat_fields(version.ui) and not problems:
        problems = {"ui": "表单没有任何填写项"}
    if problems:
        first = next(iter(problems.values()))
        raise ValidationFailed(f"表单不能发布：{first}" + (f"（共 {len(problems)} 处问题）" if len(problems) > 1 else ""),
                               code="form_unpublishable", detail={"problems": problems})
    version.schema = sc.derive_schema(version.ui)
    sc.validator_for(version.schema)
    version.status = FormStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save()
    record(actor, "forms.version.publish", version, before={"status": FormStatus.DRAFT}, after={"status": version.status, "version": version.version})
    return version


@transaction.atomic
def retire_version(actor, version: FormVersion) -> FormVersion:
    """Stop offering a published version to new applications (cases already on it keep it)."""
    require(actor, "forms.design", version.form)
    version = FormVersion.objects.select_for_update().select_related("form").get(pk=version.pk)
    if version.status != FormStatus.PUBLISHED:
        raise Conflict("只能停用已发布的版本", code="not_published")
    version.status = FormStatus.RETIRED
    version.save(update_fields=["status", "updated_at"])
    record(actor, "forms.version.retire", version, before={"status": FormStatus.PUBLISHED}, after={"status": version.status})
    return version


def check_submission(version: FormVersion, data, *, draft: bool = False) -> tuple[dict, dict[str, str]]:
    """``(clean, errors)`` for answers to ``version``, nothing written (the API's dry run, the preview)."""
    if _size(data) > MAX_SUBMISSION_BYTES:
        return {}, {"": "填报内容过大"}
    clean, errors = sc.validate(version, data)
    if draft:
        errors = {k: v for k, v in errors.items() if v not in ("必填", "至少填写 1 项")}
    return clean, errors


@transaction.atomic
def submit(actor, version: FormVersion, data, provenance=None, *, draft: bool = False) -> FormSubmission:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Unauthenticated()
    if version.status != FormStatus.PUBLISHED:
        raise Conflict("该表单版本未发布或已停用，不能填报", code="version_not_published")
    clean, errors = check_submission(version, data, draft=draft)
    if errors:
        raise ValidationFailed("表单填写有误，请按提示修改", code="form_invalid", detail={"fields": errors})
    submission = FormSubmission.objects.create(form_version=version, data=clean, provenance=pf.clean_provenance(version, clean, provenance),
                                               submitted_by=actor, is_draft=bool(draft))
    prov = submission.provenance
    record(actor, "forms.submission.draft" if draft else "forms.submission.submit", submission,
           after={"form": version.form.key, "version": version.version, "fields": len(clean),
                  "prefilled": len(prov), "changed": sum(1 for p in prov.values() if p["changed"])})
    return submission
