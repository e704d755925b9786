import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.data.registries import actions, build
from digigov.data.registries import testing as rt
from digigov.data.registries.models import (AttributeValue, PersonRecord, RecordStatus, SourceRecord, StewardTask, TaskKind, TaskStatus,
                                            TrainingLabel)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_engine")]


def _build(user):
    run = build.run_build(actions.start_build(user, "person", queue=False).pk)
    assert run.status == "done", run.error


@pytest.fixture
def built(person_feeds, depts, authority_user):
    rt.feed_with_rows(depts["hea"], "卫健委出生医学证明", ["jlbs", "sfzh", "xm", "csrq", "cszm"], [
        {"jlbs": "B1", "sfzh": "", "xm": "王芳", "csrq": "2020-05-05", "cszm": "Q210600001"},
    ], user=authority_user)
    _build(authority_user)
    return person_feeds


def _pair():
    return StewardTask.objects.get(kind=TaskKind.PAIR)


def _conflict():
    return StewardTask.objects.get(kind=TaskKind.CONFLICT)


def _versions(task):
    a = task.record_a.person
    b = task.record_b.person
    return {"task_version": task.version, "record_version": task.person.version, "other_version": b.version if b else None, "_a": a, "_b": b}


def test_merge_makes_one_record_labels_and_survives_rebuild(built, authority_user):
    task = _pair()
    v = _versions(task)
    a, b = v.pop("_a"), v.pop("_b")
    assert a != b
    actions.decide(authority_user, task, decision="merge", opinion="出生证明与参保登记为同一人", **v)
    b.refresh_from_db()
    a.refresh_from_db()
    assert b.status == RecordStatus.MERGED and b.merged_into == a and a.source_count == 2
    assert a.attributes["birth_certificate"] == "Q210600001" and a.attributes["insured"] == "参保缴费"
    assert TrainingLabel.objects.get().is_match is True
    task.refresh_from_db()
    assert task.status == TaskStatus.RESOLVED and task.decided_by == authority_user and task.version == 2
    entry = AuditEntry.objects.get(action="registries.task.decide")
    assert entry.after["decision"] == "merge"
    _build(authority_user)  # the label keeps them together; the merged record stays merged
    a.refresh_from_db()
    assert a.status == RecordStatus.ACTIVE and a.source_count == 2
    assert SourceRecord.objects.filter(row_id__in=["H3", "B1"]).values("person").distinct().count() == 1
    assert StewardTask.objects.filter(kind=TaskKind.PAIR).count() == 1


def test_split_writes_non_match_label_and_no_new_task(built, authority_user):
    task = _pair()
    v = _versions(task)
    a, b = v.pop("_a"), v.pop("_b")
    actions.decide(authority_user, task, decision="split", **v)
    assert TrainingLabel.objects.get().is_match is False
    _build(authority_user)
    assert StewardTask.objects.filter(kind=TaskKind.PAIR).count() == 1
    assert PersonRecord.objects.filter(pk__in=[a.pk, b.pk], status=RecordStatus.ACTIVE).count() == 2


def test_accept_conflict_value_becomes_current_and_is_kept_by_rebuild(built, authority_user):
    task = _conflict()
    alice = task.person
    chosen = AttributeValue.objects.filter(person=alice, attribute="address", is_current=False).first()
    assert chosen.value == "元宝区兴东社区一号"
    actions.decide(authority_user, task, decision="accept", chosen_value=chosen.pk, task_version=task.version, record_version=alice.version)
    alice.refresh_from_db()
    assert alice.address == "元宝区兴东社区一号" and alice.version == 2
    chosen.refresh_from_db()
    assert chosen.is_current and chosen.is_authoritative
    assert AttributeValue.objects.filter(person=alice, attribute="address", is_current=True).count() == 1
    _build(authority_user)
    alice.refresh_from_db()
    assert alice.address == "元宝区兴东社区一号"  # the override holds
    assert StewardTask.objects.filter(kind=TaskKind.CONFLICT).count() == 1


def test_keep_changes_nothing_but_the_task(built, authority_user):
    task = _conflict()
    alice = task.person
    actions.decide(authority_user, task, decision="keep", task_version=task.version, record_version=alice.version)
    alice.refresh_from_db()
    assert alice.address == "元宝区兴东社区1号" and alice.version == 1


@pytest.mark.parametrize("stale", ["task", "record"])
def test_stale_version_is_refused_and_nothing_written(built, authority_user, stale):
    task = _conflict()
    alice = task.person
    chosen = AttributeValue.objects.filter(person=alice, attribute="address", is_current=False).first()
    if stale == "task":
        StewardTask.objects.filter(pk=task.pk).update(version=5)
    else:
        PersonRecord.objects.filter(pk=alice.pk).update(version=9)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(Conflict) as exc:
        actions.decide(authority_user, task, decision="accept", chosen_value=chosen.pk, task_version=1, record_version=1)
    assert exc.value.status == 409 and "已被他人更新" in exc.value.message
    task.refresh_from_db()
    chosen.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.decision == "" and not chosen.is_current
    assert AuditEntry.objects.count() == audit_before and not TrainingLabel.objects.exists()


def test_stale_other_record_of_pair_is_refused(built, authority_user):
    task = _pair()
    v = _versions(task)
    v.pop("_a"), v.pop("_b")
    v["other_version"] = 99
    with pytest.raises(Conflict):
        actions.decide(authority_user, task, decision="merge", **v)
    assert not TrainingLabel.objects.exists()
    assert PersonRecord.objects.filter(status=RecordStatus.MERGED).count() == 0


@pytest.mark.parametrize("kwargs,code", [
    ({"decision": "merge"}, "invalid_decision"),
    ({"decision": "accept", "chosen_value": None}, "choose_value"),
    ({"decision": "accept", "chosen_value": "abc"}, "invalid_version"),
    ({"decision": "accept", "chosen_value": 999999}, "choose_value"),
    ({"decision": "keep", "record_version": "x"}, "invalid_version"),
])
def test_bad_input_is_refused(built, authority_user, kwargs, code):
    task = _conflict()
    args = {"task_version": task.version, "record_version": task.person.version, **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        actions.decide(authority_user, task, **args)
    assert exc.value.code == code
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


@pytest.mark.parametrize("role", ["data_admin", "auditor", "dept_admin"])
def test_only_the_data_authority_decides(built, role_user, role):
    task = _conflict()
    with pytest.raises(Forbidden):
        actions.decide(role_user(role), task, decision="keep", task_version=task.version, record_version=task.person.version)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_decided_task_cannot_be_decided_again(built, authority_user):
    task = _conflict()
    actions.decide(authority_user, task, decision="keep", task_version=1, record_version=1)
    with pytest.raises(Conflict):
        actions.decide(authority_user, task, decision="keep", task_version=2, record_version=1)


@pytest.mark.parametrize("role", ["data_admin", "dept_admin"])
def test_authority_table_and_builds_are_the_data_authoritys(city, depts, role_user, role):
    user = role_user(role)
    with pytest.raises(Forbidden):
        actions.set_authority(user, registry="person", attribute="name", department=depts["psb"])
    with pytest.raises(Forbidden):
        actions.start_build(user, "person")


def test_set_authority_validates_and_audits(city, depts, authority_user):
    with pytest.raises(ValidationFailed):
        actions.set_authority(authority_user, registry="person", attribute="nope", department=depts["psb"])
    row = actions.set_authority(authority_user, registry="person", attribute="insured", department=depts["hrss"], basis="社会保险法")
    assert row.department == depts["hrss"]
    assert AuditEntry.objects.filter(action="registries.authority.set").count() == 1


def test_second_build_while_one_runs_is_refused(city, authority_user):
    actions.start_build(authority_user, "person", queue=False)
    with pytest.raises(Conflict):
        actions.start_build(authority_user, "person", queue=False)
