"""The demo generator ``onestop.ratings``: ratings over the applications there are, the poor ones through the
actions with open, answered and closed rectifications; nothing to rate → nothing written."""

from __future__ import annotations

import pytest

from digigov.core.context import acting_as
from digigov.core.demo import DemoContext
from digigov.core.rbac.system import system_account
from digigov.services.onestop import demo_ratings
from digigov.services.onestop.models import ApplicationStatus, Rating, Rectification
from digigov.services.onestop.testing import item_with_process

from .ratings_fixtures import make_application

pytestmark = pytest.mark.django_db


def _run():
    with acting_as(system_account(), channel="command"):
        demo_ratings.generate(DemoContext(scale=0.001, seed=7, name="onestop.ratings"))


def test_demo_rates_applications_with_rectifications_in_every_state(city, role_user):
    admin = role_user("city_admin")
    role_user("dept_admin")
    item = item_with_process(city, user=admin)
    for _ in range(12):
        make_application(item, role_user("citizen"), status=ApplicationStatus.DONE)
    _run()
    n = Rating.objects.count()
    assert n == int(12 * demo_ratings.PARTICIPATION)
    assert set(Rectification.objects.values_list("status", flat=True)) == {"open", "replied", "closed"}
    assert Rating.objects.filter(level__gte=3).count() == n - Rectification.objects.count()
    assert all(r.rater_id == r.application.applicant_id for r in Rating.objects.select_related("application"))


def test_demo_with_nothing_to_rate_writes_nothing(city):
    _run()
    assert not Rating.objects.exists()
