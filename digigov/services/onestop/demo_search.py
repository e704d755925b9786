"""Demo step ``onestop.search``: index the demo catalog's items and 一件事 (after the catalog and the bundles,
whichever of them are registered: ``soft_after``)."""

from __future__ import annotations

from digigov.core.registry import register_demo

from . import search


def generate(ctx) -> None:
    ctx.describe("建立办事事项检索索引")
    ctx.rows += search.index_all()


register_demo("onestop.search", generate, after=("org",), soft_after=("onestop.catalog", "onestop.bundles"))
