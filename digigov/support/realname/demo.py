from digigov.core import registry  # noqa: F401
