"""``register_demo(..., soft_after=)``: run after those generators when they are registered, and still run when
they are not (a search index that covers whatever catalog parts exist); ``after`` stays strict."""

import pytest

from digigov.core import registry


@pytest.fixture
def generators(monkeypatch):
    monkeypatch.setattr(registry, "DEMO_GENERATORS", {})
    return registry.DEMO_GENERATORS


def test_soft_dependency_orders_when_registered(generators):
    registry.register_demo("index", lambda ctx: None, after=("org",), soft_after=("catalog", "bundles"))
    registry.register_demo("org", lambda ctx: None)
    registry.register_demo("bundles", lambda ctx: None, after=("catalog",))
    registry.register_demo("catalog", lambda ctx: None, after=("org",))
    assert [g.name for g in registry.demo_order()] == ["org", "catalog", "bundles", "index"]


def test_soft_dependency_missing_is_ignored(generators):
    registry.register_demo("org", lambda ctx: None)
    registry.register_demo("index", lambda ctx: None, after=("org",), soft_after=("catalog", "bundles"))
    assert [g.name for g in registry.demo_order()] == ["org", "index"]


def test_hard_dependency_missing_is_still_an_error(generators):
    registry.register_demo("index", lambda ctx: None, after=("catalog",))
    with pytest.raises(RuntimeError):
        registry.demo_order()
