"""Every registry in the admin renders for the roles that may see it (changelist, search, one object),
and nothing in the admin can delete."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client

from digigov.core.rbac.checks import can
from digigov.core.testing import make_user

ROLES = ("city_admin", "auditor", "security_officer", "leader")


@pytest.fixture
def demo_city(db):
    call_command("democity", scale=0.002, seed=7, no_progress=True, no_kpi=False, verbosity=0)


def test_admin_changelists_and_change_pages_render(demo_city):
    """One demo city for every role: building it is the expensive part (minutes on PostgreSQL)."""
    failures = []
    for role in ROLES:
        failures += [f"{role}: {f}" for f in _admin_failures(role)]
    assert not failures, "\n".join(failures)


def _admin_failures(role) -> list[str]:
    user = make_user(role, password=None)
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    failures = []
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not getattr(model_admin, "permission_view", ""):
            continue
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        allowed = can(user, model_admin.permission_view)
        response = client.get(url)
        if allowed and response.status_code != 200:
            failures.append(f"{url}: {response.status_code}")
        if not allowed and response.status_code not in (302, 403):
            failures.append(f"{url} should be refused: {response.status_code}")
        if allowed:
            checked += 1
            if model_admin.search_fields and client.get(url, {"q": "示范"}).status_code != 200:
                failures.append(f"{url}?q=: error")
            obj = model_admin.get_queryset(type("R", (), {"user": user})()).first()
            if obj is not None:
                change = client.get(f"{url}{obj.pk}/change/")
                if change.status_code != 200:
                    failures.append(f"{url}{obj.pk}/change/: {change.status_code}")
                delete = client.post(f"{url}{obj.pk}/delete/", {"post": "yes"})
                if delete.status_code not in (302, 403) or not model.objects.filter(pk=obj.pk).exists():
                    failures.append(f"{url}{obj.pk}/delete/ must not delete: {delete.status_code}")
    if checked < 3:
        failures.append(f"saw only {checked} registries")
    return failures
