import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digigov.core.testing import logged_in_client
from digigov.data.registries import actions, build
from digigov.data.registries import testing as rt
from digigov.data.registries.models import AttributeValue, PersonRecord, StewardTask, TaskKind, TaskStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_engine")]


@pytest.fixture
def built(person_feeds, depts, authority_user):
    rt.feed_with_rows(depts["hea"], "卫健委出生医学证明", ["jlbs", "sfzh", "xm", "csrq", "cszm"], [
        {"jlbs": "B1", "sfzh": "", "xm": "王芳", "csrq": "2020-05-05", "cszm": "Q210600001"},
    ], user=authority_user)
    build.run_build(actions.start_build(authority_user, "person", queue=False).pk)


def test_queue_lists_masked_subjects_with_counts(built, authority_user):
    client = logged_in_client(authority_user)
    page = client.get(reverse("registries_steward:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "疑似同一人" in html and "属性冲突" in html and "住址" in html
    assert "张*" in html and "张丽" not in html
    assert page.context["open_pairs"] == 1 and page.context["open_conflicts"] == 1
    only = client.get(reverse("registries_steward:list"), {"kind": "conflict"})
    assert [i["task"].kind for i in only.context["items"]] == ["conflict"]


def test_queue_query_count_does_not_grow_with_tasks(built, authority_user):
    client = logged_in_client(authority_user)
    client.get(reverse("registries_steward:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("registries_steward:list"))
    person = PersonRecord.objects.first()
    StewardTask.objects.bulk_create([StewardTask(registry="person", kind=TaskKind.CONFLICT, attribute="phone", person=person) for _ in range(30)])
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("registries_steward:list"))
    assert len(page.context["items"]) == 32
    assert len(many) == len(few)


def test_keyset_pages(built, authority_user):
    person = PersonRecord.objects.first()
    StewardTask.objects.bulk_create([StewardTask(registry="person", kind=TaskKind.CONFLICT, attribute="phone", person=person) for _ in range(60)])
    client = logged_in_client(authority_user)
    first = client.get(reverse("registries_steward:list"))
    assert len(first.context["items"]) == 50 and first.context["next_after"]
    second = client.get(reverse("registries_steward:list"), {"after": first.context["next_after"]})
    assert len(second.context["items"]) == 12 and second.context["next_after"] is None
    ids = [i["task"].id for i in first.context["items"]] + [i["task"].id for i in second.context["items"]]
    assert len(set(ids)) == 62


def test_pair_page_side_by_side_and_merge(built, authority_user):
    task = StewardTask.objects.get(kind=TaskKind.PAIR)
    client = logged_in_client(authority_user)
    page = client.get(reverse("registries_steward:task", args=[task.public_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "人社局参保人员" in html and "卫健委出生医学证明" in html and "王*" in html and "王芳" not in html
    b = task.record_b.person
    resp = client.post(reverse("registries_steward:decide", args=[task.public_id]), {
        "decision": "merge", "task_version": task.version, "record_version": task.person.version, "other_version": b.version})
    assert resp.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.RESOLVED and task.decision == "merge"


def test_conflict_page_and_stale_form_refused(built, authority_user):
    task = StewardTask.objects.get(kind=TaskKind.CONFLICT)
    client = logged_in_client(authority_user)
    page = client.get(reverse("registries_steward:task", args=[task.public_id]))
    assert page.status_code == 200 and "公安局" in page.content.decode()
    value = AttributeValue.objects.filter(person=task.person, attribute="address", is_current=False).first()
    PersonRecord.objects.filter(pk=task.person_id).update(version=2)  # someone changed the record meanwhile
    resp = client.post(reverse("registries_steward:decide", args=[task.public_id]), {
        "decision": "accept", "chosen_value": value.pk, "task_version": 1, "record_version": 1})
    assert resp.status_code == 409 and "已被他人更新" in resp.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    resp = client.post(reverse("registries_steward:decide", args=[task.public_id]), {"decision": "accept", "task_version": 1, "record_version": 2})
    assert resp.status_code == 422 and "请选择要采纳的取值" in resp.content.decode()
    resp = client.post(reverse("registries_steward:decide", args=[task.public_id]), {
        "decision": "accept", "chosen_value": value.pk, "task_version": 1, "record_version": 2})
    assert resp.status_code == 302
    alice = PersonRecord.objects.get(pk=task.person_id)
    assert alice.address == "元宝区兴东社区一号"


@pytest.mark.parametrize("role", ["data_admin", "dept_admin", "auditor"])
def test_others_cannot_open_the_queue(built, role_user, role):
    client = logged_in_client(role_user(role))
    task = StewardTask.objects.first()
    assert client.get(reverse("registries_steward:list")).status_code == 403
    assert client.get(reverse("registries_steward:task", args=[task.public_id])).status_code == 403
    assert client.post(reverse("registries_steward:decide", args=[task.public_id]), {"decision": "keep"}).status_code == 403


def test_todo_counts_open_tasks(built, authority_user):
    from digigov.core.registry import TODOS

    assert TODOS["registries.steward"].count(authority_user) == 2


def test_clear_view_needs_a_purpose_is_audited_without_values_and_shows_clear_once(built, authority_user):
    from digigov.core.audit.models import AuditEntry

    task = StewardTask.objects.get(kind=TaskKind.CONFLICT)
    client = logged_in_client(authority_user)
    url = reverse("registries_steward:task", args=[task.public_id])
    reveal = reverse("registries_steward:reveal", args=[task.public_id])
    page = client.get(url).content.decode()
    assert 'id="reveal"' in page and "元宝区兴东社区一号" not in page

    refused = client.post(reveal, {"purpose": "verification", "purpose_note": ""})
    assert refused.status_code == 400 and 'class="errorlist' in refused.content.decode()
    assert not AuditEntry.objects.filter(action="registries.read_clear").exists()

    shown = client.post(reveal, {"purpose": "verification", "purpose_note": "核对住址冲突"})
    html = shown.content.decode()
    assert shown.status_code == 200 and "元宝区兴东社区一号" in html and 'id="clear-notice"' in html
    entry = AuditEntry.objects.get(action="registries.read_clear")
    assert entry.after["fields"] == ["address"] and entry.after["purpose"] == "数据核查与治理：核对住址冲突"
    assert "兴东" not in str(entry.after)
    assert "元宝区兴东社区一号" not in client.get(url).content.decode()  # masked again on the next visit


def test_pair_clear_view_audits_each_golden_record(built, authority_user):
    from digigov.core.audit.models import AuditEntry

    task = StewardTask.objects.get(kind=TaskKind.PAIR)
    client = logged_in_client(authority_user)
    shown = client.post(reverse("registries_steward:reveal", args=[task.public_id]), {"purpose": "verification", "purpose_note": "比对疑似重复"})
    assert shown.status_code == 200 and "王芳" in shown.content.decode()
    subjects = {e.object_id for e in AuditEntry.objects.filter(action="registries.read_clear")}
    expected = {r.person.public_id for r in (task.record_a, task.record_b) if r.person_id}
    assert subjects == expected


def test_clear_view_is_for_stewards_only(built, city):
    """A department data admin may read registries in clear but is no steward: no task page, no reveal."""
    from digigov.core.audit.models import AuditEntry
    from digigov.core.testing import make_user

    task = StewardTask.objects.get(kind=TaskKind.CONFLICT)
    client = logged_in_client(make_user("data_admin", department=city.bureau))
    assert client.get(reverse("registries_steward:task", args=[task.public_id])).status_code == 403
    refused = client.post(reverse("registries_steward:reveal", args=[task.public_id]), {"purpose": "verification", "purpose_note": "核对"})
    assert refused.status_code == 403
    assert not AuditEntry.objects.filter(action="registries.read_clear").exists()
