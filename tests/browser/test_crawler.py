"""Crawl the product as every demo role, in a real browser, and fail on what a first-time user would trip over.

The demo city is built at a tiny scale; each demo account logs in and follows every same-origin link it can
reach (breadth first, bounded: at most ``MAX_PAGES`` product pages and ``MAX_ADMIN`` admin pages per role, and
at most ``PER_SHAPE`` URLs of one shape, e.g. two request detail pages, not two hundred). Each page is checked
at 1280 px and again at a phone's 390 px, and the crawl fails on:

* any 5xx, and any link that leads to a 403 (a control the user may not use must not be shown) or a 404;
* a page wider than the phone (``scrollWidth > innerWidth``: wide tables scroll inside their box);
* visible raw codes or English from ``BANNED`` (role codes, ``None``/``True``, enum values, error codes...);
* a Content-Security-Policy violation in the console (an inline script or style the policy blocks);
* a POST form whose view needs a permission the user lacks (a button that would answer 403; the crawler never
  submits forms, so this is checked against the view's declared permission).

``KNOWN`` lists problems found in pages other engineers own, by (path prefix, problem text); they are reported
in test-artifacts/crawler.json but do not fail the test. Remove an entry once its page is fixed.

The figures (pages per role) go to test-artifacts/crawler.json.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from .conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MAX_PAGES = 30  # product pages per role
MAX_ADMIN = {"cityadmin": 60}  # admin pages: the city admin walks the admin widely, the other roles a little
MAX_ADMIN_DEFAULT = 15
PER_SHAPE = 2
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SKIP = ("/static/", "/api/", "/metrics", "/healthz", "/readyz", "/accounts/logout/", "/admin/logout/", "/admin/jsi18n/",
        "/admin/r/", "/admin/password_change/")  # admin "view on site" redirects; the product has its own password page
# admin pages not worth the budget: an app's index repeats the admin index; history and delete-confirmation pages are Django's
DOWNLOADS = (".csv", ".json", ".ofd", ".pdf")
ADMIN_SKIP = re.compile(r"^/admin/[a-z_]+/$|/history/$|/delete/$")

# Raw codes and English a user must never read. Role codes that double as demo usernames (citizen, leader,
# auditor, approver) are left out: the admin's account list shows usernames.
ROLE_CODES = ("enterprise_agent", "window_clerk", "dept_admin", "data_admin", "city_admin", "security_officer")
WORDS = ("None", "True", "False", "null", "undefined", "NaN", "Idempotency", "idempotency", "masked", "object (", "Traceback",
         "Not Found", "Forbidden", "Server Error", "{{", "{%", "DEBUG")
KNOWN: dict[tuple[str, str], str] = {}
ERROR_CODE = re.compile(r"[（(]\s*[a-z]+_[a-z_]+\s*[)）]")  # an error code in parentheses: （not_found）


def enum_values() -> set[str]:
    """Every lower-case choice value of the project's models (submitted, migrated, connected...)."""
    from django.apps import apps

    values = set()
    for model in apps.get_models():
        if not model.__module__.startswith("digigov."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "choices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{3,}", value):
                    values.add(value)
    return values - {"citizen", "leader", "auditor", "approver", "system"}


def banned_pattern() -> re.Pattern:
    words = sorted(set(ROLE_CODES) | enum_values(), key=len, reverse=True)
    return re.compile("|".join([r"(?<![\w/.=-])(?:%s)(?![\w/.=-])" % "|".join(map(re.escape, words)),
                                *[re.escape(w) for w in WORDS], ERROR_CODE.pattern]))


def shape(url: str) -> str:
    """A URL with its identifiers blanked: /requests/Rk3x9.../ and /requests/Rp02.../ have one shape."""
    parts = urlsplit(url)
    segments = ["#" if re.fullmatch(r"\d+|[A-Za-z0-9_-]{12,}", s) else s for s in parts.path.split("/")]
    keys = sorted({k for k, _v in parse_qsl(parts.query) if k != "page"})
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def normalise(base: str, href: str) -> str | None:
    if not href.startswith(base):
        return None
    parts = urlsplit(href)
    path = parts.path
    if any(path.startswith(p) for p in SKIP) or ADMIN_SKIP.search(path) or path.endswith(DOWNLOADS):
        return None  # downloads (CSV exports) are files, not pages; their own tests check them
    if path.startswith("/admin/") and parts.query:
        return None  # the admin's filter, sort and facet links: Django's own pages, same template
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return path + ("?" + query if query else "")


@pytest.fixture
def demo_city(db):
    from digigov.democity import runner

    runner.run(0.002, progress=False, log=lambda text: None)


def post_controls_allowed(user, actions: list[str], base: str) -> list[str]:
    """The POST forms on a page whose view declares a permission ``user`` does not hold."""
    from django.urls import Resolver404, resolve

    from digigov.core.rbac.checks import can

    bad = []
    for action in actions:
        path = urlsplit(action).path if action.startswith(base) else None
        if not path or path in ("/accounts/logout/", "/admin/logout/"):
            continue
        try:
            perm = getattr(resolve(path).func, "required_permission", None)
        except Resolver404:
            bad.append(f"{path}（不存在）")
            continue
        if perm and not perm.startswith("@") and not can(user, perm):
            bad.append(f"{path}（需要 {perm}）")
    return bad


SNAPSHOT = """() => ({
    text: document.body.innerText,
    hrefs: Array.from(document.querySelectorAll("a[href]"), a => a.href),
    posts: Array.from(document.querySelectorAll("form[method=post]"), f => f.action),
})"""
# the phone's width once the resize has been handled (charts redraw on the resize event)
PHONE_WIDTH = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
    () => done([document.documentElement.scrollWidth, window.innerWidth]))))"""


def crawl(page, base: str, user, seeds: list[str], banned: re.Pattern, problems: list[str]) -> dict:
    username = user.username
    queue = deque((s, "(起点)") for s in seeds)
    seen, shapes = set(seeds), {}
    counts = {"pages": 0, "admin": 0}
    visited: list[str] = []
    csp: list[str] = []

    def on_console(msg):
        if "Content Security Policy" in msg.text:
            csp.append(msg.text)

    page.on("console", on_console)
    while queue:
        url, referrer = queue.popleft()
        is_admin = url.startswith("/admin/")
        bucket = "admin" if is_admin else "pages"
        if counts[bucket] >= (MAX_ADMIN.get(username, MAX_ADMIN_DEFAULT) if is_admin else MAX_PAGES):
            continue
        counts[bucket] += 1
        visited.append(url)
        where = f"[{username}] {url} (链接来自 {referrer})"
        page.set_viewport_size(DESKTOP)
        response = page.goto(base + url, wait_until="domcontentloaded")
        status = response.status if response else 0
        if status >= 500 or status in (403, 404):
            problems.append(f"{where}: HTTP {status}")
            continue
        final = normalise(base, page.url)
        if final is None or final.startswith("/accounts/login/"):
            if final and final.startswith("/accounts/login/"):
                problems.append(f"{where}: 跳转到登录页")
            continue
        snap = page.evaluate(SNAPSHOT)
        for m in sorted(set(banned.findall(snap["text"]))):
            problems.append(f"{where}: 界面出现代码或英文 “{m}”")
        if not is_admin:  # the admin's own forms (search, actions) are Django's
            for control in post_controls_allowed(user, snap["posts"], base):
                problems.append(f"{where}: 无权使用的按钮 {control}")
        page.set_viewport_size(PHONE)
        width = page.evaluate(PHONE_WIDTH)
        if width[0] > width[1]:  # give a slow chart redraw a moment before calling it a failure
            page.wait_for_timeout(1000)  # (wait_for_function evaluates a string in the page: the CSP forbids it)
            width = page.evaluate(PHONE_WIDTH)
            if width[0] > width[1]:
                problems.append(f"{where}: 手机上页面宽 {width[0]}px > {width[1]}px")
        for msg in csp:
            problems.append(f"{where}: 内容安全策略拦截：{msg[:160]}")
        csp.clear()
        for href in snap["hrefs"]:
            link = normalise(base, href.split("#")[0])
            if link is None or link in seen:
                continue
            sh = shape(link)
            if shapes.get(sh, 0) >= (1 if link.startswith("/admin/") else PER_SHAPE):
                continue
            shapes[sh] = shapes.get(sh, 0) + 1
            seen.add(link)
            queue.append((link, url))
    page.remove_listener("console", on_console)
    return {**counts, "urls": visited}


def test_every_role_can_click_through_without_errors(browser, live_server, demo_city):
    from digigov.core.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
    from digigov.core.rbac.checks import can
    from digigov.core.accounts.models import User

    banned = banned_pattern()
    problems: list[str] = []
    figures = {}
    started = time.monotonic()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=DESKTOP)  # one cache for every role
    page = context.new_page()
    page.set_default_timeout(15000)
    for username, *_rest in DEMO_ACCOUNTS:
        context.clear_cookies()
        login(page, username, DEMO_PASSWORD)
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        user = User.objects.get(username=username)
        seeds = ["/", "/workbench/", "/admin/"] if can(user, "workbench.access") else ["/"]
        figures[username] = crawl(page, live_server.url, user, seeds, banned, problems)
    context.close()
    elapsed = time.monotonic() - started
    known = [p for p in problems if any(p.split(" ", 2)[1].startswith(prefix) and text in p for prefix, text in KNOWN)]
    new = [p for p in problems if p not in known]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "crawler.json").write_text(json.dumps({"seconds": round(elapsed, 1), "roles": figures, "problems": new,
                                                        "known": known}, ensure_ascii=False, indent=1))
    assert all(f["pages"] >= 2 for f in figures.values()), figures
    assert not new, "\n".join(new)


def test_api_docs_fit_a_phone(browser, live_server, city):
    """The docs list every operation whatever the data: a department admin of the small test city will do
    (building the demo city for this costs minutes on PostgreSQL)."""
    from digigov.core.testing import PASSWORD, make_user

    make_user("dept_admin", department=city.bureau, username="docsreader")
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    login(page, "docsreader", PASSWORD)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    page.locator(".swagger-ui .opblock-summary").first.click()  # an open operation: parameters, responses, examples
    page.wait_for_selector(".swagger-ui .opblock-body", timeout=15000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs-phone.png"))
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    context.close()
    assert width[0] <= width[1], f"API 文档在手机上宽 {width[0]}px"
