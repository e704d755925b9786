""""My personal data usage": who read a person's personal data in a registry, from the audit log.

The person is named by ``userId``: in a schema-defined registry the record ID, or the value of one of its
personal fields (matched by blind index); in ``population`` the citizen's ID number (or the golden
record's public id). The answer lists the audit entries of clear reads of those records — this API's own
(``dregistries.record.read_clear``), the registries pages' (``registries.read_clear``) and the platform's
generic ``pii.read`` — newest first, as the spec's ``PersonalDataUsage`` objects.

Who may ask: holders of ``registries.view`` on the registry, and the person themselves (an account whose
natural person has that ID number — e.g. through an OAuth token of the citizen's own login).
"""

from __future__ import annotations

from django.db.models import Q

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Forbidden, NotFound
from digigov.core.pii import blind, normalize
from digigov.core.rbac.checks import can
from digigov.core.rbac.models import RoleAssignment

from .models import BaseKind, Database, Record, RecordValue
from .selectors import blind_hex, databases

READ_ACTIONS = ("dregistries.record.read_clear", "registries.read_clear", "pii.read")
MAX_ENTRIES = 500


def _is_self(user, user_id: str) -> bool:
    person = getattr(user, "person", None) if getattr(user, "person_id", None) else None
    return bool(person and normalize(person.id_number) == normalize(user_id))


def _targets(dbs, user_id: str) -> tuple[list[tuple[str, str, str]], list]:
    """(object_type, object_id, reference shown) of the person's records in these registries."""
    from digigov.data.registries.models import EnterpriseRecord, PersonRecord

    out = []
    for db in dbs:
        if db.base == BaseKind.PERSON:
            for p in PersonRecord.objects.filter(blind(PersonRecord, "id_number", user_id) | Q(public_id=user_id)).only("public_id")[:20]:
                out.append(("registries.personrecord", p.public_id, p.public_id))
        elif db.base == BaseKind.ENTERPRISE:
            for e in EnterpriseRecord.objects.filter(Q(uscc=user_id.upper()) | Q(public_id=user_id)).only("public_id")[:20]:
                out.append(("registries.enterpriserecord", e.public_id, e.public_id))
        else:
            q = Q(record_id=user_id)
            for f in db.personal_fields:
                q |= Q(id__in=RecordValue.objects.filter(database=db, field=f, digest=blind_hex(f, user_id)).values("record_id"))
            for rec in Record.objects.filter(q, database=db).only("id", "record_id")[:20]:
                out.append(("dregistries.record", str(rec.pk), rec.record_id))
    return out


def _initials(name: str) -> str:
    parts = [p for p in (name or "").replace(".", " ").split() if p]
    if len(parts) > 1:
        return "".join(p[0].upper() for p in parts)[:4]
    return (name or "")[:1].upper()


def usage(user, user_id: str, database_id: str) -> list[dict]:
    dbs = [db for db in databases() if db.code == database_id]
    if not dbs:
        raise NotFound("登记簿不存在", code="database_not_found", detail={"databaseId": database_id})
    if not _is_self(user, user_id):
        dbs = [db for db in dbs if can(user, "registries.view", db)]
        if not dbs:
            raise Forbidden("无权查询该登记簿的个人数据使用情况（需要权限：查询基础数据库）", code="forbidden")
    targets = _targets(dbs, user_id)
    if not targets:
        return []
    refs = {(t, i): ref for t, i, ref in targets}
    q = Q()
    for t, i, _ in targets:
        q |= Q(object_type=t, object_id=i)
    entries = list(AuditEntry.objects.filter(q, action__in=READ_ACTIONS).order_by("-seq")[:MAX_ENTRIES])
    from django.contrib.auth import get_user_model

    readers = {u.pk: u for u in get_user_model().objects.filter(pk__in={e.actor_id for e in entries if e.actor_id})}
    depts = {}
    for ra in RoleAssignment.objects.active().filter(user_id__in=readers, department__isnull=False).select_related("department"):
        depts.setdefault(ra.user_id, ra.department)
    out = []
    for e in entries:
        reader = readers.get(e.actor_id)
        dept = depts.get(e.actor_id)
        client = ""
        try:
            import json

            client = (json.loads(e.after_json) if e.after_json else {}).get("client", "")
        except ValueError:
            client = ""
        out.append({
            "id": str(e.seq),
            "readerId": e.actor,
            "readerInitials": _initials(reader.display_name if reader else e.actor),
            "readerInstitutionId": dept.code if dept else "",
            "readerInstitutionName": dept.name if dept else "",
            "readerApplicationName": client if isinstance(client, str) else "",
            "searchDateTime": e.at.isoformat().replace("+00:00", "Z"),
            "refrences": [{"ReferenceID": refs.get((e.object_type, e.object_id), e.object_id)}],
        })
    return out


__all__ = ["usage", "Database"]
