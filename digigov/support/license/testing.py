"""Test helpers of the e-licence app (import from tests and the API fuzz world only).

``make_licence`` writes a ``Licence`` row directly, with placeholder file bytes: the wallet, grants and use log
do not read the files, and issuance (with its seal and OFD) is tested where it is built. ``quick_type`` writes a
type row directly; ``make_type`` creates one through the action (结婚证 fields by default) for issuance tests."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from digigov.core.testing import resident_id

from .models import HolderKind, Licence, LicenceSource, LicenceStatus, LicenceType

_seq = itertools.count(1)


def quick_type(department, *, code: str | None = None, name: str = "食品经营许可证", holder_kind: str = HolderKind.PERSON,
              is_licensing: bool = True) -> LicenceType:
    code = code or f"T{next(_seq):05d}"
    return LicenceType.objects.create(code=code, name=name, holder_kind=holder_kind, department=department,
                                      fields=[{"key": "scope", "label": "经营范围", "type": "string", "required": True}],
                                      valid_years=5, is_licensing=is_licensing)


def make_licence(licence_type: LicenceType, *, holder_code: str, holder_name: str = "李华", status: str = LicenceStatus.VALID,
                 valid_until: dt.date | None = None, data: dict | None = None, number: str | None = None, is_demo: bool = False) -> Licence:
    n = next(_seq)
    today = timezone.localdate()
    return Licence.objects.create(
        identifier=f"1.2.156.3005.2.{licence_type.code}.{n:08d}", number=number or f"JY2{n:013d}", licence_type=licence_type,
        holder_kind=licence_type.holder_kind, holder_code=holder_code, holder_name=holder_name,
        data=data if data is not None else {"scope": "预包装食品销售"}, issuer=licence_type.department,
        issued_on=today - dt.timedelta(days=30), valid_from=today - dt.timedelta(days=30),
        valid_until=valid_until if valid_until is not None else today + dt.timedelta(days=365 * 5), status=status,
        source=LicenceSource.APPROVAL, ofd=b"PK\x03\x04placeholder-ofd", pdf=b"%PDF-1.7 placeholder", is_demo=is_demo)


def wallet_world(city) -> dict:
    """Real objects for the API fuzz test's wallet paths: a citizen's licence and an open grant of it."""
    from digigov.core.accounts.models import NaturalPerson
    from digigov.core.testing import make_user, resident_id
    from digigov.support.window.models import ServiceHall

    from . import grants

    person = NaturalPerson.objects.create(id_number=resident_id("210602", "19850505"), name="证照持有人", gender="F",
                                          birth_date="1985-05-05", division=city.county_a)
    holder = make_user("citizen")
    holder.person = person
    holder.save(update_fields=["person"])
    licence = make_licence(quick_type(city.bureau, name="食品经营许可证"), holder_code=person.id_number, holder_name=person.name)
    hall = ServiceHall.objects.filter(division=city.county_a).first() or ServiceHall.objects.create(
        name="元宝区政务服务中心", division=city.county_a, counters=4)
    made = grants.grant_use(holder, licence, grantee_kind="window", hall=hall, purpose="模糊测试", hours=24)
    base = "/api/v1/my/licences"
    return {f"{base}/grants/": made.grant.public_id, f"{base}/": licence.public_id}



MARRIAGE_FIELDS = [
    {"key": "name", "label": "姓名", "type": "text", "required": True},
    {"key": "id_number", "label": "公民身份号码", "type": "id_number", "required": True},
    {"key": "spouse_name", "label": "配偶姓名", "type": "text", "required": True},
    {"key": "spouse_id_number", "label": "配偶公民身份号码", "type": "id_number", "required": True},
    {"key": "register_date", "label": "登记日期", "type": "date", "required": True},
    {"key": "remark", "label": "备注", "type": "text", "required": False},
]


def make_type(department, *, code: str = "100000CA001", name: str = "结婚证", holder_kind: str = "person", fields=None,
              valid_years=None, actor=None):
    from digigov.core.rbac.system import system_account

    from .actions.types import create_type

    return create_type(actor or system_account(), code=code, name=name, holder_kind=holder_kind, department=department,
                       fields=fields or MARRIAGE_FIELDS, valid_years=valid_years, page="A5 横向")


def marriage_data(**over) -> dict:
    return {"spouse_name": "李四", "spouse_id_number": resident_id(), "register_date": "2025-05-20", **over}
