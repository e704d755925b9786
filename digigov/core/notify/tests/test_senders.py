import json
import logging

import pytest

from digigov.core import notify
from digigov.core.notify.testing import last_message_to, outbox_messages


@pytest.fixture(autouse=True)
def _outbox(settings, tmp_path):
    settings.DIGIGOV_OUTBOX_DIR = str(tmp_path / "outbox")
    settings.DIGIGOV_SMS_SENDER = "digigov.core.notify.senders.FileSender"
    settings.DIGIGOV_EMAIL_SENDER = "digigov.core.notify.senders.FileSender"
    return tmp_path / "outbox"


def test_file_sender_writes_one_private_file_per_message_and_logs_masked(_outbox, caplog):
    caplog.set_level(logging.INFO, logger="digigov.notify")
    notify.send_sms("13912345678", "您的验证码为 123456")
    notify.send_email("someone@example.cn", "主题", "正文\n第二行")
    files = sorted(_outbox.glob("*.txt"))
    assert len(files) == 2 and all(oct(f.stat().st_mode & 0o777) == "0o600" for f in files)
    sms = last_message_to("13912345678")
    assert sms["kind"] == "短信" and sms["text"] == "您的验证码为 123456"
    mail = last_message_to("someone@example.cn")
    assert mail["subject"] == "主题" and mail["text"] == "正文\n第二行"
    assert [m["kind"] for m in outbox_messages()] == ["短信", "电子邮件"]
    log = "\n".join(r.getMessage() for r in caplog.records)
    assert "139****5678" in log and "s***@example.cn" in log
    assert "13912345678" not in log and "123456" not in log and "someone@" not in log


def test_mask_recipient():
    assert notify.mask_recipient("13912345678") == "139****5678"
    assert notify.mask_recipient("ab@x.cn") == "a***@x.cn"
    assert notify.mask_recipient("@x.cn") == "***@x.cn"
    assert notify.mask_recipient("123") == "***"


def test_email_through_django_mail(settings, mailoutbox=None):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DIGIGOV_EMAIL_SENDER = "digigov.core.notify.senders.DjangoEmailSender"
    settings.DEFAULT_FROM_EMAIL = "DigiGov <noreply@gov.example>"
    notify.send_email("a@example.cn", "实名认证验证码", "验证码 654321")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.cn"] and mail.outbox[0].subject == "实名认证验证码"
    assert mail.outbox[0].from_email == "DigiGov <noreply@gov.example>"


def test_smtp_failure_is_a_chinese_503(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens on port 9
    settings.DIGIGOV_EMAIL_SENDER = "digigov.core.notify.senders.DjangoEmailSender"
    with pytest.raises(notify.SendFailed) as exc:
        notify.send_email("a@example.cn", "s", "t")
    assert exc.value.status == 503 and exc.value.message == "邮件发送失败，请稍后重试"


def test_http_sms_gateway(settings):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((self.headers.get("Authorization"), json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(202 if len(received) == 1 else 500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.DIGIGOV_SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
        settings.DIGIGOV_SMS_TOKEN = "t0ken"
        settings.DIGIGOV_SMS_SENDER = "digigov.core.notify.senders.HttpSmsSender"
        notify.send_sms("13912345678", "验证码 111222")
        assert received == [("Bearer t0ken", {"to": "13912345678", "text": "验证码 111222"})]
        with pytest.raises(notify.SendFailed) as exc:  # the gateway answers 500
            notify.send_sms("13912345678", "x")
        assert exc.value.message == "短信发送失败，请稍后重试"
    finally:
        server.shutdown()
