"""Every write of 平台级联: permission check, validation, one transaction, one audit entry.

Permissions: ``federation.view`` (see peers, offers and mirrors), ``federation.manage`` (register a peer,
record the credential it issued us, suspend it, synchronise its catalog — the data administrators of the
peer's local liaison department, or the city administrator), ``federation.offer`` (offer one of the
department's own entries to a peer: a grant of the peer's inbound app, then managed like any grant).
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.crypto import sm3_hex
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.org.checks import active_department
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text
from digigov.data.catalog.actions.mounts import _endpoint as checked_url
from digigov.data.catalog.models import (CatalogEntry, Category, CategoryKind, DataItem, DataLevel, DataType, EntryStatus, ItemFormat,
                                         MountedResource, MountKind, PersonalKind, SharingType, UpdateCycle)
from digigov.data.sharing.actions.apps import create_app
from digigov.data.sharing.actions.requests import MAX_PERIOD_DAYS, _field_list, shareable_problem
from digigov.data.sharing.models import (AppStatus, ConsumerApp, Subscription, SubscriptionSource, SubscriptionStatus,
                                         bump_policy_version)

from . import client, signer
from .models import FederationPeer, MirroredEntry, MirrorStatus, PeerLevel, PeerStatus, SyncRun, SyncStatus
from .offer import MAX_LIMIT, PROTOCOL

CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
REMOTE_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,63}$")
FIELD_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_PAGES = 200  # a peer offers at most MAX_PAGES × MAX_LIMIT entries per synchronisation
PEER_FIELDS = ("code", "name", "level", "gateway_url", "department", "remote_app_key", "status")


def _gateway_url(value) -> str:
    try:
        url = checked_url(value)
    except ValidationFailed as exc:
        raise ValidationFailed("对方网关地址应为以 http:// 或 https:// 开头的完整网址", code=exc.code,
                               detail={"field": "gateway_url"}) from None
    return url.rstrip("/")


def _credential(app_key, secret, *, required: bool) -> tuple[str, str]:
    app_key = clean_text(app_key, "remote_app_key", "对方发给本平台的应用标识", 64, required=required)
    secret = clean_text(secret, "remote_secret", "对方发给本平台的应用密钥", 64, required=required)
    if bool(app_key) != bool(secret):
        field = "remote_secret" if app_key else "remote_app_key"
        raise ValidationFailed("应用标识和应用密钥应同时填写", code="credential_incomplete", detail={"field": field})
    if app_key and not app_key.isalnum():
        raise ValidationFailed("应用标识只能包含字母和数字", code="invalid_app_key", detail={"field": "remote_app_key"})
    return app_key, secret


@transaction.atomic
def register_peer(actor, *, code: str, name: str, gateway_url: str, department, level: str = PeerLevel.PROVINCE,
                  remote_app_key: str = "", remote_secret: str = "", rate_limit: int = 200,
                  daily_quota: int = 1_000_000) -> tuple[FederationPeer, str, str]:
    """Register a peer platform. Issues the peer its calling app here; returns the peer, that app's key and
    its secret in clear (shown once: hand them to the peer's administrators)."""
    active_department(department)
    require(actor, "federation.manage", department)
    code = clean_text(code, "code", "平台代码", 16).upper()
    if not CODE_RE.match(code):
        raise ValidationFailed("平台代码应为 2 到 16 位大写字母或数字，以字母开头", code="invalid_code", detail={"field": "code"})
    name = clean_text(name, "name", "平台名称", 100)
    if level not in PeerLevel.values:
        raise ValidationFailed("级联关系无效", code="invalid_level", detail={"field": "level"})
    url = _gateway_url(gateway_url)
    key, secret = _credential(remote_app_key, remote_secret, required=False)
    if FederationPeer.objects.filter(code=code).exists():
        raise Conflict("已有该代码的级联平台", code="peer_exists", detail={"field": "code"})
    app, app_secret = create_app(actor, kind="peer", name=f"{name}（级联）"[:100], description=f"级联平台 {code} 调用本平台网关",
                                 rate_limit=rate_limit, daily_quota=daily_quota)
    peer = FederationPeer.objects.create(code=code, name=name, level=level, gateway_url=url, department=department, inbound_app=app,
                                         remote_app_key=key, remote_secret=secret, created_by=actor)
    record(actor, "federation.peer.register", peer, after={**snapshot(peer, PEER_FIELDS), "inbound_app": app.app_key})
    return peer, app.app_key, app_secret


@transaction.atomic
def update_peer(actor, peer: FederationPeer, *, name: str | None = None, gateway_url: str | None = None,
                remote_app_key: str | None = None, remote_secret: str | None = None) -> FederationPeer:
    """Change the name, the gateway address or the credential the peer issued us (both halves together)."""
    peer = FederationPeer.objects.select_for_update(of=("self",)).select_related("department").get(pk=peer.pk)
    require(actor, "federation.manage", peer)
    before = snapshot(peer, PEER_FIELDS)
    if name is not None:
        peer.name = clean_text(name, "name", "平台名称", 100)
    if gateway_url is not None:
        peer.gateway_url = _gateway_url(gateway_url)
    if remote_app_key is not None or remote_secret is not None:
        peer.remote_app_key, peer.remote_secret = _credential(remote_app_key, remote_secret, required=True)
    peer.save()
    signer.clear_cache()
    after = snapshot(peer, PEER_FIELDS)
    if remote_secret is not None:
        after["remote_secret"] = "（已更换）"  # never the secret itself
    record(actor, "federation.peer.update", peer, before=before, after=after)
    return peer


@transaction.atomic
def set_peer_status(actor, peer: FederationPeer, status: str, *, reason: str = "") -> FederationPeer:
    """Suspend (its calls to us and our calls to it stop) or resume a peer."""
    if status not in PeerStatus.values:
        raise ValidationFailed("状态无效", code="invalid_status", detail={"field": "status"})
    peer = FederationPeer.objects.select_for_update(of=("self",)).select_related("department", "inbound_app").get(pk=peer.pk)
    require(actor, "federation.manage", peer)
    reason = clean_text(reason, "reason", "原因", 200, required=status == PeerStatus.SUSPENDED)
    if peer.status == status:
        raise Conflict("级联平台已是该状态", code="status_unchanged")
    before = snapshot(peer, ("status",))
    peer.status = status
    peer.save(update_fields=["status", "updated_at"])
    ConsumerApp.objects.filter(pk=peer.inbound_app_id).exclude(status=AppStatus.REVOKED).update(
        status=AppStatus.ACTIVE if status == PeerStatus.ACTIVE else AppStatus.SUSPENDED, updated_at=timezone.now())
    bump_policy_version()
    signer.clear_cache()
    record(actor, "federation.peer.resume" if status == PeerStatus.ACTIVE else "federation.peer.suspend", peer, before=before,
           after={"status": status, "reason": reason})
    return peer


# --- offers: our entries granted to a peer ----------------------------------------------------------------
@transaction.atomic
def offer_entry(actor, peer: FederationPeer, entry: CatalogEntry, *, fields, clear_fields=(), purpose: str,
                valid_until: dt.date | None = None) -> Subscription:
    """Offer one of the department's published entries to a peer: a grant of the peer's inbound app with
    the chosen items (core items never leave) and those given in clear. Revoke it like any grant."""
    entry = CatalogEntry.objects.select_for_update(of=("self",)).select_related("department__division").get(pk=entry.pk)
    require(actor, "federation.offer", entry)
    peer = FederationPeer.objects.select_related("inbound_app").get(pk=peer.pk)
    if peer.status != PeerStatus.ACTIVE:
        raise Conflict("该级联平台已暂停", code="peer_suspended", detail={"field": "peer"})
    problem = shareable_problem(entry)
    if problem:
        raise ValidationFailed(problem[0], code=problem[1], detail={"field": "entry"})
    if MirroredEntry.objects.filter(entry=entry).exists():
        raise ValidationFailed("级联镜像的目录条目不能再提供给其他平台", code="entry_is_mirror", detail={"field": "entry"})
    fields = _field_list(fields, "fields", "信息项", required=True)
    clear = _field_list(clear_fields, "clear_fields", "明文信息项", required=False)
    items = {i.field_name: i for i in entry.items.all()}
    unknown = [f for f in fields if f not in items]
    if unknown:
        raise ValidationFailed("信息项不属于该目录条目：" + "、".join(unknown[:5]), code="unknown_fields", detail={"field": "fields"})
    core = [items[f].name for f in fields if items[f].level >= DataLevel.CORE]
    if core:
        raise ValidationFailed("核心数据信息项不能提供给其他平台：" + "、".join(core[:5]), code="core_fields", detail={"field": "fields"})
    if not set(clear) <= set(fields):
        raise ValidationFailed("明文信息项应在所选信息项之内", code="clear_not_in_fields", detail={"field": "clear_fields"})
    purpose = clean_text(purpose, "purpose", "共享用途", 500)
    today = timezone.localdate()
    if valid_until is not None:
        if not isinstance(valid_until, dt.date) or isinstance(valid_until, dt.datetime) or valid_until < today:
            raise ValidationFailed("有效期至不能早于今天", code="invalid_date", detail={"field": "valid_until"})
        if (valid_until - today).days > MAX_PERIOD_DAYS:
            raise ValidationFailed("有效期最长三年", code="period_too_long", detail={"field": "valid_until"})
    else:
        valid_until = today + dt.timedelta(days=365)
    if Subscription.objects.filter(app=peer.inbound_app, entry=entry, status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED]).exists():
        raise Conflict("已向该平台提供此目录条目，如需调整请先撤销原授权", code="already_offered", detail={"field": "entry"})
    sub = Subscription.objects.create(app=peer.inbound_app, entry=entry, source=SubscriptionSource.PEER, fields=fields, clear_fields=clear,
                                      purpose=purpose, valid_from=today, valid_until=valid_until, created_by=actor)
    bump_policy_version()
    record(actor, "federation.offer", sub, after={"peer": peer.code, "entry": entry.code, "fields": fields, "clear_fields": clear,
                                                   "valid_until": valid_until})
    return sub


# --- synchronisation: what a peer offers us becomes mirrored entries --------------------------------------
def _category(peer: FederationPeer) -> Category:
    return Category.objects.get_or_create(code=f"FED-{peer.code}", defaults={"name": f"{peer.name}级联资源"[:100], "kind": CategoryKind.THEME})[0]


def _choice(value, choices, default):
    return value if value in choices.values else default


def _int_choice(value, choices, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value in choices.values else default


def _clean_offer(raw) -> dict | None:
    """One offered entry, checked field by field (a peer is trusted to be a platform, not to be well-formed);
    None when it cannot be mirrored."""
    if not isinstance(raw, dict):
        return None
    code, path = raw.get("code"), raw.get("path")
    if not isinstance(code, str) or not REMOTE_CODE_RE.match(code) or not isinstance(path, str) or not path.startswith("/gw/v1/"):
        return None
    if any(c.isspace() for c in path) or "?" in path or ".." in path or len(path) > 300:
        return None
    fields = []
    for f in raw.get("fields") or []:
        if not isinstance(f, dict) or not isinstance(f.get("field_name"), str) or not FIELD_RE.match(f["field_name"]):
            continue
        name = f.get("name") if isinstance(f.get("name"), str) and f.get("name").strip() else f["field_name"]
        fields.append({"field_name": f["field_name"], "name": name.strip()[:100],
                       "data_type": _choice(f.get("data_type"), DataType, DataType.STRING),
                       "format": _choice(f.get("format"), ItemFormat, ""),
                       "level": min(_int_choice(f.get("level"), DataLevel, DataLevel.GENERAL), DataLevel.IMPORTANT),
                       "personal": _int_choice(f.get("personal"), PersonalKind, PersonalKind.NONE),
                       "clear": f.get("clear") is True})
    names = [f["field_name"] for f in fields]
    if not fields or len(set(names)) != len(names) or len(fields) > 200:
        return None
    text = lambda key, n: (raw.get(key).strip()[:n] if isinstance(raw.get(key), str) else "")  # noqa: E731
    name = text("name", 200)
    if not name:
        return None
    return {"code": code, "name": name, "abstract": text("abstract", 1800), "department": text("department", 100),
            "category": text("category", 100), "path": path,
            "sharing_type": SharingType.UNCONDITIONAL if raw.get("sharing_type") == SharingType.UNCONDITIONAL else SharingType.CONDITIONAL,
            "update_cycle": _choice(raw.get("update_cycle"), UpdateCycle, UpdateCycle.MONTHLY), "fields": fields}


def _sync_items(entry: CatalogEntry, fields: list[dict]) -> None:
    """The entry's items become exactly ``fields``, in order: updated in place (what refers to an item
    keeps referring to it), new ones added, ones no longer offered removed."""
    existing = {i.field_name: i for i in DataItem.objects.filter(entry=entry)}
    wanted = {f["field_name"] for f in fields}
    DataItem.objects.filter(entry=entry).exclude(field_name__in=wanted).delete()
    if existing:  # out of the way of the (entry, seq) constraint while renumbering
        DataItem.objects.filter(entry=entry).update(seq=F("seq") + 100_000)
    new = []
    for n, f in enumerate(fields, 1):
        values = dict(seq=n, name=f["name"], data_type=f["data_type"], format=f["format"], level=f["level"], personal=f["personal"])
        item = existing.get(f["field_name"])
        if item is None:
            new.append(DataItem(entry=entry, field_name=f["field_name"], **values))
        else:
            DataItem.objects.filter(pk=item.pk).update(**values)
    DataItem.objects.bulk_create(new)


def _mirror_code(peer: FederationPeer, remote_code: str) -> str:
    code = f"{peer.code}-{remote_code}"
    return code if len(code) <= 64 else f"{peer.code}-{sm3_hex(remote_code.encode())[:40]}"


def _apply(actor, peer: FederationPeer, offer: dict, mirror: MirroredEntry | None, category: Category, now) -> str:
    """Create or update one mirror; returns "created", "updated" or "same"."""
    digest = sm3_hex(json.dumps(offer, sort_keys=True, ensure_ascii=False).encode())
    if mirror is not None and mirror.digest == digest and mirror.status == MirrorStatus.ACTIVE:
        return "same"
    level = max((f["level"] for f in offer["fields"]), default=DataLevel.GENERAL)
    personal = max((f["personal"] for f in offer["fields"]), default=PersonalKind.NONE)
    origin = f"（来源：{peer.name}" + (f" {offer['department']}" if offer["department"] else "") + "，级联共享）"
    values = dict(name=offer["name"], abstract=(offer["abstract"] or offer["name"]) + origin, department=peer.department, category=category,
                  sharing_type=offer["sharing_type"], update_cycle=offer["update_cycle"], status=EntryStatus.PUBLISHED, level=level,
                  personal=personal, published_on=timezone.localdate(), maintainer=actor)
    endpoint = peer.gateway_url + offer["path"]
    if mirror is None:
        entry = CatalogEntry.objects.create(code=_mirror_code(peer, offer["code"]), version=1, **values)
        mount = None
    else:
        entry = CatalogEntry.objects.select_for_update(of=("self",)).get(pk=mirror.entry_id)
        for k, v in values.items():
            setattr(entry, k, v)
        entry.version += 1
        entry.voided_at = None
        mount = mirror.mount
    _sync_items(entry, offer["fields"])
    entry.save()  # after the items: the catalog index reads them on save
    if mount is None or mount.endpoint != endpoint or mount.voided_at is not None:
        if mount is not None and mount.voided_at is None:
            mount.voided_at, mount.void_reason, mount.voided_by = now, "级联接口地址变更", actor
            mount.save(update_fields=["voided_at", "void_reason", "voided_by", "updated_at"])
        mount = MountedResource.objects.create(entry=entry, kind=MountKind.API, name=f"级联接口：{offer['name']}"[:200], endpoint=endpoint,
                                               method="GET", mounted_by=actor)
    if mirror is None:
        MirroredEntry.objects.create(peer=peer, remote_code=offer["code"], remote_department=offer["department"], entry=entry, mount=mount,
                                     digest=digest, synced_at=now)
        return "created"
    if mirror.status == MirrorStatus.WITHDRAWN:  # offered again: the local grants suspended on withdrawal stay for the provider to resume
        mirror.status = MirrorStatus.ACTIVE
    mirror.remote_department, mirror.mount, mirror.digest, mirror.synced_at = offer["department"], mount, digest, now
    mirror.save()
    return "updated"


def _withdraw(actor, mirror: MirroredEntry, now) -> None:
    mirror.status, mirror.synced_at = MirrorStatus.WITHDRAWN, now
    mirror.save(update_fields=["status", "synced_at"])
    entry = CatalogEntry.objects.select_for_update(of=("self",)).get(pk=mirror.entry_id)
    entry.status = EntryStatus.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    Subscription.objects.filter(entry=entry, status=SubscriptionStatus.ACTIVE).update(status=SubscriptionStatus.SUSPENDED, updated_at=now)


def _fetch_offer(peer: FederationPeer) -> list[dict]:
    offers, after = [], ""
    for _ in range(MAX_PAGES):
        data = client.get_json(peer, "/gw/v1/federation/catalog", {"after": after, "limit": MAX_LIMIT})
        if data.get("protocol") != PROTOCOL or not isinstance(data.get("entries"), list):
            raise client.PeerError("peer_bad_response", "对方平台返回的目录格式无法识别")
        offers.extend(data["entries"])
        nxt = data.get("next")
        if not nxt:
            return offers
        if not isinstance(nxt, str) or nxt <= after:
            raise client.PeerError("peer_bad_response", "对方平台返回的分页标记无效")
        after = nxt
    raise client.PeerError("peer_offer_too_large", f"对方平台提供的目录超过 {MAX_PAGES * MAX_LIMIT} 条")


def sync_peer(actor, peer: FederationPeer) -> SyncRun:
    """Read the peer's catalog offer (signed, page by page) and bring our mirrors in line with it: new
    entries mirrored, changed ones updated, ones no longer offered withdrawn (their local grants suspended).
    The network read happens before the transaction; a failure is recorded as a failed run, never half applied."""
    require(actor, "federation.manage", peer)
    if peer.status != PeerStatus.ACTIVE:
        raise Conflict("该级联平台已暂停", code="peer_suspended")
    error, offers = None, []
    try:
        offers = _fetch_offer(peer)
    except client.PeerError as exc:
        error = exc
    with transaction.atomic():
        peer = FederationPeer.objects.select_for_update(of=("self",)).select_related("department").get(pk=peer.pk)
        now = timezone.now()
        run = SyncRun(peer=peer, actor=actor, status=SyncStatus.OK)
        if error is not None:
            run.status, run.message = SyncStatus.FAILED, error.message[:300]
        else:
            cleaned = {}
            for raw in offers:
                offer = _clean_offer(raw)
                if offer is not None and offer["code"] not in cleaned:
                    cleaned[offer["code"]] = offer
            run.offered = len(cleaned)
            skipped = len(offers) - len(cleaned)
            mirrors = {m.remote_code: m for m in MirroredEntry.objects.filter(peer=peer).select_related("mount")}
            category = _category(peer) if cleaned else None
            for code, offer in cleaned.items():
                outcome = _apply(actor, peer, offer, mirrors.get(code), category, now)
                if outcome == "created":
                    run.created += 1
                elif outcome == "updated":
                    run.updated += 1
            for code, mirror in mirrors.items():
                if code not in cleaned and mirror.status == MirrorStatus.ACTIVE:
                    _withdraw(actor, mirror, now)
                    run.withdrawn += 1
            if skipped:
                run.message = f"{skipped} 条目录格式不完整，未镜像"
            if run.created or run.updated or run.withdrawn:
                bump_policy_version()
                signer.clear_cache()
        run.save()
        peer.last_sync_at, peer.last_sync_status = now, run.status
        peer.save(update_fields=["last_sync_at", "last_sync_status", "updated_at"])
        record(actor, "federation.sync", run, after={"peer": peer.code, "status": run.status, "offered": run.offered, "created": run.created,
                                                      "updated": run.updated, "withdrawn": run.withdrawn, "message": run.message})
    return run
