"""Demo data of the payment app (``support.payment``) — filled in below."""

from digigov.core import registry


def generate(*args, **kwargs):
    return None


registry.register_demo("support.payment", generate, after=("support.seal", "support.license"))
