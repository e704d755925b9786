import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from digigov.core.audit.models import AuditEntry
from digigov.core.rbac.models import RoleAssignment
from digigov.core.testing import make_user


def run(*args):
    out = io.StringIO()
    call_command("api_client", *args, stdout=out)
    return out.getvalue()


def test_create_use_list_and_revoke(db):
    make_user("security_officer", username="sec1")
    service = make_user(None, username="svc_audit", kind="service", password=None)
    RoleAssignment.objects.create(user=service, role="auditor")
    out = run("create", "审计对接", "--service-user", "svc_audit", "--operator", "sec1")
    key = out.strip().splitlines()[-1]
    assert key.startswith("dg_")
    client = Client()
    assert client.get("/api/v1/audit/verify", HTTP_X_API_KEY=key).status_code == 200
    assert "审计对接" in run("list") and key not in run("list")
    run("revoke", "审计对接", "--reason", "系统下线", "--operator", "sec1")
    assert client.get("/api/v1/audit/verify", HTTP_X_API_KEY=key).status_code == 401
    entries = AuditEntry.objects.filter(actor="sec1", channel="command").values_list("action", flat=True)
    assert "accounts.apiclient.create" in entries and "accounts.apiclient.void" in entries



def test_operator_without_the_permission_is_refused(db):
    make_user("leader", username="boss")
    make_user(None, username="svc", kind="service", password=None)
    with pytest.raises(CommandError, match="无权"):
        run("create", "x", "--service-user", "svc", "--operator", "boss")
    with pytest.raises(CommandError, match="不存在"):
        run("create", "x", "--service-user", "nobody", "--operator", "boss")
