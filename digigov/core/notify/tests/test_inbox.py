"""``notify``: the in-site message always; SMS after commit when a gateway is configured, failures recorded."""

from __future__ import annotations

import pytest
from django.db import transaction

from digigov.core.notify.inbox import external_channels, notify, notify_many
from digigov.core.notify.models import Delivery, InboxMessage
from digigov.core.notify.senders import SendFailed
from digigov.core.testing import make_user, resident_id

SENT: list = []


class RecordingSms:
    def send(self, message):
        SENT.append(message)


class BrokenSms:
    def send(self, message):
        raise SendFailed("短信网关无响应")


@pytest.fixture
def person_user(city, pii_keys):
    from digigov.core.accounts import actions as accounts

    person = accounts.register_person(city.system, id_number=resident_id("210602", "19900101"), name="李四", division=city.village_a)
    person.phone = "13812345678"
    person.save()
    user = make_user("citizen")
    user.person = person
    user.save()
    SENT.clear()
    return user


def test_in_site_only_without_a_configured_gateway(person_user, settings, django_capture_on_commit_callbacks):
    settings.DIGIGOV_SMS_URL = ""
    settings.DIGIGOV_SMS_SENDER = "digigov.core.notify.senders.FileSender"
    assert external_channels() == set()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        m = notify(person_user, "办件进度", "您的申请已受理")
    assert m.pk and InboxMessage.objects.get().title == "您的申请已受理"
    assert callbacks == [] and not Delivery.objects.exists()


def test_sms_goes_out_after_commit_and_is_recorded_masked(person_user, settings, django_capture_on_commit_callbacks):
    settings.DIGIGOV_SMS_SENDER = f"{__name__}.RecordingSms"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(person_user, "办件进度", "您的申请已受理", "办件编号 1")
    assert SENT == [] and not Delivery.objects.exists()  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert SENT[0].to == "13812345678" and "您的申请已受理" in SENT[0].text
    d = Delivery.objects.get()
    assert (d.channel, d.to_masked, d.ok) == ("sms", "138****5678", True)


def test_a_failing_gateway_never_fails_the_caller(person_user, settings, django_capture_on_commit_callbacks):
    settings.DIGIGOV_SMS_SENDER = f"{__name__}.BrokenSms"
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(person_user, "办件进度", "您的申请已受理")
    d = Delivery.objects.get()
    assert d.ok is False and d.error == "短信网关无响应" and d.to_masked == "138****5678"
    assert InboxMessage.objects.count() == 1


def test_rolled_back_step_leaves_no_notice(person_user, settings, django_capture_on_commit_callbacks):
    settings.DIGIGOV_SMS_SENDER = f"{__name__}.RecordingSms"
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(person_user, "办件进度", "您的申请已受理")
                raise RuntimeError("step failed")
    assert not InboxMessage.objects.exists() and SENT == [] and not Delivery.objects.exists()


def test_notify_many_dedupes_and_skips_inactive(db):
    a, b = make_user("approver"), make_user("approver")
    b.is_active = False
    b.save()
    notify_many([a, a, b, None], "待办任务", "新的待办")
    assert list(InboxMessage.objects.values_list("recipient_id", flat=True)) == [a.pk]
