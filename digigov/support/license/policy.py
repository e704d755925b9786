"""事项用证设置: which service items (today a workflow ``ProcessDefinition``) are 行政许可 (licensing) items,
and which licence types each accepts instead of paper. The KPI 电子证照用证率 counts licensing items."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from digigov.core.audit.actions import record
from digigov.core.errors import ValidationFailed
from digigov.core.rbac.checks import require, scope_queryset

from .models import ItemLicencePolicy, LicenceType

ACCEPTS_LABEL = "可用电子证照免交纸质材料"


def _snapshot(policy: ItemLicencePolicy | None) -> dict:
    if policy is None or policy.pk is None:
        return {"is_licensing": False, "accepted_types": []}
    return {"is_licensing": policy.is_licensing, "accepted_types": sorted(t.name for t in policy.accepted_types.all())}


@transaction.atomic
def set_policy(actor, process, *, is_licensing: bool, accepted_types: list[LicenceType]) -> ItemLicencePolicy:
    """Mark ``process`` a licensing item (or not) and set the licence types it accepts instead of paper."""
    require(actor, "license.manage", process)
    if getattr(process, "voided_at", None):
        raise ValidationFailed("该事项已停用", code="process_void", detail={"field": "process"})
    types = list(dict.fromkeys(accepted_types))
    inactive = [t.name for t in types if not t.active]
    if inactive:
        raise ValidationFailed(f"证照类型已停用：{'、'.join(inactive)}", code="type_inactive", detail={"field": "accepted_types"})
    policy = ItemLicencePolicy.objects.select_for_update().filter(process=process).first()
    before = _snapshot(policy)
    if policy is None:
        policy = ItemLicencePolicy.objects.create(process=process, is_licensing=bool(is_licensing))
    else:
        policy.is_licensing = bool(is_licensing)
        policy.save(update_fields=["is_licensing"])
    policy.accepted_types.set(types)
    record(actor, "license.policy", policy, before=before, after=_snapshot(policy))
    return policy


def manageable_processes(user) -> QuerySet:
    """Items the user may set: active processes in their ``license.manage`` reach, with their policy."""
    from digigov.support.workflow.models import ProcessDefinition

    qs = ProcessDefinition.objects.active().select_related("department", "licence_policy").prefetch_related("licence_policy__accepted_types")
    return scope_queryset(user, "license.manage", qs, department_field="department", division_field=None).order_by("department__path", "name", "id")


def accepts_elicence(process) -> bool:
    """Whether the item accepts any e-licence instead of paper (for the staff lists' "可用电子证照免交纸质材料")."""
    try:
        policy = process.licence_policy
    except ItemLicencePolicy.DoesNotExist:
        return False
    return policy.accepted_types.exists()


def accepting_process_ids(process_ids) -> set[int]:
    """Of ``process_ids``, the items that accept at least one e-licence type (one query, for list pages)."""
    return set(ItemLicencePolicy.objects.filter(process_id__in=list(process_ids), accepted_types__isnull=False)
               .values_list("process_id", flat=True))
