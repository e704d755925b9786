"""The data steward's decisions on the queue the build raises.

PAIR (两条源记录可能是同一人/同一企业):

* ``merge`` — one golden record: the other record's source rows and values move to the first, the
  other is marked 已合并 into it; a match label is written so the next run keeps them together.
* ``split`` — kept apart: a non-match label; if linkage had put both rows in one golden record, the
  second row moves to a new golden record of its own.

CONFLICT (来源取值不一致):

* ``accept`` — the chosen ``AttributeValue`` becomes the current golden value and is recorded as an
  authoritative override (later builds keep it while a source still gives it).
* ``keep`` — the golden value stays as 一数一源 composed it.

Optimistic locking: the form carries the task's ``version`` and the golden record's ``version`` (for a
pair, both records'); if any changed since the page was drawn the decision is refused (409) and
nothing is written.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from digigov.core.audit.actions import record
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text

from ..models import (AttributeValue, Decision, EnterpriseRecord, PersonRecord, RecordStatus, SourceRecord, StewardTask, TaskKind,
                      TaskStatus, TrainingLabel)

ALLOWED = {TaskKind.PAIR: (Decision.MERGE, Decision.SPLIT), TaskKind.CONFLICT: (Decision.ACCEPT, Decision.KEEP)}
STALE_MESSAGE = "该任务或相关主体记录已被他人更新，本次处理未保存。请刷新页面，查看最新情况后重新处理"


def _int(value, field: str, label: str) -> int:
    if isinstance(value, bool):
        value = None
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label}无效，请刷新页面后重新处理", code="invalid_version", detail={"field": field}) from None
    return n


def _golden_model(task):
    return PersonRecord if task.registry == "person" else EnterpriseRecord


def _fk(task) -> str:
    return "person" if task.registry == "person" else "enterprise"


def _label(actor, task, a_id: int, b_id: int, is_match: bool) -> None:
    a_id, b_id = sorted((a_id, b_id))
    TrainingLabel.objects.filter(record_a_id__in=(a_id, b_id), record_b_id__in=(a_id, b_id)).delete()
    TrainingLabel.objects.create(record_a_id=a_id, record_b_id=b_id, is_match=is_match, task=task, created_by=actor)


@transaction.atomic
def decide(actor, task: StewardTask, *, decision: str, task_version, record_version, other_version=None,
           chosen_value: int | None = None, opinion: str = "") -> StewardTask:
    task = StewardTask.objects.select_for_update().filter(pk=task.pk).first() or task
    require(actor, "registries.steward", task)
    if task.status != TaskStatus.OPEN:
        raise Conflict("该任务已处理或已失效，无需再次处理", code="task_closed")
    if decision not in ALLOWED[task.kind]:
        raise ValidationFailed("请选择处理结果", code="invalid_decision", detail={"field": "decision"})
    opinion = clean_text(opinion, "opinion", "处理意见", 500, required=False)
    task_version = _int(task_version, "task_version", "任务版本")
    record_version = _int(record_version, "record_version", "记录版本")
    Golden, fk = _golden_model(task), _fk(task)
    subject = Golden.objects.select_for_update().filter(pk=getattr(task, fk + "_id")).first()
    if task.version != task_version or subject is None or subject.version != record_version:
        raise Conflict(STALE_MESSAGE, code="stale_version", detail={"task_version": task.version})
    before = {"status": task.status, "version": task.version, "subject_version": subject.version}
    after: dict = {}
    if task.kind == TaskKind.PAIR:
        after = _decide_pair(actor, task, subject, decision, other_version, Golden, fk)
    else:
        after = _decide_conflict(task, subject, decision, chosen_value, fk)
    task.status = TaskStatus.RESOLVED
    task.decision = decision
    task.opinion = opinion
    task.decided_by = actor
    task.decided_at = timezone.now()
    task.version += 1
    task.save()
    record(actor, "registries.task.decide", task, before=before,
           after={"status": task.status, "decision": decision, "version": task.version, **after})
    return task


def _bump(obj) -> None:
    type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1)
    obj.version += 1


def _decide_pair(actor, task, subject, decision, other_version, Golden, fk) -> dict:
    from ..build import recompose

    b_golden_id = getattr(task.record_b, fk + "_id")
    other = Golden.objects.select_for_update().filter(pk=b_golden_id).first() if b_golden_id else None
    if other is not None and other.pk != subject.pk:
        if _int(other_version, "other_version", "记录版本") != other.version:
            raise Conflict(STALE_MESSAGE, code="stale_version")
    if decision == Decision.MERGE:
        _label(actor, task, task.record_a_id, task.record_b_id, True)
        if other is None or other.pk == subject.pk:
            return {"merged": False}
        SourceRecord.objects.filter(**{fk: other}).update(**{fk: subject})
        AttributeValue.objects.filter(**{fk: other}).update(**{fk: subject})
        StewardTask.objects.filter(**{fk: other}, status=TaskStatus.OPEN).exclude(pk=task.pk).update(status=TaskStatus.STALE)
        other.status = RecordStatus.MERGED
        other.merged_into = subject
        other.source_count = 0
        other.version += 1
        other.save()
        recompose(subject)
        _bump(subject)
        return {"merged_into": subject.public_id, "merged": other.public_id}
    _label(actor, task, task.record_a_id, task.record_b_id, False)
    if other is not None and other.pk == subject.pk:  # linkage had them together: the second row leaves
        fresh = Golden.objects.create()
        SourceRecord.objects.filter(pk=task.record_b_id).update(**{fk: fresh})
        AttributeValue.objects.filter(**{fk: subject}, source_id=task.record_b_id).update(**{fk: fresh})
        recompose(subject)
        recompose(fresh)
        _bump(subject)
        return {"split_to": fresh.public_id}
    return {"split": True}


def _decide_conflict(task, subject, decision, chosen_value, fk) -> dict:
    if decision == Decision.KEEP:
        return {"attribute": task.attribute}
    value = None
    if chosen_value not in (None, ""):
        value = AttributeValue.objects.filter(pk=_int(chosen_value, "chosen_value", "所选取值"), **{fk: subject}, attribute=task.attribute,
                                              superseded_at__isnull=True).first()
    if value is None:
        raise ValidationFailed("请选择要采纳的取值", code="choose_value", detail={"field": "chosen_value"})
    AttributeValue.objects.filter(**{fk: subject}, attribute=task.attribute, is_current=True).update(is_current=False)
    AttributeValue.objects.filter(pk=value.pk).update(is_current=True, is_authoritative=True)
    task.chosen_value = value
    _apply_override(subject, task.attribute, value, fk)
    _bump(subject)
    return {"attribute": task.attribute, "chosen_value": value.pk, "department": value.department_id}


def _apply_override(subject, attribute: str, value: AttributeValue, fk: str) -> None:
    """Write the accepted value into the golden record (the same columns the build fills)."""
    from ..build import fill_enterprise, fill_person
    from digigov.core.org.models import Division

    current = {v.attribute: v.value for v in AttributeValue.objects.filter(**{fk: subject}, is_current=True, superseded_at__isnull=True)}
    current[attribute] = value.value
    divisions = dict(Division.objects.filter(code__endswith="000000").values_list("code", "pk"))
    (fill_person if fk == "person" else fill_enterprise)(subject, current, divisions)
    subject.save()
