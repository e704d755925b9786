"""Workbench pages of the data-resource catalog: overview, search list, entry detail and editor,
review queue (待我审核), 共享目录 / 开放目录 per department, 需求目录 and 责任清单.

Lists call ``search.search_entries`` (the catalog's one search entry point); every write goes through
``actions``; controls appear only for those who may use them (``can`` with the object)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core.errors import DigiGovError, NotFound, get_or_404
from digigov.core.org.models import Department
from digigov.core.rbac.checks import can
from digigov.core.web import charts
from digigov.core.web.decorators import requires
from digigov.core.web.listing import paginate

from . import actions, selectors
from .forms import (DemandForm, EntryForm, ItemFormSet, MountForm, OpinionForm, ReasonForm, ReplyForm, ResponsibilityForm,
                    departments_for, item_initial)
from .models import (CatalogEntry, CategoryKind, DataLevel, DemandStatus, EntryStatus, MountKind, OpenType, SharingType)
from .search import SearchFilters, search_entries

PAGE = 20


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filters(request) -> tuple[str, SearchFilters, dict]:
    g = request.GET
    q = (g.get("q") or "").strip()[:100]
    dept_pid = g.get("department") or ""
    dept = Department.objects.filter(public_id=dept_pid).only("pk").first() if dept_pid else None
    f = SearchFilters(
        department_id=dept.pk if dept else None,
        category_kind=g.get("kind") if g.get("kind") in CategoryKind.values else None,
        sharing_type=g.get("sharing") if g.get("sharing") in SharingType.values else None,
        open_type=g.get("open") if g.get("open") in OpenType.values else None,
        level=_int(g.get("level")) if _int(g.get("level")) in DataLevel.values else None,
        status=g.get("status") if g.get("status") in EntryStatus.values else None,
    )
    chosen = {"q": q, "department": dept_pid if dept else "", "kind": f.category_kind or "", "sharing": f.sharing_type or "",
              "open": f.open_type or "", "level": str(f.level or ""), "status": f.status or ""}
    return q, f, chosen


def _choices() -> dict:
    return {"kinds": CategoryKind.choices, "sharings": SharingType.choices, "opens": OpenType.choices, "levels": DataLevel.choices,
            "statuses": EntryStatus.choices}


def _department_options(user):
    """Departments the filter offers: those that own an entry the user may see (one grouped query)."""
    ids = selectors.visible_entries(user).values("department_id").distinct()
    return Department.objects.filter(pk__in=ids).order_by("path").only("public_id", "name")


def _search_page(request, template: str, title: str):
    q, f, chosen = _filters(request)
    after = (request.GET.get("after") or "")[:64] or None
    rows, cursor = search_entries(request.user, q, f, after=after, limit=PAGE)
    params = {k: v for k, v in chosen.items() if v}
    return render(request, template, {
        "title": title, "entries": rows, "chosen": chosen, "departments": _department_options(request.user),
        "next_url": f"?{urlencode(params | {'after': cursor})}" if cursor else "", "first_url": f"?{urlencode(params)}" if after else "",
        "can_edit": can(request.user, "catalog.edit"), **_choices(),
    })


@requires("catalog.view")
def entry_list(request):
    return _search_page(request, "catalog/list.html", _("目录检索"))


def _directory(request, title: str, exclude: dict, kind: str):
    """A per-department directory of published entries (共享目录 / 开放目录): the department filter keeps
    a department and its subtree."""
    qs = selectors.visible_entries(request.user).filter(status=EntryStatus.PUBLISHED).exclude(**exclude)
    dept_pid = request.GET.get("department") or ""
    dept = Department.objects.filter(public_id=dept_pid).first() if dept_pid else None
    if dept is not None:
        qs = qs.filter(department__path__startswith=dept.path)
    page = paginate(request, qs.select_related("department", "category").order_by("department__path", "code"), PAGE)
    return render(request, "catalog/directory.html", {
        "title": title, "kind": kind, "department": dept.public_id if dept else "",
        "departments": Department.objects.filter(pk__in=selectors.visible_entries(request.user).filter(status=EntryStatus.PUBLISHED)
                                                 .values("department_id")).order_by("path").only("public_id", "name"),
        **page,
    })


@requires("catalog.view")
def shared(request):
    """共享目录: published entries whose sharing type is not 不予共享."""
    return _directory(request, _("共享目录"), {"sharing_type": SharingType.NONE}, "shared")


@requires("catalog.view")
def open_directory(request):
    """开放目录: published entries whose open type is not 不予开放."""
    return _directory(request, _("开放目录"), {"open_type": OpenType.NONE}, "open")


@requires("catalog.view")
def overview(request):
    visible = selectors.visible_entries(request.user)
    by_status = dict(visible.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    statuses = [(label, by_status.get(value, 0)) for value, label in EntryStatus.choices]
    by_dept = list(visible.values("department__name").annotate(
        total=Count("pk"), published=Count("pk", filter=Q(status=EntryStatus.PUBLISHED)),
        reviewing=Count("pk", filter=Q(status__in=(EntryStatus.DEPT_REVIEW, EntryStatus.AUTHORITY_REVIEW)) | Q(
            pending_status__in=(EntryStatus.DEPT_REVIEW, EntryStatus.AUTHORITY_REVIEW))),
    ).order_by("-total", "department__name")[:30])
    # catalog growth: published entries per month of 发布日期, cumulative over the last 12 months
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    months = []
    m = start
    while m <= today:
        months.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    published = visible.filter(status=EntryStatus.PUBLISHED)
    before = published.filter(published_on__lt=start).count()
    per_month = dict(published.filter(published_on__gte=start).annotate(m=TruncMonth("published_on")).values_list("m").annotate(
        n=Count("pk")).values_list("m", "n"))
    running, series = before, []
    for m in months:
        running += per_month.get(m, 0)
        series.append(running)
    chart = charts.count_lines(_("已发布目录条目累计数（近12个月）"), [m.strftime("%Y-%m") for m in months],
                               [(_("已发布"), series, charts.BLUE)], unit=_("条"))
    return render(request, "catalog/overview.html", {
        "total": sum(by_status.values()), "statuses": statuses, "by_dept": by_dept, "chart": chart,
        "published_total": by_status.get(EntryStatus.PUBLISHED, 0), "queue_count": selectors.review_queue(request.user).count(),
        "can_edit": can(request.user, "catalog.edit"),
    })


@requires("catalog.view")
def review_queue(request):
    return render(request, "catalog/review.html", paginate(request, selectors.review_queue(request.user), PAGE))


# --- entry detail and its actions -------------------------------------------------------------------
def _entry(request, public_id) -> CatalogEntry:
    try:
        return selectors.entry_for(request.user, public_id)
    except NotFound:
        return get_or_404(CatalogEntry.objects.none(), public_id=public_id)


def _labelled_items(entry: CatalogEntry):
    return entry.items.select_related("code_list").order_by("seq")


def _detail_context(request, entry: CatalogEntry) -> dict:
    user = request.user
    rs = entry.review_status
    editable = rs in (EntryStatus.DRAFT, EntryStatus.RETURNED) and not (entry.status == EntryStatus.PUBLISHED and not entry.pending_status)
    may_edit = can(user, "catalog.edit", entry)
    pending_items = None
    if entry.pending is not None:
        from .models import DataType, ItemFormat

        pending_items = [{**i, "data_type_label": DataType(i["data_type"]).label,
                          "format_label": ItemFormat(i["format"]).label if i["format"] else ""} for i in entry.pending["items"]]
    revisions = list(entry.revisions.select_related("actor").order_by("-at", "-id")[:50])
    return {
        "entry": entry, "items": _labelled_items(entry), "mounts": selectors.mounts_of(entry), "revisions": revisions,
        "pending_items": pending_items, "pending_summary": _pending_summary(entry),
        "can_edit": may_edit and editable,
        "can_submit": may_edit and editable,
        "can_revise": may_edit and entry.status == EntryStatus.PUBLISHED and entry.pending is None,
        "can_withdraw": may_edit and (entry.pending is not None or entry.status == EntryStatus.PUBLISHED),
        "can_void": may_edit and (entry.version == 0 or entry.status == EntryStatus.WITHDRAWN),
        "can_mount": may_edit, "mount_form": MountForm() if may_edit else None,
        "can_dept_review": rs == EntryStatus.DEPT_REVIEW and can(user, "catalog.dept_review", entry),
        "can_authority_review": rs == EntryStatus.AUTHORITY_REVIEW and can(user, "catalog.authority_review", entry),
        "opinion_form": OpinionForm(), "reason_form": ReasonForm(),
        "table_missing": _table_missing(entry),
    }


def _pending_summary(entry: CatalogEntry) -> str:
    if entry.pending is None:
        return ""
    from .actions._common import live_document, summarize

    return summarize(live_document(entry), entry.pending)


def _table_missing(entry: CatalogEntry) -> set[str]:
    """Table mounts whose physical table does not exist yet (never aggregated): shown with a message."""
    from django.db import connection

    names = [m.table_name for m in selectors.mounts_of(entry) if m.kind == MountKind.TABLE and m.table_name]
    if not names:
        return set()
    existing = set(connection.introspection.table_names())
    return {n for n in names if n not in existing}


@requires("catalog.view")
def entry_detail(request, public_id):
    entry = _entry(request, public_id)
    return render(request, "catalog/entry.html", _detail_context(request, entry))


@requires("catalog.view")
@require_POST
def entry_act(request, public_id, op):
    """One POST endpoint per lifecycle step (submit / dept_review / authority_review / revise / withdraw / void)."""
    entry = _entry(request, public_id)
    form = None
    try:
        if op == "submit":
            actions.submit_entry(request.user, entry)
            messages.success(request, _("已提交部门审核"))
        elif op in ("dept_review", "authority_review"):
            form = OpinionForm(request.POST)
            if not form.is_valid():
                raise DigiGovError(_("请选择审核结果"), status=400)
            approve = form.cleaned_data["decision"] == "approve"
            fn = actions.dept_review if op == "dept_review" else actions.authority_review
            fn(request.user, entry, approve=approve, opinion=form.cleaned_data["opinion"])
            messages.success(request, (_("已发布") if op == "authority_review" else _("已通过，报数据主管部门审核")) if approve else _("已退回"))
        elif op == "revise":
            actions.revise_entry(request.user, entry)
            messages.success(request, _("已发起变更，已发布版本在变更发布前保持不变"))
            return redirect("catalog:entry_edit", public_id=entry.public_id)
        elif op in ("withdraw", "void"):
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise DigiGovError(_("请填写原因"), status=400)
            if op == "withdraw":
                actions.withdraw_entry(request.user, entry, form.cleaned_data["reason"])
                messages.success(request, _("已撤销"))
            else:
                actions.void_entry(request.user, entry, form.cleaned_data["reason"])
                messages.success(request, _("已作废"))
                return redirect("catalog:list")
        else:
            raise NotFound()
    except NotFound:
        raise
    except DigiGovError as exc:
        ctx = _detail_context(request, selectors.entry_for(request.user, public_id))
        ctx["error"] = exc.message
        return render(request, "catalog/entry.html", ctx, status=exc.status)
    return redirect("catalog:entry", public_id=entry.public_id)


@requires("catalog.edit")
@require_POST
def mount_add(request, public_id):
    entry = _entry(request, public_id)
    form = MountForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.mount_resource(request.user, entry, kind=d["kind"], name=d["name"], endpoint=d["endpoint"],
                                   method=d["method"] or "GET", upload=d["file"])
        except DigiGovError as exc:
            error = exc.message
            status = exc.status
        else:
            messages.success(request, _("已挂载"))
            return redirect("catalog:entry", public_id=entry.public_id)
    else:
        error, status = _("请检查挂载信息"), 400
    ctx = _detail_context(request, entry)
    ctx.update(error=error, mount_form=form)
    return render(request, "catalog/entry.html", ctx, status=status)


@requires("catalog.edit")
@require_POST
def mount_remove(request, public_id, mount_id):
    entry = _entry(request, public_id)
    mount = get_or_404(selectors.mounts_of(entry), public_id=mount_id)
    try:
        actions.unmount_resource(request.user, mount, request.POST.get("reason") or _("取消挂载"))
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已取消挂载"))
    return redirect("catalog:entry", public_id=entry.public_id)


# --- the editor -------------------------------------------------------------------------------------
def _apply_error(exc: DigiGovError, form, formset) -> None:
    field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
    if field and field.startswith("items."):
        parts = field.split(".")
        n = _int(parts[1])
        kept = [f for f in formset.forms if not (formset.can_delete and f.cleaned_data.get("DELETE"))]
        if n is not None and n < len(kept):
            target = kept[n]
            name = parts[2] if len(parts) > 2 else None
            target.add_error(name if name in target.fields else None, exc.message)
            return
        formset._non_form_errors = formset.error_class([exc.message])
        return
    form.add_error(field if field in form.fields else None, exc.message)


def _editor(request, entry: CatalogEntry | None):
    if request.method == "POST":
        form = EntryForm(request.POST, user=request.user, entry=entry)
        formset = ItemFormSet(request.POST, prefix="items")
        if "add_row" in request.POST:
            # a new empty row: re-render with one more form, nothing is saved
            data = request.POST.copy()
            data["items-TOTAL_FORMS"] = str(int(data.get("items-TOTAL_FORMS", 0) or 0) + 1)
            form = EntryForm(data, user=request.user, entry=entry)
            formset = ItemFormSet(data, prefix="items")
            return _editor_page(request, entry, form, formset, status=200, bound_quiet=True)
        if form.is_valid() and formset.is_valid():
            items = [f.item() for f in formset.forms if f.has_changed() or f.cleaned_data]
            items = [i for f, i in zip([f for f in formset.forms if f.has_changed() or f.cleaned_data], items)
                     if not f.cleaned_data.get("DELETE") and i.get("name")]
            try:
                if entry is None:
                    entry = actions.create_entry(request.user, department=form.cleaned_data["department"], code=form.cleaned_data["code"],
                                                 items=items, **form.entry_fields())
                    messages.success(request, _("已保存草稿"))
                else:
                    actions.update_entry(request.user, entry, items=items, **form.entry_fields())
                    messages.success(request, _("已保存"))
            except DigiGovError as exc:
                _apply_error(exc, form, formset)
                return _editor_page(request, entry, form, formset, status=exc.status if exc.status != 409 else 400)
            return redirect("catalog:entry", public_id=entry.public_id)
        return _editor_page(request, entry, form, formset, status=400)
    if entry is None:
        form = EntryForm(user=request.user)
        formset = ItemFormSet(prefix="items", initial=[{}])
    else:
        doc_fields = entry.pending["fields"] if entry.pending is not None else None
        initial = doc_fields or {k: getattr(entry, k) for k in ("name", "abstract", "resource_format", "sharing_type", "sharing_condition",
                                                               "sharing_basis", "open_type", "open_condition", "update_cycle")}
        initial = dict(initial)
        initial["category"] = doc_fields["category"] if doc_fields else entry.category_id
        form = EntryForm(user=request.user, entry=entry, initial=initial)
        items = entry.pending["items"] if entry.pending is not None else list(entry.items.order_by("seq"))
        formset = ItemFormSet(prefix="items", initial=item_initial(items))
    return _editor_page(request, entry, form, formset)


def _editor_page(request, entry, form, formset, status=200, bound_quiet=False):
    if bound_quiet:  # after 添加一行 show no errors yet
        form._errors = {}
        for f in formset.forms:
            f._errors = {}
        formset._non_form_errors = formset.error_class()
    title = _("编制目录条目") if entry is None else _("编辑目录条目：%(name)s") % {"name": entry.name}
    return render(request, "catalog/editor.html", {"form": form, "formset": formset, "entry": entry, "title": title}, status=status)


@requires("catalog.edit")
@require_http_methods(["GET", "POST"])
def entry_new(request):
    return _editor(request, None)


@requires("catalog.edit")
@require_http_methods(["GET", "POST"])
def entry_edit(request, public_id):
    entry = _entry(request, public_id)
    if not can(request.user, "catalog.edit", entry):
        return get_or_404(CatalogEntry.objects.none(), public_id=public_id)
    if entry.review_status not in (EntryStatus.DRAFT, EntryStatus.RETURNED) or (entry.status == EntryStatus.PUBLISHED and not entry.pending_status):
        messages.error(request, _("目录条目当前不能编辑（已发布的条目请先发起变更）"))
        return redirect("catalog:entry", public_id=entry.public_id)
    return _editor(request, entry)


# --- 需求目录 -----------------------------------------------------------------------------------------
@requires("catalog.view")
def demands(request):
    qs = selectors.demands(request.user)
    side = request.GET.get("side", "")
    mine = departments_for(request.user, "catalog.view")
    if side == "made":
        qs = qs.filter(requester__in=mine)
    elif side == "received":
        qs = qs.filter(provider__in=mine)
    status = request.GET.get("status", "")
    if status in DemandStatus.values:
        qs = qs.filter(status=status)
    page = paginate(request, qs.order_by("-created_at", "-pk"), PAGE)
    rows = [(d, d.status in (DemandStatus.OPEN, DemandStatus.ACCEPTED) and can(request.user, "catalog.edit", d)) for d in page["object_list"]]
    return render(request, "catalog/demands.html", {
        "rows": rows, "side": side, "status": status, "statuses": DemandStatus.choices, "reply_form": ReplyForm(),
        "can_file": can(request.user, "catalog.edit"), **page,
    })


@requires("catalog.edit")
@require_http_methods(["GET", "POST"])
def demand_new(request):
    form = DemandForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        entry = None
        if d["entry_code"]:
            entry = selectors.visible_entries(request.user).filter(code=d["entry_code"].strip()).first()
            if entry is None:
                form.add_error("entry_code", _("未找到该资源代码的目录条目"))
        if not form.errors:
            try:
                actions.file_demand(request.user, requester=d["requester"], provider=d["provider"], entry=entry, title=d["title"],
                                    items=d["items"], purpose=d["purpose"], basis=d["basis"])
            except DigiGovError as exc:
                field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, _("需求已提出，等待提供部门答复"))
                return redirect(reverse("catalog:demands") + "?side=made")
    return render(request, "web/form.html", {"form": form, "title": _("提出数据需求"), "submit_label": _("提交")},
                  status=400 if form.errors else 200)


@requires("catalog.edit")
@require_POST
def demand_reply(request, public_id):
    demand = get_or_404(selectors.demands(request.user), public_id=public_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择答复"))
        return redirect("catalog:demands")
    d = form.cleaned_data
    try:
        if d["decision"] == DemandStatus.ACCEPTED:
            actions.accept_demand(request.user, demand, d["reply"])
        elif d["decision"] == DemandStatus.MET:
            actions.meet_demand(request.user, demand, demand.entry if demand.entry_id and demand.entry.department_id == demand.provider_id
                                and demand.entry.status == EntryStatus.PUBLISHED else None, d["reply"])
        else:
            actions.reject_demand(request.user, demand, d["reply"])
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已答复"))
    return redirect(reverse("catalog:demands") + "?side=received")


# --- 责任清单 -----------------------------------------------------------------------------------------
@requires("catalog.view")
def responsibilities(request):
    qs = selectors.responsibilities(request.user)
    done = request.GET.get("catalogued", "")
    if done in ("1", "0"):
        qs = qs.filter(entry__isnull=done == "0")
    page = paginate(request, qs.order_by("department__path", "name", "pk"), PAGE)
    return render(request, "catalog/responsibilities.html", {"catalogued": done, "can_edit": can(request.user, "catalog.edit"), **page})


@requires("catalog.edit")
@require_http_methods(["GET", "POST"])
def responsibility_new(request):
    form = ResponsibilityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_responsibility(request.user, **form.cleaned_data)
        except DigiGovError as exc:
            field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已加入责任清单"))
            return redirect("catalog:responsibilities")
    return render(request, "web/form.html", {"form": form, "title": _("新增责任清单事项"), "submit_label": _("保存")},
                  status=400 if form.errors else 200)


@requires("catalog.edit")
@require_POST
def responsibility_link(request, public_id):
    line = get_or_404(selectors.responsibilities(request.user), public_id=public_id)
    code = (request.POST.get("entry_code") or "").strip()
    entry = selectors.visible_entries(request.user).filter(code=code).first() if code else None
    if code and entry is None:
        messages.error(request, _("未找到该资源代码的目录条目"))
        return redirect("catalog:responsibilities")
    try:
        actions.link_responsibility(request.user, line, entry)
    except DigiGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已关联目录条目") if entry else _("已取消关联"))
    return redirect("catalog:responsibilities")
