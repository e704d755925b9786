"""Incidents (流程异常): a service task's business component failed and the case waits in ``incident``.
An administrator with ``workflow.incident`` retries (the failed task runs again in a new step) or cancels
the case (终止: open tasks and timers cancelled, the case ends as cancelled)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from .. import runtime, signals
from ..models import Case, CaseStatus, Incident, IncidentStatus, TaskStatus, Timer, TimerStatus


@transaction.atomic
def retry_incident(actor, incident: Incident) -> Incident:
    require(actor, "workflow.incident", incident)
    if incident.status != IncidentStatus.OPEN:
        raise Conflict("该异常已处理", code="incident_resolved")
    attempts = incident.attempts
    runtime.retry(incident, actor)
    incident.refresh_from_db()
    case = Case.objects.get(pk=incident.case_id)
    record(actor, "workflow.incident_retry", incident, before={"attempts": attempts},
           after={"status": incident.get_status_display(), "attempts": incident.attempts, "case_status": case.get_status_display()})
    return incident


@transaction.atomic
def cancel_incident(actor, incident: Incident, *, reason: str) -> Incident:
    require(actor, "workflow.incident", incident)
    reason = clean_text(reason, "reason", "终止原因", 200)
    case = runtime.lock(incident.case_id)
    incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
    if incident.status != IncidentStatus.OPEN or case.status != CaseStatus.INCIDENT:
        raise Conflict("该异常已处理", code="incident_resolved")
    now = timezone.now()
    case.tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.CLAIMED)).update(status=TaskStatus.CANCELLED, completed_at=now)
    Timer.objects.filter(case=case, status=TimerStatus.PENDING).update(status=TimerStatus.CANCELLED)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CANCELLED, finished_at=now, outcome_note=reason, revision=case.revision + 1)
    case.status, case.finished_at, case.outcome_note, case.revision = CaseStatus.CANCELLED, now, reason, case.revision + 1
    Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.RESOLVED, resolved_by=actor, resolved_at=now, updated_at=now)
    incident.refresh_from_db()
    runtime.record_event(case, actor, "case_cancelled", f"办件终止：{reason}")
    record(actor, "workflow.incident_cancel", incident, before={"case_status": "异常待处理"}, after={"case_status": "已终止", "reason": reason})
    signals.case_finished.send(sender=Case, case=case, actor=actor)
    return incident
