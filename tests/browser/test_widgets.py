"""Shared widgets in a real browser: the division picker's suggestions, radios beside their labels,
and the confirmation a destructive action asks for."""

import pytest

from digigov.core.testing import PASSWORD, make_user

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_division_picker_suggests_by_name(page, shot, city):
    make_user("window_clerk", username="clerk1", division=city.city)
    login(page, "clerk1", PASSWORD)
    page.goto("/workbench/people/new/")
    field = page.locator("input[name=division]")
    field.press_sequentially("兴东")
    for _ in range(50):  # wait_for_function evaluates a string in the page, which the CSP forbids: poll from here
        if page.evaluate("document.querySelectorAll('#id_division-options option').length"):
            break
        page.wait_for_timeout(100)
    options = page.eval_on_selector_all("#id_division-options option", "os => os.map(o => o.value)")
    assert options == ["兴东社区 · 210602001001"]
    shot(page, "division-picker")


def test_radio_buttons_sit_with_their_labels(page, city):
    from digigov.infra.cloud import actions as cloud
    from digigov.infra.cloud.testing import request_kwargs

    root = make_user("city_admin", username="root1")
    platform = cloud.create_platform(root, name="市级政务云平台", department=city.bureau_unit, integrated=True)
    cloud.create_pool(root, name="资源池", vcpu_total=100, memory_gb_total=400, storage_tb_total="10", platform=platform)
    req, _ = cloud.submit_request(make_user("dept_admin", department=city.bureau), **request_kwargs(city))
    login(page, "root1", PASSWORD)
    page.goto(f"/workbench/infra/cloud/requests/{req.public_id}/")
    for value in ("approve", "reject"):
        radio = page.locator(f"input[name=decision][value={value}]").bounding_box()
        label = page.locator(f"label:has(input[name=decision][value={value}])").bounding_box()
        assert radio["width"] < 40 and label["width"] < 200  # not stretched across the card
        assert abs((radio["y"] + radio["height"] / 2) - (label["y"] + label["height"] / 2)) < 6  # on the text's line
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # a decision cannot be undone: cancelling the confirmation leaves the request as it was
    page.set_viewport_size({"width": 1280, "height": 900})
    page.check("input[name=decision][value=approve]")
    page.once("dialog", lambda d: d.dismiss())
    page.click("button:has-text('提交审批')")
    page.wait_for_timeout(300)
    req.refresh_from_db()
    assert req.status == "submitted" and page.url.endswith(f"/requests/{req.public_id}/")
