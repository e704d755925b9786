import pytest

from digigov.data.spatial import testing


@pytest.fixture
def nr(city):
    return testing.steward(city)


@pytest.fixture
def actors(role_user, city, nr):
    return {
        "nr_admin": role_user("data_admin", department=nr),
        "authority": role_user("data_authority"),
        "other_admin": role_user("data_admin", department=city.other_bureau),
        "dept_admin": role_user("dept_admin", department=nr),
    }


@pytest.fixture
def geo(city, nr, actors):
    return testing.geography(city, actors["authority"])
