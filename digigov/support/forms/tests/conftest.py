import datetime as dt

import pytest

from digigov.core.accounts.models import NaturalPerson
from digigov.core.testing import resident_id


@pytest.fixture
def designer(role_user):
    return role_user("dept_admin")  # forms.design within the city bureau


@pytest.fixture
def applicant(city, user_factory):
    """A citizen account with its real-name person."""
    person = NaturalPerson.objects.create(id_number=resident_id(), name="张三", gender="M", birth_date=dt.date(1990, 1, 1),
                                          phone="13800001111", address="示范市元宝区兴东社区1号", division=city.village_a)
    user = user_factory("citizen")
    user.person = person
    user.save(update_fields=["person"])
    return user
