"""What the portal's users do: rate and comment (the owning department hides a comment with a reason),
submit an application built on the data to the showcase (the department reviews it), and — as
developers — subscribe to call a 无条件开放 dataset through the gateway at once, or apply to call a
有条件开放 one (the department approves, which creates the ``sharing.Subscription``)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text
from digigov.data.catalog.models import OpenType
from digigov.data.sharing.models import (AppKind, AppStatus, ConsumerApp, Subscription, SubscriptionSource, SubscriptionStatus,
                                         bump_policy_version)

from ..data import public_items
from ..models import DatasetComment, DatasetRating, DatasetStatus, OpenApplication, OpenDataset, ReviewStatus, Showcase

MAX_PERIOD_DAYS = 3 * 366


def _live(ds: OpenDataset) -> OpenDataset:
    if ds.status != DatasetStatus.OPEN:
        raise Conflict("数据集已下线", code="dataset_withdrawn")
    return ds


# --- ratings and comments --------------------------------------------------------------------------------
@transaction.atomic
def rate(actor, ds: OpenDataset, score) -> DatasetRating:
    """One rating per user per dataset; rating again changes it. The dataset's count and sum move with F()."""
    require(actor, "opendata.participate")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationFailed("评分应为 1 到 5 的整数", code="bad_score", detail={"field": "score"})
    _live(ds)
    existing = DatasetRating.objects.select_for_update().filter(dataset=ds, user=actor).first()
    if existing is None:
        try:
            with transaction.atomic():
                rating = DatasetRating.objects.create(dataset=ds, user=actor, score=score)
        except IntegrityError:
            raise Conflict("请勿重复提交评分", code="rating_race") from None
        OpenDataset.objects.filter(pk=ds.pk).update(rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + score)
        record(actor, "opendata.rating.create", ds, after={"score": score})
        return rating
    if existing.score == score:
        raise Conflict("评分没有变化", code="unchanged", detail={"field": "score"})
    old = existing.score
    existing.score = score
    existing.save(update_fields=["score", "updated_at"])
    OpenDataset.objects.filter(pk=ds.pk).update(rating_sum=F("rating_sum") + (score - old))
    record(actor, "opendata.rating.update", ds, before={"score": old}, after={"score": score})
    return existing


@transaction.atomic
def comment(actor, ds: OpenDataset, body) -> DatasetComment:
    require(actor, "opendata.participate")
    body = clean_text(body, "body", "评论内容", 1000)
    _live(ds)
    c = DatasetComment.objects.create(dataset=ds, user=actor, body=body)
    record(actor, "opendata.comment.create", c, after={"dataset": ds.name, "length": len(body)})
    return c


@transaction.atomic
def hide_comment(actor, c: DatasetComment, *, reason) -> DatasetComment:
    c = DatasetComment.objects.select_for_update(of=("self",)).select_related("dataset__entry__department").get(pk=c.pk)
    require(actor, "opendata.review", c)
    reason = clean_text(reason, "reason", "隐藏原因", 200)
    if c.hidden_at is not None:
        raise Conflict("评论已隐藏", code="already_hidden")
    c.hidden_at, c.hidden_reason, c.hidden_by = timezone.now(), reason, actor
    c.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated_at"])
    record(actor, "opendata.comment.hide", c, after={"reason": reason})
    return c


# --- showcase ---------------------------------------------------------------------------------------------
@transaction.atomic
def submit_showcase(actor, ds: OpenDataset, *, title, description, url="") -> Showcase:
    require(actor, "sharing.develop")
    title = clean_text(title, "title", "应用名称", 100)
    description = clean_text(description, "description", "应用简介", 1000)
    url = clean_text(url, "url", "应用地址", 300, required=False)
    if url and not (url.startswith("https://") or url.startswith("http://")) or any(ch.isspace() for ch in url):
        raise ValidationFailed("应用地址应以 http:// 或 https:// 开头", code="bad_url", detail={"field": "url"})
    _live(ds)
    if Showcase.objects.filter(dataset=ds, developer=actor, title=title).exclude(status=ReviewStatus.REJECTED).exists():
        raise Conflict("已提交过同名的应用", code="showcase_exists", detail={"field": "title"})
    s = Showcase.objects.create(dataset=ds, title=title, description=description, url=url, developer=actor)
    record(actor, "opendata.showcase.submit", s, after={"dataset": ds.name, "title": title, "url": url})
    return s


def _decision(decision) -> str:
    if decision not in (ReviewStatus.APPROVED, ReviewStatus.REJECTED):
        raise ValidationFailed("请选择审核结果", code="bad_decision", detail={"field": "decision"})
    return decision


@transaction.atomic
def review_showcase(actor, s: Showcase, *, decision, reply="") -> Showcase:
    s = Showcase.objects.select_for_update(of=("self",)).select_related("dataset__entry__department").get(pk=s.pk)
    require(actor, "opendata.review", s)
    decision = _decision(decision)
    reply = clean_text(reply, "reply", "审核意见", 500, required=decision == ReviewStatus.REJECTED)
    if s.status != ReviewStatus.SUBMITTED:
        raise Conflict("该应用已审核", code="already_decided")
    s.status, s.reply, s.reviewed_by, s.reviewed_at = decision, reply, actor, timezone.now()
    s.save(update_fields=["status", "reply", "reviewed_by", "reviewed_at", "updated_at"])
    record(actor, "opendata.showcase.approved" if decision == ReviewStatus.APPROVED else "opendata.showcase.rejected", s, before={"status": ReviewStatus.SUBMITTED}, after={"status": decision, "reply": reply})
    return s


# --- developers: calling a dataset through the gateway ------------------------------------------------------
def _own_app(actor, app: ConsumerApp) -> ConsumerApp:
    if app.kind != AppKind.DEVELOPER or app.owner_id != actor.pk:
        raise Forbidden("只能使用本人的开发者应用", code="not_owner")
    if app.status != AppStatus.ACTIVE:
        raise Conflict("应用未启用", code="app_inactive", detail={"field": "app"})
    return app


def _no_active(app, entry) -> None:
    if Subscription.objects.filter(app=app, entry=entry, status=SubscriptionStatus.ACTIVE).exists():
        raise Conflict("该应用已可调用此数据集", code="already_subscribed", detail={"field": "app"})


def public_fields(entry) -> list[str]:
    return [i.field_name for i in public_items(entry)]


@transaction.atomic
def subscribe_public(actor, ds: OpenDataset, app: ConsumerApp) -> Subscription:
    """无条件开放: the developer's app may call the dataset at once (all public fields, none in clear)."""
    require(actor, "sharing.develop")
    app = _own_app(actor, ConsumerApp.objects.select_for_update().get(pk=app.pk))
    _live(ds)
    if ds.entry.open_type != OpenType.UNCONDITIONAL:
        raise Conflict("有条件开放的数据集需要提交调用申请，经提供部门审核", code="application_required")
    _no_active(app, ds.entry)
    sub = Subscription.objects.create(app=app, entry=ds.entry, source=SubscriptionSource.OPEN_PUBLIC, fields=public_fields(ds.entry),
                                      clear_fields=[], purpose="开放数据调用", valid_from=timezone.localdate(), created_by=actor)
    bump_policy_version()
    record(actor, "opendata.subscribe", sub, after={"dataset": ds.name, "app": app.app_key, "fields": sub.fields})
    return sub


def _date(value, field: str, label: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationFailed(f"请填写{label}", code="bad_date", detail={"field": field})
    return value


@transaction.atomic
def apply(actor, ds: OpenDataset, app: ConsumerApp, *, purpose, intended_use, period_start, period_end) -> OpenApplication:
    """有条件开放: an application the owning department reviews."""
    require(actor, "sharing.develop")
    app = _own_app(actor, ConsumerApp.objects.select_for_update().get(pk=app.pk))
    purpose = clean_text(purpose, "purpose", "用途", 500)
    intended_use = clean_text(intended_use, "intended_use", "使用场景", 1000)
    start, end = _date(period_start, "period_start", "使用期限起"), _date(period_end, "period_end", "使用期限止")
    today = timezone.localdate()
    if start < today:
        raise ValidationFailed("使用期限不能早于今天", code="period_past", detail={"field": "period_start"})
    if end < start:
        raise ValidationFailed("使用期限止不能早于起始日期", code="period_order", detail={"field": "period_end"})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed("使用期限最长三年", code="period_too_long", detail={"field": "period_end"})
    _live(ds)
    if ds.entry.open_type != OpenType.CONDITIONAL:
        raise Conflict("无条件开放的数据集无需申请，可直接开通调用", code="no_application_needed")
    _no_active(app, ds.entry)
    if OpenApplication.objects.filter(dataset=ds, app=app, status=ReviewStatus.SUBMITTED).exists():
        raise Conflict("该应用已有待审核的申请", code="application_pending", detail={"field": "app"})
    a = OpenApplication.objects.create(dataset=ds, app=app, applicant=actor, purpose=purpose, intended_use=intended_use,
                                       period_start=start, period_end=end)
    record(actor, "opendata.application.submit", a, after={"dataset": ds.name, "app": app.app_key, "purpose": purpose,
                                                            "period": [start, end]})
    return a


@transaction.atomic
def decide_application(actor, a: OpenApplication, *, decision, reply="") -> OpenApplication:
    """Approval creates the subscription (public fields, none in clear, for the applied period) and bumps the policy version."""
    a = OpenApplication.objects.select_for_update(of=("self",)).select_related("dataset__entry__department", "app").get(pk=a.pk)
    require(actor, "opendata.review", a)
    decision = _decision(decision)
    reply = clean_text(reply, "reply", "审核意见", 500, required=decision == ReviewStatus.REJECTED)
    if a.status != ReviewStatus.SUBMITTED:
        raise Conflict("该申请已审核", code="already_decided")
    if decision == ReviewStatus.APPROVED:
        _live(a.dataset)
        if a.app.status != AppStatus.ACTIVE:
            raise Conflict("申请所用的应用已停用，不能同意", code="app_inactive")
        if a.period_end < timezone.localdate():
            raise Conflict("申请的使用期限已过", code="period_over")
        _no_active(a.app, a.dataset.entry)
        a.subscription = Subscription.objects.create(
            app=a.app, entry=a.dataset.entry, source=SubscriptionSource.OPEN_APPLICATION, fields=public_fields(a.dataset.entry),
            clear_fields=[], purpose=a.purpose[:500], valid_from=max(a.period_start, timezone.localdate()), valid_until=a.period_end,
            created_by=actor)
        bump_policy_version()
    a.status, a.reply, a.decided_by, a.decided_at = decision, reply, actor, timezone.now()
    a.save(update_fields=["status", "reply", "decided_by", "decided_at", "subscription", "updated_at"])
    record(actor, "opendata.application.approved" if decision == ReviewStatus.APPROVED else "opendata.application.rejected", a, before={"status": ReviewStatus.SUBMITTED},
           after={"status": decision, "reply": reply, "subscription": a.subscription.public_id if a.subscription else None})
    return a


def may_download(user, ds: OpenDataset) -> bool:
    """无条件开放: anyone. 有条件开放: a user whose application for it was approved and whose subscription is still valid."""
    if ds.entry.open_type == OpenType.UNCONDITIONAL:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    today = timezone.localdate()
    return OpenApplication.objects.filter(
        dataset=ds, applicant=user, status=ReviewStatus.APPROVED, subscription__status=SubscriptionStatus.ACTIVE,
        subscription__valid_from__lte=today, subscription__valid_until__gte=today).exists()


def count_download(ds: OpenDataset) -> None:
    OpenDataset.objects.filter(pk=ds.pk).update(download_count=F("download_count") + 1)
