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


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Argon2 costs ~0.2 s per hash; tests that are not about hashing use a fast one
    (digigov/core/web/tests/test_login.py checks the production Argon2 hasher itself)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_actor():
    """``require`` records the acting role in the context; keep one test's actor out of the next."""
    from digigov.core import context

    token = context.set_actor(context.Actor())
    yield
    context.reset_actor(token)


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_tmp(settings, tmp_path):
    """Each test's audit checkpoints go to its own file: a shared var/audit/checkpoints.log would name
    entries another test's rolled-back database never had."""
    settings.DIGIGOV_AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.log")
    settings.DIGIGOV_AUDIT_CHECKPOINT_MIRROR = ""


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    """Data keys are cached per process once committed; a test's database (and its keys) goes away
    with the test, so no test may read another's cached keys."""
    from digigov.security.keys import api

    api.reset_caches()
    yield
    api.reset_caches()


@pytest.fixture
def pii_keys(db):
    """The personal-data keys made up front: the first encrypted write makes them otherwise (two
    ``keys.create`` audit entries by the system account), which tests counting audit entries must not see."""
    from digigov.core.pii import BLIND_INDEX_PURPOSE, DEFAULT_PURPOSE
    from digigov.security.keys import api

    api.active_key(DEFAULT_PURPOSE)
    api.active_key(BLIND_INDEX_PURPOSE, 32)


@pytest.fixture(autouse=True)
def _drop_dataset_tables_after_transactional_tests(request, django_db_blocker):
    """A transactional test (live server, task consumer) commits for real; Django's flush afterwards
    empties the model tables and resets their sequences but knows nothing of the physical dataset tables
    (``dr_<pk>``) aggregation created. Left behind, the next test's entry with the same pk would find its
    table already there."""
    yield
    if not ({"transactional_db", "live_server"} & set(request.fixturenames)):
        return
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        stale = [t for t in connection.introspection.table_names(cursor) if t.startswith("dr_")]
        for table in stale:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")


# --- collection: what CI runs where, and in which order ------------------------------------------------

BROWSER_FIXTURES = {"browser", "page"}
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only", action="store_true", default=False,
        help="deselect the tests that never open a database connection (no django_db marker, no db fixture): "
             "they pass or fail the same on every database backend, so the PostgreSQL half of CI does not repeat them",
    )


def touches_database(item) -> bool:
    """pytest-django blocks every query of a test that neither carries ``django_db`` nor asks for a database
    fixture (directly or through another fixture, e.g. ``city``), so such a test cannot depend on the backend.
    A test that starts a subprocess reaching ``DATABASE_URL`` must carry ``django_db`` for this reason
    (tests/test_task_queue.py does; the restart-safety test pins its own SQLite file)."""
    return item.get_closest_marker("django_db") is not None or bool(DATABASE_FIXTURES & set(item.fixturenames))


def pytest_collection_modifyitems(config, items):
    """Two things, and one it must not do:

    * every test that drives Chromium (asks for ``page`` or ``browser``) is marked ``browser``, whether or not
      its module says so: CI's PostgreSQL half deselects them with ``-m 'not browser'`` (the browser tests check
      the UI, which does not change with the database; they run once, in the SQLite half);
    * ``--database-tests-only`` deselects the tests that cannot reach the database (see ``touches_database``);
    * nothing is reordered: pytest-django runs the transactional tests (which flush the tables, data-migration
      rows included) after the others, and ``--dist load`` keeps that order on each worker. (Moving the slow
      tests first, or ``--dist worksteal``, put flushed tables before tests needing those rows: tried, failed.)
    """
    for item in items:
        if BROWSER_FIXTURES & set(item.fixturenames) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
    if config.getoption("--database-tests-only"):
        kept, dropped = [], []
        for item in items:
            (kept if touches_database(item) else dropped).append(item)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept
