"""办理结果决定书: for a member case that ended without issuing an e-licence (a decision rather than a
licence), a PDF decision sealed by the competent department (``seal.documents.sign_pdf`` with the unit's
业务专用章 or 公章, as the platform's system account, like ``license.issue``), kept outside the web root at
``<VAR_DIR>/decisions/<application public id>/<case public id>.pdf`` and handed to the applicant only as an
attachment by the page that checks the reader (``views_application.decision``).

A department without a usable seal gets no decision document (the case's outcome still stands and the
timeline says so); nothing half-written: the file is written after the signature, by atomic rename.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def root() -> Path:
    return Path(settings.VAR_DIR) / "decisions"


def path_for(application, case) -> Path:
    for part in (application.public_id, case.public_id):
        if not part or not part.replace("_", "").replace("-", "").isalnum():
            raise ValueError("unsafe decision path part")
    return root() / application.public_id / f"{case.public_id}.pdf"


@dataclass
class DecisionFile:
    case_public_id: str
    title: str
    path: Path


def decisions_for(application) -> list[DecisionFile]:
    links = list(application.cases.select_related("case", "item")) if application.pk else []
    out = []
    for link in links:
        p = path_for(application, link.case)
        if p.exists():
            out.append(DecisionFile(link.case.public_id, f"{link.item.name}办理结果决定书", p))
    return out


_font_ready = False


def _font() -> str:
    global _font_ready
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not _font_ready:
        pdfmetrics.registerFont(TTFont("WQY", FONT, subfontIndex=0))
        _font_ready = True
    return "WQY"


def render(application, case, *, approved: bool) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    w, h = A4
    c.setFont(font, 20)
    c.drawCentredString(w / 2, h - 40 * mm, "准予办理决定书" if approved else "不予办理决定书")
    c.setFont(font, 11)
    c.drawCentredString(w / 2, h - 50 * mm, f"{case.department.name}　{case.number}")
    lines = [
        f"申请人：{case.applicant_name}",
        f"申请编号：{application.number}",
        f"申请事项：{case.title}",
        f"受理时间：{timezone.localtime(case.started_at):%Y年%m月%d日}",
        "",
        (f"经审查，你（单位）申请的“{case.title}”符合法定条件，本机关决定准予办理。" if approved else
         f"经审查，你（单位）申请的“{case.title}”不符合法定条件，本机关决定不予办理。"),
    ]
    if case.outcome_note:
        lines.append(f"说明：{case.outcome_note}")
    if not approved:
        lines.append("如不服本决定，可自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。")
    y = h - 70 * mm
    for line in lines:
        while line:
            chunk, line = line[:38], line[38:]
            c.drawString(25 * mm, y, chunk)
            y -= 8 * mm
    c.drawRightString(w - 25 * mm, 70 * mm, case.department.name)
    c.drawRightString(w - 25 * mm, 62 * mm, f"{timezone.localdate():%Y年%m月%d日}")
    c.showPage()
    c.save()
    return buf.getvalue()


def issue_decision(application, case) -> Path | None:
    """Render, seal and store the decision for ``case`` (idempotent: an existing file is kept)."""
    from digigov.core.context import acting_as
    from digigov.core.errors import DigiGovError
    from digigov.core.rbac.system import system_account
    from digigov.support.license.actions.licences import issuing_seal
    from digigov.support.seal.documents import sign_pdf
    from digigov.support.workflow.models import CaseStatus

    target = path_for(application, case)
    if target.exists():
        return target
    system = system_account()
    try:
        seal = issuing_seal(case.department)
    except DigiGovError:
        return None
    pdf = render(application, case, approved=case.status == CaseStatus.APPROVED)
    with acting_as(system, channel="system"):
        signed, _ = sign_pdf(system, seal, pdf, document_name=f"{case.number}决定书.pdf", reason="办理结果决定书")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(signed)
    tmp.replace(target)
    return target
