"""The demo generator runs real jobs: runs, files, meters and access records are the engine's output."""

import pytest

from digigov.core.demo import DemoContext
from digigov.core.registry import demo_order
from digigov.data.exchange import engine, testing
from digigov.data.exchange.accesslog import verify_chain
from digigov.data.exchange.demo import generate
from digigov.data.exchange.models import ExchangeJob, ExchangeRun, ReturnTask, RunStatus
from digigov.data.sharing.models import AccessRecord, UsageDaily

pytestmark = pytest.mark.django_db


def _run():
    ctx = DemoContext(scale=0.001, seed=7).for_generator("exchange")
    texts = []
    ctx.describe = texts.append
    generate(ctx)
    return texts


def test_registered_after_aggregation():
    names = [g.name for g in demo_order()]
    assert names.index("exchange") > names.index("aggregation")


def test_nothing_to_exchange_is_described(city):
    assert "跳过" in _run()[0] and not ExchangeJob.objects.exists()


def test_demo_jobs_really_run(city, provider_admin, pii_keys):
    for n in range(4):
        testing.provider_entry(city.other_bureau, user=provider_admin, rows=5 + n, name=f"示范数据集{n}")
    texts = _run()
    assert "4 个任务执行 5 次" in texts[-1]
    assert ExchangeJob.objects.filter(consumer=city.bureau).count() == 4
    assert ExchangeRun.objects.filter(kind="exchange", status=RunStatus.SUCCEEDED).count() == 4
    dead = ExchangeRun.objects.get(status=RunStatus.DEAD)
    assert "暂停" in dead.error
    for run in ExchangeRun.objects.filter(status=RunStatus.SUCCEEDED).exclude(file_name=""):
        assert engine.file_path(run).exists()
    assert ReturnTask.objects.count() == 1
    returned = ExchangeRun.objects.get(kind="return")
    assert returned.receiver == city.county_gov and returned.status == RunStatus.SUCCEEDED
    assert UsageDaily.objects.filter(kind="exchange").count() == 4 and UsageDaily.objects.filter(kind="return").exists()
    assert AccessRecord.objects.count() == 6 and verify_chain().ok
