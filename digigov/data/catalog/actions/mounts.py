"""挂载: the resources behind an entry — a table in the platform database, an API, or an uploaded file."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.records import stamp_void
from digigov.core.text import clean_text

from ..models import CatalogEntry, MountedResource, MountKind
from ..tables import target_table_name

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
FILE_SUFFIXES = (".csv", ".xlsx", ".xls", ".json", ".xml", ".pdf", ".zip", ".txt", ".docx", ".doc", ".ofd")


def max_file_bytes() -> int:
    return int(getattr(settings, "DIGIGOV_CATALOG_FILE_MAX_BYTES", 20 * 1024 * 1024))


def _endpoint(value) -> str:
    url = clean_text(value, "endpoint", "接口地址", 500)
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a malformed port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise ValidationFailed("接口地址应为以 http:// 或 https:// 开头的完整网址", code="invalid_endpoint", detail={"field": "endpoint"})
    if parts.username or parts.password:
        raise ValidationFailed("接口地址中不得包含用户名或密码", code="endpoint_credentials", detail={"field": "endpoint"})
    del port
    return url


@transaction.atomic
def mount_resource(actor, entry: CatalogEntry, *, kind: str, name: str, endpoint: str = "", method: str = "GET",
                   upload=None) -> MountedResource:
    """Mount a resource on an entry. A table mount always names the entry's own aggregation table
    (``tables.target_table_name``); aggregation fills it."""
    require(actor, "catalog.edit", entry)
    entry = CatalogEntry.objects.select_for_update(of=("self",)).select_related("department__division").get(pk=entry.pk)
    if entry.voided_at is not None:
        raise Conflict("该目录条目已作废", code="entry_voided")
    if kind not in MountKind.values:
        raise ValidationFailed("挂载类型无效", code="invalid_kind", detail={"field": "kind"})
    name = clean_text(name, "name", "资源名称", 200)
    mount = MountedResource(entry=entry, kind=kind, name=name, mounted_by=actor)
    active = MountedResource.objects.filter(entry=entry, voided_at__isnull=True)
    if kind == MountKind.TABLE:
        mount.table_name = target_table_name(entry)
        if active.filter(kind=MountKind.TABLE).exists():
            raise Conflict("该目录条目已挂载库表资源", code="table_already_mounted", detail={"field": "kind"})
    elif kind == MountKind.API:
        mount.endpoint = _endpoint(endpoint)
        method = (method or "GET").upper() if isinstance(method, str) else ""
        if method not in METHODS:
            raise ValidationFailed("请求方法应为 GET、POST、PUT、PATCH 或 DELETE", code="invalid_method", detail={"field": "method"})
        mount.method = method
        if active.filter(kind=MountKind.API, endpoint=mount.endpoint, method=method).exists():
            raise Conflict("该接口已挂载", code="duplicate_endpoint", detail={"field": "endpoint"})
    else:
        if upload is None or not getattr(upload, "name", ""):
            raise ValidationFailed("请选择要上传的文件", code="file_required", detail={"field": "file"})
        limit = max_file_bytes()
        if upload.size > limit:
            raise ValidationFailed(f"文件不能超过 {limit // (1024 * 1024)} MB", code="file_too_large", detail={"field": "file", "limit": limit})
        if upload.size == 0:
            raise ValidationFailed("文件为空", code="file_empty", detail={"field": "file"})
        if not upload.name.lower().endswith(FILE_SUFFIXES):
            raise ValidationFailed("文件类型不支持（可上传 " + "、".join(s[1:] for s in FILE_SUFFIXES) + "）", code="file_type",
                                   detail={"field": "file"})
        mount.file.save(upload.name, upload, save=False)
    mount.save()
    record(actor, "catalog.mount.create", mount,
           after=snapshot(mount, ("entry", "kind", "name", "table_name", "endpoint", "method")) | {"file": mount.file.name or ""})
    return mount


@transaction.atomic
def unmount_resource(actor, mount: MountedResource, reason: str) -> MountedResource:
    require(actor, "catalog.edit", mount)
    reason = clean_text(reason, "reason", "取消挂载原因", 200)
    mount = MountedResource.objects.select_for_update(of=("self",)).select_related("entry__department__division").get(pk=mount.pk)
    if mount.voided_at is not None:
        raise Conflict("该资源已取消挂载", code="already_unmounted")
    return stamp_void(actor, mount, reason, "catalog.mount.void")
