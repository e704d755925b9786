"""The collection rules CI relies on (conftest.py): the PostgreSQL half keeps every test that reaches the
database and drops only browser tests and tests that cannot open a connection; the order is left alone;
nothing is dropped without the flag (``make test`` runs everything)."""

pytest_plugins = ["pytester"]

SAMPLE = """
import pytest

@pytest.fixture
def db():
    pass

@pytest.fixture
def transactional_db():
    pass

@pytest.fixture
def city(db):
    return "city"

@pytest.fixture
def page():
    return "page"

def test_pure():
    pass

def test_through_city(city):
    pass

@pytest.mark.django_db
def test_marked():
    pass

class TestMarkedClass:
    pytestmark = pytest.mark.django_db

    def test_method(self):
        pass

def test_transactional(transactional_db):
    pass

def test_browser_unmarked(page, city):
    pass

@pytest.mark.slow
def test_slow_pure():
    pass

@pytest.mark.slow
@pytest.mark.django_db
def test_slow_db():
    pass

@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.django_db
def test_fuzz_db():
    pass
"""


def collected(pytester, *args) -> list[str]:
    pytester.syspathinsert()
    pytester.makepyfile(ci_split_plugin="from conftest import pytest_addoption, pytest_collection_modifyitems\n")
    pytester.makepyfile(test_sample=SAMPLE)
    result = pytester.runpytest_inprocess("-p", "no:django", "-p", "no:xdist", "-p", "no:cacheprovider",
                                          "-p", "ci_split_plugin", "--collect-only", "-q", *args)
    return [line.split("::", 1)[1] for line in result.outlines if "::" in line]


def test_without_flags_everything_runs_in_collection_order(pytester):
    names = collected(pytester)
    assert names == ["test_pure", "test_through_city", "test_marked",
                     "TestMarkedClass::test_method", "test_transactional", "test_browser_unmarked", "test_slow_pure",
                     "test_slow_db", "test_fuzz_db"]


def test_postgresql_half_keeps_every_database_test(pytester):
    names = collected(pytester, "--database-tests-only", "-m", "not browser")
    assert names == ["test_through_city", "test_marked", "TestMarkedClass::test_method", "test_transactional",
                     "test_slow_db", "test_fuzz_db"]


def test_postgresql_half_as_ci_runs_it(pytester):
    """.ci/run's selection: database tests (slow ones included), minus browser journeys and the API fuzz."""
    import pathlib
    import re
    import shlex

    ci = (pathlib.Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    args = shlex.split(re.search(r'PYTEST_ARGS="([^"]+)"', ci).group(1))
    assert collected(pytester, *args) == ["test_through_city", "test_marked", "TestMarkedClass::test_method", "test_transactional",
                                          "test_slow_db"]


def test_a_test_driving_chromium_is_marked_browser_without_saying_so(pytester):
    assert collected(pytester, "-m", "browser") == ["test_browser_unmarked"]


def test_the_flag_alone_drops_only_tests_without_database(pytester):
    names = collected(pytester, "--database-tests-only")
    assert "test_pure" not in names and "test_slow_pure" not in names
    assert "test_browser_unmarked" in names
