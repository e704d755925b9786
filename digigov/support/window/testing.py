"""Test helpers of the window (import from tests only)."""

from __future__ import annotations

import io

from digigov.core.accounts.models import NaturalPerson
from digigov.core.testing import resident_id


def pdf_bytes(pages: int = 2) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def make_person(division, name: str = "李华", **kwargs) -> NaturalPerson:
    return NaturalPerson.objects.create(id_number=kwargs.pop("id_number", None) or resident_id(), name=name, gender="M",
                                        birth_date="1990-01-01", division=division, **kwargs)


def world_objects(city) -> dict:
    """Real objects for the API fuzz test's paths: a hall with a called ticket, a reception that made a
    window case, and that case's delivery."""
    from digigov.core.testing import make_user
    from digigov.support.workflow.testing import make_version, parallel_bpmn

    from .actions import queue, reception
    from .models import Delivery, ServiceHall

    clerk = make_user("window_clerk", division=city.county_a)
    hall = ServiceHall.objects.create(name="元宝区政务服务中心", division=city.county_a, counters=6)
    queue.take_number(clerk, hall, "A")
    ticket = queue.call_next(clerk, hall, 1)
    version = make_version(parallel_bpmn(key="window_fuzz", dept_a=city.bureau, dept_b=city.other_bureau), user=city.system,
                           department=city.bureau)
    made = reception.start_reception(clerk, hall)
    reception.identify(clerk, made, kind="person", code=make_person(city.county_a, name="窗口测试").id_number)
    case = reception.create_application(clerk, made, version)
    open_reception = reception.start_reception(clerk, hall, ticket=ticket)
    base = "/api/v1/support/window"
    return {f"{base}/halls/": hall.public_id, f"{base}/tickets/": ticket.public_id, f"{base}/receptions/": open_reception.public_id,
            f"{base}/cases/": case.number, f"{base}/deliveries/": Delivery.objects.get(case=case).public_id}
