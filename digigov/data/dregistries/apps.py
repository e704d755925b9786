from django.apps import AppConfig


class DigitalRegistriesConfig(AppConfig):
    """GovStack Digital Registries building block (API 1.3.0) at ``/govstack/digital-registries/``.

    The permissions are the registries app's (``registries.view`` to read, ``registries.view_clear`` with
    a stated purpose to see personal fields in clear, ``registries.govstack`` to define registries and
    write records): this app is one more door onto the city's registries, not a new kind of grant."""

    name = "digigov.data.dregistries"
    label = "dregistries"
    verbose_name = "GovStack 数字登记簿"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry

        registry.register_urls("govstack/digital-registries/", "digigov.data.dregistries.urls")

        from . import demo  # noqa: F401  registers the demo generator
