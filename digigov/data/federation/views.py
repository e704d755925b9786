"""Workbench pages of 平台级联: the peers, one peer (its address, the credentials, what we offer it, what
it offers us and the synchronisation history), registering a peer (the credential issued to it is shown
once), editing it, suspending or resuming it, synchronising its catalog and offering it an entry."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import actions, selectors
from .forms import OfferForm, PeerEditForm, PeerForm, StatusForm
from .models import PeerStatus, SyncStatus


def _field_error(form, exc: DigiGovError) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)


def _peer(request, public_id: str):
    return get_or_404(selectors.peers(request.user), public_id=public_id)


@requires("federation.view")
def peers(request):
    return render(request, "federation/peers.html", {"peers": list(selectors.peers(request.user)),
                                                     "can_manage": can(request.user, "federation.manage")})


@never_cache
@requires("federation.manage")
@require_http_methods(["GET", "POST"])
def peer_new(request):
    form = PeerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            peer, key, secret = actions.register_peer(request.user, **form.cleaned_data)
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            response = render(request, "federation/peer_created.html", {"peer": peer, "app_key": key, "secret": secret})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "web/form.html", {"form": form, "title": _("登记级联平台"), "submit_label": _("登记"),
                                             "intro": _("登记后本页将显示一次发给对方平台的应用标识和密钥，请通过安全渠道交给对方平台管理员。")},
                  status=400 if form.errors else 200)


@requires("federation.view")
def peer_detail(request, public_id):
    peer = _peer(request, public_id)
    manage = selectors.may_manage(request.user, peer)
    offers = list(selectors.offers(peer)[:100])
    mirrors = list(selectors.mirrors(peer)[:200])
    linked_offers, linked_entries = selectors.linkable(request.user, offers, mirrors)  # only pages the user may open
    counts = selectors.item_counts([m.entry_id for m in mirrors])
    return render(request, "federation/peer.html", {
        "peer": peer, "can_manage": manage, "can_offer": selectors.may_offer(request.user) and peer.status == PeerStatus.ACTIVE,
        "can_sync": manage and peer.status == PeerStatus.ACTIVE and peer.has_credential,
        "offers": [(s, s.pk in linked_offers) for s in offers],
        "mirrors": [(m, m.entry_id in linked_entries, counts.get(m.entry_id, 0)) for m in mirrors], "status_form": StatusForm(),
        **paginate(request, selectors.sync_runs(peer), per_page=10)})


@never_cache
@requires("federation.manage")
@require_http_methods(["GET", "POST"])
def peer_edit(request, public_id):
    peer = _peer(request, public_id)
    form = PeerEditForm(request.POST or None, initial={"name": peer.name, "gateway_url": peer.gateway_url,
                                                       "remote_app_key": peer.remote_app_key})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        change_credential = bool(d["remote_secret"]) or d["remote_app_key"] != peer.remote_app_key
        try:
            actions.update_peer(request.user, peer, name=d["name"], gateway_url=d["gateway_url"],
                                remote_app_key=d["remote_app_key"] if change_credential else None,
                                remote_secret=d["remote_secret"] if change_credential else None)
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("级联平台已保存"))
            return redirect("federation:peer", public_id=peer.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("修改级联平台") + " · " + peer.name, "submit_label": _("保存")},
                  status=400 if form.errors else 200)


@requires("federation.manage")
@require_POST
def peer_status(request, public_id):
    peer = _peer(request, public_id)
    status = request.POST.get("status", "")
    try:
        actions.set_peer_status(request.user, peer, status, reason=request.POST.get("reason", ""))
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("级联平台已恢复") if status == PeerStatus.ACTIVE else _("级联平台已暂停"))
    return redirect("federation:peer", public_id=peer.public_id)


@requires("federation.manage")
@require_POST
def peer_sync(request, public_id):
    peer = _peer(request, public_id)
    try:
        run = actions.sync_peer(request.user, peer)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        if run.status == SyncStatus.OK:
            messages.success(request, _("目录同步完成：对方提供 %(o)d 条，新增 %(c)d 条，更新 %(u)d 条，撤回 %(w)d 条") % {
                "o": run.offered, "c": run.created, "u": run.updated, "w": run.withdrawn})
        else:
            messages.error(request, _("目录同步失败：") + run.message)
    return redirect("federation:peer", public_id=peer.public_id)


@requires("federation.offer")
def offer_entry_pick(request, public_id):
    peer = _peer(request, public_id)
    qs = selectors.offerable_entries(request.user)
    q = (request.GET.get("q") or "").strip()[:50]
    if q:
        qs = qs.filter(name__contains=q)
    return render(request, "federation/offer_pick.html", {"peer": peer, "q": q, **paginate(request, qs)})


@requires("federation.offer")
@require_http_methods(["GET", "POST"])
def offer_new(request, public_id, entry_id):
    peer = _peer(request, public_id)
    entry = get_or_404(selectors.offerable_entries(request.user), public_id=entry_id)
    items = list(entry.items.order_by("seq"))
    form = OfferForm(request.POST or None, items=items,
                     initial={"purpose": _("向%(peer)s提供%(entry)s") % {"peer": peer.name, "entry": entry.name}})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.offer_entry(request.user, peer, entry, fields=d["fields"], clear_fields=d["clear_fields"], purpose=d["purpose"],
                                valid_until=d["valid_until"])
        except DigiGovError as exc:
            _field_error(form, exc)
        else:
            messages.success(request, _("已向%(peer)s提供该目录条目，对方同步目录后即可申请使用") % {"peer": peer.name})
            return redirect("federation:peer", public_id=peer.public_id)
    return render(request, "web/form.html", {"form": form, "title": _("向%(peer)s提供目录：%(entry)s") % {"peer": peer.name, "entry": entry.name},
                                             "submit_label": _("提供"),
                                             "intro": _("对方平台按所选信息项调用本平台网关；未选为明文的个人信息项按分级规则脱敏，调用记入访问记录。")},
                  status=400 if form.errors else 200)
