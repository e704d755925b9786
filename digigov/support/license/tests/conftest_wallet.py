"""Fixtures of the wallet slice's tests (imported by its test modules: ``from .conftest_wallet import *``).

Licences are written directly (``license.testing.make_licence``), not through issuance."""

import pytest

from digigov.core.testing import make_user, uscc
from digigov.support.license.testing import make_licence, quick_type

__all__ = ["holder", "person", "licence", "hall", "clerk", "process", "ltype", "make_process"]


@pytest.fixture
def person(city):
    from digigov.support.window.testing import make_person

    return make_person(city.county_a, name="王小明")


@pytest.fixture
def holder(person):
    user = make_user("citizen")
    user.person = person
    user.save(update_fields=["person"])
    return user


@pytest.fixture
def ltype(city):
    return quick_type(city.bureau, name="食品经营许可证")


@pytest.fixture
def licence(ltype, person):
    return make_licence(ltype, holder_code=person.id_number, holder_name=person.name)


@pytest.fixture
def hall(city):
    from digigov.support.window.models import ServiceHall

    return ServiceHall.objects.create(name="元宝区政务服务中心", division=city.county_a, counters=6)


@pytest.fixture
def clerk(city):
    return make_user("window_clerk", division=city.county_a)


def _make_process(city, key="food_licence_item", name="食品经营许可", department=None):
    from digigov.support.workflow.models import ProcessDefinition

    return ProcessDefinition.objects.create(key=key, name=name, department=department or city.bureau, created_by=city.system)


@pytest.fixture
def make_process(city):
    return lambda **kw: _make_process(city, **kw)


@pytest.fixture
def process(city):
    return _make_process(city)


def enterprise_licence(city, name="示范食品有限公司"):
    from digigov.core.accounts.models import LegalPerson

    t = quick_type(city.bureau, name="营业执照", holder_kind="enterprise")
    lp = LegalPerson.objects.create(uscc=uscc(), name=name, kind="enterprise", division=city.county_a)
    return lp, make_licence(t, holder_code=lp.uscc, holder_name=lp.name)
