"""Cases made directly with the models (the runtime is built in parallel): what the time-limit and
notification tests send the workflow signals with."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from digigov.core.testing import make_user
from digigov.support.workflow.models import Case, ProcessDefinition, ProcessVersion, VersionStatus, WorkTask

_n = itertools.count(1)


def process(city, *, statutory_days=20, promised_days=10, key=None):
    admin = city.system
    n = next(_n)
    definition = ProcessDefinition.objects.create(key=key or f"proc_{n}", name=f"测试事项{n}", department=city.bureau,
                                                  statutory_days=statutory_days, promised_days=promised_days, created_by=admin)
    return ProcessVersion.objects.create(process=definition, version=1, status=VersionStatus.ACTIVE, bpmn_xml="<definitions/>",
                                         sha256="0" * 64, imported_by=admin)


def local(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_case(city, *, version=None, started: dt.date | None = None, applicant=None, department=None, **fields) -> Case:
    version = version or process(city)
    n = next(_n)
    return Case.objects.create(number=f"TL{n:08d}", process_version=version, title=fields.pop("title", f"测试办件{n}"),
                               department=department or city.bureau, applicant=applicant, applicant_name="张三",
                               started_at=local(started or timezone.localdate()), **fields)


def make_task(case, *, role="approver", assignee=None, department=None, status="open") -> WorkTask:
    n = next(_n)
    return WorkTask.objects.create(case=case, spiff_task_id=f"t{n}", element_id="approve", name="审批", candidate_role=role,
                                   department=department or case.department, assignee=assignee, status=status)


def citizen():
    return make_user("citizen")
