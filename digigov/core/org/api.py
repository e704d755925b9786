
from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core import validators
from digigov.core.api import Page, StrictSchema, errors, get_or_404, paginate, permission
from digigov.core.rbac.checks import scope_queryset

from . import actions
from .models import Department, DepartmentKind, Division

router = Router(tags=["组织机构 org"])


class DivisionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent_code: str | None


def division_out(d: Division) -> dict:
    return {"code": d.code, "name": d.name, "level": d.level, "kind": d.kind, "parent_code": d.parent.code if d.parent_id else None}


class DepartmentOut(Schema):
    public_id: str
    code: str
    name: str
    short_name: str
    kind: str
    division_code: str
    parent_id: str | None
    is_budget_unit: bool
    depth: int


def department_out(d: Department) -> dict:
    return {"public_id": d.public_id, "code": d.code, "name": d.name, "short_name": d.short_name, "kind": d.kind,
            "division_code": d.division.code, "parent_id": d.parent.public_id if d.parent_id else None,
            "is_budget_unit": d.is_budget_unit, "depth": d.depth}


class DepartmentIn(StrictSchema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    short_name: str = Field("", max_length=32)
    kind: DepartmentKind
    division_code: str = Field(min_length=1, max_length=40, description="12位区划代码；全角数字按半角处理")
    parent_id: str | None = Field(None, max_length=22)
    is_budget_unit: bool = True


@router.get("/divisions", response=Page[DivisionOut], summary="行政区划列表")
@permission("org.view")
def list_divisions(request, level: int | None = None, parent_code: str | None = None, page: int = 1, page_size: int = 100):
    qs = Division.objects.select_related("parent").order_by("code")
    if level is not None:
        qs = qs.filter(level=level)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return paginate(qs, page, page_size, division_out)


@router.get("/departments", response=Page[DepartmentOut], summary="部门/单位列表（按权限范围）")
@permission("org.view")
def list_departments(request, q: str = "", page: int = 1, page_size: int = 50):
    qs = scope_queryset(request.auth, "org.view", Department.objects.active().select_related("division", "parent"), "", "division")
    if q:
        qs = qs.filter(name__contains=q[:50])
    return paginate(qs.order_by("path"), page, page_size, department_out)


@router.get("/departments/{public_id}", response=DepartmentOut, summary="部门/单位详情")
@permission("org.view")
def get_department(request, public_id: str):
    qs = scope_queryset(request.auth, "org.view", Department.objects.select_related("division", "parent"), "", "division")
    return department_out(get_or_404(qs, public_id=public_id))


@router.post("/departments", response={201: DepartmentOut}, summary="新增部门/单位")
@permission("org.manage")
@errors(404)  # division_code and parent_id name objects
def create_department(request, payload: DepartmentIn):
    division = get_or_404(Division.objects.all(), code=validators.clean_division_code(payload.division_code, "division_code"))
    parent = get_or_404(Department.objects.active(), public_id=payload.parent_id) if payload.parent_id else None
    dept = actions.create_department(request.auth, code=payload.code, name=payload.name, kind=payload.kind, division=division,
                                     parent=parent, short_name=payload.short_name, is_budget_unit=payload.is_budget_unit)
    dept.division = division
    return Status(201, department_out(dept))
