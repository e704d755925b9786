"""The window listens to the workflow runtime: a finished case's result becomes ready for output."""

from __future__ import annotations

from django.dispatch import receiver

from digigov.support.workflow import signals
from digigov.support.workflow.models import CaseStatus, Channel

from .actions import deliveries
from .models import Delivery, DeliveryMethod, Reception

RESULT_STATUSES = (CaseStatus.APPROVED, CaseStatus.REJECTED)


@receiver(signals.case_finished, dispatch_uid="window.case_finished")
def case_finished(sender, case, actor, **kwargs):
    """Approved or rejected: there is a decision to hand over. A window case without a delivery row (made
    through the API without a method) gets pick-up at the hall that received it. Runs in the engine
    step's transaction, as the step's actor (a system job's system account)."""
    if case.status not in RESULT_STATUSES:
        return
    delivery = Delivery.objects.select_related("case", "hall").filter(case=case).first()
    if delivery is None:
        if case.channel != Channel.WINDOW:
            return  # online cases: the one-stop portal decides their output
        reception = Reception.objects.filter(case=case).select_related("hall").first()
        delivery = Delivery.objects.create(case=case, hall=reception.hall if reception else None, method=DeliveryMethod.PICKUP)
    delivery.case = case
    deliveries.mark_ready(actor, delivery)
