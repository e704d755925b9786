"""The message centre: page, header badge, mark read (audited), keyset pages, API; only one's own messages."""

from __future__ import annotations

import json

from digigov.core.audit.models import AuditEntry
from digigov.core.notify.inbox import notify
from digigov.core.notify.models import InboxMessage
from digigov.core.testing import logged_in_client, make_user


def test_page_badge_and_mark_read(db):
    user, other = make_user("citizen"), make_user("citizen")
    m = notify(user, "办件进度", "您的申请已受理", "办件编号 X1", "/messages/")
    notify(other, "办件进度", "别人的消息")
    client = logged_in_client(user)
    page = client.get("/messages/").content.decode()
    assert "您的申请已受理" in page and "别人的消息" not in page
    assert 'id="nav-messages"' in page and 'hx-get="/messages/badge/"' in page
    assert 'class="badge unread-count"' in client.get("/messages/badge/").content.decode()  # the header's unread count
    assert client.get(f"/messages/{m.pk}/").status_code == 200
    response = client.post(f"/messages/{m.pk}/")
    assert response.status_code == 302 and response["Location"] == "/messages/"
    m.refresh_from_db()
    assert m.read_at is not None
    assert AuditEntry.objects.filter(action="notify.inbox.read", object_id=str(m.pk)).count() == 1
    assert 'class="badge unread-count"' not in client.get("/messages/badge/").content.decode()
    # another user's message: 404, untouched
    theirs = InboxMessage.objects.get(recipient=other)
    assert client.post(f"/messages/{theirs.pk}/").status_code == 404
    assert client.get("/messages/abc/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_external_link_is_never_followed(db):
    user = make_user("citizen")
    m = notify(user, "办件进度", "钓鱼", link="https://evil.example/")
    response = logged_in_client(user).post(f"/messages/{m.pk}/")
    assert response["Location"] == "/messages/"


def test_keyset_pages_and_read_all(db, django_assert_max_num_queries):
    user = make_user("approver")
    for i in range(45):
        notify(user, "待办任务", f"消息{i:02d}")
    client = logged_in_client(user)
    with django_assert_max_num_queries(12):
        first = client.get("/messages/").content.decode()
    assert "消息44" in first and "消息24" not in first and 'id="older"' in first
    ids = list(InboxMessage.objects.order_by("-id").values_list("id", flat=True))
    second = client.get(f"/messages/?before={ids[19]}").content.decode()
    assert "消息24" in second and "消息44" not in second
    assert client.get("/messages/?before=abc").status_code == 200  # a bad cursor is the first page
    client.post("/messages/read-all/")
    assert not InboxMessage.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="notify.inbox.read_all").count() == 1


def test_anonymous_is_sent_to_login(db):
    from django.test import Client

    response = Client().get("/messages/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_api_list_and_mark_read(db):
    user, other = make_user("citizen"), make_user("citizen")
    mine = [notify(user, "办件进度", f"消息{i}") for i in range(3)]
    theirs = notify(other, "办件进度", "别人的")
    client = logged_in_client(user)
    body = client.get("/api/v1/messages/?page_size=2").json()
    assert body["unread"] == 3 and [i["title"] for i in body["items"]] == ["消息2", "消息1"] and body["next_before"]
    rest = client.get(f"/api/v1/messages/?before={body['next_before']}").json()
    assert [i["title"] for i in rest["items"]] == ["消息0"] and rest["next_before"] is None

    def post(payload):
        return client.post("/api/v1/messages/read", data=json.dumps(payload), content_type="application/json")

    # bad input: nothing written
    for payload, status in [({}, 422), ({"ids": [mine[0].pk], "all": True}, 422), ({"ids": ["x"]}, 422), ({"ids": [0]}, 422), ({"ids": [2**63]}, 422),
                            ({"ids": [mine[0].pk, theirs.pk]}, 404), ({"ids": [mine[0].pk], "extra": 1}, 422)]:
        response = post(payload)
        assert response.status_code == status, (payload, response.content)
        assert set(response.json()) == {"code", "message", "detail"}
    assert not InboxMessage.objects.filter(read_at__isnull=False).exists()
    assert post({"ids": [mine[0].pk]}).json() == {"marked": 1, "unread": 2}
    assert post({"all": True}).json() == {"marked": 2, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
