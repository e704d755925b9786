"""Scoped reads of the base registries, shared by the pages, the API and the KPIs page: one scoped query
in one place.

Reach (``reach_q``): golden records belong to a division (户籍区划 / 登记区划). An unscoped grant of the
permission reaches the whole city; a division-scoped grant reaches that division's subtree; a
department-scoped grant reaches the subtree of the department's own division (a county's bureau sees its
county, a city bureau the whole city) — a department holds no persons of its own, and refusing every
department-scoped data admin would leave the registries to city-wide roles alone.

Credit facts (双公示 licences and penalties, red and black lists) and the e-licence index are published
city-wide information: every holder of ``registries.view`` may search them; personal codes and names of
natural-person subjects are masked all the same.

Lists are keyset-paginated by id (``after`` = the last row's cursor): page N costs what page 1 does on
millions of rows, and no COUNT is run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from digigov.core import validators
from digigov.core.errors import NotFound, ValidationFailed
from digigov.core.org.models import Department, Division
from digigov.core.pii import blind
from digigov.core.rbac.checks import SYSTEM_ROLE, grants
from digigov.core.registry import PERMISSIONS
from digigov.core.web.listing import id_keyset, strict_id

from . import purpose as pp
from .attributes import BY_REGISTRY, Attribute
from .models import (
    AttributeValue, CreditKind, CreditRecord, EnterpriseRecord, LicenceIndex, LicenceStatus, PersonRecord, RecordStatus,
    SubjectKind,
)

VIEW = "registries.view"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


# --- reach -------------------------------------------------------------------------------------------
def _prefixes(user, perm: str) -> list[str] | None:
    """Division-code prefixes the user reaches for ``perm``; ``None`` means the whole city, ``[]`` nothing."""
    spec = PERMISSIONS.get(perm)
    if spec is None:
        return []
    out: list[str] = []
    dept_paths = []
    for g in grants(user):
        if g.role not in spec.roles and g.role != SYSTEM_ROLE:
            continue
        if g.division_prefix is not None:
            out.append(g.division_prefix)
        elif g.dept_path is not None:
            dept_paths.append(g.dept_path)
        else:
            return None
    if dept_paths:
        for dept in Department.objects.filter(path__in=dept_paths).select_related("division"):
            if dept.division_id:
                out.append(dept.division.prefix)
    return out


def reach_q(user, perm: str = VIEW, division_field: str = "division") -> Q | None:
    """The filter keeping golden records inside the user's reach; ``Q()`` the whole city, None nothing."""
    prefixes = _prefixes(user, perm)
    if prefixes is None:
        return Q()
    if not prefixes:
        return None
    cond = Q()
    for p in sorted(set(prefixes)):
        cond |= Q(code__startswith=p)
    return Q(**{f"{division_field}__in": Division.objects.filter(cond).values("pk")})


def _scoped(qs: QuerySet, user, perm: str) -> QuerySet:
    q = reach_q(user, perm)
    return qs.none() if q is None else qs.filter(q)


def in_reach(user, subject, perm: str = VIEW) -> bool:
    """Whether one record is inside the user's reach for ``perm`` (credit and licence rows: the whole city)."""
    prefixes = _prefixes(user, perm)
    if isinstance(subject, (CreditRecord, LicenceIndex)):
        return prefixes is None or bool(prefixes)
    if prefixes is None:
        return True
    code = subject.division.code if getattr(subject, "division_id", None) else ""
    return bool(code) and any(code.startswith(p) for p in prefixes)


def persons(user, perm: str = VIEW) -> QuerySet:
    return _scoped(PersonRecord.objects.select_related("division"), user, perm)


def enterprises(user, perm: str = VIEW) -> QuerySet:
    return _scoped(EnterpriseRecord.objects.select_related("division"), user, perm)


def credit_records(user) -> QuerySet:
    return CreditRecord.objects.select_related("department", "enterprise")


def licences(user) -> QuerySet:
    return LicenceIndex.objects.select_related("issuer")


def person_for(user, public_id: str) -> PersonRecord:
    obj = persons(user).filter(public_id=public_id).first()
    if obj is None:
        raise NotFound("未找到该人口基础库记录，或不在您的查看范围内", code="not_found")
    return obj


def enterprise_for(user, public_id: str) -> EnterpriseRecord:
    obj = enterprises(user).filter(public_id=public_id).first()
    if obj is None:
        raise NotFound("未找到该法人基础库记录，或不在您的查看范围内", code="not_found")
    return obj


def credit_for(user, public_id: str) -> CreditRecord:
    obj = credit_records(user).filter(public_id=public_id).first()
    if obj is None:
        raise NotFound("未找到该信用记录", code="not_found")
    return obj


# --- search ------------------------------------------------------------------------------------------
def _limit(limit) -> int:
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise ValidationFailed("每页条数应为整数", code="bad_limit", detail={"field": "limit"}) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"每页条数应在 1 到 {MAX_LIMIT} 之间", code="bad_limit", detail={"field": "limit"})
    return limit


def _keyset(qs: QuerySet, after, limit, *, desc: bool = False) -> tuple[list, str | None]:
    rows, next_cursor = id_keyset(qs, strict_id(after), _limit(limit), desc=desc)
    return rows, (str(next_cursor) if next_cursor is not None else None)


def guarded_by(guardian_id_number: str) -> QuerySet:
    """Active golden persons whose current 监护人 (``guardian_id_number``) is ``guardian_id_number``; matched on
    the keyed digest of the sealed attribute value, so no one else's record is unsealed. Unscoped: callers
    (the portal's pre-fill, the holder's wallet) narrow it to the records the guardian themselves names or holds."""
    from digigov.core.pii import blind_digest

    digest = blind_digest("registries_attributevalue", "value", guardian_id_number) if guardian_id_number else None
    if digest is None:
        return PersonRecord.objects.none()
    guarded = AttributeValue.objects.filter(attribute="guardian_id_number", is_current=True, value_digest=digest.hex()[:16])
    return PersonRecord.objects.filter(pk__in=guarded.values("person_id"), status=RecordStatus.ACTIVE)


def division_filter(code, field: str = "division") -> Q:
    """A 12-digit division code → its subtree; 422 for a malformed or unknown code."""
    code = validators.clean_division_code(code, "division")
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise ValidationFailed("未找到该行政区划", code="unknown_division", detail={"field": "division"})
    return Q(**{f"{field}__in": Division.objects.filter(code__startswith=division.prefix).values("pk")})


def _text(value, field: str, label: str, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}必须是文本", code="invalid_text", detail={"field": field})
    value = value.strip()
    if len(value) > max_length:
        raise ValidationFailed(f"{label}不能超过{max_length}个字符", code="too_long", detail={"field": field})
    return value


@dataclass
class PersonQuery:
    id_number: str = ""
    name: str = ""
    division: str = ""
    has_conflicts: bool = False

    @classmethod
    def parse(cls, q: str = "", *, id_number: str = "", name: str = "", division: str = "", has_conflicts=False) -> "PersonQuery":
        """One search box (an ID number or a full name) or separate fields; 422 on malformed input."""
        q = _text(q, "q", "查询内容", 64)
        id_number = _text(id_number, "id_number", "公民身份号码", 32)
        name = _text(name, "name", "姓名", 64)
        if q:
            ident = validators.search_identifier(q)
            if ident:
                id_number = id_number or ident
            else:
                name = name or q
        if id_number:
            ident = validators.normalize_identifier(id_number)
            error = validators.resident_id_error(ident)
            if error:
                raise ValidationFailed(error, code="invalid_id_number", detail={"field": "id_number"})
            id_number = ident
        return cls(id_number=id_number, name=validators.normalize_name(name), division=_text(division, "division", "区划", 12),
                   has_conflicts=bool(has_conflicts))


def search_persons(user, query: PersonQuery, *, after=None, limit=DEFAULT_LIMIT) -> tuple[list[PersonRecord], str | None]:
    """One page of active golden persons in reach: by ID number (blind index) or exact name (blind index),
    within a division subtree, only those with conflicting sources. One query per page."""
    qs = persons(user).filter(status=RecordStatus.ACTIVE)
    if query.id_number:
        qs = qs.filter(blind(PersonRecord, "id_number", query.id_number))
    if query.name:
        qs = qs.filter(blind(PersonRecord, "name", query.name))
    if query.division:
        qs = qs.filter(division_filter(query.division))
    if query.has_conflicts:
        qs = qs.filter(conflict_count__gt=0)
    return _keyset(qs, after, limit)


def search_enterprises(user, q: str = "", *, division: str = "", has_conflicts=False, after=None, limit=DEFAULT_LIMIT):
    """Active golden enterprises in reach: by USCC (exact) or name (contains)."""
    q = _text(q, "q", "查询内容", 100)
    qs = enterprises(user).filter(status=RecordStatus.ACTIVE)
    if q:
        code = validators.search_identifier(q)
        qs = qs.filter(uscc=code) if code else qs.filter(name__contains=validators.normalize_name(q))
    if division:
        qs = qs.filter(division_filter(_text(division, "division", "区划", 12)))
    if has_conflicts:
        qs = qs.filter(conflict_count__gt=0)
    return _keyset(qs, after, limit)


def _code_or_name(qs, model, code_field: str, name_field: str, q: str):
    code = validators.search_identifier(q)
    if code:
        return qs.filter(blind(model, code_field, code))
    return qs.filter(**{f"{name_field}__contains": validators.normalize_name(q)})


def search_credit(user, q: str = "", *, kind: str = "", subject_kind: str = "", after=None, limit=DEFAULT_LIMIT):
    """Credit facts, newest first: by subject code (USCC or ID number, blind index) or subject name."""
    q = _text(q, "q", "查询内容", 100)
    kind = _text(kind, "kind", "信用信息类别", 16)
    subject_kind = _text(subject_kind, "subject_kind", "主体类型", 16)
    if kind and kind not in CreditKind.values:
        raise ValidationFailed("信用信息类别无效", code="invalid_kind", detail={"field": "kind"})
    if subject_kind and subject_kind not in SubjectKind.values:
        raise ValidationFailed("主体类型无效", code="invalid_subject_kind", detail={"field": "subject_kind"})
    qs = credit_records(user).filter(voided_at__isnull=True)
    if q:
        qs = _code_or_name(qs, CreditRecord, "subject_code", "subject_name", q)
    if kind:
        qs = qs.filter(kind=kind)
    if subject_kind:
        qs = qs.filter(subject_kind=subject_kind)
    return _keyset(qs, after, limit, desc=True)


def search_licences(user, holder: str = "", *, status: str = "", after=None, limit=DEFAULT_LIMIT):
    """E-licence index rows, newest first: by holder code (blind index) or holder name."""
    holder = _text(holder, "holder", "持证主体", 100)
    status = _text(status, "status", "状态", 16)
    if status and status not in LicenceStatus.values:
        raise ValidationFailed("证照状态无效", code="invalid_status", detail={"field": "status"})
    qs = licences(user)
    if holder:
        qs = _code_or_name(qs, LicenceIndex, "holder_code", "holder_name", holder)
    if status:
        qs = qs.filter(status=status)
    return _keyset(qs, after, limit, desc=True)


def credit_rows(rows):
    """(record, shown code, shown name): natural persons' codes and names masked, enterprises' as they are."""
    out = []
    for c in rows:
        if c.subject_kind == SubjectKind.PERSON:
            out.append((c, pp.mask("person", "id_number", c.subject_code), pp.mask("person", "name", c.subject_name)))
        else:
            out.append((c, c.subject_code, c.subject_name))
    return out


def enterprise_credit(enterprise: EnterpriseRecord) -> QuerySet:
    """An enterprise's credit facts: linked by the builder, or by USCC for facts recorded before it existed."""
    qs = CreditRecord.objects.filter(Q(enterprise=enterprise) | blind(CreditRecord, "subject_code", enterprise.uscc)) \
        if enterprise.uscc else CreditRecord.objects.filter(enterprise=enterprise)
    return qs.filter(voided_at__isnull=True).select_related("department").order_by("-decided_on", "-pk")


def enterprise_licences(enterprise: EnterpriseRecord) -> QuerySet:
    if not enterprise.uscc:
        return LicenceIndex.objects.none()
    return LicenceIndex.objects.filter(blind(LicenceIndex, "holder_code", enterprise.uscc)).select_related("issuer").order_by("-issued_on", "-pk")


# --- one record: every attribute, its golden value, its sources and the conflicts seen --------------
@dataclass
class SeenValue:
    text: str
    department: str
    authoritative: bool


@dataclass
class AttributeRow:
    attribute: Attribute
    golden: str = ""
    department: str = ""
    authoritative: bool = False
    personal: bool = False
    conflicts: list[SeenValue] = field(default_factory=list)


@dataclass
class HistoryRow:
    code: str
    attribute: str  # its Chinese label
    text: str
    department: str
    authoritative: bool
    current: bool
    feed: str
    batch: str
    row_no: int | None
    observed_at: object
    superseded_at: object


@dataclass
class SubjectView:
    rows: list[AttributeRow]
    history: list[HistoryRow]
    personal_fields: list[str]  # attribute codes whose values are personal and present (what a clear read shows)
    clear: bool


PERSON_COLUMNS = ("name", "id_number", "sex", "birth_date", "ethnicity", "address", "phone")
ENTERPRISE_COLUMNS = ("name", "uscc")


def _fallback(subject, registry: str, code: str) -> str:
    columns = PERSON_COLUMNS if registry == "person" else ENTERPRISE_COLUMNS
    if code in columns:
        v = getattr(subject, code)
        return "" if v is None else str(v)
    v = (subject.attributes or {}).get(code)
    return "" if v is None else str(v)


def subject_view(subject, registry: str, *, clear: bool = False) -> SubjectView:
    """The attribute table and the value history of one golden record, masked unless ``clear`` (the
    caller has audited the clear read). Two queries: the values with their lineage, and nothing else."""
    link = "person" if registry == "person" else "enterprise"
    values = list(AttributeValue.objects.filter(**{link: subject}).select_related("department", "source__feed")
                  .order_by("attribute", "-is_current", "-observed_at", "-pk"))
    show = (lambda code, text: pp.display(registry, code, text)) if clear else (lambda code, text: pp.mask(registry, code, text))
    by_attr: dict[str, list[AttributeValue]] = {}
    for v in values:
        by_attr.setdefault(v.attribute, []).append(v)
    rows, personal = [], []
    known = {a.code for a in BY_REGISTRY[registry]}
    attrs = list(BY_REGISTRY[registry]) + [Attribute(code, code, personal=True) for code in by_attr if code not in known]
    for a in attrs:
        seen = by_attr.get(a.code, [])
        current = next((v for v in seen if v.is_current), None)
        golden_text = current.value if current else _fallback(subject, registry, a.code)
        row = AttributeRow(attribute=a, personal=a.personal, golden=show(a.code, golden_text) if golden_text else "",
                           department=(current.department.short_name or current.department.name) if current and current.department else "",
                           authoritative=bool(current and current.is_authoritative))
        golden_digest = current.value_digest if current else None
        shown = set()
        for v in seen:
            if v is current or (golden_digest and v.value_digest == golden_digest) or v.value_digest in shown:
                continue
            if not current and v.value == golden_text:
                continue
            shown.add(v.value_digest)
            row.conflicts.append(SeenValue(show(a.code, v.value), (v.department.short_name or v.department.name) if v.department else "",
                                           v.is_authoritative))
        if a.personal and (golden_text or seen):
            personal.append(a.code)
        rows.append(row)
    labels = {a.code: a.label for a in attrs}
    history = [HistoryRow(
        code=v.attribute, attribute=labels.get(v.attribute, v.attribute), text=show(v.attribute, v.value),
        department=(v.department.short_name or v.department.name) if v.department else "", authoritative=v.is_authoritative,
        current=v.is_current, feed=v.source.feed.name if v.source_id else "", batch=str(v.source.batch_id or "") if v.source_id else "",
        row_no=v.source.row_no if v.source_id else None, observed_at=v.observed_at, superseded_at=v.superseded_at,
    ) for v in values]
    return SubjectView(rows=rows, history=history, personal_fields=personal, clear=clear)
