"""The workbench 签章 page: a signer picks one of the seals they may sign with, uploads one or many files,
and downloads them signed — a PDF gets a visible stamp (page and position chosen here), an OFD a GB/T 33190
stamp, any other file a detached signature (``.der``) beside it. Several files are one batch (one batch id,
one signer, one seal), signed all-or-nothing in one transaction and handed back as a zip.

Who sees the controls: only a user with a usable seal (``usable_seals``: active, inside its validity, and
either their own person certificate is in its certList or they hold ``seal.sign`` over its unit and the
unit certificate is). Everyone else reads why not; nothing here opens a key (``documents`` →
``signing``)."""

from __future__ import annotations

import io
import posixpath
import secrets
import zipfile

from django import forms
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from digigov.core.errors import DigiGovError
from digigov.core.rbac.checks import scope_queryset
from digigov.core.web.decorators import login_only

from . import documents
from .models import CertKind, CertStatus, Seal, SealStatus, Signing
from .sniff import sniff

MAX_FILES = 50
MAX_BATCH_BYTES = 100 * 1024 * 1024


def usable_seals(user) -> list[Seal]:
    """The seals ``user`` may sign with now, in the order the picker lists them."""
    now = timezone.now()
    qs = Seal.objects.filter(status=SealStatus.ACTIVE, valid_start__lte=now, valid_end__gte=now)
    valid = Q(signers__status=CertStatus.VALID, signers__not_before__lte=now, signers__not_after__gte=now)
    own = qs.filter(valid, signers__kind=CertKind.PERSON, signers__user=user)
    unit = scope_queryset(user, "seal.sign", qs.filter(valid, signers__kind=CertKind.UNIT,
                                                        signers__department=F("department")),
                          department_field="department", division_field=None)
    ids = set(own.values_list("pk", flat=True)) | set(unit.values_list("pk", flat=True))
    return list(Seal.objects.filter(pk__in=ids).select_related("department").order_by("department__name", "name"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else single(data, initial)


PAGE_CHOICES = [("last", "最后一页"), ("first", "第一页"), ("number", "指定页码")]
POSITION_CHOICES = [("corner", "右下角"), ("custom", "指定位置")]


class SignForm(forms.Form):
    seal = forms.TypedChoiceField(label="印章", coerce=int, error_messages={"required": "请选择印章", "invalid_choice": "请选择您可以使用的印章"})
    files = MultipleFileField(label="文件", help_text=f"可一次选择多个文件（不超过 {MAX_FILES} 个）。PDF、OFD 加盖可见印章；其他文件生成独立签名文件。",
                              error_messages={"required": "请选择要签章的文件", "empty": "文件为空"})
    reason = forms.CharField(label="签章事由", max_length=200, error_messages={"required": "请填写签章事由"})
    page_choice = forms.ChoiceField(label="盖章页（PDF、OFD）", choices=PAGE_CHOICES, initial="last", widget=forms.RadioSelect)
    page_number = forms.IntegerField(label="页码", required=False, min_value=1, max_value=10000,
                                     error_messages={"min_value": "页码从 1 开始", "max_value": "页码过大", "invalid": "请输入页码数字"})
    position = forms.ChoiceField(label="盖章位置", choices=POSITION_CHOICES, initial="corner", widget=forms.RadioSelect)
    x_mm = forms.DecimalField(label="距页面左边（毫米）", required=False, min_value=0, max_value=2000, decimal_places=1,
                              error_messages={"invalid": "请输入数字"})
    y_mm = forms.DecimalField(label="距页面上边（毫米）", required=False, min_value=0, max_value=2000, decimal_places=1,
                              error_messages={"invalid": "请输入数字"})

    def __init__(self, *args, seals: list[Seal], **kwargs):
        super().__init__(*args, **kwargs)
        self.seals = {s.pk: s for s in seals}
        self.fields["seal"].choices = [(s.pk, f"{s.name}（{s.department.name}，{s.get_seal_type_display()}）") for s in seals]

    def clean(self):
        data = super().clean()
        if data.get("page_choice") == "number" and not data.get("page_number"):
            self.add_error("page_number", "请填写页码")
        if data.get("position") == "custom":
            for name in ("x_mm", "y_mm"):
                if data.get(name) is None:
                    self.add_error(name, "请填写位置")
        files = data.get("files") or []
        if len(files) > MAX_FILES:
            self.add_error("files", f"一次最多签章 {MAX_FILES} 个文件")
        if sum(f.size or 0 for f in files) > MAX_BATCH_BYTES:
            self.add_error("files", "文件总大小超过 100 MB，请分批签章")
        return data

    def placement(self) -> dict:
        d = self.cleaned_data
        page = {"last": -1, "first": 0}.get(d["page_choice"], (d.get("page_number") or 1) - 1)
        if d["position"] == "custom":
            return {"page": page, "x_mm": float(d["x_mm"]), "y_mm": float(d["y_mm"])}
        return {"page": page, "x_mm": None, "y_mm": None}


def _safe_name(name: str) -> str:
    name = posixpath.basename((name or "").replace("\\", "/")).strip() or "文件"
    return name[:150]


def _sign_one(user, seal, name: str, data: bytes, reason: str, placement: dict, batch: str) -> list[tuple[str, bytes]]:
    kind = sniff(data)
    if kind == "pdf":
        out, _ = documents.sign_pdf(user, seal, data, document_name=name, reason=reason, batch=batch, **placement)
        return [(name, out)]
    if kind == "ofd":
        out, _ = documents.sign_ofd(user, seal, data, document_name=name, reason=reason, batch=batch, **placement)
        return [(name, out)]
    der, _ = documents.sign_detached(user, seal, data, document_name=name, reason=reason, batch=batch)
    return [(name, data), (f"{name}.der", der)]


def _attachment(name: str, data: bytes, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _unique(name: str, taken: set[str]) -> str:
    base, ext = posixpath.splitext(name)
    candidate, i = name, 1
    while candidate in taken:
        i += 1
        candidate = f"{base}（{i}）{ext}"
    taken.add(candidate)
    return candidate


@login_only
@require_http_methods(["GET", "POST"])
def sign_page(request):
    seals = usable_seals(request.user)
    form = SignForm(request.POST or None, request.FILES or None, seals=seals) if seals else None
    if request.method == "POST" and form is not None and form.is_valid():
        seal = form.seals.get(form.cleaned_data["seal"])
        files = form.cleaned_data["files"]
        batch = secrets.token_hex(8) if len(files) > 1 else ""
        outputs: list[tuple[str, bytes]] = []
        current = ""
        try:
            with transaction.atomic():  # a batch is signed all or nothing
                for upload in files:
                    current = _safe_name(upload.name)
                    data = upload.read(documents.MAX_BYTES + 1)
                    outputs += _sign_one(request.user, seal, current, data, form.cleaned_data["reason"], form.placement(), batch)
        except DigiGovError as exc:
            form.add_error("files" if len(files) > 1 or exc.status == 422 else None,
                           f"{current}：{exc.message}" if len(files) > 1 else exc.message)
        else:
            if len(outputs) == 1:
                name, data = outputs[0]
                return _attachment(name, data, "application/pdf" if sniff(data) == "pdf" else "application/octet-stream")
            buffer = io.BytesIO()
            taken: set[str] = set()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
                for name, data in outputs:
                    z.writestr(_unique(name, taken), data)
            zip_name = f"签章文件-{timezone.localtime():%Y%m%d%H%M}{('-' + batch) if batch else ''}.zip"
            return _attachment(zip_name, buffer.getvalue(), "application/zip")
    recent = (Signing.objects.filter(signer=request.user).select_related("seal").order_by("-signed_at", "-id")[:10])
    return render(request, "seal/sign.html", {"form": form, "seals": seals, "recent": recent},
                  status=400 if form is not None and form.errors else 200)
