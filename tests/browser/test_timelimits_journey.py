"""Time limits in a real browser, on a desktop and on a 390 px phone: the city admin adds a holiday on the
calendar page (the month grid marks it, the working-day clock moves), a case turns overdue, the overdue
page draws its chart, and the clerk finds the warning in the message centre."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from digigov.core.testing import PASSWORD, make_user
from digigov.support.workflow import calendar, signals, timelimits
from digigov.support.workflow.models import CalendarDay, Case
from digigov.support.workflow.tests.tl_factories import make_case, make_task, process

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_weekday(after: dt.date) -> dt.date:
    day = after + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.mark.parametrize("width", [1280, 390])
def test_holiday_moves_the_clock_and_overdue_page_draws(browser, live_server, shot, city, width):
    calendar.clear_cache()
    make_user("city_admin", username="cityadmin")
    clerk = make_user("approver", username="approver1", department=city.bureau)
    today = timezone.localdate()
    holiday = next_weekday(today + dt.timedelta(days=14))
    version = process(city, statutory_days=30, promised_days=20)
    running = make_case(city, version=version, started=today, title="食品经营许可")
    signals.case_started.send(sender=Case, case=running, actor=city.system)
    running.refresh_from_db()
    due_before = running.promised_due

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, "cityadmin", PASSWORD)

    # 1. the city admin adds a holiday in the calendar
    page.goto(f"/workbench/support/calendar/?year={holiday.year}")
    assert page.locator(".card.month").count() == 12
    page.fill("input[name=day-date]", holiday.isoformat())
    page.select_option("select[name=day-kind]", "holiday")
    page.fill("input[name=day-name]", "城市纪念日")
    page.click("#day-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.content()
    cell = page.locator(f'td.day.holiday[data-date="{holiday.isoformat()}"]')
    assert cell.count() == 1 and "休" in cell.inner_text()
    assert page.locator(f'#days tr[data-date="{holiday.isoformat()}"]').count() == 1
    # the page fits the phone: no horizontal scrolling of the whole page
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"calendar-holiday-{width}")
    assert CalendarDay.objects.filter(date=holiday, name="城市纪念日").exists()
    # a case accepted today now ends one working day later
    calendar.clear_cache()
    assert calendar.add_working_days(today, 20) == calendar.add_working_days(due_before, 1)

    # 2. a case past its due date turns overdue in the periodic recompute
    late = make_case(city, version=version, started=today - dt.timedelta(days=60), title="建设工程规划许可")
    signals.case_started.send(sender=Case, case=late, actor=city.system)
    make_task(late, assignee=clerk, status="claimed")
    Case.objects.filter(pk=late.pk).update(warning="normal")
    timelimits.recompute_warnings()
    page.goto("/workbench/support/timelimits/")
    page.wait_for_selector('[data-chart="timelimits-chart"][data-rendered="1"] canvas')
    data = json.loads(page.locator("script#timelimits-chart").text_content())
    overdue = next(s for s in data["series"] if s["name"] == "已超期")
    assert [d["value"] for d in overdue["data"]] == [1]
    assert "建设工程规划许可" in page.locator("#warned-cases").inner_text()
    assert page.locator("#stat-overdue").inner_text() == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    shot(page, f"timelimits-overview-{width}")
    context.close()

    # 3. the clerk sees the warning in the message centre, with the unread count in the header
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": width, "height": 900})
    clerk_page = context.new_page()
    clerk_page.set_default_timeout(15000)
    login(clerk_page, "approver1", PASSWORD)
    clerk_page.wait_for_selector("#nav-messages .unread-count")  # fetched by htmx after the page loads
    assert clerk_page.locator("#nav-messages .unread-count").inner_text() == "1"
    clerk_page.click("#nav-messages")
    assert "已超期：建设工程规划许可" in clerk_page.locator("#inbox").inner_text()
    shot(clerk_page, f"messages-{width}")
    context.close()
