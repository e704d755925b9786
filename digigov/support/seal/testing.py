"""Test helpers of the seal registry (other apps' tests use them too).

* ``made_seal`` — a seal made through the real actions (a dept admin applies, a city admin approves);
* ``make_seal`` — the same result written directly (no application), for tests that only need a usable seal:
  an active seal signed by the city's seal maker with the unit's certificate in its certList."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.utils import timezone

from digigov.core.testing import make_user

from .models import Seal, SealType

_seq = itertools.count(1)


def stamp_png(text: str = "") -> bytes:
    """A small red round stamp image (the seal registry draws the real one)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (160, 160), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((6, 6, 154, 154), outline=(200, 20, 30, 255), width=8)
    d.regular_polygon((80, 80, 26), 5, rotation=180, fill=(200, 20, 30, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def make_seal(department, *, seal_type: int = 1, name: str | None = None, actor=None, years: int = 3, days: int | None = None,
              start=None, code: str | None = None, signer_certs=None):
    """An active 公章 (default) of ``department`` the system account and the unit's ``seal.sign`` holders can use.

    ``signer_certs`` (default: the unit's certificate, issued if missing) is the seal's certList; ``code``,
    ``start`` and ``days`` (else ``years``) pin the esID and the validity for tests that need them."""
    from digigov.core.rbac.system import system_account

    from . import ca, ses, signing
    actor = actor or system_account()
    _, maker = ca.ensure_ca(actor)
    if signer_certs is None:
        signer_certs = [ca.issue_unit_certificate(actor, department)]
    now = start or timezone.now().replace(microsecond=0)
    end = now + (dt.timedelta(days=days) if days is not None else dt.timedelta(days=365 * years))
    png = stamp_png()
    name = name or (department.name if seal_type == SealType.OFFICIAL else f"{department.name}{SealType(seal_type).label}")
    while code is None:
        candidate = f"2106{department.pk % 10**6:06d}{next(_seq):04d}"
        if not Seal.objects.filter(code=candidate).exists():
            code = candidate
    info = ses.seal_info(es_id=code, seal_type=seal_type, name=name, signer_certs=[bytes(c.der) for c in signer_certs], created=now,
                         valid_start=now, valid_end=end, picture_png=png, width_mm=40, height_mm=40)
    der = ses.make_seal(info, maker_cert=bytes(maker.der), maker_key=signing.private_key(maker))
    seal = Seal.objects.create(code=code, name=name, seal_type=seal_type, department=department, maker_cert=maker,
                               image_png=png, width_mm=40, height_mm=40, der=der, valid_start=now, valid_end=end)
    seal.signers.set(signer_certs)
    return seal


def made_seal(department, *, seal_type=SealType.OFFICIAL, name=None, holders=(), applicant=None, approver=None,
              valid_years=5) -> Seal:
    """A seal of ``department`` applied for by its dept admin and approved by a city admin."""
    applicant = applicant or make_user("dept_admin", department=department)
    approver = approver or make_user("city_admin")
    from . import actions

    app, _ = actions.apply_for_seal(applicant, department=department, seal_type=seal_type,
                                    name=name or (department.name if seal_type == SealType.OFFICIAL else f"{department.name}{SealType(seal_type).label}"),
                                    holders=list(holders), valid_years=valid_years, reason="测试用章")
    return actions.approve(approver, app, "同意").seal
