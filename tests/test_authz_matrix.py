"""Authorisation matrix: every role × every registered URL and API operation.

Nothing is listed by hand: the URL resolver and the API's bound routers are walked, so a new
endpoint is covered the moment it exists, and one that declares no permission fails this test.
Expected outcome per (role, endpoint) comes from the permission registry:
allowed → anything but 401/403 and no login redirect; denied → 403 (web) / 403 (API);
anonymous → login redirect (web) / 401 (API). ``@oauth`` endpoints (the OpenID Connect token, userinfo and
revocation endpoints) authenticate their caller themselves, by client credentials or a bearer token, never
by the session: for every role a bare request answers the specs' 400/401 JSON error (or a 401 bearer
challenge), never 403, a login redirect or a 5xx. Object ids in paths are unknown ids, so an
allowed caller reaches the object lookup (404) while a denied one is stopped before it.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from digigov.core.api import api
from digigov.core.registry import PERMISSIONS
from digigov.core.rbac.models import Role
from digigov.core.testing import make_user, role_scope

ROLES = [r.value for r in Role if r != Role.SYSTEM]  # the system account cannot log in
SKIP_PREFIXES = ("admin/", "api/v1/", "static/")
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def web_endpoints():
    out = []
    for route, callback in _walk(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES):
            continue
        out.append((route, callback))
    return out


def api_endpoints():
    out = []
    for br in api._get_bound_routers():
        prefix = br.prefix if hasattr(br, "prefix") else ""
        for path, path_view in br.path_operations.items():
            for op in path_view.operations:
                for method in op.methods:
                    url = "/api/v1/" + "/".join(x.strip("/") for x in (prefix, path) if x.strip("/"))
                    out.append((method, url + ("/" if path.endswith("/") else ""), op.view_func))
    return out


def concrete(route: str) -> str:
    url = _CONVERTER.sub(lambda m: "zzNoSuchObject0000", route)
    return "/" + url.lstrip("^").rstrip("$").lstrip("/")


def expected_allowed(perm, role):
    if perm in ("@public", "@oauth"):
        return True
    if perm in (None, "@login"):
        return role is not None
    return role is not None and role in PERMISSIONS[perm].roles


@pytest.fixture
def users(city):
    return {role: make_user(role, password=None, **role_scope(role, city)) for role in ROLES}


def test_every_endpoint_declares_a_permission(db):
    missing = [route for route, cb in web_endpoints() if not hasattr(cb, "required_permission")]
    missing += [f"{m} {p}" for m, p, f in api_endpoints() if not hasattr(f, "required_permission")]
    assert not missing, f"endpoints without a declared permission: {missing}"
    undeclared = [route for route, cb in web_endpoints()
                  if cb.required_permission not in ("@public", "@login", "@oauth") and cb.required_permission not in PERMISSIONS]
    assert not undeclared, undeclared


def test_matrix_is_not_trivial():
    assert len(web_endpoints()) >= 15
    assert len(api_endpoints()) >= 15


def _request(client, route):
    url = concrete(route)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return url, response


@pytest.mark.parametrize("role", [None, *ROLES])
def test_web_matrix(role, users):
    client = Client()
    if role:
        client.force_login(users[role])
    failures = []
    for route, callback in web_endpoints():
        perm = callback.required_permission
        if role:
            client.force_login(users[role])  # a POST to the logout URL ends the session
        url, response = _request(client, route)
        login_redirect = response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
        allowed = expected_allowed(perm, role)
        if perm == "@oauth":
            json_error = response.get("Content-Type", "") == "application/json"
            bearer_challenge = response.status_code == 401 and response.has_header("WWW-Authenticate")  # RFC 6750 §3
            if response.status_code not in (400, 401) or not (json_error or bearer_challenge):
                failures.append(f"{url} (@oauth) should answer a 400/401 JSON error to {role}: {response.status_code}")
            continue
        if allowed and (response.status_code in (401, 403) or login_redirect or response.status_code >= 500):
            failures.append(f"{url} ({perm}) should allow {role}: {response.status_code}")
        if not allowed and role is None and not login_redirect:
            failures.append(f"{url} ({perm}) should send anonymous to login: {response.status_code}")
        if not allowed and role is not None and response.status_code != 403:
            failures.append(f"{url} ({perm}) should deny {role}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_api_matrix(role, users):
    client = Client()
    if role:
        client.force_login(users[role])
    failures = []
    for method, path, func in api_endpoints():
        perm = getattr(func, "required_permission", None)
        url = concrete(path.replace("{", "<").replace("}", ">"))
        response = getattr(client, method.lower())(url, data="{}", content_type="application/json") if method != "GET" else client.get(url)
        allowed = expected_allowed(perm, role)
        status = response.status_code
        body = response.json() if response.get("Content-Type", "").startswith("application/json") else {}
        if status >= 400 and not {"code", "message", "detail"} <= set(body):
            failures.append(f"{method} {url}: error body is not {{code, message, detail}}: {body}")
        if allowed and status == 403 and getattr(func, "required_realname_level", 0) > 1:
            # allowed, but the operation also asks for a real-name level this password-only session lacks
            if body.get("code") != "realname_level_required":
                failures.append(f"{method} {url} ({perm}) should ask {role} to step up: {status} {body}")
        elif allowed and status in (401, 403):
            failures.append(f"{method} {url} ({perm}) should allow {role}: {status} {body}")
        if allowed and status >= 500:
            failures.append(f"{method} {url} ({perm}) crashed for {role}: {status}")
        if not allowed and role is None and status != 401:
            failures.append(f"{method} {url} ({perm}) should be 401 for anonymous: {status}")
        if not allowed and role is not None and status != 403:
            failures.append(f"{method} {url} ({perm}) should deny {role} with 403: {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_admin_index(role, users):
    client = Client()
    if role:
        client.force_login(users[role])
    response = client.get("/admin/")
    allowed = role is not None and role in PERMISSIONS["workbench.access"].roles
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302  # to the one login page
