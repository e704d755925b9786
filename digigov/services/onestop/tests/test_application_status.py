"""Status follows the cases: 补正 → correction and back; fees → awaiting_payment until paid (through the
payment app's sandbox channel); a case ending without a licence gets a sealed decision PDF."""

import pytest

from digigov.services.onestop import fees
from digigov.services.onestop import requirements as req
from digigov.services.onestop.actions import applications as actions
from digigov.services.onestop.application_testing import answers, citizen, run_to_end
from digigov.services.onestop.models import ApplicationStatus, MaterialForm
from digigov.services.onestop.testing import item_with_process
from digigov.support.window.testing import pdf_bytes

pytestmark = pytest.mark.django_db


def _submitted(user, item, key="k"):
    app = actions.start_application(user, item=item)
    actions.save_draft(user, app, data=answers(user))
    actions.add_material(user, app, key=req.for_item(item).materials[0].key, data=pdf_bytes(1))
    return actions.submit(user, app, key)


def test_correction_and_answer_move_the_application(city):
    from digigov.core.testing import make_user
    from digigov.core.rbac.system import system_account
    from digigov.support.workflow import runtime
    from digigov.support.workflow.actions import tasks as task_actions
    from digigov.support.workflow.models import TaskStatus

    user = citizen(city)
    item = item_with_process(city, user=city.system, materials=(("申请书", MaterialForm.ORIGINAL),))
    app = _submitted(user, item)
    case = app.cases.get().case
    runtime.complete(case.tasks.get(candidate_role="window_clerk"), system_account(), outcome="complete")
    approver = make_user("approver", department=city.bureau)
    task = case.tasks.get(status=TaskStatus.OPEN, department=city.bureau)
    task = task_actions.claim(approver, task)
    task_actions.request_correction(approver, task, items=[{"material": "申请书", "reason": "缺少签名"}], opinion="请补正")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.CORRECTION
    task_actions.submit_correction(user, case, answers=["已补签名"], note="")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.IN_PROGRESS


def test_fee_makes_the_application_await_payment_until_paid(city, django_capture_on_commit_callbacks):
    """The real payment app: submission opens one order; paying it through the sandbox channel (cashier,
    signed notification) moves the application on; a second submission call opens no second order."""
    from digigov.support.payment.testing import pay_through_sandbox

    user = citizen(city)
    item = item_with_process(city, user=city.system, materials=(("申请书", MaterialForm.ORIGINAL),),
                             fees=[{"名称": "工本费", "金额（分）": 2000, "依据": "收费标准"}])
    app = _submitted(user, item)
    assert app.status == ApplicationStatus.AWAITING_PAYMENT
    [order] = fees.orders(app)
    assert order.amount_cents == 2000 and order.status == "unpaid" and order.payer_id == user.pk
    assert actions.submit(user, app, "k").pk == app.pk and len(fees.orders(app)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        pay_through_sandbox(order)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.IN_PROGRESS


def test_finished_case_without_licence_gets_a_sealed_decision(city, settings, tmp_path, django_capture_on_commit_callbacks):
    from digigov.services.onestop.decisions import decisions_for
    from digigov.support.seal.testing import made_seal

    settings.VAR_DIR = tmp_path
    made_seal(city.bureau, approver=city.system)
    user = citizen(city)
    item = item_with_process(city, user=city.system, materials=(("申请书", MaterialForm.ORIGINAL),))
    app = _submitted(user, item)
    with django_capture_on_commit_callbacks(execute=True):
        run_to_end(app.cases.get().case)
    found = decisions_for(app)
    assert len(found) == 1
    data = found[0].path.read_bytes()
    assert data.startswith(b"%PDF-") and b"/ByteRange" in data
    assert str(tmp_path) in str(found[0].path)
