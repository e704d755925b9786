"""JSON log lines carrying the request id; resident ID numbers and mobile numbers are masked
(credit codes identify legal persons, not people, and are left as they are)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

from digigov.core.context import current_actor

_ID = re.compile(r"(?<![0-9A-Z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask(text: str) -> str:
    text = _ID.sub(lambda m: m.group(1)[:4] + "**********" + m.group(2)[-4:], text)
    return _PHONE.sub(r"\1****\2", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        actor = current_actor()
        # django.request logs 4xx/5xx after the middleware has reset the actor context; it passes the request
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or actor.request_id
        record.actor = actor.username
        return True


class MaskPiiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "actor": getattr(record, "actor", ""),
        }
        if record.exc_info:
            payload["exc"] = mask(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)
