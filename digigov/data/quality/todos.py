"""Quality to-dos for the workbench home: rectification tasks waiting for the department's data admin,
submitted ones waiting for the data authority's verification. Counted over the list page's scoped queryset."""

from __future__ import annotations

from django.urls import reverse

from digigov.core import registry

from . import selectors


def _single(qs_func):
    def single(user):
        public_id = qs_func(user).values_list("public_id", flat=True).first()
        return reverse("quality:task", kwargs={"public_id": public_id}) if public_id else None
    return single


registry.register_todo(
    "quality.rectify", "待整改的数据质量问题", lambda user: selectors.waiting_rectification(user).count(),
    lambda user: reverse("quality:tasks") + "?todo=rectify", "quality.rectify", single_url=_single(selectors.waiting_rectification), order=40,
)
registry.register_todo(
    "quality.verify", "待核验的数据质量整改", lambda user: selectors.waiting_verification(user).count(),
    lambda user: reverse("quality:tasks") + "?status=submitted", "quality.verify", single_url=_single(selectors.waiting_verification), order=41,
)
