"""Fixtures of the 好差评 tests: an application of a citizen with one real workflow case, cases written directly
for the statistics (every figure then has a hand-countable answer)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from digigov.services.onestop.models import Application, ApplicationCase, ApplicationStatus
from digigov.services.onestop.testing import item_with_process

_seq = itertools.count(1)


def make_case(item, *, department=None, channel="online", status="running", started_at=None, finished_at=None, promised_due=None,
              paused_days=0, applicant=None):
    from digigov.support.workflow.models import Case

    version = item.process.versions.order_by("-version").first()
    n = next(_seq)
    return Case.objects.create(number=f"T{n:010d}", process_version=version, title=item.name, department=department or item.department,
                               channel=channel, status=status, applicant=applicant, applicant_name="测试申请人",
                               started_at=started_at or timezone.now(), finished_at=finished_at, promised_due=promised_due,
                               paused_days=paused_days)


def make_application(item, applicant, *, status=ApplicationStatus.IN_PROGRESS, case=None) -> Application:
    n = next(_seq)
    app = Application.objects.create(number=f"SQ{n:08d}", item=item, title=item.name, status=status, applicant=applicant, data={},
                                     submitted_at=timezone.now())
    case = case or make_case(item, applicant=applicant, status="approved" if status == ApplicationStatus.DONE else "running",
                             finished_at=timezone.now() if status == ApplicationStatus.DONE else None)
    ApplicationCase.objects.create(application=app, item=item, case=case)
    return app


def enterprise_item(city, admin, **kw):
    return item_with_process(city, user=admin, **kw)


def day(offset: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=offset)
