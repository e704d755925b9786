"""Issuing a licence and its lifecycle: issue (审批结果 / 批量导入 / 纸质证照转换), change (变更), re-issue (补发),
revoke (注销) and expiry (到期).

One issuance, in one transaction: permission ``license.issue`` over the issuing unit; the holder and the
field values validated against the type (Chinese errors per field); the GB/T 36903 identifier and the
printed number; the OFD and the PDF rendered from the type's layout and both sealed by the issuing unit's
active 公章 or 业务专用章 (``seal.documents.sign_ofd`` / ``sign_pdf``: the signing records and their audit
entries are part of the same transaction); the ``Licence`` row, its ``LicenceEvent``; the e-licence index
(``data.registries.actions.licence.index_licence``, ``source_ref`` = the licence's ``public_id``) and the
audit entry. A failure at any step leaves nothing behind (no licence, no signing, no index row).

Indexing is the platform's own step: it runs as the system account (issuing staff hold no grant over the
city-wide index), keeping the request's id so the two audit entries can be joined.

A change or re-issue makes a NEW row with the same printed number and a new identifier; the old row becomes
``superseded`` and the index row of (type, number) now points at the new licence.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.models import Department
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text
from digigov.core.validators import clean_name, normalize_identifier

from .. import identifiers, ofd_render, pdf_render
from ..fields import clean_data, display, holder_error
from ..models import HolderKind, Licence, LicenceEvent, LicenceEventKind, LicenceSource, LicenceStatus, LicenceType

PERM = "license.issue"
ISSUING_SEAL_TYPES = (1, 2)  # 公章, 业务专用章


def issuing_seal(issuer: Department, when=None):
    """The seal an issuing unit seals licences with: its active 业务专用章, else its 公章."""
    from digigov.support.seal.models import Seal, SealStatus

    when = when or timezone.now()
    seal = (Seal.objects.filter(department=issuer, status=SealStatus.ACTIVE, seal_type__in=ISSUING_SEAL_TYPES,
                                valid_start__lte=when, valid_end__gte=when)
            .order_by("-seal_type", "-valid_end").first())
    if seal is None:
        raise ValidationFailed(f"{issuer.name}没有可用的公章或业务专用章，不能签发电子证照；请先申请制作电子印章",
                               code="no_issuing_seal", detail={"field": "licence_type"})
    return seal


def _date(value, field: str, label: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请填写{label}", code=f"{field}_required", detail={"field": field})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(normalize_identifier(value) if isinstance(value, str) else "")
    except ValueError:
        raise ValidationFailed(f"{label}格式应为 年-月-日", code="invalid_date", detail={"field": field}) from None


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years) - dt.timedelta(days=1)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + years, day=28) - dt.timedelta(days=1)


def clean_holder(licence_type: LicenceType, holder_kind, holder_code, holder_name) -> tuple[str, str, str]:
    if holder_kind not in HolderKind.values:
        raise ValidationFailed("持证主体类型应为自然人或法人和其他组织", code="invalid_holder_kind", detail={"field": "holder_kind"})
    if holder_kind != licence_type.holder_kind:
        raise ValidationFailed(f"{licence_type.name}的持证主体应为{HolderKind(licence_type.holder_kind).label}",
                               code="holder_kind_mismatch", detail={"field": "holder_kind"})
    code = normalize_identifier(holder_code)
    err = holder_error(holder_kind, code)
    if err:
        raise ValidationFailed(err, code="invalid_holder_code", detail={"field": "holder_code"})
    name = clean_name(holder_name, "holder_name", "持证主体名称", 100)
    return holder_kind, code, name


def _render(licence_type: LicenceType, *, issuer: Department, identifier: str, number: str, data: dict, issued_on: dt.date,
            valid_from: dt.date, valid_until: dt.date | None) -> tuple[bytes, bytes]:
    rows = display(licence_type.fields, data)
    until = f"{valid_until:%Y年%m月%d日}" if valid_until else "长期"
    footer = [("证照编号", number), ("发证机关", issuer.name), ("发证日期", f"{issued_on:%Y年%m月%d日}"),
              ("有效期", f"{valid_from:%Y年%m月%d日} 至 {until}"), ("证照标识", identifier)]
    from digigov.core.crypto import sm3

    doc_id = sm3(identifier.encode()).hex()[:32]
    created = issued_on.isoformat()
    ofd = ofd_render.render(licence_type.layout, title=licence_type.name, rows=rows, footer=footer, doc_id=doc_id, created=created)
    pdf = pdf_render.render(licence_type.layout, title=licence_type.name, rows=rows, footer=footer, doc_id=doc_id, created=created)
    return ofd, pdf


def _next_seq(licence_type: LicenceType, issuer_code: str, year: int) -> int:
    prefix = f"{identifiers.PREFIX}.{licence_type.code}.{issuer_code}.{year:04d}"
    last = (Licence.objects.filter(identifier__startswith=prefix).order_by("-identifier").values_list("identifier", flat=True).first())
    if not last:
        return 1
    parsed = identifiers.parse(last)
    return (parsed["seq"] if parsed else Licence.objects.filter(identifier__startswith=prefix).count()) + 1


def _index(licence: Licence) -> None:
    from digigov.core.context import acting_as, current_actor
    from digigov.core.rbac.system import system_account
    from digigov.data.registries.actions.licence import index_licence

    system = system_account()
    status = licence.status if licence.status in ("valid", "expired", "revoked") else "revoked"
    with acting_as(system, channel="system", ip=current_actor().ip, request_id=current_actor().request_id):
        index_licence(system, issuer=licence.issuer, holder_kind=licence.holder_kind, holder_code=licence.holder_code,
                      holder_name=licence.holder_name, licence_type=licence.licence_type.code,
                      licence_name=licence.licence_type.name, licence_no=licence.number, issued_on=licence.issued_on,
                      valid_until=licence.valid_until, status=status, source_ref=str(licence.public_id), is_demo=licence.is_demo)


def _seal_files(actor, seal, licence_type: LicenceType, number: str, ofd: bytes, pdf: bytes, batch: str = ""):
    try:
        from digigov.support.seal.documents import sign_ofd, sign_pdf
    except ImportError:  # the seal service is part of the platform; without it nothing is issued (never unsealed)
        raise ValidationFailed("电子签章服务不可用，不能签发电子证照", code="signing_unavailable") from None

    from ..layout import seal_box

    x, y, _size = seal_box(licence_type.layout)
    reason = f"签发电子证照：{licence_type.name}"
    base = f"{licence_type.name}-{number}"
    ofd_signed, _ = sign_ofd(actor, seal, ofd, document_name=f"{base}.ofd", reason=reason, page=0, x_mm=x, y_mm=y)
    pdf_signed, _ = sign_pdf(actor, seal, pdf, document_name=f"{base}.pdf", reason=reason, page=0, x_mm=x, y_mm=y)
    return ofd_signed, pdf_signed


def _create(actor, licence_type: LicenceType, *, issuer: Department, holder: tuple[str, str, str], data: dict,
            valid_from: dt.date, valid_until: dt.date | None, source: str, case=None, number: str | None = None,
            previous: Licence | None = None, event: str = LicenceEventKind.ISSUE, reason: str = "", is_demo: bool = False) -> Licence:
    """The shared path of issue / migrate / change / re-issue; the caller holds the transaction."""
    holder_kind, holder_code, holder_name = holder
    data = dict(data)
    # the holder's own fields on the page always show the holder the licence is issued to
    if holder_kind == HolderKind.PERSON:
        data.update({k: v for k, v in (("name", holder_name), ("id_number", holder_code)) if any(f["key"] == k for f in licence_type.fields)})
    else:
        data.update({k: v for k, v in (("name", holder_name), ("uscc", holder_code)) if any(f["key"] == k for f in licence_type.fields)})
    seal = issuing_seal(issuer)
    today = timezone.localdate()
    issuer_code = identifiers.issuer_code(issuer)
    seq = _next_seq(licence_type, issuer_code, today.year)
    identifier = identifiers.build(licence_type.code, issuer_code, today.year, seq)
    if number is None:
        number = identifiers.number(issuer_code, today.year, seq)
        while Licence.objects.filter(licence_type=licence_type, number=number).exists():
            seq += 1
            identifier = identifiers.build(licence_type.code, issuer_code, today.year, seq)
            number = identifiers.number(issuer_code, today.year, seq)
    ofd, pdf = _render(licence_type, issuer=issuer, identifier=identifier, number=number, data=data, issued_on=today,
                       valid_from=valid_from, valid_until=valid_until)
    ofd, pdf = _seal_files(actor, seal, licence_type, number, ofd, pdf)
    try:
        with transaction.atomic():
            licence = Licence.objects.create(
                identifier=identifier, number=number, licence_type=licence_type, holder_kind=holder_kind, holder_code=holder_code,
                holder_name=holder_name, data=data, issuer=issuer, issued_on=today, valid_from=valid_from, valid_until=valid_until,
                source=source, case=case, previous=previous, ofd=ofd, pdf=pdf, seal=seal, is_demo=is_demo)
    except IntegrityError:
        raise Conflict("证照标识冲突（同时签发了同一类证照），请重试", code="identifier_taken") from None
    LicenceEvent.objects.create(licence=licence, kind=event, actor=actor, reason=reason[:200])
    _index(licence)
    after = snapshot(licence, ["identifier", "number", "holder_name", "issued_on", "valid_from", "valid_until", "source", "status"])
    if event == LicenceEventKind.CHANGE:
        record(actor, "license.licence.change", licence, after=after)
    elif event == LicenceEventKind.REISSUE:
        record(actor, "license.licence.reissue", licence, after=after)
    else:
        record(actor, "license.licence.issue", licence, after=after)
    return licence


def _type(licence_type) -> LicenceType:
    if not isinstance(licence_type, LicenceType):
        raise ValidationFailed("请选择证照类型", code="licence_type_required", detail={"field": "licence_type"})
    if not licence_type.active:
        raise ValidationFailed(f"证照类型“{licence_type.name}”已停用，不能签发", code="licence_type_inactive", detail={"field": "licence_type"})
    return licence_type


def issue_licence(actor, licence_type: LicenceType, holder_kind: str, holder_code: str, holder_name: str, data: dict,
                  valid_from=None, case=None, source: str = LicenceSource.APPROVAL, *, number: str | None = None,
                  valid_until=None, is_demo: bool = False) -> Licence:
    """Issue one licence of ``licence_type`` (issued by the type's department) to a holder; see the module doc.

    ``number`` is given only for a paper licence being migrated (its printed number); ``valid_until`` only
    then too (otherwise it follows from the type's validity)."""
    licence_type = _type(licence_type)
    issuer = licence_type.department
    require(actor, PERM, issuer)
    if source not in LicenceSource.values:
        raise ValidationFailed("证照来源无效", code="invalid_source", detail={"field": "source"})
    holder = clean_holder(licence_type, holder_kind, holder_code, holder_name)
    values = clean_data(licence_type.fields, {**data, **_holder_fields(licence_type, holder)} if isinstance(data, dict) else data)
    start = _date(valid_from, "valid_from", "有效期起", required=False) or timezone.localdate()
    until = _date(valid_until, "valid_until", "有效期至", required=False)
    if until is None and licence_type.valid_years:
        until = _add_years(start, licence_type.valid_years)
    if until is not None and until < start:
        raise ValidationFailed("有效期至不能早于有效期起", code="valid_until_before_from", detail={"field": "valid_until"})
    if until is not None and until < timezone.localdate():
        raise ValidationFailed("证照有效期已届满，不能签发", code="already_expired", detail={"field": "valid_from" if valid_until is None else "valid_until"})
    if number is not None:
        number = clean_text(number, "number", "证照编号", 64)
        if not number.isprintable() or any(c.isspace() for c in number):
            raise ValidationFailed("证照编号不能含空格或不可见字符", code="invalid_number", detail={"field": "number"})
    with transaction.atomic():
        if number is not None and Licence.objects.filter(licence_type=licence_type, number=number).exists():
            raise Conflict(f"{licence_type.name}编号 {number} 已存在", code="number_taken", detail={"field": "number"})
        return _create(actor, licence_type, issuer=issuer, holder=holder, data=values, valid_from=start, valid_until=until,
                       source=source, case=case, number=number, is_demo=is_demo,
                       reason={"migration": "纸质证照转换", "batch": "批量导入"}.get(source, ""))


def _holder_fields(licence_type: LicenceType, holder: tuple[str, str, str]) -> dict:
    kind, code, name = holder
    keys = {f["key"] for f in licence_type.fields}
    out = {}
    if "name" in keys:
        out["name"] = name
    if kind == HolderKind.PERSON and "id_number" in keys:
        out["id_number"] = code
    if kind == HolderKind.ENTERPRISE and "uscc" in keys:
        out["uscc"] = code
    return out


def _current(licence: Licence) -> Licence:
    """The licence locked for an update; only a valid one changes."""
    row = Licence.objects.select_for_update().select_related("licence_type", "issuer").get(pk=licence.pk)
    if row.status != LicenceStatus.VALID:
        raise Conflict(f"证照状态为“{row.get_status_display()}”，不能办理", code="licence_not_valid")
    return row


def _reason(reason, label: str = "原因") -> str:
    return clean_text(reason, "reason", label, 200)


def change_licence(actor, licence: Licence, data: dict, reason: str) -> Licence:
    """变更: a new licence with the changed values (same number, new identifier); the old one is superseded."""
    require(actor, PERM, licence.issuer)
    reason = _reason(reason, "变更原因")
    with transaction.atomic():
        old = _current(licence)
        lt = _type(old.licence_type)
        holder = (old.holder_kind, old.holder_code, old.holder_name)
        if isinstance(data, dict) and "name" in data and str(data["name"]).strip():
            holder = clean_holder(lt, old.holder_kind, old.holder_code, data["name"])
        merged = {**old.data, **data} if isinstance(data, dict) else data
        values = clean_data(lt.fields, {**merged, **_holder_fields(lt, holder)} if isinstance(merged, dict) else merged)
        if values == old.data and holder[2] == old.holder_name:
            raise ValidationFailed("证照信息没有变化", code="nothing_changed", detail={"field": "data"})
        return _supersede(actor, old, holder=holder, data=values, event=LicenceEventKind.CHANGE, reason=reason)


def reissue_licence(actor, licence: Licence, reason: str) -> Licence:
    """补发: the same values on a newly sealed licence (lost or damaged copy); the old one is superseded."""
    require(actor, PERM, licence.issuer)
    reason = _reason(reason, "补发原因")
    with transaction.atomic():
        old = _current(licence)
        _type(old.licence_type)
        return _supersede(actor, old, holder=(old.holder_kind, old.holder_code, old.holder_name), data=old.data,
                          event=LicenceEventKind.REISSUE, reason=reason)


def _supersede(actor, old: Licence, *, holder, data, event, reason) -> Licence:
    before = snapshot(old, ["status", "status_reason"])
    Licence.objects.filter(pk=old.pk).update(status=LicenceStatus.SUPERSEDED, status_reason=reason)
    old.refresh_from_db(fields=["status", "status_reason"])
    record(actor, "license.licence.supersede", old, before=before, after=snapshot(old, ["status", "status_reason"]))
    return _create(actor, old.licence_type, issuer=old.issuer, holder=holder, data=data, valid_from=old.valid_from,
                   valid_until=old.valid_until, source=old.source, case=old.case, number=old.number, previous=old, event=event,
                   reason=reason, is_demo=old.is_demo)


def revoke_licence(actor, licence: Licence, reason: str) -> Licence:
    """注销: the licence stops being valid (the file stays, its status says why); the index says so too."""
    require(actor, PERM, licence.issuer)
    reason = _reason(reason, "注销原因")
    with transaction.atomic():
        row = _current(licence)
        before = snapshot(row, ["status", "status_reason"])
        row.status, row.status_reason = LicenceStatus.REVOKED, reason
        row.save(update_fields=["status", "status_reason"])
        LicenceEvent.objects.create(licence=row, kind=LicenceEventKind.REVOKE, actor=actor, reason=reason)
        _index(row)
        record(actor, "license.licence.revoke", row, before=before, after=snapshot(row, ["status", "status_reason"]))
    return row


def expire_licences(actor, today: dt.date | None = None, limit: int = 5000) -> int:
    """到期: valid licences whose validity ended become ``expired`` (the nightly job, as the system account)."""
    from digigov.core.rbac.checks import WHOLE_CITY

    require(actor, PERM, WHOLE_CITY)
    today = today or timezone.localdate()
    done = 0
    ids = list(Licence.objects.filter(status=LicenceStatus.VALID, valid_until__lt=today).order_by("valid_until", "pk")
               .values_list("pk", flat=True)[:limit])
    for pk in ids:
        with transaction.atomic():
            row = Licence.objects.select_for_update().select_related("licence_type", "issuer").filter(
                Q(pk=pk), status=LicenceStatus.VALID, valid_until__lt=today).first()
            if row is None:
                continue
            row.status, row.status_reason = LicenceStatus.EXPIRED, f"有效期至 {row.valid_until:%Y-%m-%d}"
            row.save(update_fields=["status", "status_reason"])
            LicenceEvent.objects.create(licence=row, kind=LicenceEventKind.EXPIRE, actor=actor, reason=row.status_reason)
            _index(row)
            record(actor, "license.licence.expire", row, after=snapshot(row, ["status", "valid_until"]))
            done += 1
    return done
