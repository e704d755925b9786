"""What the ckan slice registers, called once from ``CkanConfig.ready``: the CKAN Action API
(``/api/3/action/…`` and ``/api/action/…``), the datastore CSV dump and the DCAT-AP catalog
(``/catalog``, ``/catalog.jsonld``, ``/catalog.ttl``). All public and read-only: no permissions, no
audit events (nothing is written)."""

from __future__ import annotations


def ready() -> None:
    from digigov.core import registry

    registry.register_urls("", "digigov.data.ckan.urls")
