import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Argon2 costs ~0.2 s per hash; tests that are not about hashing use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_actor():
    """``require`` records the acting role in the context; keep one test's actor out of the next."""
    from digigov.core import context

    token = context.set_actor(context.Actor())
    yield
    context.reset_actor(token)
