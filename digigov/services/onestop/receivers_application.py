"""The application follows its cases: workflow's case signals (补正, answered, ended) and the payment
app's ``order_paid`` update ``Application.status`` inside the step's transaction (``refresh_status``)."""

from __future__ import annotations


def _application_of(case):
    from .models import Application

    link = getattr(case, "_onestop_link", None)
    if link is None:
        from .models import ApplicationCase

        link = ApplicationCase.objects.filter(case_id=case.pk).values_list("application_id", flat=True).first() or 0
    if not link:
        return None
    return Application.objects.select_related("item", "bundle").filter(pk=link).first()


def on_case_changed(sender, case, actor, signal=None, **kwargs):
    from .actions.applications import refresh_status

    app = _application_of(case)
    if app is None:
        return
    refresh_status(app, actor)
    from digigov.support.workflow import signals as wf

    if signal is wf.case_finished and case.status in ("approved", "rejected"):
        _decision_after_commit(app, case)


def _decision_after_commit(app, case) -> None:
    """A member case that ended without issuing an e-licence gets a sealed decision document, written once
    the step has committed (a rolled-back step leaves no document)."""
    from django.db import transaction

    from digigov.support.license.models import Licence

    if Licence.objects.filter(case_id=case.pk).exists():
        return

    def issue():
        import logging

        from .decisions import issue_decision

        try:
            issue_decision(app, case)
        except Exception:  # the outcome stands without the document; the page shows no download then
            logging.getLogger("digigov.onestop").exception("decision document for case %s failed", case.number)

    transaction.on_commit(issue)


def on_order_paid(sender, order, actor, **kwargs):
    from .actions.applications import refresh_status
    from .fees import REFERENCE_KIND
    from .models import Application

    if getattr(order, "reference_kind", "") != REFERENCE_KIND:
        return
    app = Application.objects.filter(public_id=order.reference_id).first()
    if app is not None:
        refresh_status(app, actor)


def connect() -> None:
    from digigov.support.workflow import signals as wf

    for sig in (wf.correction_requested, wf.correction_submitted, wf.case_finished):
        sig.connect(on_case_changed, dispatch_uid=f"onestop.application.{id(sig)}")
    try:
        from digigov.support.payment import signals as pay
    except ImportError:  # pragma: no cover — the payment shell is on main
        return
    pay.order_paid.connect(on_order_paid, dispatch_uid="onestop.application.order_paid")
