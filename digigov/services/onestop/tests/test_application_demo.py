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


def test_demo_order_runs_applications_after_bundles_and_payment_and_before_ratings():
    """Regression: the filtered ``after`` was evaluated when the step registered, before ``onestop.bundles``
    existed, so the applications ran before the 一件事 were installed."""
    names = [g.name for g in demo_order()]
    at = names.index("onestop.applications")
    for earlier in ("onestop.catalog", "onestop.bundles", "support.payment"):
        assert names.index(earlier) < at, names
    assert names.index("onestop.ratings") > at


def test_demo_fills_real_forms_with_answers_they_accept(city, settings, tmp_path, monkeypatch):
    """Regression: every required field was “示范”, which a form with dates, options and numbers refuses, so
    every application was skipped and the step divided by zero."""
    from digigov.support.forms.demo import FORMS
    from digigov.support.forms.testing import published_form

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(demo_application, "APPLICATIONS_MIN", 6)
    _key, _name, _dept, _desc, ui, bindings = next(f for f in FORMS if f[0] == "resident-pension")
    form, _version = published_form(city.system, "resident-pension", ui=ui, bindings=bindings)
    item = item_with_process(city, user=city.system, name="城乡居民基本养老保险参保登记")
    type(item).objects.filter(pk=item.pk).update(form=form)
    citizen(city, name="张三")
    said = []
    demo_application.generate(DemoContext(scale=0.0001, seed=3, name="onestop.applications", describe=said.append))
    apps = list(Application.objects.exclude(status=ApplicationStatus.DRAFT))
    assert len(apps) == 6, said
    assert all(a.data["contribution_level"] == "200" and a.data["applicant_name"] == "张三" for a in apps)


def test_demo_reports_zero_honestly_when_nothing_submits(city, settings, tmp_path, monkeypatch):
    from digigov.support.forms import samples

    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(demo_application, "APPLICATIONS_MIN", 3)
    monkeypatch.setattr(samples, "valid_answers", lambda *a, **k: {"applicant_name": ""})
    item_with_process(city, user=city.system, name="演示事项")
    citizen(city, name="张三")
    said = []
    demo_application.generate(DemoContext(scale=0.0001, seed=7, name="onestop.applications", describe=said.append))
    assert not Application.objects.exclude(status=ApplicationStatus.DRAFT).exists()
    assert "网上申请：0 件" in said[-1] and "跳过 3" in said[-1] and "无法估算速度" in said[-1]


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
