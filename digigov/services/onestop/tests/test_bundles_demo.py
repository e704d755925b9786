"""The demo step ``onestop.bundles``: registered after the catalog's step when there is one (and working
without it), the eight modelled bundles plus generated ones to the scaled count, real structure (2–8
members, several departments, ``modelled`` only when every member has a process), idempotent."""

import pytest

from digigov.core import registry
from digigov.core.demo import DemoContext
from digigov.services.onestop import demo_bundles
from digigov.services.onestop.bundles_data import total_for_scale
from digigov.services.onestop.models import Bundle, BundleMember, ServiceItem
from digigov.services.onestop.testing_bundles import bundle_world


def test_registered_in_a_resolvable_order():
    gen = registry.DEMO_GENERATORS["onestop.bundles"]
    assert {"support.workflow", "forms", "support.license"} <= set(gen.after)
    assert ("onestop.catalog" in gen.after) == ("onestop.catalog" in registry.DEMO_GENERATORS)
    order = [g.name for g in registry.demo_order()]
    assert all(order.index(a) < order.index("onestop.bundles") for a in gen.after)


@pytest.mark.django_db
def test_generates_the_scaled_count_with_real_structure(city):
    world = bundle_world(city)
    ctx = DemoContext(0.05, 7).for_generator("onestop.bundles")
    ctx.shared["accounts"] = {"demo_users": {"cityadmin": world["admin"].pk}}
    demo_bundles.generate(ctx)
    assert Bundle.objects.count() == total_for_scale(0.05) == 27
    assert Bundle.objects.filter(modelled=True, form__isnull=False).count() >= 8
    for bundle in Bundle.objects.exclude(code__in=[f"210600YJS000{i}" for i in range(1, 9)]):
        members = list(BundleMember.objects.filter(bundle=bundle).select_related("item"))
        assert 2 <= len(members) <= 8, bundle.name
        assert bundle.modelled == all(m.item.process_id for m in members)
        assert bundle.name.endswith("一件事") and bundle.topic_id and bundle.lead_department_id
    # again: nothing new (the demo runner may resume a step)
    items = ServiceItem.objects.count()
    demo_bundles.generate(DemoContext(0.05, 7).for_generator("onestop.bundles"))
    assert Bundle.objects.count() == 27 and ServiceItem.objects.count() == items


@pytest.mark.django_db
def test_a_bundle_is_modelled_only_when_every_member_has_a_process(city):
    from digigov.services.onestop.actions.bundles import create_bundle
    from digigov.services.onestop.testing import item_with_process, make_item
    from digigov.core.testing import make_user

    admin = make_user("city_admin")
    with_process = item_with_process(city, user=admin)
    without = make_item(city.other_bureau, name="无流程事项")
    mixed = create_bundle(admin, code="210600YJS9101", name="混合一件事", audience="person", lead_department=city.bureau,
                          items=[with_process, without])
    full = create_bundle(admin, code="210600YJS9102", name="全流程一件事", audience="person", lead_department=city.bureau,
                         items=[with_process, item_with_process(city, user=admin)])
    assert not mixed.modelled and full.modelled


@pytest.mark.django_db
def test_a_county_version_draws_on_the_county_bureaus_items(city):
    from digigov.core.org import actions as org_actions
    from digigov.core.org.models import DepartmentKind
    from digigov.services.onestop.testing import make_item

    county_nr = org_actions.create_department(city.system, code="210602-NR", name="示范市自然资源局元宝区分局", kind=DepartmentKind.COMMITTEE,
                                              division=city.county_a, parent=city.gov)
    city_nr = org_actions.create_department(city.system, code="CITY-NR", name="示范市自然资源局", kind=DepartmentKind.COMMITTEE,
                                            division=city.city, parent=city.gov)
    county_items = [make_item(county_nr, name=f"区级不动产事项{n}") for n in range(3)]
    city_items = [make_item(city_nr, name=f"市级不动产事项{n}") for n in range(3)]
    by_abbr, everything = demo_bundles._pools()
    plan = {"division": "210602", "departments": ["NR"], "topic": "house"}
    import random

    chosen = demo_bundles._members(plan, by_abbr, everything, random.Random(1))
    assert chosen and set(chosen) <= set(county_items)
    chosen = demo_bundles._members({**plan, "division": "210600"}, by_abbr, everything, random.Random(1))
    assert chosen and set(chosen) <= set(city_items)
