import pytest

from digigov.core.testing import make_user
from digigov.support.window.models import ServiceHall
from digigov.support.workflow.testing import make_version, parallel_bpmn


@pytest.fixture(autouse=True)
def materials_dir(settings, tmp_path):
    """Materials go to a fresh folder per test, never the developer's var/."""
    settings.VAR_DIR = tmp_path
    return tmp_path / "materials"


@pytest.fixture
def hall(city):
    return ServiceHall.objects.create(name="元宝区政务服务中心", division=city.county_a, counters=6)


@pytest.fixture
def clerk(city):
    return make_user("window_clerk", division=city.county_a)


@pytest.fixture
def version(city):
    return make_version(parallel_bpmn(dept_a=city.bureau, dept_b=city.other_bureau), user=city.system, department=city.bureau)
