"""The demo step ``onestop.applications`` runs applications through the real actions: submitted ones get a
number and one case per item, dates spread over the past year, outcomes mixed; it registers after the
catalog/bundles/payment steps only when they exist."""

import pytest

from digigov.core.demo import DemoContext
from digigov.core.registry import DEMO_GENERATORS, demo_order
from digigov.services.onestop import demo_application
from digigov.services.onestop.application_testing import citizen
from digigov.services.onestop.models import Application, ApplicationStatus, MaterialForm
from digigov.services.onestop.testing import item_with_process

pytestmark = pytest.mark.django_db


def test_demo_order_tolerates_missing_slices():
    names = [g.name for g in demo_order()]
    assert "onestop.applications" in names
    after = list(DEMO_GENERATORS["onestop.applications"].after)
    assert all(a in DEMO_GENERATORS for a in after) and "support.workflow" in after


def test_demo_generates_applications_through_the_actions(city, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(demo_application, "APPLICATIONS_MIN", 12)
    item_with_process(city, user=city.system, name="演示事项", materials=(("申请书", MaterialForm.ORIGINAL),))
    for name in ("张三", "李四", "王五"):
        citizen(city, name=name)
    said = []
    demo_application.generate(DemoContext(scale=0.0001, seed=7, name="onestop.applications", describe=said.append))
    apps = list(Application.objects.all())
    assert len(apps) == 12, said
    assert all(a.number and a.cases.count() == 1 for a in apps)
    statuses = {a.status for a in apps}
    assert statuses & {ApplicationStatus.DONE, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN, ApplicationStatus.CORRECTION}
    assert len({a.submitted_at.date() for a in apps}) > 3  # spread over the year
    assert "件/秒" in said[-1]
