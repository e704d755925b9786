"""The delivery engine: full and incremental table sync, file delivery, masking and field limits,
retries → dead letter → manual retry, meters and the access chain."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection

from digigov.core import pii
from digigov.data.exchange import actions, engine, testing
from digigov.data.exchange.accesslog import verify_chain
from digigov.data.exchange.models import Delivery, ExchangeRun, RunStatus, SyncMode
from digigov.data.sharing.models import AccessRecord, UsageDaily

pytestmark = pytest.mark.django_db


def _run(actor, job):
    run = actions.run_job(actor, job, enqueue=False)
    return engine.execute(run.pk)


def _target_rows(job):
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"SELECT _batch_id, _row_no, xm, sfzh, lxdh, qhdm, je FROM {qn(job.target_table)} ORDER BY _batch_id, _row_no")
        return cur.fetchall()


def _columns(table):
    with connection.cursor() as cur:
        return {c.name for c in connection.introspection.get_table_description(cur, table)}


def test_full_table_sync_delivers_only_approved_fields_masked(consumer_admin, subscription):
    job = actions.create_job(consumer_admin, subscription=subscription, name="救助名册同步", mode=SyncMode.FULL)
    run = _run(consumer_admin, job)
    assert run.status == RunStatus.SUCCEEDED and run.rows == 10 and run.attempts == 1 and run.bytes > 0
    assert "pf" not in _columns(job.target_table)  # core item never delivered; not approved anyway
    rows = _target_rows(job)
    assert len(rows) == 10
    b, r, xm, sfzh, lxdh, qhdm, je = rows[0]
    assert (b, r) == (1, 1)
    assert xm == "张**"  # 个人信息, not approved in clear → masked name (张四1)
    raw = testing.row(1)["sfzh"]
    assert sfzh == raw[:6] + "*" * 8 + raw[-4:]  # 敏感个人信息 masked as the gateway does
    # the phone was approved in clear: stored sealed under the consumer's table name, clear once unsealed
    assert pii.unseal_text(job.target_table, "lxdh", lxdh) == "13800000001"
    assert qhdm == testing.row(1)["qhdm"]
    # a second full run replaces: still 10 rows
    assert _run(consumer_admin, job).rows == 10
    assert len(_target_rows(job)) == 10


def test_incremental_sync_picks_up_only_new_rows(consumer_admin, subscription, entry):
    job = actions.create_job(consumer_admin, subscription=subscription, name="增量同步", mode=SyncMode.INCREMENTAL)
    assert _run(consumer_admin, job).rows == 10
    job.refresh_from_db()
    assert (job.mark_batch, job.mark_row) == (1, 10)
    assert _run(consumer_admin, job).rows == 0
    testing.add_rows(entry, 11, 5, batch=2)
    run = _run(consumer_admin, job)
    assert run.rows == 5
    rows = _target_rows(job)
    assert len(rows) == 15 and [r[:2] for r in rows[-5:]] == [(2, n) for n in range(11, 16)]
    job.refresh_from_db()
    assert (job.mark_batch, job.mark_row) == (2, 15)


def test_batches_are_bounded_and_the_keyset_walks_every_row(consumer_admin, subscription, entry):
    job = actions.create_job(consumer_admin, subscription=subscription, name="小批量", mode=SyncMode.FULL)
    job.batch_size = 3
    job.save()
    assert _run(consumer_admin, job).rows == 10
    assert [r[1] for r in _target_rows(job)] == list(range(1, 11))


@pytest.mark.parametrize("delivery", [Delivery.CSV, Delivery.JSONL])
def test_file_delivery(consumer_admin, subscription, delivery):
    job = actions.create_job(consumer_admin, subscription=subscription, name="文件交付", mode=SyncMode.FULL, delivery=delivery)
    run = _run(consumer_admin, job)
    data = engine.file_path(run).read_bytes()
    assert run.bytes == len(data) and len(run.file_sha) == 64
    if delivery == Delivery.CSV:
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        rows = [json.loads(line) for line in data.decode().splitlines()]
    assert len(rows) == 10 and set(rows[0]) == {"xm", "sfzh", "lxdh", "qhdm", "je"}
    assert rows[0]["lxdh"] == "13800000001" and "*" in rows[0]["sfzh"] and "*" in rows[0]["xm"]
    assert not list(engine.storage_dir().glob("*.part"))


def test_meters_and_access_records(consumer_admin, subscription, entry):
    job = actions.create_job(consumer_admin, subscription=subscription, name="计量", mode=SyncMode.FULL)
    _run(consumer_admin, job)
    _run(consumer_admin, job)
    meter = UsageDaily.objects.get(kind="exchange", entry=entry)
    assert (meter.calls, meter.errors, meter.rows) == (2, 0, 20)
    assert meter.app_ref == subscription.app_id and meter.consumer_id == job.consumer_id and meter.provider_id == entry.department_id
    recs = list(AccessRecord.objects.filter(kind="exchange").order_by("seq"))
    assert len(recs) == 2 and recs[0].rows == 10 and recs[0].fields == "xm,sfzh,lxdh,qhdm,je" and recs[0].status == 200
    assert recs[0].purpose == "救助资格复核" and recs[1].prev_hash == recs[0].hash
    assert verify_chain().ok


def test_retries_then_dead_letter_then_manual_retry(consumer_admin, subscription, entry, city):
    from digigov.core.testing import make_user

    job = actions.create_job(consumer_admin, subscription=subscription, name="重试", mode=SyncMode.FULL)
    table = entry.mounts.get().table_name
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {connection.ops.quote_name(table)} RENAME TO hold_tbl")
    run = _run(consumer_admin, job)
    assert run.status == RunStatus.RETRYING and run.attempts == 1 and "尚未归集" in run.error and run.next_attempt_at
    first_wait = run.next_attempt_at - run.finished_at
    assert actions.due_retries() == []  # backoff not passed
    assert actions.due_retries(now=run.next_attempt_at) == [run.pk]
    run = engine.execute(run.pk)
    assert run.status == RunStatus.RETRYING and run.attempts == 2
    assert (run.next_attempt_at - run.finished_at) > first_wait * 1.9  # exponential backoff
    run = engine.execute(run.pk)
    assert run.status == RunStatus.DEAD and run.attempts == 3 and run.next_attempt_at is None
    meter = UsageDaily.objects.get(kind="exchange", entry=entry)
    assert (meter.calls, meter.errors, meter.rows) == (3, 3, 0)
    assert list(AccessRecord.objects.order_by("seq").values_list("code", flat=True)) == ["failed", "failed", "dead_letter"]
    # the dead run is not picked up again on its own
    assert engine.execute(run.pk).status == RunStatus.DEAD and run.attempts == 3
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE hold_tbl RENAME TO {connection.ops.quote_name(table)}")
    retrier = make_user("city_admin")
    run = actions.retry_run(retrier, run, enqueue=False)
    assert run.status == RunStatus.QUEUED and run.attempts == 0
    run = engine.execute(run.pk)
    assert run.status == RunStatus.SUCCEEDED and run.rows == 10 and run.error == ""
    assert verify_chain().ok


def test_a_revoked_subscription_is_a_dead_letter_at_once(consumer_admin, subscription):
    job = actions.create_job(consumer_admin, subscription=subscription, name="撤销", mode=SyncMode.FULL)
    subscription.status = "revoked"
    subscription.save()
    run = _run(consumer_admin, job)
    assert run.status == RunStatus.DEAD and run.attempts == 1 and "撤销" in run.error
    assert ExchangeRun.objects.get(pk=run.pk).rows == 0
