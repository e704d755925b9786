"""Test factories of the 一网通办 app (import from tests and the API fuzz world only).

``make_item`` / ``make_bundle`` write catalog rows directly (the catalog actions are tested where they are
built); ``item_with_process`` adds a real, active two-department BPMN process so that applications can run."""

from __future__ import annotations

import itertools

from .models import Audience, Bundle, BundleMember, ItemMaterial, ItemType, MaterialForm, ServiceItem, Topic, TopicKind

_seq = itertools.count(1)


def make_topic(code: str = "birth", name: str = "出生", *, kind: str = TopicKind.LIFE_EVENT, keywords: str = "") -> Topic:
    topic, _ = Topic.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "keywords": keywords})
    return topic


def make_item(department, *, name: str | None = None, code: str | None = None, item_type: str = ItemType.PUBLIC,
              audience: str = Audience.PERSON, process=None, citywide: bool = False, divisions=(), topics=(), keywords: str = "",
              materials=(("居民身份证", MaterialForm.ORIGINAL),), fees=(), promised_days: int | None = 5,
              statutory_days: int | None = 20, popularity: int = 0, online_depth: int = 4) -> ServiceItem:
    """An active item; ``materials`` is a list of ``(name, form)`` or dicts of ``ItemMaterial`` fields."""
    n = next(_seq)
    item = ServiceItem.objects.create(
        code=code or f"11210600MB{n:04d}T{n:05d}", basic_code=f"{item_type}{n:08d}", name=name or f"测试事项{n}", item_type=item_type,
        audience=audience, department=department, legal_basis="《测试条例》第一条", conditions="符合条件的申请人", process=process,
        citywide=citywide, keywords=keywords, fees=list(fees), fee_required=bool(fees), promised_days=promised_days,
        statutory_days=statutory_days, popularity=popularity, online_depth=online_depth)
    if divisions:
        item.divisions.set(divisions)
    if topics:
        item.topics.set(topics)
    for i, m in enumerate(materials):
        fields = m if isinstance(m, dict) else {"name": m[0], "form": m[1]}
        ItemMaterial.objects.create(item=item, order=i, **fields)
    return item


def item_with_process(city, *, user, name: str = "测试并联事项", key: str | None = None, **kwargs) -> ServiceItem:
    """An item run by an active two-department BPMN process (window acceptance, then parallel review)."""
    from digigov.support.workflow.testing import make_version, parallel_bpmn

    key = key or f"onestop_test_{next(_seq)}"
    version = make_version(parallel_bpmn(key, name, dept_a=city.bureau, dept_b=city.other_bureau), user=user, department=city.bureau,
                           key=key, name=name)
    return make_item(city.bureau, name=name, process=version.process, **kwargs)


def make_bundle(lead_department, items, *, name: str = "测试一件事", code: str | None = None, audience: str = Audience.PERSON,
                modelled: bool = True, topic=None) -> Bundle:
    bundle = Bundle.objects.create(code=code or f"YJS{next(_seq):06d}", name=name, audience=audience, lead_department=lead_department,
                                   modelled=modelled, topic=topic)
    for i, item in enumerate(items):
        BundleMember.objects.create(bundle=bundle, item=item, order=i)
    return bundle
