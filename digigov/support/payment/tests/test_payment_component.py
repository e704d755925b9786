"""The business component payment.create_order: bills the case's applicant once, whatever the retries."""

from types import SimpleNamespace

import pytest

from digigov.core.errors import ValidationFailed
from digigov.core.registry import component
from digigov.support.payment.models import PayableItem, PayableKind, PaymentOrder

pytestmark = pytest.mark.django_db


def test_component_creates_one_order_per_case(dept, citizen):
    PayableItem.objects.create(code="FS-T-1", name="工本费", kind=PayableKind.NONTAX, department=dept, standard_cents=2000)
    case = SimpleNamespace(applicant=citizen, applicant_id=citizen.pk, department=dept, public_id="CASE-1")
    comp = component("payment.create_order")
    out = comp.func(None, case, {"payable": "FS-T-1"})
    again = comp.func(None, case, {"payable": "FS-T-1"})
    assert out == again and out["pay_url"] == f"/pay/orders/{out['order_id']}/"
    order = PaymentOrder.objects.get()
    assert order.payer == citizen and order.amount_cents == 2000 and order.reference_kind == "workflow.case"
    with pytest.raises(ValidationFailed):
        comp.func(None, case, {"payable": "NOPE"})
    with pytest.raises(ValidationFailed):
        comp.func(None, SimpleNamespace(applicant=None, applicant_id=None), {"amount_cents": 100, "subject": "x"})
