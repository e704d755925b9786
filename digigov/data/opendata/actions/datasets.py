"""Opening (开放), withdrawing (下线), re-opening and describing an open dataset.

The owning department's data admin (``opendata.publish`` scoped to the entry's department) opens a
published entry whose open type is 无条件开放 or 有条件开放 and still allowed by its classification
(``grading.policy.open_allowed``). Opening and re-opening run the privacy check (``privacy.check``):
below k = 5 nothing is written and ``PrivacyCheckFailed`` carries the smallest classes and the
generalisation suggestions. Every write is one transaction with one audit entry; the search index
follows in the same transaction.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from digigov.core.audit.actions import record, snapshot
from digigov.core.errors import Conflict, ValidationFailed
from digigov.core.rbac.checks import require
from digigov.core.text import clean_text
from digigov.data.catalog.models import EntryStatus, OpenType
from digigov.data.grading.policy import open_allowed

from .. import privacy, search
from ..models import DatasetStatus, License, OpenDataset

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")
MAX_KEYWORDS = 10
MAX_KEYWORD = 20


class PrivacyCheckFailed(ValidationFailed):
    code = "kanon_failed"

    def __init__(self, result: privacy.KAnonResult):
        self.result = result
        super().__init__(f"未通过隐私检查：k-匿名度为 {result.k}，开放要求不低于 {privacy.K_MIN}", code="kanon_failed",
                         detail={"field": "quasi_identifiers", **result.as_detail()})


def default_name(entry) -> str:
    name = re.sub(r"[^a-z0-9_-]+", "-", entry.code.lower()).strip("-_")
    return (name if len(name) >= 2 else f"dataset-{entry.pk}")[:100]


def clean_keywords(keywords) -> list[str]:
    if keywords is None:
        return []
    if isinstance(keywords, str):
        keywords = [k for k in re.split(r"[,，、;；\s]+", keywords) if k]
    if not isinstance(keywords, (list, tuple)) or not all(isinstance(k, str) for k in keywords):
        raise ValidationFailed("关键词应为文本列表", code="bad_keywords", detail={"field": "keywords"})
    out = list(dict.fromkeys(k.strip() for k in keywords if k.strip()))
    if len(out) > MAX_KEYWORDS:
        raise ValidationFailed(f"关键词最多 {MAX_KEYWORDS} 个", code="too_many_keywords", detail={"field": "keywords"})
    if any(len(k) > MAX_KEYWORD for k in out):
        raise ValidationFailed(f"每个关键词不能超过 {MAX_KEYWORD} 个字符", code="keyword_too_long", detail={"field": "keywords"})
    return out


def clean_license(value) -> str:
    if value not in License.values:
        raise ValidationFailed("请选择许可协议", code="bad_license", detail={"field": "license"})
    return value


def check_openable(entry) -> None:
    """Refuse (422) an entry that may not be opened."""
    if entry.voided_at is not None or entry.status != EntryStatus.PUBLISHED:
        raise ValidationFailed("只有已发布的目录条目可以开放", code="entry_not_published", detail={"field": "entry"})
    if entry.open_type == OpenType.NONE:
        raise ValidationFailed("该资源的开放类型为不予开放，不能开放", code="not_openable", detail={"field": "entry"})
    if entry.open_type not in open_allowed(entry):
        raise ValidationFailed("该资源的分类分级不允许按其开放类型开放，请先调整开放类型", code="level_forbids_open", detail={"field": "entry"})


def _index(ds: OpenDataset) -> None:
    search.reindex(OpenDataset.objects.filter(pk=ds.pk))


@transaction.atomic
def open_dataset(actor, entry, *, name: str | None = None, keywords=None, license: str = License.OPEN_GOV,
                 quasi_identifiers: list[str] | None = None) -> tuple[OpenDataset, privacy.KAnonResult]:
    """Open ``entry`` on the portal after the privacy check. Returns the dataset and the check's result."""
    require(actor, "opendata.publish", entry)
    check_openable(entry)
    if OpenDataset.objects.filter(entry=entry).exists():
        raise Conflict("该资源已有开放数据集，请在原数据集上重新上线", code="already_opened", detail={"field": "entry"})
    name = default_name(entry) if name in (None, "") else name
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ValidationFailed("数据集标识只能包含小写字母、数字、- 和 _，2 到 100 个字符", code="bad_name", detail={"field": "name"})
    if OpenDataset.objects.filter(name=name).exists():
        raise Conflict("数据集标识已被使用", code="name_taken", detail={"field": "name"})
    keywords = clean_keywords(keywords)
    license = clean_license(license)
    result = privacy.check(entry, quasi_identifiers)
    if not result.passed:
        raise PrivacyCheckFailed(result)
    now = timezone.now()
    ds = OpenDataset.objects.create(entry=entry, name=name, keywords=keywords, license=license, quasi_identifiers=result.quasi_identifiers,
                                    kanon_k=result.k, kanon_checked_at=now, opened_at=now, opened_by=actor,
                                    data_updated_at=_data_updated_at(entry))
    _index(ds)
    record(actor, "opendata.dataset.open", ds, after={"entry": entry.code, "name": name, "keywords": keywords, "license": license,
                                                       "quasi_identifiers": result.quasi_identifiers, "k": result.k, "rows": result.rows})
    return ds, result


def _data_updated_at(entry):
    from digigov.data.catalog.models import MountedResource

    return (MountedResource.objects.filter(entry=entry, voided_at__isnull=True).order_by("-mounted_at")
            .values_list("mounted_at", flat=True).first())


def _locked(ds: OpenDataset) -> OpenDataset:
    return OpenDataset.objects.select_for_update(of=("self",)).select_related("entry", "entry__department").get(pk=ds.pk)


@transaction.atomic
def withdraw_dataset(actor, ds: OpenDataset, *, reason: str) -> OpenDataset:
    """下线: the dataset leaves the portal, search and downloads; its counters, ratings and comments stay."""
    ds = _locked(ds)
    require(actor, "opendata.publish", ds)
    reason = clean_text(reason, "reason", "下线原因", 200)
    if ds.status == DatasetStatus.WITHDRAWN:
        raise Conflict("数据集已下线", code="already_withdrawn")
    ds.status = DatasetStatus.WITHDRAWN
    ds.save(update_fields=["status", "updated_at"])
    _index(ds)
    record(actor, "opendata.dataset.withdraw", ds, before={"status": DatasetStatus.OPEN}, after={"status": ds.status, "reason": reason})
    return ds


@transaction.atomic
def reopen_dataset(actor, ds: OpenDataset, *, quasi_identifiers: list[str] | None = None) -> tuple[OpenDataset, privacy.KAnonResult]:
    """重新上线: the entry must still be openable and the data must pass the privacy check again."""
    ds = _locked(ds)
    require(actor, "opendata.publish", ds)
    if ds.status == DatasetStatus.OPEN:
        raise Conflict("数据集已在开放中", code="already_open")
    check_openable(ds.entry)
    result = privacy.check(ds.entry, quasi_identifiers)
    if not result.passed:
        raise PrivacyCheckFailed(result)
    now = timezone.now()
    ds.status, ds.quasi_identifiers, ds.kanon_k, ds.kanon_checked_at = DatasetStatus.OPEN, result.quasi_identifiers, result.k, now
    ds.data_updated_at = _data_updated_at(ds.entry) or ds.data_updated_at
    ds.save(update_fields=["status", "quasi_identifiers", "kanon_k", "kanon_checked_at", "data_updated_at", "updated_at"])
    _index(ds)
    record(actor, "opendata.dataset.reopen", ds, before={"status": DatasetStatus.WITHDRAWN},
           after={"status": ds.status, "quasi_identifiers": result.quasi_identifiers, "k": result.k, "rows": result.rows})
    return ds, result


@transaction.atomic
def update_dataset(actor, ds: OpenDataset, *, keywords=None, license: str | None = None) -> OpenDataset:
    """Keywords and licence (the title, abstract and fields are the catalog entry's)."""
    ds = _locked(ds)
    require(actor, "opendata.publish", ds)
    keywords = clean_keywords(keywords) if keywords is not None else ds.keywords
    license = clean_license(license) if license is not None else ds.license
    if keywords == ds.keywords and license == ds.license:
        raise Conflict("没有需要保存的修改", code="unchanged")
    before = snapshot(ds, fields=("keywords", "license"))
    ds.keywords, ds.license = keywords, license
    ds.save(update_fields=["keywords", "license", "updated_at"])
    _index(ds)
    record(actor, "opendata.dataset.update", ds, before=before, after={"keywords": keywords, "license": license})
    return ds
