"""Every audit action code the code base can record has a Chinese label (the audit page never shows a code)."""

import ast
from pathlib import Path

from django.apps import apps

from digigov.core import registry
from digigov.core.models import VoidableModel
from digigov.core.rbac.models import Role

ROOT = Path(__file__).resolve().parents[3]  # digigov/
# (function, index of the action argument)
RECORDERS = {"record": 1, "stamp_void": 3}
# forwarders: they pass on the action code their own caller gave them
FORWARDERS = {("core/records.py", "record")}


def _strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return None


def _recorded_codes():
    codes, dynamic, unknown = set(), [], []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name == "record_pii_read":
                codes.add("pii.read")
            if name not in RECORDERS or len(node.args) <= RECORDERS[name]:
                continue
            arg = node.args[RECORDERS[name]]
            found = _strings(arg)
            if found is not None:
                codes.update(found)
            elif isinstance(arg, ast.JoinedStr) and ast.unparse(arg) == "f'{obj._meta.label_lower}.void'":
                dynamic.append(rel)
            elif (rel, name) not in FORWARDERS:
                unknown.append(f"{rel}:{node.lineno} {ast.unparse(arg)}")
    return codes, dynamic, unknown


def test_every_recorded_action_code_has_a_chinese_label():
    codes, dynamic, unknown = _recorded_codes()
    assert not unknown, f"action codes the test cannot read (use a string literal): {unknown}"
    assert {"org.division.create", "accounts.login.failed", "rbac.assign", "kpi.recompute", "cloud.platform.separate",
            "network.access_point.void", "democity.generate", "pii.read", "audit.export"} <= codes
    # actions that void "any" record of their app name it by the model label: every voidable model counts
    for rel in dynamic:
        app = next(a for a in apps.get_app_configs() if Path(a.path).resolve() == (ROOT / rel).parent.resolve())
        codes.update(f"{m._meta.label_lower}.void" for m in app.get_models() if issubclass(m, VoidableModel))
    missing = sorted(c for c in codes if c not in registry.AUDIT_EVENTS)
    assert not missing, f"register a label (digigov/<app>/audit_events.py) for: {missing}"
    for code in codes:
        label = registry.audit_event_label(code)
        assert label and not label.isascii(), code


def test_unregistered_code_gets_a_chinese_placeholder_never_the_code():
    assert registry.audit_event_label("nobody.registered.this") == "其他操作"


def test_every_role_has_a_chinese_label():
    for value, label in Role.choices:
        assert not str(label).isascii(), value


def test_admin_log_names_roles_in_chinese(client, role_user):
    """The admin's audit list showed an entry's role as its code (data_authority)."""
    from digigov.core.audit.actions import record
    from digigov.core.audit.models import AuditEntry

    authority = role_user("data_authority")
    authority._digigov_acting_role = "data_authority"
    record(authority, "catalog.entry.publish", authority)
    assert AuditEntry.objects.filter(role="data_authority").exists()
    client.force_login(role_user("auditor"))
    page = client.get("/admin/audit/auditentry/").content.decode()
    assert 'field-role_display">数据主管部门<' in page and ">data_authority<" not in page
