"""Payment to-dos for the workbench home: reconciliation mismatches nobody has resolved yet (city-wide,
``payment.reconcile``). The count is one COUNT over the same rows the reconciliation pages list."""

from __future__ import annotations

from django.urls import reverse

from digigov.core import registry

from .models import ReconciliationItem


def _open():
    return ReconciliationItem.objects.filter(resolved_at__isnull=True)


def _count(user) -> int:
    return _open().count()


def _single(user):
    pid = _open().values_list("run__public_id", flat=True).first()
    return reverse("payment_staff:run", kwargs={"public_id": pid}) if pid else None


registry.register_todo("payment.mismatches", "待处理的支付对账差异", _count, "payment_staff:runs", "payment.reconcile",
                       single_url=_single, order=60)
