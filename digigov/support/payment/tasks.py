"""Payment jobs: the sandbox channel's notification delivery (retried until acknowledged), e-bill issuance
after a payment, and the nightly/hourly jobs (expiry, missed bills, reconciliation of yesterday)."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account


class NotAcknowledged(Exception):
    pass


@db_task(retries=6, retry_delay=30)
def deliver_notification(trade_no: str):
    """The sandbox channel posts its signed notification; an unacknowledged one is retried (30 s apart)."""
    from .channels import sandbox

    if not sandbox.deliver(trade_no):
        raise NotAcknowledged(trade_no)
    return True


@db_task(retries=3, retry_delay=60)
def issue_bill_task(order_pk: int):
    from . import actions
    from .models import PaymentOrder

    order = PaymentOrder.objects.filter(pk=order_pk).first()
    if order is None:
        return None
    system = system_account()
    with acting_as(system, channel="task"):
        return actions.issue_bill(order).number


@db_periodic_task(crontab(minute="7"))
def hourly_payment_jobs():
    """Close expired orders; issue bills a failed task left behind."""
    from . import actions

    system = system_account()
    with acting_as(system, channel="task"):
        return actions.close_expired(system), actions.issue_missing_bills(system)


@db_periodic_task(crontab(hour="2", minute="15"))
def reconcile_yesterday():
    """对账: every night, yesterday's paid trades against each channel's statement."""
    from django.utils import timezone

    from . import actions, channels

    system = system_account()
    day = timezone.localdate() - dt.timedelta(days=1)
    with acting_as(system, channel="task"):
        return [actions.reconcile(system, day, code).mismatch_count for code, _label in channels.choices()]
