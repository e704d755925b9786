import pytest

from digigov.core.testing import make_user
from digigov.data.gateway import testing as gw


class World:
    pass


@pytest.fixture
def world(db, city):
    """The 民政 data of ``city.other_bureau`` (an entry with a table), its data admin, and the liaison
    department's data admin (营商局) who runs the federation."""
    w = World()
    w.city = city
    w.provider_admin = make_user("data_admin", department=city.other_bureau)
    w.liaison_admin = make_user("data_admin", department=city.bureau)
    w.entry = gw.make_people_entry(city.other_bureau, w.provider_admin, sharing_type="conditional")
    return w
