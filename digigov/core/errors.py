"""Business errors with a stable code and a Chinese message.

Actions raise these; the API turns them into ``{"code", "message", "detail"}``
with the given HTTP status, and views turn them into form errors.
"""

from __future__ import annotations

from typing import Any


class DigiGovError(Exception):
    status = 400
    code = "bad_request"
    message = "请求无效"

    def __init__(self, message: str | None = None, *, code: str | None = None, detail: Any = None, status: int | None = None):
        self.message = message or self.message
        self.code = code or self.code
        self.detail = detail
        if status is not None:
            self.status = status
        super().__init__(f"{self.code}: {self.message}")

    def as_body(self) -> dict:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class ValidationFailed(DigiGovError):
    status = 422
    code = "validation_error"
    message = "提交的数据未通过校验"


class NotFound(DigiGovError):
    status = 404
    code = "not_found"
    message = "对象不存在或无权访问"


class Forbidden(DigiGovError):
    status = 403
    code = "forbidden"
    message = "无权执行此操作"


class Conflict(DigiGovError):
    status = 409
    code = "conflict"
    message = "状态冲突，操作无法完成"


class Unauthenticated(DigiGovError):
    status = 401
    code = "unauthenticated"
    message = "请先登录"


class RateLimited(DigiGovError):
    status = 429
    code = "rate_limited"
    message = "请求过于频繁，请稍后再试"


def get_or_404(qs, **lookup):
    """The one object matching ``lookup`` in ``qs`` (already narrowed to the caller's reach), else NotFound:
    an object outside one's scope and a missing one answer the same."""
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj
