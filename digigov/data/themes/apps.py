from django.apps import AppConfig


class ThemesConfig(AppConfig):
    """主题库与专题库: catalog categories holding catalogued, aggregated datasets. No models of its own —
    the datasets are catalog entries whose rows the aggregation pipeline loaded into ``dr_<pk>``."""

    name = "digigov.data.themes"
    label = "themes"
    verbose_name = "主题库与专题库"

    def ready(self):
        from digigov.core import registry
        from digigov.core.registry import NavItem

        registry.register_nav(NavItem("data.themes", "主题库与专题库", "themes:index", "catalog.view", "data", order=30))
        registry.register_urls("workbench/data/themes/", "digigov.data.themes.urls")

        from . import demo  # noqa: F401  registers the demo generator
