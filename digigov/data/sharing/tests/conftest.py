import pytest

from digigov.data.sharing.testing import department_app, provider_entry


@pytest.fixture
def actors(role_user, city, pii_keys):
    return {
        "consumer": role_user("data_admin"),                                  # 营商局 subtree
        "consumer_dept": role_user("dept_admin"),
        "provider": role_user("dept_admin", department=city.other_bureau),    # 教育局
        "provider_data": role_user("data_admin", department=city.other_bureau),
        "outsider": role_user("dept_admin", department=city.county_bureau),
        "leader": role_user("leader"),
        "city_admin": role_user("city_admin"),
    }


@pytest.fixture
def world(city, actors):
    entry = provider_entry(city.other_bureau)
    app = department_app(actors["consumer"], city.bureau)
    return {"entry": entry, "app": app, "requester": city.bureau, "provider": city.other_bureau}
