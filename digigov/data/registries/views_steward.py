"""数据管家: the steward's queue of uncertain pairs and attribute conflicts, a side-by-side page per task
and the decision form. Values are masked; a steward who also holds ``registries.view_clear`` may state a
purpose (the registry pages' flow, ``purpose.reveal``: audited, never the values) and see the task's values in
clear in the answer to that request only. The form carries the task's and the golden records' versions: a decision on a page someone
else changed meanwhile is refused with a Chinese message and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digigov.core.errors import DigiGovError, Forbidden, ValidationFailed, get_or_404
from digigov.core.web.decorators import requires

from . import actions
from . import purpose as pp
from .attributes import label as attribute_label
from .models import AttributeValue, RegistryKind, StewardTask, TaskKind, TaskStatus
from .steward import display, queue, source_fields
from .views import RevealForm

PAGE = 50


def _int(raw) -> int | None:
    try:
        n = int(raw)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


@requires("registries.steward")
def task_list(request):
    """Keyset pagination on the task id (``after``): a queue of tens of thousands pages at the cost of one page."""
    base = queue(request.user)
    registry = request.GET.get("registry", "")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", TaskStatus.OPEN)
    qs = base
    if registry in RegistryKind.values:
        qs = qs.filter(registry=registry)
    else:
        registry = ""
    counts = {(r["kind"]): r["n"] for r in qs.filter(status=TaskStatus.OPEN).values("kind").annotate(n=Count("id")).order_by()}
    if kind in TaskKind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    after = _int(request.GET.get("after"))
    if after:
        qs = qs.filter(id__gt=after)
    rows = list(qs.select_related("person", "enterprise").order_by("id")[:PAGE + 1])
    has_next = len(rows) > PAGE
    rows = rows[:PAGE]
    items = []
    for t in rows:
        subject = t.person or t.enterprise
        if t.registry == RegistryKind.PERSON:
            who = display("person", "name", subject.name) if subject else "—"
        else:
            who = (subject.name or "—") if subject else "—"
        items.append({"task": t, "subject": who, "attribute": attribute_label(t.registry, t.attribute) if t.attribute else "",
                      "probability": f"{t.probability * 100:.0f}%" if t.probability is not None else ""})
    query = {k: v for k, v in (("registry", registry), ("kind", kind), ("status", status)) if v}
    from django.utils.http import urlencode

    return render(request, "registries/steward/list.html", {
        "items": items, "registry": registry, "kind": kind, "status": status, "after": after,
        "registries": RegistryKind.choices, "kinds": TaskKind.choices, "statuses": TaskStatus.choices,
        "open_pairs": counts.get(TaskKind.PAIR, 0), "open_conflicts": counts.get(TaskKind.CONFLICT, 0),
        "next_after": rows[-1].id if has_next and rows else None, "query": urlencode(query),
    })


def _task(request, public_id) -> StewardTask:
    qs = queue(request.user).select_related("person", "enterprise", "record_a__feed__department", "record_b__feed__department",
                                            "record_a__batch", "record_b__batch", "decided_by", "chosen_value__department")
    return get_or_404(qs, public_id=public_id)


def _subjects(task) -> list[tuple[object, list[str]]]:
    """The golden records a clear view of ``task`` shows values of, with the fields shown."""
    fk = "person" if task.registry == RegistryKind.PERSON else "enterprise"
    if task.kind != TaskKind.PAIR:
        subject = getattr(task, fk)
        return [(subject, [task.attribute])] if subject is not None and pp.is_personal(task.registry, task.attribute) else []
    out: dict = {}
    for rec in (task.record_a, task.record_b):
        subject = getattr(rec, fk) if rec is not None else None
        if subject is None:
            continue
        codes = [c for c, _label, _v in source_fields(rec, task.registry) if pp.is_personal(task.registry, c)]
        out.setdefault(subject.pk, (subject, set()))[1].update(codes)
    return [(subject, sorted(codes)) for subject, codes in out.values() if codes]


def _may_reveal(user, task) -> bool:
    subjects = _subjects(task)
    return bool(subjects) and all(pp.may_reveal(user, subject) for subject, _codes in subjects)


def _page(request, task, *, error: str = "", status: int = 200, posted=None, clear: bool = False, reveal_form=None):
    fk = "person" if task.registry == RegistryKind.PERSON else "enterprise"
    subject = getattr(task, fk)
    ctx = {"task": task, "subject": subject, "error": error, "posted": posted or {}, "is_open": task.status == TaskStatus.OPEN,
           "attribute_label": attribute_label(task.registry, task.attribute) if task.attribute else "", "clear": clear,
           "can_reveal": not clear and _may_reveal(request.user, task), "form": reveal_form or RevealForm()}
    if task.kind == TaskKind.PAIR:
        a, b = task.record_a, task.record_b
        fa = dict((c, (lbl, v)) for c, lbl, v in source_fields(a, task.registry, clear=clear))
        fb = dict((c, (lbl, v)) for c, lbl, v in source_fields(b, task.registry, clear=clear))
        codes = list(dict.fromkeys(list(fa) + list(fb)))
        ctx["rows"] = [{"label": (fa.get(c) or fb.get(c))[0], "a": fa.get(c, ("", "—"))[1], "b": fb.get(c, ("", "—"))[1],
                        "same": c in fa and c in fb and fa[c][1] == fb[c][1]} for c in codes]
        ctx["a"], ctx["b"] = a, b
        ctx["golden_a"], ctx["golden_b"] = getattr(a, fk), getattr(b, fk)
    else:
        values = list(AttributeValue.objects.filter(**{fk: subject}, attribute=task.attribute, superseded_at__isnull=True)
                      .select_related("department", "source__feed", "source__batch").order_by("-is_current", "-observed_at", "pk"))
        ctx["values"] = [{"v": v, "shown": display(task.registry, task.attribute, v.value, clear=clear)} for v in values]
        ctx["distinct"] = len({v.value_digest for v in values})
    return render(request, "registries/steward/task.html", ctx, status=status)


@requires("registries.steward")
def task_detail(request, public_id):
    return _page(request, _task(request, public_id))


@requires("registries.steward")
@require_POST
def task_decide(request, public_id):
    task = _task(request, public_id)
    post = request.POST
    try:
        actions.decide(request.user, task, decision=post.get("decision", ""), task_version=post.get("task_version"),
                       record_version=post.get("record_version"), other_version=post.get("other_version"),
                       chosen_value=post.get("chosen_value") or None, opinion=post.get("opinion", ""))
    except DigiGovError as exc:
        return _page(request, _task(request, public_id), error=exc.message, status=exc.status, posted=post)
    messages.success(request, _("已处理：%(what)s") % {"what": dict(TaskKind.choices)[task.kind]})
    waiting = queue(request.user).filter(status=TaskStatus.OPEN, registry=task.registry).order_by("id").values_list("public_id", flat=True)
    nxt = waiting.filter(id__gt=task.id).first() or waiting.first()  # on to the next task, as a queue is worked
    if nxt:
        return redirect("registries_steward:task", public_id=nxt)
    return redirect("registries_steward:list")


@requires("registries.steward")
@require_POST
def task_reveal(request, public_id):
    """The task's values in clear, in the answer to this request only, once a purpose is stated."""
    task = _task(request, public_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _page(request, task, reveal_form=form, status=400)
    subjects = _subjects(task)
    if not subjects:
        return _page(request, task, error=_("本任务没有需要查看明文的个人信息"), status=400)
    try:
        purpose = pp.clean_purpose(form.cleaned_data["purpose"], form.cleaned_data["purpose_note"])
        for subject, fields in subjects:
            pp.reveal(request.user, subject, fields, purpose)
    except ValidationFailed as exc:
        form.add_error("purpose_note" if (exc.detail or {}).get("field") == "purpose_note" else "purpose", exc.message)
        return _page(request, task, reveal_form=form, status=400)
    except Forbidden as exc:
        return _page(request, task, error=exc.message, status=403)
    return _page(request, task, clear=True)
