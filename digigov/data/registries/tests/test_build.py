import pytest

from digigov.core import pii
from digigov.core.audit.models import AuditEntry
from digigov.data.registries import actions, build
from digigov.data.registries import testing as rt
from digigov.data.registries.models import (AttributeValue, LinkRun, PersonRecord, RecordStatus, SourceRecord, StewardTask, TaskKind,
                                            TaskStatus)

from .conftest import ALICE, BOB

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_engine")]


def _build(user, registry="person") -> LinkRun:
    run = actions.start_build(user, registry, queue=False)
    run = build.run_build(run.pk)
    assert run.status == "done", run.error
    return run


def _person(id_number) -> PersonRecord:
    return PersonRecord.objects.get(pii.blind(PersonRecord, "id_number", id_number), status=RecordStatus.ACTIVE)


def test_build_links_feeds_into_golden_records_with_authority_and_lineage(person_feeds, authority_user):
    run = _build(authority_user)
    assert run.source_rows == 6, run.report
    assert SourceRecord.objects.count() == 6
    alice = _person(ALICE)
    assert alice.source_count == 3 and alice.name == "张丽" and alice.sex == "F" and str(alice.birth_date) == "1990-01-01"
    # 公安 is the authority for the address: its spelling wins over 人社/民政's "一号"
    assert alice.address == "元宝区兴东社区1号"
    assert alice.attributes["insured"] == "参保缴费" and alice.attributes["marital"] == "已婚"
    assert alice.phone == "13800000001"  # no authority for the phone: the one source that has it
    assert alice.division.code == "210602000000"
    # history: every source's address kept with lineage, exactly one current
    values = AttributeValue.objects.filter(person=alice, attribute="address")
    assert values.count() == 3
    current = values.get(is_current=True)
    assert current.department == person_feeds["psb"].department and current.is_authoritative
    assert current.source.feed == person_feeds["psb"] and current.source.row_no == 1
    # the address conflict is counted; 公安 contradicted by two agreeing others → the steward decides
    assert alice.conflict_count == 1
    task = StewardTask.objects.get(kind=TaskKind.CONFLICT, person=alice)
    assert task.attribute == "address" and task.status == TaskStatus.OPEN
    bob = _person(BOB)
    assert bob.source_count == 2 and bob.name == "李强" and bob.conflict_count == 0
    assert PersonRecord.objects.filter(status=RecordStatus.ACTIVE).count() == 3  # Alice, Bob, Wang Fang (no ID)
    assert run.golden_records == 3 and run.conflicts == 1
    assert AuditEntry.objects.filter(action="registries.build").exists()
    assert any("人社局参保人员" in p["message"] for p in run.report["problems"]) is False  # an empty ID is missing, not a problem


def test_one_other_source_differing_from_authority_is_counted_not_queued(person_feeds, authority_user):
    rt.deliver(person_feeds["ca"], [{"jlbs": "C1", "sfzh": ALICE, "xm": "张丽", "hyzk": "已婚", "zz": "元宝区兴东社区1号"}])
    _build(authority_user)
    alice = _person(ALICE)
    assert alice.conflict_count == 1  # 人社 still says 一号
    assert not StewardTask.objects.filter(kind=TaskKind.CONFLICT, person=alice).exists()


def test_rerun_is_stable_and_redelivery_updates_with_history(person_feeds, authority_user):
    _build(authority_user)
    alice = _person(ALICE)
    ids = set(PersonRecord.objects.values_list("pk", "public_id"))
    values = AttributeValue.objects.count()
    tasks = StewardTask.objects.count()
    _build(authority_user)
    assert set(PersonRecord.objects.values_list("pk", "public_id")) == ids
    assert AttributeValue.objects.count() == values and StewardTask.objects.count() == tasks
    assert _person(ALICE).version == alice.version  # nothing changed: no new version
    # 公安 re-delivers Alice with a new address: same source record, lineage moves to the new batch
    rt.deliver(person_feeds["psb"], [{"jlbs": "P1", "sfzh": ALICE, "xm": "张丽", "xb": "2", "csrq": "1990-01-01", "mz": "汉族",
                                      "zz": "元宝区广济街道8号"}], batch=7)
    _build(authority_user)
    assert SourceRecord.objects.filter(feed=person_feeds["psb"], row_id="P1").count() == 1
    assert SourceRecord.objects.get(feed=person_feeds["psb"], row_id="P1").row_no == 3
    again = _person(ALICE)
    assert again.pk == alice.pk and again.address == "元宝区广济街道8号" and again.version == alice.version + 1
    history = AttributeValue.objects.filter(person=alice, attribute="address", department=person_feeds["psb"].department)
    assert history.count() == 2
    assert history.get(superseded_at__isnull=False).is_current is False
    assert history.get(superseded_at__isnull=True).is_current is True
    assert StewardTask.objects.filter(kind=TaskKind.CONFLICT, person=alice).count() == 1  # never duplicated


def test_failed_build_writes_nothing_and_is_recorded(person_feeds, authority_user, monkeypatch):
    def boom(self, *a, **k):
        raise RuntimeError("x")

    monkeypatch.setattr(build.Builder, "raise_tasks", boom)
    run = actions.start_build(authority_user, "person", queue=False)
    run = build.run_build(run.pk)
    assert run.status == "failed" and "构建失败" in run.error
    assert not SourceRecord.objects.exists() and not PersonRecord.objects.exists() and not AttributeValue.objects.exists()


def test_same_name_and_birth_date_without_id_is_an_uncertain_pair(person_feeds, depts, authority_user):
    rt.feed_with_rows(depts["hea"], "卫健委出生医学证明", ["jlbs", "sfzh", "xm", "csrq", "cszm"], [
        {"jlbs": "B1", "sfzh": "", "xm": "王芳", "csrq": "2020-05-05", "cszm": "Q210600001"},
    ], user=authority_user)
    run = _build(authority_user)
    assert run.uncertain_pairs == 1
    task = StewardTask.objects.get(kind=TaskKind.PAIR)
    assert {task.record_a.row_id, task.record_b.row_id} == {"H3", "B1"}
    _build(authority_user)
    assert StewardTask.objects.filter(kind=TaskKind.PAIR).count() == 1


def test_enterprises_link_by_uscc_then_name(city, depts, authority_user):
    from digigov.core.testing import uscc
    from digigov.data.registries.models import EnterpriseRecord

    code = uscc("210602", seed=5)
    rt.feed_with_rows(depts["samr"], "市场监管局企业登记", ["jlbs", "tyshxydm", "mc", "jyfw", "djzt"], [
        {"jlbs": "S1", "tyshxydm": code, "mc": "示范市（元宝）科技有限公司", "jyfw": "软件开发", "djzt": "存续"},
    ], user=authority_user, registry="enterprise")
    rt.feed_with_rows(depts["tax"], "税务局纳税信用", ["jlbs", "tyshxydm", "mc", "nsxydj"], [
        {"jlbs": "T1", "tyshxydm": code.lower(), "mc": "示范市(元宝)科技有限公司", "nsxydj": "A"},
        {"jlbs": "T2", "tyshxydm": "", "mc": "示范市（元宝）科技有限公司", "nsxydj": "A"},
    ], user=authority_user, registry="enterprise")
    rt.authority("enterprise", {"name": depts["samr"], "business_scope": depts["samr"], "tax_status": depts["tax"]})
    run = _build(authority_user, "enterprise")
    assert run.golden_records == 1
    e = EnterpriseRecord.objects.get()
    assert e.uscc == code and e.source_count == 3 and e.attributes["tax_status"] == "A" and e.attributes["business_scope"] == "软件开发"
    assert e.division.code == "210602000000" and e.conflict_count == 0


def test_fifteen_digit_id_links_to_its_eighteen_digit_form(person_feeds, depts, authority_user):
    old = ALICE[:6] + ALICE[8:17]  # the first-generation number of the same person
    rt.feed_with_rows(depts["hea"], "卫健委健康档案", ["jlbs", "sfzh", "xm"], [{"jlbs": "W1", "sfzh": old, "xm": "张丽"}], user=authority_user)
    _build(authority_user)
    assert _person(ALICE).source_count == 4


def test_start_build_queues_the_task_after_commit(person_feeds, authority_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.start_build(authority_user, "person")
    run.refresh_from_db()
    assert run.status == "done" and run.golden_records == 3


def test_a_batch_loaded_into_a_feed_entry_rebuilds_its_registry(person_feeds, django_capture_on_commit_callbacks):
    from digigov.data.catalog.signals import dataset_loaded
    from digigov.data.catalog.testing import make_entry

    with django_capture_on_commit_callbacks(execute=True):
        dataset_loaded.send(sender=None, entry=person_feeds["psb"].entry, mount=None, batch_id=3, rows=2)
    run = LinkRun.objects.get()
    assert run.registry == "person" and run.status == "done" and run.started_by.username == "system"
    other = make_entry(person_feeds["psb"].department, [{"name": "x", "field_name": "x"}])
    with django_capture_on_commit_callbacks(execute=True):
        dataset_loaded.send(sender=None, entry=other, mount=None, batch_id=4, rows=1)
        dataset_loaded.send(sender=None, entry=None, mount=None, batch_id=5, rows=0)  # a broken sender: ignored
    assert LinkRun.objects.count() == 1

