import pytest
from django.db import IntegrityError

from digigov.services.onestop.models import Application
from digigov.services.onestop.testing import item_with_process, make_bundle, make_item


@pytest.mark.django_db
def test_factories_make_an_item_with_materials_and_a_bundle(city):
    item = make_item(city.bureau, name="出生医学证明办理", materials=[("出生医学证明", "original"), ("户口簿", "copy")])
    assert [m.name for m in item.materials.all()] == ["出生医学证明", "户口簿"]
    bundle = make_bundle(city.bureau, [item, make_item(city.other_bureau)])
    assert bundle.members.count() == 2


@pytest.mark.django_db
def test_item_with_process_runs_on_an_active_version(city, role_user):
    item = item_with_process(city, user=role_user("city_admin"))
    assert item.process.versions.filter(status="active").exists()


@pytest.mark.django_db
def test_an_application_names_an_item_or_a_bundle(city):
    with pytest.raises(IntegrityError):
        Application.objects.create(title="无事项", data={})
