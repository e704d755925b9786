import pytest

from digigov.core.testing import City, make_user, role_scope


@pytest.fixture
def city(db):
    return City()


@pytest.fixture
def user_factory(db):
    return make_user


@pytest.fixture
def role_user(city):
    """role_user("dept_admin") → a user holding that role with a realistic scope in ``city``."""

    def make(role, **scope):
        return make_user(role, **(scope or role_scope(role, city)))

    return make
