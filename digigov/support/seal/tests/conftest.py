import pytest

from digigov.core.testing import make_user


class SealPeople:
    def __init__(self, city):
        self.city = city
        self.unit = city.bureau
        self.dept_admin = make_user("dept_admin", department=city.bureau)
        self.other_admin = make_user("dept_admin", department=city.other_bureau)
        self.city_admin = make_user("city_admin")
        self.holder = make_user("approver", department=city.bureau)  # staff of the unit (role granted over it)
        self.holder2 = make_user("window_clerk", department=city.bureau)
        self.outsider = make_user("approver", department=city.other_bureau)
        self.citizen = make_user("citizen")


@pytest.fixture
def people(city):
    return SealPeople(city)
