"""The 一件事 part's registrations (called from ``OnestopConfig.ready``): the business component
``onestop.assign_uscc`` its 企业设立登记 process calls, and the demo step ``onestop.bundles`` (the eight
modelled bundles, then generated ones up to 534 at --scale 1)."""


def ready() -> None:
    from digigov.core import registry

    from . import demo_bundles
    from .components_bundles import COMPONENT

    registry.register_component(COMPONENT)
    # after the catalog's step when it is registered (apps.py readies the catalog's module before this
    # one), so generated bundles draw on its items; without it they draw on the modelled members only
    after = ["support.workflow", "forms", "support.license"]
    if "onestop.catalog" in registry.DEMO_GENERATORS:
        after.append("onestop.catalog")
    registry.register_demo("onestop.bundles", demo_bundles.generate, after=tuple(after))
