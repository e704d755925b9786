"""The to-do hook: only to-dos the user may act on are counted, each once per request."""

from digigov.core import registry


def test_todos_are_counted_once_and_only_with_the_permission(client, role_user, monkeypatch):
    calls = []

    def count(user):
        calls.append(user.username)
        return 3

    monkeypatch.setattr(registry, "TODOS", {})
    registry.register_todo("t.audit", "待核查的日志", count, lambda user: "/workbench/audit/?todo=1", "audit.view")
    monkeypatch.setattr("digigov.core.web.todos.TODOS", registry.TODOS)
    auditor, leader = role_user("auditor"), role_user("leader")
    client.force_login(auditor)
    html = client.get("/workbench/").content.decode()
    assert '<a href="/workbench/audit/?todo=1">待核查的日志</a> <span class="badge warn">3</span>' in html
    assert calls == [auditor.username]  # the header's total and the list share one count
    client.force_login(leader)
    html = client.get("/workbench/").content.decode()
    assert "待核查的日志" not in html and calls == [auditor.username]  # no permission: not even counted
