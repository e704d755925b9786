"""Rules CRUD with bad input (nothing written), the rectification lifecycle with permissions per role,
and the dataset_loaded signal → queued check path."""

import pytest
from django.db import connection

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.testing import make_user
from digigov.data.catalog.signals import dataset_loaded
from digigov.data.catalog.tables import target_table_name
from digigov.data.quality import actions, selectors
from digigov.data.quality.models import DailyScore, QualityRule, QualityRun, RectificationTask, TaskStatus
from digigov.data.quality.testing import make_table

from .conftest import good_people

pytestmark = pytest.mark.django_db


BAD_RULES = [
    ({"item": "nl", "rule_type": "range", "params": {}}, "min"),
    ({"item": "nl", "rule_type": "range", "params": {"min": 5, "max": 1}}, "max"),
    ({"item": "nl", "rule_type": "range", "params": {"min": "abc"}}, "min"),
    ({"item": "xm", "rule_type": "range", "params": {"min": 1}}, "rule_type"),
    ({"item": "djrq", "rule_type": "range", "params": {"min": "2026-13-01"}}, "min"),
    ({"item": "xm", "rule_type": "format", "params": {"format": "regex", "pattern": "("}}, "pattern"),
    ({"item": "xm", "rule_type": "format", "params": {"format": "fax"}}, "format"),
    ({"item": "xm", "rule_type": "code_list", "params": {}}, "item"),
    ({"item": "xm", "rule_type": "reference", "params": {"entry": "NOPE", "field": "x"}}, "item"),
    ({"item": "xb", "rule_type": "reference", "params": {"entry": "NOPE", "field": "x"}}, "entry"),
    ({"item": "xb", "rule_type": "unique", "params": {"with": ["nosuch"]}}, "with"),
    ({"item": "xb", "rule_type": "consistency", "params": {"other": "nl", "op": "~"}}, "op"),
    ({"item": "nl", "rule_type": "timeliness", "params": {"max_age_days": 5}}, "item"),
    ({"item": "djrq", "rule_type": "timeliness", "params": {"max_age_days": 0}}, "max_age_days"),
    ({"item": "xb", "rule_type": "magic", "params": {}}, "rule_type"),
    ({"item": "nosuch", "rule_type": "required"}, "item"),
    ({"item": None, "rule_type": "required"}, "item"),
    ({"item": "xb", "rule_type": "required", "params": {"extra": 1}}, "params"),
    ({"item": "xb", "rule_type": "required", "weight": 0}, "weight"),
    ({"item": "xb", "rule_type": "required", "severity": "fatal"}, "severity"),
]


@pytest.mark.parametrize("kwargs,field", BAD_RULES)
def test_bad_rules_are_refused_naming_the_field_and_nothing_is_written(people, authority, kwargs, field):
    rules, audits = QualityRule.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        actions.create_rule(authority, people, **kwargs)
    assert exc.value.detail["field"] == field
    assert exc.value.message and not exc.value.message.isascii()
    assert (QualityRule.objects.count(), AuditEntry.objects.count()) == (rules, audits)


def test_rule_crud_is_audited_and_scoped(people, authority, bureau_data_admin, edu_data_admin):
    rule = actions.create_rule(bureau_data_admin, people, item="nl", rule_type="range", params={"min": 0, "max": "120"}, weight=3)
    assert rule.params == {"min": 0, "max": 120}
    actions.update_rule(authority, rule, params={"min": 18}, enabled=False)
    rule.refresh_from_db()
    assert rule.params == {"min": 18} and rule.enabled is False
    with pytest.raises(Forbidden):
        actions.create_rule(edu_data_admin, people, item="nl", rule_type="required")
    with pytest.raises(Forbidden):
        actions.update_rule(make_user("dept_admin", department=people.department), rule, weight=2)
    actions.void_rule(bureau_data_admin, rule)
    with pytest.raises(Conflict):
        actions.void_rule(bureau_data_admin, rule)
    codes = list(AuditEntry.objects.filter(action__startswith="quality.rule").values_list("action", flat=True))
    assert codes.count("quality.rule.create") == 1 and "quality.rule.update" in codes and "quality.rule.void" in codes


def _bad_people():
    rows = good_people(10)
    for r in rows[:3]:
        r["xb"] = "7"  # 30% outside the code list: a problem
    return rows


def test_rectification_lifecycle_closed_by_a_passing_rerun(people, authority, bureau_data_admin, edu_data_admin, city):
    make_table(people, _bad_people(), user=authority)
    run = actions.run_now(authority, people)
    assert run.score < 100
    task = RectificationTask.objects.get(entry=people)
    assert task.department == city.bureau and task.status == TaskStatus.OPEN and "性别" in task.problems
    assert selectors.waiting_rectification(bureau_data_admin).count() == 1
    assert selectors.waiting_rectification(edu_data_admin).count() == 0
    # a second failing run does not open a second task
    actions.run_now(authority, people)
    assert RectificationTask.objects.filter(entry=people).count() == 1

    # wrong roles and bad input: refused, nothing changes
    for who in (edu_data_admin, authority, make_user("dept_admin", department=city.bureau)):
        with pytest.raises(Forbidden):
            actions.submit_task(who, task, "已修正")
    for note in ("", "   ", None, "x" * 1001, 5):
        with pytest.raises(ValidationFailed):
            actions.submit_task(bureau_data_admin, task, note)
    with pytest.raises(Conflict):
        actions.verify_task(authority, task)  # not submitted yet
    with pytest.raises(Forbidden):
        actions.verify_task(bureau_data_admin, task)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.note == ""

    actions.start_task(bureau_data_admin, task)
    actions.submit_task(bureau_data_admin, task, "已按代码表修正")
    # verification while the data is still wrong: reopened
    task = actions.verify_task(authority, task)
    assert task.status == TaskStatus.REOPENED
    # the department fixes the data and resubmits; the re-run passes and closes it
    with connection.cursor() as c:
        c.execute(f"UPDATE {connection.ops.quote_name(target_table_name(people))} SET xb = '2' WHERE xb = '7'")
    actions.submit_task(bureau_data_admin, task, "已重新归集")
    task = actions.verify_task(authority, task)
    assert task.status == TaskStatus.CLOSED and task.closed_at is not None
    assert list(task.events.values_list("status", flat=True)) == ["open", "in_progress", "submitted", "reopened", "submitted", "closed"]
    with pytest.raises(Conflict):
        actions.submit_task(bureau_data_admin, task, "再次提交")
    codes = set(AuditEntry.objects.filter(action__startswith="quality.task").values_list("action", flat=True))
    assert codes == {"quality.task.create", "quality.task.start", "quality.task.submit", "quality.task.reopen", "quality.task.close"}


def test_due_date_and_overdue(people, authority, bureau_data_admin):
    import datetime as dt

    from django.utils import timezone

    make_table(people, _bad_people(), user=authority)
    actions.run_now(authority, people)
    task = RectificationTask.objects.get(entry=people)
    today = timezone.localdate()
    assert not task.overdue() and task.overdue(today + dt.timedelta(days=actions.DUE_DAYS + 1))
    for bad in (today - dt.timedelta(days=1), today + dt.timedelta(days=400), "2026-01-01"):
        with pytest.raises(ValidationFailed):
            actions.set_due(authority, task, bad)
    with pytest.raises(Forbidden):
        actions.set_due(bureau_data_admin, task, today)
    assert actions.set_due(authority, task, today + dt.timedelta(days=3)).due_on == today + dt.timedelta(days=3)


def test_scores_snapshot_per_entry_department_and_city(people, authority, city):
    make_table(people, _bad_people(), user=authority)
    run = actions.run_now(authority, people)
    day = DailyScore.objects.get(scope="entry", entry=people)
    assert day.score == run.score
    assert DailyScore.objects.get(scope="department", department=city.bureau).score == run.score
    assert DailyScore.objects.get(scope="city").score == run.score
    ranking = selectors.department_ranking(authority)
    assert ranking[0]["name"] == city.bureau.name and ranking[0]["score"] == float(run.score)


def test_dataset_loaded_signal_queues_a_check(people, authority, django_capture_on_commit_callbacks):
    make_table(people, good_people(5), user=authority)
    mount = people.mounts.get()
    with django_capture_on_commit_callbacks(execute=True):
        dataset_loaded.send(sender=None, entry=people, mount=mount, batch_id=42, rows=5)
    run = QualityRun.objects.get(entry=people)
    assert run.trigger == "loaded" and run.batch_id == 42 and run.rows_checked == 5 and run.run_by.username == "system"
    assert people.quality_load.batch_id == 42


def test_signal_receiver_never_raises_into_aggregation(people):
    dataset_loaded.send(sender=None, entry=None, mount=None, batch_id=1, rows=0)  # a broken sender: logged, not raised


def test_scheduled_checks_skip_recent_runs(people, authority):
    from digigov.core.rbac.system import system_account

    make_table(people, good_people(3), user=authority)
    system = system_account()
    assert actions.scheduled_checks(system) == 1
    assert actions.scheduled_checks(system) == 0


def test_a_failing_receiver_leaves_the_senders_transaction_usable(people, authority, monkeypatch):
    """On PostgreSQL an error inside a transaction aborts it: the receiver's write runs in a savepoint."""
    from django.db import transaction

    from digigov.data.quality import actions as quality_actions

    def broken(*args, **kwargs):
        QualityRule.objects.create(entry=people, rule_type="required", created_by=authority)  # written, then undone
        raise RuntimeError("boom")

    monkeypatch.setattr(quality_actions, "note_load", broken)
    with transaction.atomic():
        dataset_loaded.send(sender=None, entry=people, mount=None, batch_id=1, rows=1)
        assert QualityRule.objects.filter(entry=people).count() == 0  # the savepoint rolled back; the connection still works


ROLE_STEPS = {  # role → (may manage rules/run, may rectify, may verify) over 营商局's dataset
    "data_admin": (True, True, False),
    "data_authority": (True, False, True),
    "dept_admin": (False, False, False),
    "city_admin": (False, False, False),
    "leader": (False, False, False),
    "auditor": (False, False, False),
}


@pytest.mark.parametrize("role", sorted(ROLE_STEPS))
def test_permissions_per_role(role, people, authority, city):
    from digigov.core.rbac.checks import can
    from digigov.core.testing import role_scope

    make_table(people, _bad_people(), user=authority)
    actions.run_now(authority, people)
    task = RectificationTask.objects.get(entry=people)
    user = make_user(role, **role_scope(role, city))
    manage, rectify, verify = ROLE_STEPS[role]
    assert can(user, "quality.view", task) is True
    assert (can(user, "quality.manage", people), can(user, "quality.rectify", task), can(user, "quality.verify", task)) == (manage, rectify, verify)
    if not rectify:
        with pytest.raises(Forbidden):
            actions.start_task(user, task)
    else:
        assert actions.start_task(user, task).status == TaskStatus.IN_PROGRESS
    if not manage:
        with pytest.raises(Forbidden):
            actions.run_now(user, people)


def test_verification_without_data_is_refused_and_leaves_nothing(people, authority, bureau_data_admin):
    make_table(people, _bad_people(), user=authority)
    actions.run_now(authority, people)
    task = RectificationTask.objects.get(entry=people)
    actions.submit_task(bureau_data_admin, task, "已修正")
    with connection.cursor() as c:
        c.execute(f"DROP TABLE {connection.ops.quote_name(target_table_name(people))}")
    runs, audits = QualityRun.objects.count(), AuditEntry.objects.count()
    with pytest.raises(Conflict) as exc:
        actions.verify_task(authority, task)
    assert "尚未归集" in exc.value.message
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED and (QualityRun.objects.count(), AuditEntry.objects.count()) == (runs, audits)
