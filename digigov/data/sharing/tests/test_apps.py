"""The lead's calling-app actions (create, rotate, suspend/resume/revoke), checked here as the sharing slice uses them."""

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.data.sharing.actions import apps as actions
from digigov.data.sharing.models import AppStatus, ConsumerApp, PolicyVersion

pytestmark = pytest.mark.django_db


def _state():
    return ConsumerApp.objects.count(), AuditEntry.objects.count(), list(ConsumerApp.objects.values_list("status", "secret_rotated_at"))


def test_create_returns_secret_once_and_never_audits_it(actors, city):
    app, secret = actions.create_app(actors["consumer_dept"], kind="department", name="受理系统", department=city.bureau)
    assert app.secret == secret and len(app.app_key) == 20 and app.status == AppStatus.ACTIVE
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "sharing.app.create" and secret not in entry.after_json and app.app_key in entry.after_json
    assert PolicyVersion.objects.get().version >= 1


@pytest.mark.parametrize("kwargs,code", [
    ({"kind": "robot"}, "invalid_kind"),
    ({"name": ""}, None),
    ({"name": "长" * 101}, "text_too_long"),
    ({"rate_limit": 0}, "invalid_limit"),
    ({"rate_limit": True}, "invalid_limit"),
    ({"daily_quota": 10**9}, "invalid_limit"),
    ({"department": None}, "department_required"),
])
def test_create_bad_input(actors, city, kwargs, code):
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.create_app(actors["consumer_dept"], **({"kind": "department", "name": "受理系统", "department": city.bureau} | kwargs))
    assert code is None or exc.value.code == code
    assert _state() == snap


def test_create_scope_and_duplicates(actors, city):
    actions.create_app(actors["consumer"], kind="department", name="受理系统", department=city.bureau)
    snap = _state()
    with pytest.raises(Conflict):
        actions.create_app(actors["consumer"], kind="department", name="受理系统", department=city.bureau)
    for who in ("provider", "leader", "outsider"):
        with pytest.raises(Forbidden):
            actions.create_app(actors[who], kind="department", name="越权系统", department=city.bureau)
    assert _state() == snap


def test_rotate_and_status(actors, world):
    app = world["app"]
    old = app.secret
    with pytest.raises(Forbidden):
        actions.rotate_secret(actors["provider"], app)
    new = actions.rotate_secret(actors["consumer_dept"], app)
    app.refresh_from_db()
    assert new != old and app.secret == new
    assert new not in "".join(AuditEntry.objects.values_list("after_json", flat=True))
    with pytest.raises(ValidationFailed):
        actions.set_app_status(actors["consumer"], app, AppStatus.SUSPENDED)  # reason required
    actions.set_app_status(actors["consumer"], app, AppStatus.SUSPENDED, reason="维护")
    with pytest.raises(Conflict):
        actions.set_app_status(actors["consumer"], app, AppStatus.SUSPENDED, reason="再次")
    actions.set_app_status(actors["consumer"], app, AppStatus.ACTIVE)
    actions.set_app_status(actors["consumer"], app, AppStatus.REVOKED, reason="下线")
    snap = _state()
    with pytest.raises(Conflict):
        actions.rotate_secret(actors["consumer"], app)
    with pytest.raises(Conflict):
        actions.set_app_status(actors["consumer"], app, AppStatus.ACTIVE)
    assert _state() == snap
