"""REST API of the message centre at /api/v1/messages/: the caller's own in-site messages.

Lists page by keyset (``before`` = the ``next_before`` of the previous page), newest first; no object
is addressed in the path (a message id only means something to its recipient)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db import transaction
from ninja import Router, Schema
from pydantic import Field

from digigov.core.api import StrictSchema, errors, permission
from digigov.core.errors import NotFound, ValidationFailed

from . import actions, selectors
from .actions import PERMISSION
from .models import InboxMessage

router = Router(tags=["notify 消息中心"])
MAX_IDS = 100


class MessageOut(Schema):
    id: int
    topic: str = Field(description="类别，如 任务、办件进度、时限预警")
    title: str
    body: str
    link: str = Field(description="站内链接（相对路径），可为空")
    created_at: dt.datetime
    read: bool
    read_at: dt.datetime | None


class MessageListOut(Schema):
    unread: int = Field(description="未读消息总数")
    next_before: int | None = Field(description="下一页的 before 参数；为 null 表示没有更早的消息")
    items: list[MessageOut]


class ReadIn(StrictSchema):
    ids: list[int] = Field(default_factory=list, max_length=MAX_IDS, description="要标为已读的消息 id（本人的消息）")
    all: bool = Field(default=False, description="为 true 时把本人全部未读消息标为已读")


class ReadOut(Schema):
    marked: int = Field(description="本次标为已读的条数")
    unread: int


def message_out(m: InboxMessage) -> dict:
    return {"id": m.pk, "topic": m.topic, "title": m.title, "body": m.body, "link": m.link, "created_at": m.created_at,
            "read": m.read_at is not None, "read_at": m.read_at}


@router.get("/", response=MessageListOut, summary="本人的站内消息（最新在前）")
@permission(PERMISSION)
def list_messages(request, unread: bool = False, before: Annotated[int, Field(ge=1, le=2**62)] | None = None,
                  page_size: Annotated[int, Field(ge=1, le=100)] = 20):
    rows, next_before = selectors.keyset_page(selectors.inbox(request.auth, unread_only=unread), before, page_size)
    return {"unread": selectors.unread_count(request.auth), "next_before": next_before, "items": [message_out(m) for m in rows]}


@router.post("/read", response=ReadOut, summary="标为已读（指定消息或全部）")
@permission(PERMISSION)
@errors(404, without=(409,))
def mark_read(request, payload: ReadIn):
    if any(not 0 < i < 2**62 for i in payload.ids):
        raise ValidationFailed("消息 id 应为正整数", code="bad_id", detail={"field": "ids"})
    if payload.all == bool(payload.ids):
        raise ValidationFailed("请指定消息 id，或设置 all 为 true（二者选一）", code="ids_or_all", detail={"field": "ids"})
    if payload.all:
        marked = actions.mark_all_read(request.auth)
        return {"marked": marked, "unread": selectors.unread_count(request.auth)}
    with transaction.atomic():  # all the named messages or none
        found = {m.pk: m for m in selectors.inbox(request.auth).filter(pk__in=payload.ids)}
        missing = [i for i in payload.ids if i not in found]
        if missing:
            raise NotFound("消息不存在或不属于本人", detail={"ids": missing[:10]})
        marked = sum(1 for m in found.values() if m.read_at is None)
        for m in found.values():
            actions.mark_read(request.auth, m)
    return {"marked": marked, "unread": selectors.unread_count(request.auth)}
