"""Issue 12's "Done when" as journeys in a real browser, on a desktop (1280 px) and a phone (390 px), through the
UI only — except the member departments' back-office approvals, which are not the point of a journey and run
through the workflow actions (``testing_bundles.run_case``) with users holding the tasks' roles.

1. A citizen finds 新生儿出生一件事 (the real modelled bundle of ``bundles_data``), applies online with the
   combined form pre-filled (sources shown), the materials shared data or e-licences replace shown as 免提交
   and not asked, uploads only the rest, submits once (one number, one timeline), pays nothing (the bundle has
   no fee), gets the sealed results in the wallet once the departments finish, and rates the service.
2. An enterprise agent with a current authorisation applies 企业开办一件事 for the enterprise and finds it
   in the enterprise space of 我的.
3. A window clerk in 振兴区 receives a walk-in 全市通办 item of a 元宝区 department: the reception shows the
   全市通办 badge, the receipt names the department it was routed to, and that department's approver finds
   it in their 待办.
4. "Pays nothing twice": the one fee of 不动产转移登记一件事 is paid at the sandbox cashier from the application
   page, and a stale 缴费 page and a second 支付 take nothing more.

Every page is checked for horizontal overflow; the citizen's and agent's pages also with axe (no serious or
critical violations)."""

import datetime as dt

import pytest

from digigov.core.testing import PASSWORD, make_user, resident_id
from digigov.services.onestop.actions.bundles import install_modelled_bundle
from digigov.services.onestop.bundles_data import MODELLED
from digigov.services.onestop.models import Application, ApplicationStatus, Rating
from digigov.services.onestop.testing_bundles import bundle_world, citizen, run_case
from digigov.support.window.testing import pdf_bytes

from .axe import assert_accessible
from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BABY_ID = resident_id("210602", "20261101")
ANSWERS = {
    "applicant_phone": "13800000000", "baby_name": "王小宝", "baby_sex": "男", "baby_birth_date": "2026-11-01", "baby_id_number": BABY_ID,
    "birth_place": "示范市妇幼保健院", "mother_name": "李丽", "father_name": "王小明", "household_no": "210602012345",
    "household_address": "示范市元宝区兴业街1号", "baby_relation": "子", "card_bank": "中国工商银行",
    "enterprise_name": "示范市新起点科技有限公司", "company_kind": "有限责任公司", "legal_rep_name": "赵经理", "registered_capital": "100",
    "address": "示范市元宝区振兴路88号", "business_scope": "软件开发；信息技术咨询服务", "seal_kinds": ["公章", "财务专用章"],
    "seal_maker": "示范市诚信刻章有限公司", "staff_count": "5", "insurance_bank": "中国银行", "deposit_ratio": "12%",
    "legal_representative": "赵经理", "contact_name": "赵经理", "contact_phone": "13900000000",
}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _session(browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    return context, page


def _check(page, *, axe: bool = True) -> None:
    assert _fits(page), f"horizontal overflow at {page.url}"
    if axe:
        assert_accessible(page)


def _modelled(city, name):
    world = bundle_world(city)
    spec = next(s for s in MODELLED if s["name"] == name)
    return world, install_modelled_bundle(world["admin"], spec)


def _fill_form(page, answers: dict) -> None:
    """Answer what the combined form asks (by field name), leaving pre-filled values as they are."""
    for key, value in answers.items():
        fields = page.locator(f"#application-form [name='f-{key}']")
        if not fields.count():
            continue
        kind = fields.first.evaluate("e => e.tagName === 'SELECT' ? 'select' : (e.type || 'text')")
        if kind == "select":
            fields.first.select_option(value)
        elif kind in ("radio", "checkbox"):
            for v in value if isinstance(value, list) else [value]:
                page.locator(f"#application-form [name='f-{key}'][value='{v}']").check()
        elif not fields.first.input_value():
            fields.first.fill(str(value))


def _submit(page) -> None:
    page.click("#submit-application")
    page.wait_for_selector("#app-number, #form-error")
    errors = page.locator("#form-error, .form-errors")
    assert not errors.count(), errors.all_inner_texts()


def _upload_rest(page, tmp_path) -> list[str]:
    """Upload a scan for every required material not shown as 免提交; the names uploaded."""
    uploaded = []
    rows = page.locator("#materials > li")
    for i in range(rows.count()):
        row = rows.nth(i)
        if row.locator(".free").count() or "选交" in row.inner_text():
            continue
        name = row.locator("strong").inner_text()
        scan = tmp_path / f"{row.get_attribute('data-material')}.pdf"
        scan.write_bytes(pdf_bytes(1))
        row.locator("input[type=file]").set_input_files(str(scan))
        uploaded.append(name)
    return uploaded


@pytest.mark.parametrize("width", [1280, 390])
def test_newborn_bundle_online(browser, live_server, shot, city, width, tmp_path, settings):
    from digigov.data.registries.models import LicenceIndex, PersonRecord

    settings.VAR_DIR = tmp_path
    world, bundle = _modelled(city, "新生儿出生一件事")
    applicant = citizen(city, name="王小明")
    person = applicant.person
    person.phone = "13800000000"
    person.save()
    # shared data the city holds on the applicant: the person registry (户籍) with the hospital's birth record,
    # and the applicant's e-ID card in the licence index
    PersonRecord.objects.create(id_number=person.id_number, name="王小明", sex="M", birth_date=dt.date(1990, 1, 1), address="示范市元宝区兴业街1号",
                                division=city.county_a, attributes={"birth_certificate": "Q210600123456", "guardian_id_number": person.id_number})
    # the hospital's birth registration: the newborn in the person registry with the applicant as 监护人 (the
    # wallet shows a parent their registered minor children's licences)
    from digigov.data.registries.testing import make_person as registry_person, value

    baby = registry_person(city, name="王小宝", id_number=BABY_ID, birth_date=dt.date(2026, 11, 1),
                           values=[value("guardian_id_number", person.id_number, dept=city.bureau, current=True)])
    baby.attributes = {"guardian_id_number": person.id_number}
    baby.save(update_fields=["attributes"])
    LicenceIndex.objects.create(holder_kind="person", holder_code=person.id_number, holder_name="王小明", licence_type="100000PSB001",
                                licence_name="居民身份证", licence_no="210602199001010000", issuer=world["departments"]["CITY-PSB"],
                                issued_on=dt.date(2020, 1, 1))

    context, page = _session(browser, live_server, width)
    login(page, applicant.username, PASSWORD)

    # portal → 一件事一次办 → 新生儿出生一件事 → 在线办理
    page.goto("/")
    _check(page)
    page.goto("/services/bundles/")
    _check(page)
    page.locator("main").get_by_role("link", name="新生儿出生一件事").first.click()
    page.wait_for_url(f"**/services/bundles/{bundle.code}/")
    _check(page)
    page.click("a.apply-btn:has-text('在线办理')")
    page.wait_for_selector("#start-button")
    _check(page)
    page.click("#start-button")
    page.wait_for_selector("#application-form")

    # one combined form, pre-filled from the registries with the sources shown
    assert "来源：" in page.locator("#prefill-sources").inner_text()
    assert page.input_value("#f-applicant_name") == "王小明"
    assert page.input_value("#f-applicant_id_number") == person.id_number
    # what shared data or an e-licence replaces is 免提交 with its source, and has no upload control
    free = {}
    for name in ("母亲居民身份证", "医疗机构出生记录", "居民户口簿"):
        row = page.locator("#materials > li", has=page.locator("strong", has_text=name)).first
        assert row.locator(".free").inner_text() == "免提交", name
        assert row.locator("input[type=file]").count() == 0, name
        free[name] = row.locator(".app-source").inner_text()
    assert "电子证照" in free["母亲居民身份证"] and "共享数据" in free["医疗机构出生记录"] and "共享数据" in free["居民户口簿"]
    _check(page)
    shot(page, f"done-when-newborn-form-{width}")

    _fill_form(page, ANSWERS)
    uploaded = _upload_rest(page, tmp_path)
    assert uploaded and not {"母亲居民身份证", "医疗机构出生记录", "居民户口簿"} & set(uploaded)
    _submit(page)

    # my application: ONE number, one timeline over the member cases
    app = Application.objects.get(bundle=bundle)
    number = page.inner_text("#app-number")
    assert number == app.number and number.startswith("YW")
    assert app.cases.count() == 5  # the optional 预防接种证 was left ticked
    assert page.locator("#members li").count() == 5
    assert "进入环节" in page.inner_text("#timeline")
    # nothing to pay: the bundle has no fee, and no order was made
    from digigov.support.payment.models import PaymentOrder

    assert not PaymentOrder.objects.exists() and page.locator("a:has-text('去缴费')").count() == 0
    _check(page)
    shot(page, f"done-when-newborn-submitted-{width}")
    page.goto("/my/applications/")
    assert page.locator(f"text={number}").count() == 1
    _check(page)

    # the member departments do their part (back office)
    for link in app.cases.select_related("case").order_by("id"):
        run_case(link.case)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DONE

    # the results: the sealed e-licences, in the application and in the wallet
    page.goto(f"/my/applications/{app.public_id}/")
    assert page.inner_text("#app-status") == "已办结"
    results = page.locator("#results").inner_text()
    for name in ("出生医学证明", "居民户口簿", "医疗保障"):
        assert name in results, results
    _check(page)
    page.goto("/my/licences/")
    wallet = page.locator("main").inner_text()
    assert "出生医学证明" in wallet and "王小宝" in wallet
    _check(page)
    shot(page, f"done-when-newborn-wallet-{width}")

    # 好差评 on the application: five levels and a reason
    page.goto(f"/my/applications/{app.public_id}/")
    page.click("#rate-link")
    assert page.locator(".rate-levels label").count() == 5
    _check(page)
    page.click("label[data-level='5']")
    page.check("input[name=reasons][value=G02]")
    page.fill("#comment", "一次申请全部办好，不用跑腿")
    page.click("#rate-submit")
    page.wait_for_selector("#my-ratings")
    mine = page.locator("#my-ratings").inner_text()
    assert "非常满意" in mine and "新生儿出生一件事" in mine
    _check(page)
    rating = Rating.objects.get()
    assert rating.application_id == app.pk and rating.level == 5
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_enterprise_agent_starts_a_company(browser, live_server, shot, city, width, tmp_path, settings):
    from digigov.core.accounts.models import AgentAuthorization, LegalPerson, NaturalPerson
    from digigov.core.testing import uscc
    from digigov.data.registries.models import PersonRecord

    settings.VAR_DIR = tmp_path
    world, bundle = _modelled(city, "企业开办一件事")
    agent = make_user("enterprise_agent", username="agent")
    agent.person = NaturalPerson.objects.create(id_number=resident_id("210602", "19850505"), name="赵经理", gender="M", birth_date="1985-05-05",
                                                division=city.county_a, phone="13900000000")
    agent.display_name = "赵经理"
    agent.save(update_fields=["person", "display_name"])
    PersonRecord.objects.create(id_number=agent.person.id_number, name="赵经理", sex="M", birth_date=dt.date(1985, 5, 5),
                                address="示范市元宝区兴业街8号", division=city.county_a)
    lp = LegalPerson.objects.create(uscc=uscc(), name="示范市新起点科技有限公司", division=city.county_a, address="示范市元宝区振兴路88号")
    AgentAuthorization.objects.create(legal_person=lp, agent=agent, valid_from=dt.date.today() - dt.timedelta(days=1),
                                      valid_until=dt.date.today() + dt.timedelta(days=365))

    context, page = _session(browser, live_server, width)
    login(page, "agent", PASSWORD)
    page.goto(f"/services/bundles/{bundle.code}/")
    _check(page)
    page.click("a.apply-btn:has-text('在线办理')")
    page.wait_for_selector("#acting_for")
    assert page.locator("#acting_for option").all_inner_texts() == ["示范市新起点科技有限公司"]
    page.select_option("#acting_for", lp.public_id)
    _check(page)
    page.click("#start-button")
    page.wait_for_selector("#application-form")
    assert "代为办理：示范市新起点科技有限公司" in page.locator("main").inner_text()
    assert "来源：" in page.locator("#prefill-sources").inner_text()
    assert page.input_value("#f-applicant_name") == "赵经理"
    _fill_form(page, ANSWERS)
    _upload_rest(page, tmp_path)
    _check(page)
    _submit(page)
    app = Application.objects.get(bundle=bundle)
    assert app.acting_for_id == lp.pk and page.inner_text("#app-number") == app.number
    assert app.cases.count() >= 4  # 设立登记, 刻章, 参保, 公积金 in their departments at once
    _check(page)
    shot(page, f"done-when-enterprise-submitted-{width}")

    # the enterprise space of 我的 shows it
    page.goto("/my/")
    page.locator("#my-switch").get_by_role("link", name="示范市新起点科技有限公司").click()
    page.wait_for_url(f"**/my/?as={lp.public_id}")
    assert "企业空间：示范市新起点科技有限公司" in page.locator("main h2").first.inner_text()
    assert app.number in page.locator("#my-recent").inner_text()
    assert page.locator("[data-card='applications'] .n").inner_text() == "1"
    _check(page)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_citywide_walk_in_routed_across_divisions(browser, live_server, shot, city, width, tmp_path, settings):
    from digigov.services.onestop.testing import make_item
    from digigov.support.window.models import ServiceHall
    from digigov.support.window.testing import make_person
    from digigov.support.workflow.models import Case
    from digigov.support.workflow.testing import make_version, parallel_bpmn

    settings.VAR_DIR = tmp_path
    # the competent department is 元宝区教育局 (division A, 元宝区); the hall and its clerk are in 振兴区 (division B)
    dept_a = city.county_bureau
    version = make_version(parallel_bpmn("student_aid", "学生资助申请", dept_a=dept_a, dept_b=dept_a), user=city.system, department=dept_a,
                           name="学生资助申请")
    make_item(dept_a, name="学生资助申请", process=version.process, citywide=True)
    hall = ServiceHall.objects.create(name="振兴区政务服务中心", division=city.county_b, counters=4)
    make_user("window_clerk", username="clerk_b", division=city.county_b)
    make_user("approver", username="approver_a", department=dept_a)
    person = make_person(city.county_b, name="陈静")
    pdf = tmp_path / "申请书.pdf"
    pdf.write_bytes(pdf_bytes(1))

    context, page = _session(browser, live_server, width)
    login(page, "clerk_b", PASSWORD)
    page.goto(f"/workbench/support/window/halls/{hall.public_id}/")
    page.click("button:has-text('现场受理（无排队号）')")
    page.get_by_label("自然人").check()
    page.fill("input[name=code]", person.id_number)
    page.click("button:has-text('查询')")
    assert page.locator("[data-applicant]").inner_text() == "陈静"
    page.select_option("select[name=version]", label="学生资助申请（元宝区教育局）· 全市通办")
    # the reception names the item as 全市通办 and where it will go
    note = page.locator("[data-note-for='id_version']:visible")
    assert note.locator("[data-tag]").inner_text() == "全市通办"
    assert "流转至承办部门办理：元宝区教育局（元宝区）" in note.inner_text()
    _check(page, axe=False)
    page.set_input_files("input[name=files]", str(pdf))
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('提交申请并打印回执')")
    page.wait_for_selector("[data-case-number]")
    case = Case.objects.get()
    assert case.department_id == dept_a.pk and case.division_id == city.county_b.pk
    assert page.locator("[data-case-number]").inner_text() == case.number
    # the receipt says where it was routed, in Chinese, with the badge
    assert page.locator("[data-routed-to]").inner_text() == "元宝区教育局（元宝区，由振兴区受理后流转）"
    assert page.locator("[data-tag]").inner_text() == "全市通办"
    _check(page, axe=False)
    shot(page, f"done-when-citywide-receipt-{width}")
    page.click("a:has-text('办理进度')")
    route = page.locator("main").inner_text()
    assert "全市通办" in route and "元宝区教育局" in route
    _check(page, axe=False)
    context.close()

    # the approver of 元宝区教育局 finds it in their 待办 (a fresh session)
    context, page = _session(browser, live_server, width)
    login(page, "approver_a", PASSWORD)
    page.goto("/workbench/support/tasks/")
    row = page.locator("#task-list tr", has_text=case.number).first
    assert "学生资助申请" in row.inner_text()
    assert row.locator("[data-tag]").inner_text() == "全市通办"
    _check(page, axe=False)
    shot(page, f"done-when-citywide-todo-{width}")
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_bundle_fee_is_paid_once(browser, live_server, shot, city, width, tmp_path, settings):
    """不动产转移登记一件事 carries the one fee of its 不动产转移登记 member: the citizen pays it at the sandbox
    cashier from the application page; pressing 缴费 again from a stale page and 支付 again on the cashier
    does not take the money twice."""
    from digigov.services.onestop.tests.test_bundles_processes import DATA
    from digigov.support.payment.models import OrderStatus, PaymentOrder, SandboxTrade
    from digigov.support.seal.testing import make_seal

    settings.VAR_DIR = tmp_path
    _world, bundle = _modelled(city, "不动产转移登记一件事")
    applicant = citizen(city, name="王小明")
    context, page = _session(browser, live_server, width)
    login(page, applicant.username, PASSWORD)
    page.goto(f"/services/apply/bundle/{bundle.code}/")
    page.click("#start-button")
    page.wait_for_selector("#application-form")
    _fill_form(page, {**DATA, "applicant_name": "王小明", "applicant_id_number": applicant.person.id_number})
    _upload_rest(page, tmp_path)
    _submit(page)
    app = Application.objects.get(bundle=bundle)
    order = PaymentOrder.objects.get()
    assert order.amount_cents == 8000 and order.status == OrderStatus.UNPAID
    assert order.department.code == "CITY-NR"  # the 不动产登记 member's fee, collected by its bureau
    make_seal(order.department)  # its seal, for the e-bill
    _check(page)

    # a stale second tab on the order page, then pay in the first
    stale = context.new_page()
    stale.goto(f"/pay/orders/{order.public_id}/")
    page.click("a:has-text('去缴费')")
    page.wait_for_url(f"**/pay/orders/{order.public_id}/")
    _check(page)
    page.click("#pay-button")
    page.wait_for_selector("#cashier-pay")
    cashier = page.url
    page.click("#cashier-pay")
    page.wait_for_url(f"**/pay/orders/{order.public_id}/")
    assert page.locator("#order-status").inner_text() == "已缴费"
    _check(page)
    shot(page, f"done-when-fee-paid-{width}")

    # pay again: from the stale order page, and on the cashier already used
    stale.click("#pay-button")
    stale.wait_for_load_state("networkidle")
    assert stale.locator("#cashier-pay").count() == 0 or stale.locator("#cashier-pay").is_disabled()
    page.goto(cashier)
    assert page.locator("#cashier-pay").count() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and PaymentOrder.objects.count() == 1
    taken = sum(t.amount_cents - t.refunded_cents for t in SandboxTrade.objects.filter(status="SUCCESS"))
    assert taken == 8000

    page.goto(f"/my/applications/{app.public_id}/")
    assert page.locator("a:has-text('去缴费')").count() == 0 and "已缴费" in page.locator("main").inner_text()
    _check(page)
    context.close()
