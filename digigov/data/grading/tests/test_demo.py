import pytest

from digigov.core.demo import DemoContext
from digigov.core.registry import DEMO_GENERATORS
from digigov.data.catalog.models import CatalogEntry, DataItem
from digigov.data.grading import policy
from digigov.data.grading.demo import MAX_PROPOSALS, generate
from digigov.data.grading.models import LevelChange, LevelProposal
from digigov.data.grading.testing import make_entry

pytestmark = pytest.mark.django_db


def _run(seed=3):
    ctx = DemoContext(scale=1.0, seed=seed).for_generator("grading")
    generate(ctx)
    return ctx


def test_registered_after_the_catalog():
    if "catalog" in DEMO_GENERATORS:
        assert DEMO_GENERATORS["grading"].after == ("catalog",)
    else:  # no catalog generator, nothing to grade
        assert "grading" not in DEMO_GENERATORS


def test_empty_catalog_yields_nothing(city):
    _run()
    assert not LevelProposal.objects.exists()


def test_proposals_over_existing_entries(city):
    entries = [make_entry(city.bureau, items=[("公民身份号码", "sfzh", "resident_id", 1, 0), ("姓名", "xm", "", 1, 0), ("备注", "bz", "", 1, 0)])
               for _ in range(30)]
    entries.append(make_entry(city.bureau, open_type="unconditional", sharing_type="unconditional",
                              items=[("公民身份号码", "sfzh", "resident_id", 1, 0)]))
    _run()
    proposals = LevelProposal.objects.all()
    assert 0 < proposals.count() <= MAX_PROPOSALS
    assert proposals.filter(status="pending").exists() and proposals.filter(status="confirmed").exists()
    assert not proposals.filter(item__field_name="bz").exists()
    # confirmed ones were applied, with history, and every entry is at least its items' highest level
    for p in proposals.filter(status="confirmed"):
        assert (p.item.level, p.item.personal) == (p.level, p.personal)
    assert LevelChange.objects.filter(item__isnull=True).exists()
    for e in CatalogEntry.objects.all():
        top = max(DataItem.objects.filter(entry=e).values_list("personal", flat=True))
        assert e.personal >= top
        assert not policy.check_entry_types(e)
    # the entry whose types forbid sensitive data keeps its proposal pending
    assert LevelProposal.objects.get(entry=entries[-1]).status == "pending"
