import csv

from django.conf import settings
from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from digigov.core.errors import Conflict, NotFound, get_or_404
from digigov.core.rbac.checks import can
from digigov.core.registry import AUDIT_EVENTS
from digigov.core.web.decorators import requires

from . import actions, present, selectors
from .models import AuditEntry, AuditVerification

PAGE_SIZE = 50


def _action_choices():
    return sorted(AUDIT_EVENTS.items())


@requires("audit.view")
def entries(request):
    """The audit log, newest first: filters by person, department, action, object and Beijing-time days;
    keyset pages (no COUNT over millions of rows); the last chain verification and a button to run one."""
    f = selectors.read_filters(request.GET)
    qs, errors = selectors.filtered(f)
    rows, next_before = selectors.page(qs, request.GET.get("before"), PAGE_SIZE)
    params = request.GET.copy()
    params.pop("before", None)
    base = params.urlencode()
    ctx = {
        "f": f,
        "errors": errors,
        "object_list": present.decorate(rows),
        "next_before": next_before,
        "is_first_page": not request.GET.get("before"),
        "querystring_base": f"{base}&" if base else "",
        "filter_query": base,
        "action_choices": _action_choices(),
        "type_choices": present.object_type_choices(),
        "verification": AuditVerification.objects.select_related("requested_by").first(),
        "can_verify": can(request.user, "audit.verify"),
        "can_export": can(request.user, "audit.export"),
    }
    return render(request, "audit/entries.html", ctx, status=400 if errors else 200)


@requires("audit.view")
def entry(request, seq: str):
    if not seq.isdigit() or len(seq) > 18:
        raise NotFound()
    e = get_or_404(AuditEntry.objects.all(), seq=int(seq))
    present.decorate([e])
    return render(request, "audit/entry.html", {"e": e, "rows": present.field_rows(e)})


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    """No formula injection: Excel runs a cell that starts with = + - @ as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


CSV_HEADER = ["序号", "时间（北京时间）", "操作人账户", "操作人", "所在部门", "角色", "渠道", "动作", "对象类型", "对象编号", "对象", "变更", "IP", "请求ID"]


@requires("audit.export")
def export(request):
    """The filtered list as CSV (UTF-8 with BOM so Excel reads the Chinese), at most
    ``DIGIGOV_AUDIT_EXPORT_MAX_ROWS`` rows, streamed in keyset batches; the export itself is audited."""
    f = selectors.read_filters(request.GET)
    qs, errors = selectors.filtered(f)
    if errors:
        messages.error(request, "；".join(errors))
        return redirect(f"{reverse('audit:entries')}?{request.GET.urlencode()}")
    limit = settings.DIGIGOV_AUDIT_EXPORT_MAX_ROWS
    actions.record(request.user, "audit.export", object_type="audit.auditentry", object_repr="审计日志导出",
                   after={"filters": {k: v for k, v in f.items() if v}, "limit": limit})

    def rows():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(CSV_HEADER)
        sent, before = 0, None
        while sent < limit:
            batch, before = selectors.page(qs, before, min(1000, limit - sent))
            for e in present.decorate(batch):
                yield writer.writerow([_cell(v) for v in (
                    e.seq, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.actor_name, e.actor_department,
                    e.role_label, e.channel_label, e.action_label, e.type_label, e.object_id, e.object_repr,
                    present.change_summary(e), e.ip, e.request_id,
                )])
            sent += len(batch)
            if before is None:
                return
        if qs.filter(seq__lt=before).exists():
            yield writer.writerow([f"已达导出上限 {limit} 行，更早的记录未导出；请缩小筛选范围后分批导出"])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


@require_POST
@requires("audit.verify")
def verify(request):
    try:
        actions.start_verification(request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已开始校验审计链，完成后结果显示在本页。")
    return redirect("audit:entries")
