"""Who collects a 一件事's fee: the member the fee belongs to (the browser journey found the order of
不动产转移登记一件事 opened for the lead member's 住建 bureau, so its e-bill carried the wrong seal)."""

import pytest

from digigov.services.onestop import fees
from digigov.services.onestop.actions import applications as actions
from digigov.services.onestop.application_testing import answers, citizen
from digigov.services.onestop.models import MaterialForm
from digigov.services.onestop.testing import make_bundle, make_item
from digigov.support.payment.models import PaymentOrder
from digigov.support.window.testing import pdf_bytes
from digigov.support.workflow.testing import make_version, parallel_bpmn

pytestmark = pytest.mark.django_db

FEE = [{"name": "登记费", "amount_cents": 8000, "basis": "发改价格规〔2016〕2559号"}]


def _item(city, dept, key, name, **kw):
    version = make_version(parallel_bpmn(key, name, dept_a=dept, dept_b=dept), user=city.system, department=dept, key=key, name=name)
    return make_item(dept, name=name, process=version.process, materials=(("申请书", MaterialForm.ORIGINAL),), **kw)


def test_the_fee_is_collected_by_the_member_it_belongs_to(city):
    lead = _item(city, city.bureau, "no_fee_member", "合同备案")
    paying = _item(city, city.other_bureau, "fee_member", "转移登记", fees=FEE)
    assert fees.collecting_department([lead, paying]) == city.other_bureau
    assert fees.collecting_department([lead]) == city.bureau
    applicant = citizen(city)
    app = actions.start_application(applicant, bundle=make_bundle(city.bureau, [lead, paying]))
    actions.save_draft(applicant, app, data=answers(applicant))
    for need in actions.requirements_of(app).materials:
        actions.add_material(applicant, app, key=need.key, data=pdf_bytes(1), filename="申请书.pdf")
    actions.submit(applicant, app, "fee-dept")
    order = PaymentOrder.objects.get()
    assert order.amount_cents == 8000 and order.department == city.other_bureau
