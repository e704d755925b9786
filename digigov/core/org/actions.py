"""Every write to divisions, departments, posts and staff."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from digigov.core import validators
from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import WHOLE_CITY, require

from .models import PREFIX_LENGTH, Department, DepartmentKind, Division, DivisionLevel, Post, StaffMember


def expected_parent_code(code: str, level: int) -> str | None:
    """The parent's 12-digit code implied by a code: its prefix padded with zeros."""
    if level == DivisionLevel.CITY:
        return None
    parent_len = PREFIX_LENGTH[DivisionLevel(level - 1)]
    return code[:parent_len].ljust(12, "0")


def validate_division_code(code: str, level: int, parent: Division | None) -> None:
    """``code`` as stored: 12 ASCII digits (``create_division`` normalises typed input first)."""
    if not (isinstance(code, str) and validators.clean_division_code(code) == code):
        raise ValidationFailed("区划代码必须是12位数字", code="invalid_division_code", detail={"field": "code"})
    if level not in DivisionLevel.values:
        raise ValidationFailed("区划层级无效", code="invalid_level")
    own = PREFIX_LENGTH[DivisionLevel(level)]
    if code[own:].strip("0"):
        raise ValidationFailed("区划代码与层级不符（末位应为0）", code="invalid_division_code", detail={"field": "code"})
    if level == DivisionLevel.CITY:
        if parent is not None:
            raise ValidationFailed("市级区划不能有上级", code="invalid_parent")
        return
    if parent is None or parent.code != expected_parent_code(code, level) or parent.level != level - 1:
        raise ValidationFailed("区划代码与上级区划不符", code="invalid_parent", detail={"field": "parent"})


@transaction.atomic
def create_division(actor, *, code: str, name: str, level: int, parent: Division | None = None, kind: str = "") -> Division:
    # a city-level division concerns the whole city: only an unscoped grant may create one
    require(actor, "org.manage", parent if parent is not None else WHOLE_CITY)
    code = validators.clean_division_code(code)  # full-width digits are the same code; other scripts' are refused
    name = validators.clean_name(name, "name", "区划名称", 64)
    validate_division_code(code, level, parent)
    if Division.objects.filter(code=code).exists():
        raise Conflict("区划代码已存在", code="division_exists")
    div = Division.objects.create(code=code, name=name, level=level, parent=parent, kind=kind[:16])
    record(actor, "org.division.create", div, after=snapshot(div))
    return div


def _assign_path(dept: Department) -> None:
    parent_path = dept.parent.path if dept.parent_id else "/"
    dept.path = f"{parent_path}{dept.pk}/"
    dept.depth = parent_path.count("/") - 1


@transaction.atomic
def create_department(actor, *, code: str, name: str, kind: str, division: Division, parent: Department | None = None,
                      short_name: str = "", is_budget_unit: bool = True) -> Department:
    require(actor, "org.manage", parent if parent else division)
    if kind not in DepartmentKind.values:
        raise ValidationFailed("单位类型无效", code="invalid_kind")
    name = validators.clean_name(name, "name", "单位名称", 100)
    short_name = validators.clean_name(short_name, "short_name", "简称", 32, required=False)
    if parent is not None and parent.voided_at:
        raise ValidationFailed("上级单位已撤销", code="parent_voided")
    if Department.objects.filter(code=code).exists():
        raise Conflict("单位代码已存在", code="department_exists")
    dept = Department(code=code, name=name, short_name=short_name, kind=kind, division=division, parent=parent,
                      is_budget_unit=is_budget_unit, path="")
    dept.save()
    _assign_path(dept)
    Department.objects.filter(pk=dept.pk).update(path=dept.path, depth=dept.depth)
    record(actor, "org.department.create", dept, after=snapshot(dept))
    return dept


@transaction.atomic
def update_department(actor, dept: Department, **changes) -> Department:
    require(actor, "org.manage", dept)
    allowed = {"name", "short_name", "is_budget_unit"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed("不可修改的字段", code="unknown_fields", detail=sorted(unknown))
    before = snapshot(dept)
    for k, v in changes.items():
        setattr(dept, k, v)
    try:
        dept.full_clean(exclude=["path"])  # Department.clean: the names rule of core.validators
    except DjangoValidationError as exc:  # a business error (422), not a crash
        raise ValidationFailed(code="invalid_department", detail=exc.message_dict)
    dept.save()
    record(actor, "org.department.update", dept, before=before, after=snapshot(dept))
    return dept


@transaction.atomic
def create_post(actor, *, department: Department, name: str) -> Post:
    require(actor, "org.manage", department)
    name = validators.clean_name(name, "name", "岗位名称", 64)
    if Post.objects.filter(department=department, name=name).exists():
        raise Conflict("岗位已存在", code="post_exists")
    post = Post.objects.create(department=department, name=name)
    record(actor, "org.post.create", post, after=snapshot(post))
    return post


@transaction.atomic
def add_staff(actor, *, user, department: Department, employee_no: str, post: Post | None = None) -> StaffMember:
    require(actor, "org.manage", department)
    if post is not None and post.department_id != department.pk:
        raise ValidationFailed("岗位不属于该单位", code="post_mismatch")
    # a post makes the account part of the department's reach (its admin lists it and grants it roles):
    # only a staff account (staff login policy), and one post per account (was an IntegrityError, a 500)
    if getattr(user, "kind", "") != "staff":
        raise ValidationFailed("只有工作人员账户可以登记为工作人员", code="not_staff_account", detail={"field": "user"})
    if StaffMember.objects.filter(user=user).exists():
        raise Conflict("该账户已登记为工作人员", code="already_staff", detail={"field": "user"})
    if StaffMember.objects.filter(employee_no=employee_no).exists():
        raise Conflict("工号已存在", code="employee_no_exists")
    staff = StaffMember.objects.create(user=user, department=department, post=post, employee_no=employee_no)
    record(actor, "org.staff.add", staff, after=snapshot(staff))
    return staff


def subtree(dept: Department):
    return Department.objects.filter(path__startswith=dept.path)
