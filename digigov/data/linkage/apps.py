from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """The 一数一源 record-linkage engine (Splink on DuckDB) and ``manage.py link_persons``. No models."""

    name = "digigov.data.linkage"
    label = "linkage"
    verbose_name = "多源比对"
