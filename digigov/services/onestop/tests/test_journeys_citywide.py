"""全市通办 on the support layer's pages (``onestop.citywide`` registered with ``registry.process_tags``): the
window's reception names the service 全市通办 and the department the case will be routed to, the receipt
says where it went, and the competent department's 待办 and case list show the badge; a service that is not 全市通办
shows none of it."""

import pytest

from digigov.core import registry
from digigov.core.testing import logged_in_client, make_user
from digigov.services.onestop.testing import make_item
from digigov.support.window.actions import reception
from digigov.support.window.models import ServiceHall
from digigov.support.window.testing import make_person
from digigov.support.workflow.testing import make_version, parallel_bpmn

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(city):
    dept = city.county_bureau  # 元宝区教育局, in 元宝区
    citywide = make_version(parallel_bpmn("student_aid", "学生资助申请", dept_a=dept, dept_b=dept), user=city.system, department=dept,
                            name="学生资助申请")
    make_item(dept, name="学生资助申请", process=citywide.process, citywide=True)
    local = make_version(parallel_bpmn("local_only", "本区事项", dept_a=dept, dept_b=dept), user=city.system, department=dept, name="本区事项")
    make_item(dept, name="本区事项", process=local.process)
    hall = ServiceHall.objects.create(name="振兴区政务服务中心", division=city.county_b, counters=4)
    clerk = make_user("window_clerk", division=city.county_b)
    r = reception.start_reception(clerk, hall)
    r = reception.identify(clerk, r, kind="person", code=make_person(city.county_b, name="陈静").id_number)
    return {"citywide": citywide, "local": local, "clerk": clerk, "reception": r, "dept": dept}


def test_tags_name_only_active_citywide_items(world):
    tags = registry.process_tags({world["citywide"].process_id, world["local"].process_id})
    assert tags == {world["citywide"].process_id: ["全市通办"]}


def test_reception_receipt_and_worklist_show_the_badge(world, city):
    web = logged_in_client(world["clerk"])
    r = world["reception"]
    page = web.get(f"/workbench/support/window/receptions/{r.public_id}/").content.decode()
    assert "学生资助申请（元宝区教育局）· 全市通办" in page and "本区事项（元宝区教育局）<" in page
    assert page.count("data-note-for=\"id_version\"") == 1  # one note, for the 全市通办 service only
    assert "流转至承办部门办理：<strong>元宝区教育局</strong>（元宝区）" in page
    chosen = web.get(f"/workbench/support/window/receptions/{r.public_id}/", {"version": world["citywide"].public_id}).content.decode()
    assert f'data-note-value="{world["citywide"].public_id}">' in chosen  # the chosen one is shown (not hidden)

    case = reception.create_application(world["clerk"], r, world["citywide"])
    receipt = web.get(f"/workbench/support/window/cases/{case.number}/receipt/").content.decode()
    assert "data-routed-to>元宝区教育局（元宝区，由振兴区受理后流转）" in receipt and 'data-tag>全市通办' in receipt
    assert 'data-tag>全市通办' in web.get(f"/workbench/support/window/cases/{case.number}/route/").content.decode()

    approver = make_user("approver", department=world["dept"])
    todo = logged_in_client(approver).get("/workbench/support/tasks/").content.decode()
    assert case.number in todo and 'data-tag>全市通办' in todo
    cases = logged_in_client(approver).get("/workbench/support/cases/").content.decode()
    assert case.number in cases and 'data-tag>全市通办' in cases


def test_no_badge_for_a_local_service(world):
    web = logged_in_client(world["clerk"])
    case = reception.create_application(world["clerk"], world["reception"], world["local"])
    receipt = web.get(f"/workbench/support/window/cases/{case.number}/receipt/").content.decode()
    assert "data-tag" not in receipt and "办理范围" not in receipt
