"""数据回流: each receiving unit gets only the rows of its own division, counted kind=return."""

from __future__ import annotations

import csv
import io

import pytest

from digigov.core.errors import Forbidden, ValidationFailed
from digigov.core.org import actions as org_actions
from digigov.core.org.models import DepartmentKind
from digigov.data.exchange import actions, engine, testing
from digigov.data.exchange.accesslog import verify_chain
from digigov.data.exchange.models import ReturnTask, RunStatus
from digigov.data.sharing.models import AccessRecord, UsageDaily

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(city):
    town = org_actions.create_department(city.system, code="A-GJ", name="广济街道办事处", kind=DepartmentKind.GOVERNMENT, division=city.town_a)
    county_b = org_actions.create_department(city.system, code="B-GOV", name="振兴区人民政府", kind=DepartmentKind.GOVERNMENT, division=city.county_b)
    return {"county_a": city.county_gov, "county_b": county_b, "town_a": town}


def _rows(run):
    return list(csv.DictReader(io.StringIO(engine.file_path(run).read_text("utf-8-sig"))))


def test_each_unit_receives_only_its_own_jurisdiction(provider_admin, entry, units, city):
    testing.add_rows(entry, 11, 3, batch=2)  # rows 11..13: 210602… / 210603… alternating
    task = actions.create_return_task(provider_admin, entry=entry, name="救助名册回流", division_field="qhdm",
                                      fields=["xm", "sfzh", "qhdm", "je"], receivers=list(units.values()))
    runs = actions.run_return_task(provider_admin, task, enqueue=False)
    assert len(runs) == 3
    by_unit = {}
    for run in runs:
        run = engine.execute(run.pk)
        assert run.status == RunStatus.SUCCEEDED
        by_unit[run.receiver_id] = (run, _rows(run))
    a_run, a_rows = by_unit[units["county_a"].pk]
    b_run, b_rows = by_unit[units["county_b"].pk]
    t_run, t_rows = by_unit[units["town_a"].pk]
    assert a_rows and all(r["qhdm"].startswith("210602") for r in a_rows)
    assert b_rows and all(r["qhdm"].startswith("210603") for r in b_rows)
    assert all(r["qhdm"].startswith("210602001") for r in t_rows) and len(t_rows) == len(a_rows)  # both 210602001001
    assert len(a_rows) + len(b_rows) == 13
    assert set(a_rows[0]) == {"xm", "sfzh", "qhdm", "je"}
    assert all("*" in r["sfzh"] and "*" in r["xm"] for r in a_rows + b_rows)  # personal items masked (none in clear)
    meter = UsageDaily.objects.get(kind="return", entry=entry)
    assert (meter.calls, meter.rows) == (3, len(a_rows) + len(b_rows) + len(t_rows)) and meter.app_ref == 0
    assert AccessRecord.objects.filter(kind="return").count() == 3 and verify_chain().ok


@pytest.mark.parametrize("change, field", [
    ({"division_field": "sfzh"}, "division_field"),  # personal item: cannot filter on it
    ({"division_field": "nope"}, "division_field"),
    ({"fields": []}, "fields"),
    ({"fields": ["xm", "nope"]}, "fields"),
    ({"clear_fields": ["lxdh"]}, "clear_fields"),  # not among the returned fields
    ({"name": "  "}, "name"),
    ({"receivers": []}, "receivers"),
])
def test_bad_return_task_input_writes_nothing(provider_admin, entry, units, change, field):
    spec = {"name": "回流", "division_field": "qhdm", "fields": ["xm", "qhdm"], "clear_fields": [], "receivers": list(units.values())}
    spec.update(change)
    with pytest.raises(ValidationFailed) as exc:
        actions.create_return_task(provider_admin, entry=entry, **spec)
    assert exc.value.detail == {"field": field}
    assert not ReturnTask.objects.exists()


def test_a_city_department_is_not_a_return_receiver(provider_admin, entry, city):
    with pytest.raises(ValidationFailed):
        actions.create_return_task(provider_admin, entry=entry, name="回流", division_field="qhdm", fields=["qhdm"],
                                   receivers=[city.other_bureau])


def test_only_the_provider_creates_a_return_task(consumer_admin, entry, units):
    with pytest.raises(Forbidden):
        actions.create_return_task(consumer_admin, entry=entry, name="回流", division_field="qhdm", fields=["qhdm"],
                                   receivers=[units["county_a"]])
    assert not ReturnTask.objects.exists()
