"""Workbench pages of 分类分级: the per-department overview, the proposal queue, the propose form with the
rule suggestions pre-filled, confirm/reject, the grading history and the masked data preview."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.rbac.checks import can
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate
from digigov.data.catalog.selectors import visible_entries

from . import actions, policy, preview, selectors, suggest
from .forms import DecisionForm, ProposeForm, WithdrawForm
from .models import ProposalStatus


@requires("grading.view")
def overview(request):
    rows = selectors.department_overview(request.user)
    totals = {"entries": sum(r.entries for r in rows), "items": sum(r.items for r in rows),
              "unclassified": sum(r.unclassified for r in rows), "pending": sum(r.pending for r in rows)}
    return render(request, "grading/overview.html", {
        "rows": rows, "totals": totals, "can_propose": can(request.user, "grading.propose"),
        "can_confirm": can(request.user, "grading.confirm"),
    })


@requires("grading.view")
def proposals(request):
    qs = selectors.proposals(request.user)
    status = request.GET.get("status", "")
    if status in ProposalStatus.values:
        qs = qs.filter(status=status)
    return render(request, "grading/proposals.html", {
        "status": status, "statuses": ProposalStatus.choices, "can_propose": can(request.user, "grading.propose"),
        **paginate(request, qs.order_by("-created_at", "-id")),
    })


def _detail(request, p, form=None, withdraw_form=None, status=200):
    pending = p.status == ProposalStatus.PENDING
    can_decide = pending and can(request.user, "grading.confirm", p)
    can_withdraw = pending and can(request.user, "grading.propose", p)
    batch = selectors.proposals(request.user).filter(batch=p.batch).exclude(pk=p.pk).order_by("item__seq", "id")
    entry = p.entry
    after_level = max(entry.level, p.level) if p.item_id else p.level
    after_personal = max(entry.personal, p.personal) if p.item_id else p.personal
    problems = policy.check_entry_types({"level": after_level, "personal": after_personal,
                                         "sharing_type": entry.sharing_type, "open_type": entry.open_type}) if pending else []
    return render(request, "grading/proposal_detail.html", {
        "p": p, "batch": batch, "can_decide": can_decide, "can_withdraw": can_withdraw, "problems": [m for _, m in problems],
        "form": form or (DecisionForm() if can_decide else None),
        "withdraw_form": withdraw_form or (WithdrawForm() if can_withdraw else None),
        "changes": p.changes.select_related("item").order_by("id"),
    }, status=status)


@requires("grading.view")
def proposal_detail(request, public_id):
    return _detail(request, get_or_404(selectors.proposals(request.user), public_id=public_id))


@requires("grading.confirm")
@require_POST
def proposal_decide(request, public_id):
    p = get_or_404(selectors.proposals(request.user, "grading.confirm"), public_id=public_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, p, form, status=400)
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    try:
        if decision == "confirm":
            actions.confirm_proposal(request.user, p, note)
            messages.success(request, _("已确认，级别已写入目录"))
        elif decision == "confirm_batch":
            done = actions.confirm_batch(request.user, p.batch, note)
            messages.success(request, _("已确认本批 %(n)s 条建议") % {"n": len(done)})
        else:
            actions.reject_proposal(request.user, p, note)
            messages.success(request, _("已驳回"))
    except DigiGovError as exc:
        form.add_error(None, exc.message)
        return _detail(request, get_or_404(selectors.proposals(request.user), pk=p.pk), form, status=exc.status)
    return redirect("grading:proposal", public_id=p.public_id)


@requires("grading.propose")
@require_POST
def proposal_withdraw(request, public_id):
    p = get_or_404(selectors.proposals(request.user, "grading.propose"), public_id=public_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _detail(request, p, withdraw_form=form, status=400)
    try:
        actions.withdraw_proposal(request.user, p)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("建议已撤回"))
    return redirect("grading:proposal", public_id=p.public_id)


@requires("grading.propose")
def propose_pick(request):
    qs = selectors.entries(request.user, "grading.propose")
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return render(request, "grading/propose_pick.html", {"q": q, **paginate(request, qs.order_by("code", "id"))})


@requires("grading.propose")
@require_http_methods(["GET", "POST"])
def propose(request, public_id):
    entry = get_or_404(selectors.entries(request.user, "grading.propose"), public_id=public_id)
    items = list(entry.items.all().order_by("seq"))
    suggestions = suggest.suggest_entry(items)
    form = ProposeForm(request.POST or None, entry=entry, items=items, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.propose_levels(request.user, entry, form.lines({i.pk: i for i in items}),
                                             reason=form.cleaned_data["reason"], basis=form.cleaned_data["basis"])
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in ("reason", "basis") else None, exc.message)
        else:
            messages.success(request, _("已提交 %(n)s 条分级建议，等待数据主管部门确认") % {"n": len(created)})
            return redirect("grading:proposal", public_id=created[0].public_id)
    return render(request, "grading/propose.html", {"entry": entry, "form": form, "suggestions": suggestions},
                  status=400 if form.errors else 200)


@requires("grading.view")
def history(request):
    qs = selectors.changes(request.user)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(entry__name__icontains=q) | Q(entry__code__icontains=q) | Q(item__name__icontains=q))
    return render(request, "grading/history.html", {"q": q, **paginate(request, qs.order_by("-at", "-id"))})


@requires("grading.view")
def preview_page(request, public_id):
    entry = get_or_404(visible_entries(request.user).select_related("department"), public_id=public_id)
    error = ""
    result = None
    try:
        result = preview.preview_rows(request.user, entry, after=request.GET.get("after") or None)
    except DigiGovError as exc:
        error = exc.message
    return render(request, "grading/preview.html", {"entry": entry, "result": result, "error": error,
                                                    "masked": set(result.masked) if result else set()})
