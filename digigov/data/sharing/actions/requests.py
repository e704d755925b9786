"""供需对接: a consumer department files a ``ShareRequest`` against a published, shareable catalog entry;
the providing department approves, narrows or rejects it; approval creates the ``Subscription`` the
gateway enforces. The requester may withdraw an open request; the provider may suspend, resume or
revoke a subscription. Unmet demands (a rejected request, or data no entry holds) become lines of the
catalog's 需求目录 (``catalog.DataDemand``).

Permissions: ``sharing.request`` scoped to the requesting department (its dept_admin or data_admin);
``sharing.review`` scoped to the providing department (the entry's). A request for a 无条件共享 entry
that asks for no field in clear is approved on filing (``auto_approve``): the catalog already says
anyone in government may have it masked; asking for fields in clear always goes to the provider.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.checks import active_department
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text
from digigov.data.catalog.models import CatalogEntry, DataDemand, DataItem, EntryStatus, SharingType

from ..models import (AppKind, AppStatus, ConsumerApp, RequestStatus, ShareRequest, Subscription, SubscriptionSource,
                      SubscriptionStatus, bump_policy_version)

MAX_FIELDS = 200
MAX_PERIOD_DAYS = 3 * 366       # a grant is reviewed again after three years at most
MAX_START_AHEAD_DAYS = 366      # a period may start up to a year ahead
REQUEST_FIELDS = ("status", "approved_fields", "approved_clear_fields", "approved_until", "reply")
DEMAND_FIELDS = ("requester", "provider", "entry", "title", "items", "purpose", "basis", "status")
DECISIONS = ("approve", "narrow", "reject")


def _field_list(value, field: str, label: str, *, required: bool) -> list[str]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed(f"{label}格式无效", code="invalid_fields", detail={"field": field})
    names = [v.strip() for v in value]
    if required and not names:
        raise ValidationFailed(f"请至少选择一个{label}", code="fields_required", detail={"field": field})
    if len(names) > MAX_FIELDS:
        raise ValidationFailed(f"{label}不能超过 {MAX_FIELDS} 个", code="too_many_fields", detail={"field": field})
    if len(set(names)) != len(names):
        raise ValidationFailed(f"{label}有重复", code="duplicate_fields", detail={"field": field})
    return names


def _period(start, end) -> tuple[dt.date, dt.date]:
    for value, field in ((start, "period_start"), (end, "period_end")):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ValidationFailed("请填写有效的日期", code="invalid_date", detail={"field": field})
    today = timezone.localdate()
    if start < today:
        raise ValidationFailed("使用期限不能早于今天", code="period_in_past", detail={"field": "period_start"})
    if (start - today).days > MAX_START_AHEAD_DAYS:
        raise ValidationFailed("使用期限起始日不能晚于一年后", code="period_too_far", detail={"field": "period_start"})
    if end < start:
        raise ValidationFailed("使用期限止不能早于使用期限起", code="period_reversed", detail={"field": "period_end"})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed("使用期限最长三年", code="period_too_long", detail={"field": "period_end"})
    return start, end


def shareable_problem(entry: CatalogEntry) -> tuple[str, str] | None:
    """Why ``entry`` cannot be requested now (message, code), or None."""
    if entry.voided_at is not None or entry.status != EntryStatus.PUBLISHED:
        return "只能申请已发布的目录条目", "entry_not_published"
    if entry.sharing_type == SharingType.NONE:
        reason = entry.sharing_basis or "提供部门未说明理由"
        return f"该目录条目不予共享（依据：{reason}）", "entry_not_shareable"
    return None


def item_names(entry_id: int, field_names) -> str:
    names = dict(DataItem.objects.filter(entry_id=entry_id, field_name__in=list(field_names)).values_list("field_name", "name"))
    return "、".join(names.get(f, f) for f in field_names)


def _new_subscription(actor, req: ShareRequest) -> Subscription:
    sub = Subscription.objects.create(
        app=req.app, entry=req.entry, source=SubscriptionSource.SHARE_REQUEST, share_request=req, fields=list(req.approved_fields),
        clear_fields=list(req.approved_clear_fields), purpose=req.purpose[:500], valid_from=req.period_start, valid_until=req.approved_until,
        created_by=actor,
    )
    bump_policy_version()
    record(actor, "sharing.subscription.create", sub, after={
        "app": req.app.app_key, "entry": req.entry.code, "fields": sub.fields, "clear_fields": sub.clear_fields,
        "valid_from": sub.valid_from, "valid_until": sub.valid_until, "share_request": req.public_id,
    })
    return sub


@transaction.atomic
def file_request(actor, *, requester, entry: CatalogEntry, app: ConsumerApp, fields, clear_fields=(), purpose: str, basis: str,
                 period_start, period_end) -> ShareRequest:
    """File a 共享申请 as ``requester`` for ``entry``'s ``fields`` (``DataItem.field_name``), to be called by
    ``app`` (the requester's own department app)."""
    requester = active_department(requester, field="requester")
    require(actor, "sharing.request", requester)
    if entry is None:
        raise ValidationFailed("请选择目录条目", code="entry_required", detail={"field": "entry"})
    problem = shareable_problem(entry)
    if problem:
        raise ValidationFailed(problem[0], code=problem[1], detail={"field": "entry"})
    if entry.department_id == requester.pk:
        raise ValidationFailed("不能申请本单位提供的目录条目", code="same_department", detail={"field": "entry"})
    if app is None:
        raise ValidationFailed("请选择调用应用", code="app_required", detail={"field": "app"})
    # one writer per app at a time: the open-request guard below is then race-free (the constraint backs it)
    app = ConsumerApp.objects.select_for_update(of=("self",)).get(pk=app.pk)
    if app.kind != AppKind.DEPARTMENT or app.department_id != requester.pk:
        raise ValidationFailed("只能选择本单位的调用应用", code="app_not_own", detail={"field": "app"})
    if app.status != AppStatus.ACTIVE:
        raise ValidationFailed("该调用应用未启用", code="app_inactive", detail={"field": "app"})
    fields = _field_list(fields, "fields", "信息项", required=True)
    clear_fields = _field_list(list(clear_fields or ()), "clear_fields", "明文信息项", required=False)
    known = set(DataItem.objects.filter(entry=entry).values_list("field_name", flat=True))
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise ValidationFailed("申请的信息项不在该目录条目中", code="unknown_fields", detail={"field": "fields", "unknown": unknown[:20]})
    if set(clear_fields) - set(fields):
        raise ValidationFailed("明文信息项必须是申请的信息项", code="clear_not_requested", detail={"field": "clear_fields"})
    purpose = clean_text(purpose, "purpose", "用途", 500)
    basis = clean_text(basis, "basis", "依据", 500)
    period_start, period_end = _period(period_start, period_end)
    open_q = ShareRequest.objects.filter(requester=requester, entry=entry, app=app, status=RequestStatus.SUBMITTED)
    if open_q.exists():
        raise Conflict("该应用对此目录条目已有待审核的申请", code="request_exists")
    if Subscription.objects.filter(app=app, entry=entry, status__in=(SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED)).exists():
        raise Conflict("该应用已有此目录条目的授权", code="subscription_exists")
    try:
        with transaction.atomic():
            req = ShareRequest.objects.create(
                requester=requester, provider=entry.department, entry=entry, app=app, fields=fields, clear_fields=clear_fields,
                purpose=purpose, basis=basis, period_start=period_start, period_end=period_end, filed_by=actor,
            )
    except IntegrityError:
        raise Conflict("该应用对此目录条目已有待审核的申请", code="request_exists") from None
    record(actor, "sharing.request.file", req, after={
        "requester": requester.pk, "entry": entry.code, "app": app.app_key, "fields": fields, "clear_fields": clear_fields,
        "purpose": purpose, "basis": basis, "period_start": period_start, "period_end": period_end,
    })
    if entry.sharing_type == SharingType.UNCONDITIONAL and not clear_fields:
        _auto_approve(actor, req)
    return req


def _auto_approve(actor, req: ShareRequest) -> None:
    from digigov.core.rbac.system import system_account

    before = snapshot(req, REQUEST_FIELDS)
    req.status = RequestStatus.APPROVED
    req.approved_fields, req.approved_clear_fields, req.approved_until = list(req.fields), [], req.period_end
    req.reply = "无条件共享目录条目，按申请自动同意（不含明文信息项）"
    req.decided_by, req.decided_at = system_account(), timezone.now()
    req.save()
    record(actor, "sharing.request.auto_approve", req, before=before, after=snapshot(req, REQUEST_FIELDS))
    _new_subscription(req.decided_by, req)


def _locked(req: ShareRequest) -> ShareRequest:
    return (ShareRequest.objects.select_for_update(of=("self",))
            .select_related("requester", "provider__division", "entry__department", "app").get(pk=req.pk))


def _demand_for(actor, *, requester, provider, entry, title: str, items: str, purpose: str, basis: str, filed_by) -> DataDemand:
    """A line of the catalog's 需求目录 (written here: the catalog's ``file_demand`` is its data admins' own
    form and checks their permission, while an unmet share request may be closed by the provider)."""
    demand = DataDemand.objects.create(requester=requester, provider=provider, entry=entry, title=title[:200], items=items[:1000],
                                       purpose=purpose[:500], basis=basis[:500], filed_by=filed_by)
    record(actor, "sharing.demand.file", demand, after=snapshot(demand, DEMAND_FIELDS))
    return demand


@transaction.atomic
def decide_request(actor, req: ShareRequest, decision: str, *, fields=None, clear_fields=None, until=None, reply: str = "") -> ShareRequest:
    """The provider's decision: ``approve`` (as asked), ``narrow`` (a subset of the fields, of the clear
    fields, or an earlier end: at least one really smaller) or ``reject`` (a reason; feeds 需求目录)."""
    if decision not in DECISIONS:
        raise ValidationFailed("审核结论无效", code="invalid_decision", detail={"field": "decision"})
    require(actor, "sharing.review", req)
    req = _locked(req)
    if req.status != RequestStatus.SUBMITTED:
        raise Conflict(f"该申请{req.get_status_display()}，不能再审核", code="request_not_open", detail={"status": req.status})
    before = snapshot(req, REQUEST_FIELDS)
    if decision == "reject":
        reply = clean_text(reply, "reply", "不予同意的理由", 500)
        req.status = RequestStatus.REJECTED
        req.demand = _demand_for(actor, requester=req.requester, provider=req.provider, entry=req.entry, title=req.entry.name,
                                 items=item_names(req.entry_id, req.fields), purpose=req.purpose, basis=req.basis, filed_by=req.filed_by)
    else:
        reply = clean_text(reply, "reply", "答复意见", 500, required=False)
        problem = shareable_problem(req.entry)
        if problem:
            raise Conflict(problem[0], code=problem[1])
        if req.app.status == AppStatus.REVOKED:
            raise Conflict("申请使用的调用应用已注销", code="app_revoked")
        if decision == "approve":
            new_fields, new_clear, new_until = list(req.fields), list(req.clear_fields), req.period_end
            req.status = RequestStatus.APPROVED
        else:
            new_fields = _field_list(fields if fields is not None else [], "fields", "同意信息项", required=True)
            new_clear = _field_list(clear_fields if clear_fields is not None else [], "clear_fields", "同意明文信息项", required=False)
            new_until = req.period_end if until is None else until
            if not isinstance(new_until, dt.date) or isinstance(new_until, dt.datetime):
                raise ValidationFailed("请填写有效的日期", code="invalid_date", detail={"field": "until"})
            if set(new_fields) - set(req.fields):
                raise ValidationFailed("同意的信息项只能从申请的信息项中选择", code="fields_not_requested", detail={"field": "fields"})
            if set(new_clear) - set(req.clear_fields):
                raise ValidationFailed("同意明文的信息项只能从申请明文的信息项中选择", code="clear_not_requested", detail={"field": "clear_fields"})
            if set(new_clear) - set(new_fields):
                raise ValidationFailed("明文信息项必须是同意的信息项", code="clear_not_approved", detail={"field": "clear_fields"})
            if new_until > req.period_end or new_until < req.period_start:
                raise ValidationFailed("同意期限应在申请的使用期限之内", code="until_out_of_period", detail={"field": "until"})
            if len(new_fields) == len(req.fields) and len(new_clear) == len(req.clear_fields) and new_until == req.period_end:
                raise ValidationFailed("部分同意须减少信息项、明文信息项或缩短期限；全部同意请选择“同意”", code="not_narrowed",
                                       detail={"field": "fields"})
            req.status = RequestStatus.NARROWED
        req.approved_fields, req.approved_clear_fields, req.approved_until = new_fields, new_clear, new_until
    req.reply = reply
    req.decided_by, req.decided_at = actor, timezone.now()
    req.save()
    record(actor, "sharing.request.approve" if decision == "approve" else (
        "sharing.request.narrow" if decision == "narrow" else "sharing.request.reject"), req, before=before, after=snapshot(req, REQUEST_FIELDS))
    if decision != "reject":
        _new_subscription(actor, req)
    return req


@transaction.atomic
def withdraw_request(actor, req: ShareRequest, reason: str = "") -> ShareRequest:
    require(actor, "sharing.request", req.requester)
    reason = clean_text(reason, "reason", "撤回原因", 200, required=False)
    req = _locked(req)
    if req.status != RequestStatus.SUBMITTED:
        raise Conflict(f"该申请{req.get_status_display()}，不能撤回", code="request_not_open", detail={"status": req.status})
    before = snapshot(req, ("status",))
    req.status = RequestStatus.WITHDRAWN
    req.reply = reason
    req.save(update_fields=["status", "reply", "updated_at"])
    record(actor, "sharing.request.withdraw", req, before=before, after={"status": req.status, "reason": reason})
    return req


SUBSCRIPTION_MOVES = {
    SubscriptionStatus.SUSPENDED: (SubscriptionStatus.ACTIVE,),
    SubscriptionStatus.ACTIVE: (SubscriptionStatus.SUSPENDED,),
    SubscriptionStatus.REVOKED: (SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED),
}


@transaction.atomic
def set_subscription_status(actor, sub: Subscription, status: str, *, reason: str = "") -> Subscription:
    """The provider suspends, resumes or revokes (final) a subscription; the gateway reloads on the bump."""
    if status not in SubscriptionStatus.values:
        raise ValidationFailed("授权状态无效", code="invalid_status", detail={"field": "status"})
    sub = Subscription.objects.select_for_update(of=("self",)).select_related("entry__department__division", "app").get(pk=sub.pk)
    require(actor, "sharing.review", sub)
    reason = clean_text(reason, "reason", "原因", 200, required=status != SubscriptionStatus.ACTIVE)
    if sub.status not in SUBSCRIPTION_MOVES[status]:
        raise Conflict(f"该授权{sub.get_status_display()}，不能执行此操作", code="bad_subscription_status", detail={"status": sub.status})
    before = snapshot(sub, ("status",))
    sub.status = status
    sub.save(update_fields=["status", "updated_at"])
    bump_policy_version()
    record(actor, "sharing.subscription.active" if status == SubscriptionStatus.ACTIVE else (
        "sharing.subscription.suspended" if status == SubscriptionStatus.SUSPENDED else "sharing.subscription.revoked"), sub, before=before, after={"status": status, "reason": reason})
    return sub


@transaction.atomic
def file_unmet_demand(actor, *, requester, provider, title: str, items: str, purpose: str, basis: str = "") -> DataDemand:
    """数据需求 for data no catalog entry holds: goes straight to the catalog's 需求目录."""
    requester = active_department(requester, field="requester")
    require(actor, "sharing.request", requester)
    provider = active_department(provider, field="provider")
    if provider.pk == requester.pk:
        raise ValidationFailed("提供部门不能是本单位", code="same_department", detail={"field": "provider"})
    values = {"title": clean_text(title, "title", "需求名称", 200), "items": clean_text(items, "items", "所需信息项", 1000),
              "purpose": clean_text(purpose, "purpose", "用途", 500), "basis": clean_text(basis, "basis", "依据", 500, required=False)}
    return _demand_for(actor, requester=requester, provider=provider, entry=None, filed_by=actor, **values)
