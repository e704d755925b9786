"""免填: pre-fill a form from the base registries, the e-licence index and the applicant's profile.

Stable entry point (the portal, the window and the task pages call it)::

    prefill(version, *, actor, person=None, legal_person=None, consent=None, purpose="") -> (data, provenance)

* ``version.bindings`` maps a field path to a source string:
  ``registries.person.<attribute>`` / ``registries.enterprise.<attribute>`` (the golden record of the
  applicant's person / legal person, ``digigov.data.registries``), ``licence.<licence type>.<field>`` (the
  newest valid row of ``registries.LicenceIndex`` held by the applicant; fields: licence_no, licence_name,
  holder_name, issued_on, valid_until, issuer) and ``profile.<field>`` (the applicant's own account data,
  ``PROFILE_FIELDS``).
* Who may read: the holder themself (``actor.person == person``; for a legal person, its legal
  representative or an authorised agent), or a window clerk (``window.receive``) with the holder's
  ``consent`` (anything with ``scope``, ``expires_at``, ``revoked_at`` — ``window.Consent``) that covers
  ``registries`` / ``licences``. Values come back in clear (the holder's own data; masking does not apply);
  each golden record read is audited with ``record_pii_read`` naming the fields and the purpose.
* ``data`` holds the values found (missing ones are left out); ``provenance`` maps each filled path to
  ``{"source", "label" (来自 公安局·人口基础库), "digest", "confirmed": False, "changed": False}``. ``digest``
  is a keyed hash of the value: ``submit`` compares it with the answer to record whether the applicant
  changed it, without storing the pre-filled value twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.crypto import salted_hmac

from digigov.core.audit.actions import record_pii_read
from digigov.core.errors import Forbidden, ValidationFailed
from digigov.core.pii import blind
from digigov.core.rbac.checks import can
from digigov.data.registries import purpose as pp
from digigov.data.registries.attributes import BY_REGISTRY
from digigov.data.registries.models import AttributeAuthority, EnterpriseRecord, LicenceIndex, LicenceStatus, PersonRecord, RecordStatus
from digigov.data.registries.selectors import ENTERPRISE_COLUMNS, PERSON_COLUMNS

REGISTRY_NAMES = {"person": "人口基础库", "enterprise": "法人基础库"}

PROFILE_FIELDS: dict[str, str] = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "gender": "性别",
    "birth_date": "出生日期",
    "phone": "手机号码",
    "address": "住址",
    "enterprise_name": "单位名称",
    "uscc": "统一社会信用代码",
    "enterprise_address": "单位住所",
}

LICENCE_FIELDS: dict[str, str] = {
    "licence_no": "证照编号",
    "licence_name": "证照名称",
    "holder_name": "持证主体名称",
    "issued_on": "发证日期",
    "valid_until": "有效期至",
    "issuer": "发证部门",
}

DEFAULT_PURPOSE = "政务服务办理：表单免填"


@dataclass(frozen=True)
class Source:
    code: str
    label: str  # what the binding editor lists: 人口基础库·姓名


def known_source(code) -> bool:
    """Whether a binding's source string names something ``prefill`` can read."""
    if not isinstance(code, str):
        return False
    parts = code.split(".")
    if len(parts) == 3 and parts[0] == "registries" and parts[1] in BY_REGISTRY:
        return any(a.code == parts[2] for a in BY_REGISTRY[parts[1]])
    if len(parts) == 3 and parts[0] == "licence":
        return bool(parts[1]) and len(parts[1]) <= 32 and parts[2] in LICENCE_FIELDS
    if len(parts) == 2 and parts[0] == "profile":
        return parts[1] in PROFILE_FIELDS
    return False


def source_catalogue(licence_types: list[tuple[str, str]] | None = None) -> list[Source]:
    """The sources the binding editor offers, in Chinese."""
    out = [Source(f"profile.{k}", f"申请人资料·{v}") for k, v in PROFILE_FIELDS.items()]
    for reg, attrs in BY_REGISTRY.items():
        out += [Source(f"registries.{reg}.{a.code}", f"{REGISTRY_NAMES[reg]}·{a.label}") for a in attrs]
    if licence_types is None:
        licence_types = list(LicenceIndex.objects.order_by().values_list("licence_type", "licence_name").distinct()[:50])
    for code, name in sorted(set(licence_types)):
        out += [Source(f"licence.{code}.{k}", f"电子证照·{name}·{v}") for k, v in LICENCE_FIELDS.items()]
    return out


def source_label(code: str) -> str:
    """The Chinese name of a source string (for pages showing a binding)."""
    parts = code.split(".") if isinstance(code, str) else []
    if len(parts) == 3 and parts[0] == "registries" and parts[1] in REGISTRY_NAMES:
        from digigov.data.registries.attributes import label

        return f"{REGISTRY_NAMES[parts[1]]}·{label(parts[1], parts[2])}"
    if len(parts) == 3 and parts[0] == "licence":
        name = LicenceIndex.objects.filter(licence_type=parts[1]).values_list("licence_name", flat=True).first() or "电子证照"
        return f"{name}·{LICENCE_FIELDS.get(parts[2], '')}"
    if len(parts) == 2 and parts[0] == "profile":
        return f"申请人资料·{PROFILE_FIELDS.get(parts[1], '')}"
    return "未知来源"


def digest(value) -> str:
    """Keyed digest of an answer: provenance keeps it to tell later whether the applicant changed the value."""
    return salted_hmac("digigov.forms.prefill", repr(value)).hexdigest()[:32]


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _holder(actor, person, legal_person) -> bool:
    """The actor is the person whose data is read, and — for a legal person — its legal representative or
    an authorised agent (both, when both are named)."""
    me = getattr(actor, "person_id", None)
    if not me or (person is None and legal_person is None):
        return False
    if person is not None and person.pk != me:
        return False
    if legal_person is not None and legal_person.legal_representative_id != me:
        today = timezone.localdate()
        if not legal_person.agents.filter(agent=actor, voided_at__isnull=True, valid_from__lte=today).exclude(valid_until__lt=today).exists():
            return False
    return True


def _consent_covers(consent, scope: str) -> bool:
    if consent is None:
        return False
    now = timezone.now()
    if getattr(consent, "revoked_at", None) or (getattr(consent, "expires_at", None) and consent.expires_at <= now):
        return False
    return scope in (getattr(consent, "scope", None) or [])


def _check_access(actor, person, legal_person, consent, sources: set[str]) -> None:
    if _holder(actor, person, legal_person):
        return
    if not can(actor, "window.receive"):
        raise Forbidden("只能调取本人（或本单位）的数据；窗口人员须经申请人授权", code="prefill_forbidden")
    if consent is None:
        raise Forbidden("调取申请人数据须先取得申请人授权", code="consent_required")
    if "registries" in sources and not _consent_covers(consent, "registries"):
        raise Forbidden("申请人的授权不包括基础库数据，或授权已失效", code="consent_scope")
    if "licence" in sources and not _consent_covers(consent, "licences"):
        raise Forbidden("申请人的授权不包括电子证照，或授权已失效", code="consent_scope")


def _authorities() -> dict[tuple[str, str], str]:
    return {(a.registry, a.attribute): (a.department.short_name or a.department.name)
            for a in AttributeAuthority.objects.select_related("department")}


def _golden_value(record, registry: str, attr: str):
    columns = PERSON_COLUMNS if registry == "person" else ENTERPRISE_COLUMNS
    raw = getattr(record, attr) if attr in columns else (record.attributes or {}).get(attr)
    text = _text(raw)
    return pp.display(registry, attr, text) if text is not None else None


def prefill(version, *, actor, person=None, legal_person=None, consent=None, purpose: str = "") -> tuple[dict, dict]:
    """Values for the bound fields of ``version`` and where each came from (see the module docstring)."""
    bindings = {k: v for k, v in (version.bindings or {}).items() if known_source(v)}
    if not bindings:
        return {}, {}
    if person is None and legal_person is None:
        person = getattr(actor, "person", None)
    kinds = {"registries" if v.startswith("registries.") else v.split(".")[0] for v in bindings.values()}
    _check_access(actor, person, legal_person, consent, kinds)
    purpose = purpose or DEFAULT_PURPOSE

    data: dict = {}
    provenance: dict = {}
    golden: dict[str, object] = {}
    read_fields: dict[str, set[str]] = {"person": set(), "enterprise": set()}
    authorities = _authorities() if "registries" in kinds else {}
    licences: dict[str, LicenceIndex | None] = {}

    def put(path: str, value, source: str, label: str):
        if value is None or value == "":
            return
        set_path(data, path, value)
        provenance[path] = {"source": source, "label": label, "digest": digest(value), "confirmed": False, "changed": False}

    for path, source in bindings.items():
        parts = source.split(".")
        if parts[0] == "registries":
            registry, attr = parts[1], parts[2]
            if registry not in golden:
                golden[registry] = _find_golden(registry, person, legal_person)
            record = golden[registry]
            if record is None:
                continue
            value = _golden_value(record, registry, attr)
            if value is not None:
                read_fields[registry].add(attr)
                dept = authorities.get((registry, attr))
                put(path, value, source, f"来自 {dept}·{REGISTRY_NAMES[registry]}" if dept else f"来自 {REGISTRY_NAMES[registry]}")
        elif parts[0] == "licence":
            ltype, fld = parts[1], parts[2]
            if ltype not in licences:
                licences[ltype] = _find_licence(ltype, person, legal_person)
            lic = licences[ltype]
            if lic is None:
                continue
            value = lic.issuer.name if fld == "issuer" else _text(getattr(lic, fld))
            put(path, value, source, f"来自 电子证照·{lic.licence_name}")
        elif parts[0] == "profile":
            put(path, _profile_value(parts[1], person, legal_person), source, "来自 实名认证资料")
    for registry, fields in read_fields.items():
        personal = {f for f in fields if pp.is_personal(registry, f)}
        if personal:
            record_pii_read(actor, golden[registry], personal, purpose)
    return data, provenance


def _find_golden(registry: str, person, legal_person):
    if registry == "person" and person is not None and person.id_number:
        return PersonRecord.objects.filter(blind(PersonRecord, "id_number", person.id_number), status=RecordStatus.ACTIVE).first()
    if registry == "enterprise" and legal_person is not None:
        return EnterpriseRecord.objects.filter(uscc=legal_person.uscc, status=RecordStatus.ACTIVE).first()
    return None


def _find_licence(ltype: str, person, legal_person):
    code = legal_person.uscc if legal_person is not None else (person.id_number if person is not None else "")
    if not code:
        return None
    return (LicenceIndex.objects.filter(blind(LicenceIndex, "holder_code", code), licence_type=ltype, status=LicenceStatus.VALID)
            .select_related("issuer").order_by("-issued_on", "-pk").first())


def _profile_value(fld: str, person, legal_person):
    if fld in ("enterprise_name", "uscc", "enterprise_address"):
        if legal_person is None:
            return None
        return {"enterprise_name": legal_person.name, "uscc": legal_person.uscc, "enterprise_address": legal_person.address}[fld] or None
    if person is None:
        return None
    if fld == "gender":
        return person.get_gender_display()
    return _text(getattr(person, fld, None))


def get_path(data, path: str):
    """The answer at ``path`` (``applicant.name`` inside a group with a path), ``(value, found)``."""
    cur = data
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None, False
        cur = cur[part]
    return cur, True


def set_path(data: dict, path: str, value) -> None:
    parts = path.split(".")
    cur = data
    for part in parts[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = cur[part] = {}
        cur = nxt
    cur[parts[-1]] = value


def clean_provenance(version, data: dict, provenance) -> dict:
    """What a submission stores: for each answer that came from data, its source, whether the applicant
    confirmed it and whether they changed it (decided here, from the digest, not from what the browser says)."""
    if not isinstance(provenance, dict):
        return {}
    bindings = version.bindings or {}
    out = {}
    for path, info in provenance.items():
        if not isinstance(info, dict) or path not in bindings:
            continue
        source = bindings[path]
        value, found = get_path(data, path)
        changed = digest(value) != info.get("digest") if found else True
        label = info.get("label") if isinstance(info.get("label"), str) and len(info.get("label")) <= 100 else source_label(source)
        out[path] = {"source": source, "label": label, "digest": str(info.get("digest") or "")[:64],
                     "confirmed": bool(info.get("confirmed")) and not changed, "changed": changed}
    return out


def purpose_for(purpose: str | None) -> str:
    if purpose is not None and not isinstance(purpose, str):
        raise ValidationFailed("用途应为文本", code="invalid_purpose", detail={"field": "purpose"})
    return (purpose or "").strip()[:100] or DEFAULT_PURPOSE
