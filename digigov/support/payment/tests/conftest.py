import pytest


@pytest.fixture
def dept(city):
    """The collecting department, with a usable seal for its e-bills."""
    from digigov.support.seal.testing import make_seal

    make_seal(city.bureau)
    return city.bureau


@pytest.fixture
def citizen(user_factory):
    return user_factory("citizen")


@pytest.fixture
def paid_signals():
    from digigov.support.payment import signals

    seen = []

    def on_paid(sender, order, actor, **kw):
        seen.append(order.pk)

    signals.order_paid.connect(on_paid)
    yield seen
    signals.order_paid.disconnect(on_paid)
