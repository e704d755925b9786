"""REST API of forms at /api/v1/support/forms/: definitions and versions (``forms.view``), designing
(``forms.design``: create, save draft, publish, retire), and for any signed-in caller the applicant's side:
the current published version, a dry-run validation (field errors in Chinese, nothing stored) and the
pre-filled answers of the signed-in applicant (免填, with where each came from).

The form list is keyset-paginated (``after`` = the previous page's ``next_cursor``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import NulFreeMap, OpenObject, StrictSchema, errors, permission
from digigov.core.errors import NotFound
from digigov.core.org.models import Department

from . import actions, prefill as pf, selectors
from .models import FormStatus

router = Router(tags=["support.forms 表单"])


class FormOut(Schema):
    key: str
    name: str
    description: str
    department: str | None = Field(description="所属部门名称；全市通用为 null")
    current_version: int | None = Field(description="当前发布版本号（新申请使用）；未发布为 null")


class FormPage(Schema):
    items: list[FormOut]
    next_cursor: str | None = Field(description="下一页游标（作为 after 传入）；没有下一页为 null")


class VersionSummaryOut(Schema):
    version: int
    status: str = Field(description="draft | published | retired")
    status_label: str
    published_at: datetime | None


class FormDetailOut(FormOut):
    versions: list[VersionSummaryOut]


class BindingOut(Schema):
    field: str = Field(description="字段路径")
    source: str = Field(description="数据来源，如 registries.person.name")
    source_label: str = Field(description="数据来源的中文名称")


class VersionOut(VersionSummaryOut):
    form: str = Field(description="表单标识")
    ui: dict[str, Any] = Field(description="form-js 界面定义")
    validation_schema: dict[str, Any] = Field(description="由界面定义生成的 JSON Schema（draft 2020-12）")
    bindings: list[BindingOut] = Field(description="免填数据绑定")


class FormIn(StrictSchema):
    key: str = Field(min_length=2, max_length=64, pattern=r"^[a-z][a-z0-9-]{1,63}$", description="表单标识，如 birth-registration")
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=500)
    department: str | None = Field(None, max_length=22, description="所属部门的公开编号；全市通用不填")


class DraftIn(StrictSchema):
    ui: OpenObject = Field(description="form-js 界面定义（含 components）")
    bindings: NulFreeMap | None = Field(None, description="字段 → 免填数据来源；不传则沿用上一版")


class ValidateIn(StrictSchema):
    data: OpenObject = Field(description="填报内容")
    version: int | None = Field(None, description="表单版本；不传则用当前发布版本（不存在的版本返回 404）")
    draft: bool = Field(False, description="按暂存校验（不检查必填）")


class FieldErrorOut(Schema):
    path: str = Field(description="字段路径，如 members.0.name；空表示整张表单")
    message: str = Field(description="中文错误说明，如 必填、最多 18 个字")


class ValidateOut(Schema):
    valid: bool
    fields: list[FieldErrorOut]
    data: dict[str, Any] = Field(description="去掉隐藏字段后的填报内容")


class ProvenanceOut(Schema):
    path: str = Field(description="字段路径")
    source: str
    label: str = Field(description="来源说明，如 来自 公安局·人口基础库")
    digest: str
    confirmed: bool
    changed: bool


class PrefillOut(Schema):
    version: int
    data: dict[str, Any]
    provenance: list[ProvenanceOut] = Field(description="每个预填字段的来源；提交时按字段路径组成对象交回")


def form_out(form, current=None) -> dict:
    return {"key": form.key, "name": form.name, "description": form.description,
            "department": form.department.name if form.department_id else None,
            "current_version": current.version if current else None}


def summary_out(v) -> dict:
    return {"version": v.version, "status": v.status, "status_label": v.get_status_display(), "published_at": v.published_at}


def version_out(v) -> dict:
    return {**summary_out(v), "form": v.form.key, "ui": v.ui, "validation_schema": v.schema,
            "bindings": [{"field": k, "source": src, "source_label": pf.source_label(src)} for k, src in (v.bindings or {}).items()]}


def _current_versions(forms) -> dict[int, Any]:
    out = {}
    for v in selectors.FormVersion.objects.filter(form__in=forms, status=FormStatus.PUBLISHED).order_by("form_id", "version"):
        out[v.form_id] = v
    return out


@router.get("/", response=FormPage, summary="表单列表（游标分页）")
@permission("forms.view")
def list_forms(request, q: str = "", after: str | None = None, limit: int = selectors.PAGE_SIZE):
    rows, cursor = selectors.form_page(request.auth, q=q, after=after, limit=limit)
    current = _current_versions(rows)
    return {"items": [form_out(f, current.get(f.pk)) for f in rows], "next_cursor": cursor}


@router.post("/", response={201: FormDetailOut}, summary="新建表单（含空白草稿第1版）")
@permission("forms.design")
@errors(404)
def create_form(request, payload: FormIn):
    department = None
    if payload.department:
        department = Department.objects.filter(public_id=payload.department, voided_at__isnull=True).first()
        if department is None:
            raise NotFound("未找到该部门", code="department_not_found", detail={"field": "department"})
    form = actions.create_form(request.auth, key=payload.key, name=payload.name, description=payload.description, department=department)
    return Status(201, {**form_out(form), "versions": [summary_out(v) for v in selectors.versions(form)]})


@router.get("/{key}", response=FormDetailOut, summary="表单及其版本")
@permission("forms.view")
def get_form(request, key: str):
    form = selectors.form_for(request.auth, key)
    return {**form_out(form, selectors.current_version(form)), "versions": [summary_out(v) for v in selectors.versions(form)]}


@router.get("/{key}/versions/{number}", response=VersionOut, summary="表单版本：界面定义、JSON Schema 与数据绑定")
@permission("forms.view")
def get_version(request, key: str, number: int):
    return version_out(selectors.version_for(selectors.form_for(request.auth, key), number))


@router.put("/{key}/draft", response=VersionOut, summary="保存草稿（由界面定义生成 JSON Schema；已发布则新建下一版草稿）")
@permission("forms.design")
def save_draft(request, key: str, payload: DraftIn):
    form = selectors.form_for(request.auth, key, "forms.design")
    bindings = payload.bindings
    if bindings is None:
        latest = form.versions.order_by("-version").first()
        bindings = latest.bindings if latest else {}
    return version_out(actions.save_draft_version(request.auth, form, payload.ui, bindings))


@router.post("/{key}/publish", response=VersionOut, summary="发布草稿（检查字段标识、显示条件和数据绑定；发布后不可修改）")
@permission("forms.design")
def publish(request, key: str):
    form = selectors.form_for(request.auth, key, "forms.design")
    draft = selectors.draft_version(form)
    if draft is None:
        from digigov.core.errors import Conflict

        raise Conflict("没有待发布的草稿", code="no_draft")
    return version_out(actions.publish_version(request.auth, draft))


@router.post("/{key}/versions/{number}/retire", response=VersionOut, summary="停用已发布的版本")
@permission("forms.design")
def retire(request, key: str, number: int):
    form = selectors.form_for(request.auth, key, "forms.design")
    return version_out(actions.retire_version(request.auth, selectors.version_for(form, number)))


def _published(key: str, number: int | None):
    if number is not None and not 1 <= number <= 2**31 - 1:  # no such version (and no integer overflow in the query)
        raise NotFound("表单不存在或未发布")
    version = selectors.published_version(key) if number is None else \
        selectors.FormVersion.objects.select_related("form").filter(form__key=key, version=number, status=FormStatus.PUBLISHED).first()
    if version is None:
        raise NotFound("表单不存在或未发布")
    return version


@router.get("/{key}/published", response=VersionOut, summary="当前发布版本（申请人填写用）")
def get_published(request, key: str):
    return version_out(_published(key, None))


@router.post("/{key}/validate", response=ValidateOut, summary="校验填报内容（试算，不保存）：返回各字段的中文错误")
@errors(without=(409,))
def validate(request, key: str, payload: ValidateIn):
    version = _published(key, payload.version)
    clean, field_errors = actions.check_submission(version, payload.data, draft=payload.draft)
    return {"valid": not field_errors, "fields": [{"path": k, "message": m} for k, m in field_errors.items()], "data": clean}


@router.get("/{key}/prefill", response=PrefillOut, summary="为当前登录的申请人预填（免填），标明每项数据的来源")
def prefill_for_me(request, key: str, uscc: str = ""):
    """``uscc``: the unit the applicant acts for (its legal representative or an authorised agent)."""
    from digigov.core.accounts.models import LegalPerson

    version = _published(key, None)
    legal_person = None
    if uscc:
        legal_person = LegalPerson.objects.filter(uscc=uscc.strip().upper(), voided_at__isnull=True).first()
        if legal_person is None:
            raise NotFound("未找到该单位", code="legal_person_not_found", detail={"field": "uscc"})
    person = request.auth.person if request.auth.person_id else None
    data, provenance = pf.prefill(version, actor=request.auth, person=person,
                                  legal_person=legal_person, purpose="本人办事：表单免填")
    return {"version": version.version, "data": data, "provenance": [{"path": k, **p} for k, p in provenance.items()]}


get_published.required_permission = None  # any signed-in caller: applicants fill published forms in
validate.required_permission = None
prefill_for_me.required_permission = None  # the holder's own data only (prefill refuses anyone else)
