"""Notices to people: ``send_sms(to, text)`` and ``send_email(to, subject, text)``.

Core, because every later app sends notices (one-time codes, decisions, reminders). Each goes through a
pluggable sender chosen by settings (``DIGIGOV_SMS_SENDER`` / ``DIGIGOV_EMAIL_SENDER``, dotted paths):

* ``FileSender`` (the default for both): writes each message as one UTF-8 text file into
  ``DIGIGOV_OUTBOX_DIR`` (``var/outbox/``), readable by a developer and by tests, and logs one line with the
  recipient masked. Nothing leaves the machine.
* ``DjangoEmailSender``: e-mail through Django's e-mail framework (SMTP when ``DIGIGOV_SMTP_URL`` is set,
  or whatever ``EMAIL_BACKEND`` settings name).
* ``HttpSmsSender``: POSTs ``{"to": ..., "text": ...}`` as JSON to ``DIGIGOV_SMS_URL`` (bearer
  ``DIGIGOV_SMS_TOKEN``); any 2xx is success.

A provider adapter (a carrier's SMS API with signatures and templates) is a class with
``send(message: Message) -> None`` that raises ``SendFailed`` on failure; name it in
``DIGIGOV_SMS_SENDER``. Senders never log the text (it may hold a one-time code) nor the recipient in clear.
"""

from .senders import Message, SendFailed, mask_recipient, send_email, send_sms

__all__ = ["Message", "SendFailed", "mask_recipient", "send_email", "send_sms"]
