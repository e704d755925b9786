import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, ValidationFailed
from digigov.data.catalog.testing import make_entry
from digigov.data.registries import actions
from digigov.data.registries.models import Feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(depts):
    return make_entry(depts["psb"], [{"name": "记录标识", "field_name": "jlbs"}, {"name": "公民身份号码", "field_name": "sfzh", "personal": 2},
                                     {"name": "姓名", "field_name": "xm", "personal": 1}], name="户籍人口")


def test_register_feed(entry, depts, authority_user):
    feed = actions.register_feed(authority_user, registry="person", name="公安户籍", department=depts["psb"], entry=entry,
                                 mapping={"row_id": "jlbs", "id_number": "sfzh", "name": "xm", "phone": ""})
    assert feed.mapping == {"row_id": "jlbs", "id_number": "sfzh", "name": "xm"}
    assert AuditEntry.objects.filter(action="registries.feed.create").count() == 1
    with pytest.raises(Conflict):
        actions.register_feed(authority_user, registry="person", name="公安户籍", department=depts["psb"], entry=entry,
                              mapping={"row_id": "jlbs", "id_number": "sfzh"})


@pytest.mark.parametrize("registry,mapping,code,words", [
    ("person", {}, "invalid_mapping", "字段映射"),
    ("person", [1], "invalid_mapping", "字段映射"),
    ("person", {"row_id": "jlbs", "shoe_size": "xm"}, "unknown_field", "shoe_size"),
    ("person", {"row_id": "jlbs", "name": "nope"}, "unknown_column", "“姓名”映射到的“nope”"),
    ("person", {"id_number": "sfzh"}, "row_id_required", "源记录标识"),
    ("person", {"row_id": "jlbs", "phone": "xm"}, "identifier_required", "公民身份号码"),
    ("enterprise", {"row_id": "jlbs", "id_number": "sfzh"}, "unknown_field", "法人基础库"),
    ("nope", {"row_id": "jlbs"}, "invalid_registry", "基础库"),
])
def test_bad_mapping_is_refused_in_chinese_and_nothing_written(entry, depts, authority_user, registry, mapping, code, words):
    with pytest.raises(ValidationFailed) as exc:
        actions.register_feed(authority_user, registry=registry, name="x", department=depts["psb"], entry=entry, mapping=mapping)
    assert exc.value.code == code and words in exc.value.message
    assert not Feed.objects.exists() and not AuditEntry.objects.filter(action="registries.feed.create").exists()


def test_entry_of_another_department_is_refused(entry, depts, authority_user):
    with pytest.raises(ValidationFailed) as exc:
        actions.register_feed(authority_user, registry="person", name="x", department=depts["hrss"], entry=entry,
                              mapping={"row_id": "jlbs", "id_number": "sfzh"})
    assert exc.value.code == "entry_department"
