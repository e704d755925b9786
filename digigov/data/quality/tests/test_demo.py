import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.demo import DemoContext
from digigov.core.testing import make_user
from digigov.data.catalog.models import MountedResource
from digigov.data.quality.demo import WEEKS, generate
from digigov.data.quality.models import DailyScore, QualityRun, RectificationTask
from digigov.data.quality.testing import make_entry, make_table

from .conftest import good_people

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))


def _run(seed=7):
    ctx = DemoContext(scale=0.05, seed=seed).for_generator("quality")
    ctx.shared["now"] = NOW
    generate(ctx)
    return ctx


def test_nothing_to_do_without_aggregated_tables(city, authority):
    entry = make_entry(city.bureau, [{"name": "名称", "field_name": "mc"}])
    MountedResource.objects.create(entry=entry, kind="table", name="未归集", table_name="dr_777777", mounted_by=authority)
    ctx = _run()
    assert ctx.rows == 0 and not QualityRun.objects.exists()


def test_scores_trends_and_tasks_come_from_the_tables(city, people, authority, gender):
    make_user("data_admin", department=city.bureau)
    rows = good_people(30)
    for r in rows[25:]:
        r["xb"] = "5"  # the last rows are bad: early (smaller) snapshots of the table score higher
    make_table(people, rows, user=authority)
    clean = make_entry(city.other_bureau, [{"name": "名称", "field_name": "mc", "required": True}])
    make_table(clean, [{"mc": f"学校{i}"} for i in range(10)], user=authority)
    ctx = _run()
    assert QualityRun.objects.filter(entry=people, trigger="demo").count() == WEEKS + 1
    assert QualityRun.objects.filter(entry=people, trigger="verify").count() == 1
    scores = list(QualityRun.objects.filter(entry=people, trigger="demo").order_by("started_at").values_list("score", flat=True))
    assert scores[0] == 100 and scores[-1] < 100  # computed over the rows the table held
    assert DailyScore.objects.filter(scope="city", day__lte=NOW.date()).count() == WEEKS + 1
    assert RectificationTask.objects.filter(entry=people).count() == 1
    assert not RectificationTask.objects.filter(entry=clean).exists()
    task = RectificationTask.objects.get(entry=people)
    assert task.status == "reopened"  # moved on by the data admin, verified by a re-run over the same data
    assert ctx.rows > 0
