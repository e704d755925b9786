"""/api/v1/realname/: the caller's real-name levels, and the verification history (needs level 2 in this
session: an example of ``api_requires_realname``, and it lists where codes were sent)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from pydantic import Field

from digigov.core.api import permission

from . import selectors
from .decorators import api_requires_realname

router = Router(tags=["实名认证 realname"])


class LevelsOut(Schema):
    account_level: int = Field(description="账户实名等级（曾完成的最高等级）：1 口令、2 短信/邮件验证码、3 人脸核验")
    account_level_label: str
    session_level: int = Field(description="本次登录的实名等级（会话内完成的认证）")
    session_level_label: str


class VerificationOut(Schema):
    level: int
    method: str = Field(description="sms 短信验证码 / email 邮件验证码 / face 人脸核验")
    method_label: str
    destination: str = Field(description="脱敏后的手机号或邮箱（人脸核验为空）")
    at: dt.datetime


@router.get("/levels", response=LevelsOut, summary="本人实名等级（账户与本次登录）")
@permission("accounts.self")
def levels(request):
    session = selectors.session_level(request)
    return {"account_level": request.auth.realname_level, "account_level_label": selectors.level_label(request.auth.realname_level),
            "session_level": session, "session_level_label": selectors.level_label(session)}


@router.get("/verifications", response=list[VerificationOut], summary="本人实名认证记录（需本次登录达到二级实名）")
@permission("accounts.self")
@api_requires_realname(2)
def verifications(request):
    return [{"level": v.level, "method": v.method, "method_label": v.get_method_display(), "destination": v.destination_masked, "at": v.at}
            for v in selectors.verifications_for(request.auth)]
