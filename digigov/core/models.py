"""Abstract bases every DigiGov model uses.

* ``PublicModel``: a non-guessable ``public_id`` that URLs and APIs use instead of the primary key.
* ``VoidableModel``: government records are never hard-deleted; they are voided with a reason.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_public_id() -> str:
    # 16 url-safe characters = 96 random bits
    return secrets.token_urlsafe(12)


class PublicModel(models.Model):
    public_id = models.CharField(_("公开编号"), max_length=22, unique=True, default=new_public_id, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class VoidableQuerySet(models.QuerySet):
    def active(self):
        return self.filter(voided_at__isnull=True)

    def delete(self):  # pragma: no cover - guard
        raise PermissionError("政务记录不可删除，请作废（void）并说明原因")


class VoidableModel(PublicModel):
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("作废人")
    )

    objects = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def delete(self, *args, **kwargs):
        raise PermissionError("政务记录不可删除，请作废（void）并说明原因")
