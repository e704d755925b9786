
import datetime as dt
from typing import Any

from ninja import Router, Schema

from digigov.core import registry
from digigov.core.api import IsoDateTime, Page, paginate, permission

from . import present
from .actions import verify_chain
from .models import AuditEntry

router = Router(tags=["审计 audit"])


class EntryOut(Schema):
    seq: int
    at: dt.datetime
    actor: str
    role: str
    channel: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    ip: str
    request_id: str
    hash: str
    action_label: str
    role_label: str
    channel_label: str
    object_type_label: str


def entry_out(e: AuditEntry) -> dict:
    out = {f: getattr(e, f) for f in EntryOut.model_fields if not f.endswith("_label")}  # before/after: parsed from the stored text
    out.update(action_label=registry.audit_event_label(e.action), role_label=present.role_label(e.role),
               channel_label=present.channel_label(e.channel), object_type_label=present.object_type_label(e.object_type))
    return out


class VerifyOut(Schema):
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str
    checkpoints: int


@router.get("/entries", response=Page[EntryOut], summary="检索审计日志")
@permission("audit.view")
def list_entries(request, actor: str = "", action: str = "", object_id: str = "", request_id: str = "",
                 since: IsoDateTime | None = None, until: IsoDateTime | None = None, page: int = 1, page_size: int = 50):
    qs = AuditEntry.objects.order_by("-seq")
    if actor:
        qs = qs.filter(actor=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if request_id:
        qs = qs.filter(request_id=request_id)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return paginate(qs, page, page_size, entry_out, count=False)


@router.get("/verify", response=VerifyOut, summary="校验审计密钥链与库外检查点")
@permission("audit.view")
def verify(request):
    r = verify_chain()
    return {"ok": r.ok, "checked": r.checked, "first_broken_seq": r.first_broken_seq, "reason": r.reason, "checkpoints": r.checkpoints}
