"""REST API of 平台级联 at /api/v1/data/federation/: peers (register — the response carries, once, the
credential issued to the peer — change the address or the credential the peer issued us, suspend or
resume, synchronise its catalog), what we offer a peer (offer one of the department's entries) and what
it offers us (mirrored entries) with the synchronisation history. Objects are addressed by ``public_id``."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema, Status
from pydantic import Field

from digigov.core.api import Page, StrictSchema, errors, get_or_404, paginate, permission
from digigov.core.org.models import Department

from . import actions, selectors
from .models import FederationPeer, MirroredEntry, SyncRun

router = Router(tags=["data.federation 平台级联"])


class PeerIn(StrictSchema):
    code: str = Field(max_length=16, description="平台代码：2–16 位大写字母或数字，以字母开头（如 LNPROV）")
    name: str = Field(max_length=100)
    level: str = Field("province", description="province（上级平台）| city（同级平台）| county（下级平台）")
    gateway_url: str = Field(max_length=300, description="对方网关地址，如 https://gw.province.example/")
    department: str = Field(max_length=32, description="本地对接单位代码：镜像目录的提供单位，审核本地对镜像目录的共享申请")
    remote_app_key: str = Field("", max_length=64, description="对方平台发给本平台的应用标识（可稍后填写）")
    remote_secret: str = Field("", max_length=64, description="对方平台发给本平台的应用密钥（只写，不回显）")


class PeerUpdateIn(StrictSchema):
    name: str | None = Field(None, max_length=100)
    gateway_url: str | None = Field(None, max_length=300)
    remote_app_key: str | None = Field(None, max_length=64, description="与 remote_secret 同时更换")
    remote_secret: str | None = Field(None, max_length=64)


class PeerStatusIn(StrictSchema):
    status: str = Field(description="active（恢复）| suspended（暂停）")
    reason: str = Field("", max_length=200, description="暂停时必填")


class PeerOut(Schema):
    public_id: str
    code: str
    name: str
    level: str
    level_label: str
    gateway_url: str
    department_name: str
    inbound_app_key: str = Field(description="本平台发给对方的应用标识")
    has_credential: bool = Field(description="是否已登记对方发给本平台的凭据")
    status: str
    status_label: str
    last_sync_at: datetime | None
    last_sync_status_label: str
    mirror_count: int
    created_at: datetime


class PeerCreatedOut(PeerOut):
    inbound_app_secret: str = Field(description="本平台发给对方的应用密钥，仅此一次显示")


def peer_out(p: FederationPeer) -> dict:
    return {"public_id": p.public_id, "code": p.code, "name": p.name, "level": p.level, "level_label": p.get_level_display(),
            "gateway_url": p.gateway_url, "department_name": p.department.name, "inbound_app_key": p.inbound_app.app_key,
            "has_credential": p.has_credential, "status": p.status, "status_label": p.get_status_display(), "last_sync_at": p.last_sync_at,
            "last_sync_status_label": p.get_last_sync_status_display(), "mirror_count": getattr(p, "mirror_count", 0),
            "created_at": p.created_at}


class OfferIn(StrictSchema):
    entry: str = Field(max_length=22, description="目录条目 public_id（本部门已发布、可共享的条目）")
    fields: list[str] = Field(max_length=200, description="提供的信息项字段名（核心数据除外）")
    clear_fields: list[str] = Field(default_factory=list, max_length=200, description="以明文提供的信息项（其余按分级脱敏）")
    purpose: str = Field(max_length=500, description="共享用途")
    valid_until: date | None = Field(None, description="有效期至，缺省一年")


class OfferOut(Schema):
    public_id: str = Field(description="共享授权 public_id（撤销使用共享授权接口）")
    entry_code: str
    entry_name: str
    department_name: str
    fields: list[str]
    clear_fields: list[str]
    status: str
    status_label: str
    valid_until: date | None
    created_at: datetime


def offer_out(s) -> dict:
    return {"public_id": s.public_id, "entry_code": s.entry.code, "entry_name": s.entry.name, "department_name": s.entry.department.name,
            "fields": list(s.fields or []), "clear_fields": list(s.clear_fields or []), "status": s.status,
            "status_label": s.get_status_display(), "valid_until": s.valid_until, "created_at": s.created_at}


class MirrorOut(Schema):
    entry: str = Field(description="本地镜像目录条目 public_id")
    entry_code: str
    entry_name: str
    remote_code: str
    remote_department: str
    status: str
    status_label: str
    endpoint: str = Field(description="级联接口（对方网关）地址")
    synced_at: datetime


def mirror_out(m: MirroredEntry) -> dict:
    return {"entry": m.entry.public_id, "entry_code": m.entry.code, "entry_name": m.entry.name, "remote_code": m.remote_code,
            "remote_department": m.remote_department, "status": m.status, "status_label": m.get_status_display(),
            "endpoint": m.mount.endpoint, "synced_at": m.synced_at}


class SyncRunOut(Schema):
    public_id: str
    status: str
    status_label: str
    offered: int
    created: int
    updated: int
    withdrawn: int
    message: str
    created_at: datetime


def run_out(r: SyncRun) -> dict:
    return {"public_id": r.public_id, "status": r.status, "status_label": r.get_status_display(), "offered": r.offered, "created": r.created,
            "updated": r.updated, "withdrawn": r.withdrawn, "message": r.message, "created_at": r.created_at}


def _peer(request, public_id: str) -> FederationPeer:
    return get_or_404(selectors.peers(request.auth), public_id=public_id[:22])


@router.get("/peers", response=Page[PeerOut], summary="级联平台列表")
@permission("federation.view")
def list_peers(request, page: int = 1, page_size: int = 50):
    return paginate(selectors.peers(request.auth), page, page_size, peer_out)


@router.post("/peers", response={201: PeerCreatedOut}, summary="登记级联平台（返回发给对方的应用密钥，仅此一次）")
@permission("federation.manage")
@errors(404)
def register_peer(request, payload: PeerIn):
    department = get_or_404(Department.objects.filter(voided_at__isnull=True), code=payload.department)
    peer, _key, secret = actions.register_peer(request.auth, code=payload.code, name=payload.name, level=payload.level,
                                               gateway_url=payload.gateway_url, department=department,
                                               remote_app_key=payload.remote_app_key, remote_secret=payload.remote_secret)
    return Status(201, {**peer_out(selectors.peers(request.auth).get(pk=peer.pk)), "inbound_app_secret": secret})


@router.get("/peers/{public_id}", response=PeerOut, summary="级联平台详情")
@permission("federation.view")
def get_peer(request, public_id: str):
    return peer_out(_peer(request, public_id))


@router.post("/peers/{public_id}", response=PeerOut, summary="修改级联平台（名称、网关地址、对方发给本平台的凭据）")
@permission("federation.manage")
def update_peer(request, public_id: str, payload: PeerUpdateIn):
    peer = actions.update_peer(request.auth, _peer(request, public_id), name=payload.name, gateway_url=payload.gateway_url,
                               remote_app_key=payload.remote_app_key, remote_secret=payload.remote_secret)
    return peer_out(selectors.peers(request.auth).get(pk=peer.pk))


@router.post("/peers/{public_id}/status", response=PeerOut, summary="暂停或恢复级联平台")
@permission("federation.manage")
def set_peer_status(request, public_id: str, payload: PeerStatusIn):
    peer = actions.set_peer_status(request.auth, _peer(request, public_id), payload.status, reason=payload.reason)
    return peer_out(selectors.peers(request.auth).get(pk=peer.pk))


@router.post("/peers/{public_id}/sync", response=SyncRunOut, summary="同步对方平台目录（结果为成功或失败的同步记录）")
@permission("federation.manage")
def sync_peer(request, public_id: str):
    return run_out(actions.sync_peer(request.auth, _peer(request, public_id)))


@router.get("/peers/{public_id}/sync-runs", response=Page[SyncRunOut], summary="目录同步记录")
@permission("federation.view")
def list_sync_runs(request, public_id: str, page: int = 1, page_size: int = 50):
    return paginate(selectors.sync_runs(_peer(request, public_id)), page, page_size, run_out)


@router.get("/peers/{public_id}/offers", response=Page[OfferOut], summary="本平台向对方提供的目录")
@permission("federation.view")
def list_offers(request, public_id: str, page: int = 1, page_size: int = 50):
    return paginate(selectors.offers(_peer(request, public_id)), page, page_size, offer_out)


@router.post("/peers/{public_id}/offers", response={201: OfferOut}, summary="向级联平台提供本部门的目录条目")
@permission("federation.offer")
@errors(404)
def create_offer(request, public_id: str, payload: OfferIn):
    peer = _peer(request, public_id)
    entry = get_or_404(selectors.offerable_entries(request.auth), public_id=payload.entry)
    sub = actions.offer_entry(request.auth, peer, entry, fields=payload.fields, clear_fields=payload.clear_fields, purpose=payload.purpose,
                              valid_until=payload.valid_until)
    return Status(201, offer_out(selectors.offers(peer).get(pk=sub.pk)))


@router.get("/peers/{public_id}/mirrors", response=Page[MirrorOut], summary="对方平台提供、已镜像到本平台目录的条目")
@permission("federation.view")
def list_mirrors(request, public_id: str, page: int = 1, page_size: int = 50):
    return paginate(selectors.mirrors(_peer(request, public_id)), page, page_size, mirror_out)
