import pytest

from digigov.core.testing import make_user
from digigov.data.exchange import testing


@pytest.fixture(autouse=True)
def _var_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture(autouse=True)
def _drop_exchange_tables_after_transactional_tests(request, django_db_blocker):
    """Like the root conftest's dataset-table cleanup, for the consumers' 前置库 tables (``qz_<job pk>``)."""
    yield
    if not ({"transactional_db", "live_server"} & set(request.fixturenames)):
        return
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in [t for t in connection.introspection.table_names(cursor) if t.startswith("qz_")]:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")


@pytest.fixture
def provider_admin(city):
    return make_user("data_admin", department=city.bureau)


@pytest.fixture
def consumer_admin(city):
    return make_user("data_admin", department=city.other_bureau)


@pytest.fixture
def entry(city, provider_admin, pii_keys):
    return testing.provider_entry(city.bureau, user=provider_admin, rows=10)


@pytest.fixture
def subscription(city, consumer_admin, entry):
    return testing.department_subscription(consumer_admin, entry=entry, consumer=city.other_bureau)
