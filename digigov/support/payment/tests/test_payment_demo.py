"""The demo generator at the smallest scale: items, bills, paid orders with sealed bills, a refund, a
reconciliation run with the planted mismatch."""

import io

import pytest
from django.core.management import call_command

from digigov.support.payment.models import (EBill, MismatchKind, OrderStatus, PayableItem, PaymentOrder, ReconciliationItem, Refund)


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_generator():
    call_command("democity", scale=0.002, seed=3, only=["org,accounts,support.seal,support.payment"], no_progress=True, no_kpi=True,
                 stdout=io.StringIO())
    assert PayableItem.objects.filter(kind="convenience").count() == 6
    paid = PaymentOrder.objects.filter(status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED])
    assert paid.count() >= 10 and EBill.objects.count() == paid.count()
    assert PaymentOrder.objects.filter(status=OrderStatus.UNPAID).exists()
    assert Refund.objects.filter(automatic=False).count() == 1
    assert ReconciliationItem.objects.filter(kind=MismatchKind.CHANNEL_ONLY).count() == 1
    assert PaymentOrder.objects.filter(payer__username="citizen").count() >= 3
