"""The senders behind ``digigov.core.notify`` (see the package docstring)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import secrets
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from digigov.core.errors import DigiGovError

log = logging.getLogger("digigov.notify")

KIND_LABELS = {"sms": "短信", "email": "电子邮件"}


class SendFailed(DigiGovError):
    status = 503
    code = "send_failed"
    message = "消息发送失败，请稍后重试"


@dataclasses.dataclass(frozen=True)
class Message:
    kind: str  # "sms" | "email"
    to: str
    text: str
    subject: str = ""
    at: dt.datetime = dataclasses.field(default_factory=timezone.now)


def mask_recipient(to: str) -> str:
    """138****1234 for a mobile number, z***@example.cn for an e-mail address; anything else mostly hidden."""
    to = to or ""
    if "@" in to:
        local, _, domain = to.rpartition("@")
        return (local[:1] + "***@" + domain) if local else "***@" + domain
    if len(to) >= 11:
        return to[:3] + "****" + to[-4:]
    return "*" * len(to)


class FileSender:
    """Development and test sender: one file per message in ``DIGIGOV_OUTBOX_DIR`` (mode 0600: a message may
    hold a one-time code). The file is the message as delivered, so it names the recipient in clear; the log
    line does not."""

    def send(self, message: Message) -> Path:
        outbox = Path(settings.DIGIGOV_OUTBOX_DIR)
        outbox.mkdir(parents=True, exist_ok=True)
        stamp = message.at.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        path = outbox / f"{stamp}-{message.kind}-{secrets.token_hex(4)}.txt"
        body = (f"渠道: {KIND_LABELS.get(message.kind, message.kind)}\n收件人: {message.to}\n"
                f"主题: {message.subject}\n时间: {timezone.localtime(message.at).isoformat(timespec='seconds')}\n\n{message.text}\n")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        log.info("%s to %s written to the outbox (%s)", KIND_LABELS.get(message.kind, message.kind), mask_recipient(message.to), path.name)
        return path


class DjangoEmailSender:
    """E-mail through Django's e-mail framework (``EMAIL_BACKEND``; SMTP when ``DIGIGOV_SMTP_URL`` is set)."""

    def send(self, message: Message) -> None:
        from django.core.mail import EmailMessage

        try:
            EmailMessage(message.subject, message.text, settings.DEFAULT_FROM_EMAIL, [message.to]).send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - SMTP errors, refused connections, timeouts
            log.warning("e-mail to %s failed: %s", mask_recipient(message.to), type(exc).__name__)
            raise SendFailed("邮件发送失败，请稍后重试") from exc
        log.info("e-mail to %s sent", mask_recipient(message.to))


class HttpSmsSender:
    """A plain HTTP SMS gateway: POST JSON ``{"to", "text"}`` to ``DIGIGOV_SMS_URL``; 2xx is success."""

    timeout = 10

    def send(self, message: Message) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if settings.DIGIGOV_SMS_TOKEN:
            headers["Authorization"] = f"Bearer {settings.DIGIGOV_SMS_TOKEN}"
        body = json.dumps({"to": message.to, "text": message.text}, ensure_ascii=False).encode()
        request = urllib.request.Request(settings.DIGIGOV_SMS_URL, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - an operator-set URL
                ok = 200 <= response.status < 300
        except Exception as exc:  # noqa: BLE001 - HTTP errors, refused connections, timeouts
            log.warning("SMS to %s failed: %s", mask_recipient(message.to), type(exc).__name__)
            raise SendFailed("短信发送失败，请稍后重试") from exc
        if not ok:
            raise SendFailed("短信发送失败，请稍后重试")
        log.info("SMS to %s sent through the gateway", mask_recipient(message.to))


def _sender(setting: str):
    return import_string(getattr(settings, setting))()


def send_sms(to: str, text: str) -> None:
    """Send one SMS through the configured sender; raises ``SendFailed`` (503, Chinese message) on failure."""
    _sender("DIGIGOV_SMS_SENDER").send(Message("sms", to, text))


def send_email(to: str, subject: str, text: str) -> None:
    """Send one plain-text e-mail through the configured sender; raises ``SendFailed`` on failure."""
    _sender("DIGIGOV_EMAIL_SENDER").send(Message("email", to, text, subject=subject))
