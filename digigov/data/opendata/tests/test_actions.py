"""Opening, withdrawing, re-opening and describing datasets: who may, which entries may open, bad input
leaving nothing written, the privacy gate, audit entries and the search index following."""

import pytest

from digigov.core import search as fulltext
from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.data.catalog.testing import make_entry
from digigov.data.opendata import search
from digigov.data.opendata.actions import datasets as actions
from digigov.data.opendata.models import DatasetStatus, OpenDataset

from .factories import person_entry, school_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(role_user):
    return role_user("data_admin")


@pytest.fixture
def entry(city, admin):
    return school_entry(city.bureau, user=admin)


def test_open_writes_dataset_audit_and_index(entry, admin):
    ds, result = actions.open_dataset(admin, entry, keywords="学校，教育", license="cc-by-4.0")
    assert ds.status == DatasetStatus.OPEN and ds.keywords == ["学校", "教育"] and ds.kanon_k == 10 and result.passed  # 所在区域 is a quasi-identifier: 3 districts × 10 schools
    assert ds.name == actions.default_name(entry)
    assert AuditEntry.objects.filter(action="opendata.dataset.open", object_id=ds.public_id).count() == 1
    assert [k for k, _ in fulltext.query(search.KIND, "学校")] == [str(ds.pk)]


@pytest.mark.parametrize("kwargs, code", [
    ({"name": "Bad Name"}, "bad_name"),
    ({"name": "a"}, "bad_name"),
    ({"name": 5}, "bad_name"),
    ({"keywords": ["x" * 21]}, "keyword_too_long"),
    ({"keywords": [str(i) for i in range(11)]}, "too_many_keywords"),
    ({"keywords": {"a": 1}}, "bad_keywords"),
    ({"license": "gpl"}, "bad_license"),
    ({"quasi_identifiers": ["nope"]}, "unknown_quasi_identifier"),
])
def test_bad_input_writes_nothing(entry, admin, kwargs, code):
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as e:
        actions.open_dataset(admin, entry, **kwargs)
    assert e.value.code == code
    assert not OpenDataset.objects.exists() and AuditEntry.objects.count() == audits


@pytest.mark.parametrize("fields, code", [
    ({"open_type": "none"}, "not_openable"),
    ({"status": "draft"}, "entry_not_published"),
    ({"open_type": "unconditional", "personal": 1}, "level_forbids_open"),
])
def test_entries_that_may_not_open(city, admin, fields, code):
    e = make_entry(city.bureau, [{"name": "站点", "field_name": "zd"}], **fields)
    with pytest.raises(ValidationFailed) as err:
        actions.open_dataset(admin, e)
    assert err.value.code == code
    assert not OpenDataset.objects.exists()


def test_only_the_owning_department_data_admin(city, entry, role_user):
    for user in (role_user("data_admin", department=city.other_bureau), role_user("dept_admin"), role_user("citizen")):
        with pytest.raises(Forbidden):
            actions.open_dataset(user, entry)
    assert not OpenDataset.objects.exists()


def test_k_anonymity_failure_opens_nothing(city, admin):
    rows = [{"xm": f"李{i}", "nl": str(20 + i), "jzdz": f"元宝区兴东街道{i}号", "fwlx": "助餐"} for i in range(12)]
    e = person_entry(city.bureau, rows, user=admin)
    audits = AuditEntry.objects.count()
    with pytest.raises(actions.PrivacyCheckFailed) as err:
        actions.open_dataset(admin, e)
    assert err.value.code == "kanon_failed" and err.value.detail["k"] == 1 and err.value.detail["suggestions"]
    assert "李" not in str(err.value.detail)  # sizes and labels, never values
    assert not OpenDataset.objects.exists() and AuditEntry.objects.count() == audits


def test_k_anonymity_pass_records_k(city, admin):
    rows = [{"xm": "", "nl": str(30 + i % 2), "jzdz": "元宝区兴东街道", "fwlx": "助餐"} for i in range(12)]
    e = person_entry(city.bureau, rows, user=admin)
    ds, result = actions.open_dataset(admin, e)
    assert ds.kanon_k == 6 == result.k and ds.quasi_identifiers == ["xm", "nl", "jzdz"]


def test_open_twice_conflicts(entry, admin):
    actions.open_dataset(admin, entry)
    with pytest.raises(Conflict):
        actions.open_dataset(admin, entry)


def test_withdraw_and_reopen(entry, admin):
    ds, _ = actions.open_dataset(admin, entry)
    with pytest.raises(ValidationFailed):
        actions.withdraw_dataset(admin, ds, reason="  ")
    actions.withdraw_dataset(admin, ds, reason="数据更正")
    ds.refresh_from_db()
    assert ds.status == DatasetStatus.WITHDRAWN
    assert fulltext.query(search.KIND, "学校") == []
    with pytest.raises(Conflict):
        actions.withdraw_dataset(admin, ds, reason="again")
    actions.reopen_dataset(admin, ds)
    ds.refresh_from_db()
    assert ds.status == DatasetStatus.OPEN and fulltext.query(search.KIND, "学校")
    assert AuditEntry.objects.filter(action__in=["opendata.dataset.withdraw", "opendata.dataset.reopen"]).count() == 2


def test_update_keywords_and_licence(entry, admin):
    ds, _ = actions.open_dataset(admin, entry)
    actions.update_dataset(admin, ds, keywords=["义务教育"], license="cc-zero")
    ds.refresh_from_db()
    assert ds.keywords == ["义务教育"] and ds.license == "cc-zero"
    assert [k for k, _ in fulltext.query(search.KIND, "义务教育")] == [str(ds.pk)]
    with pytest.raises(Conflict):
        actions.update_dataset(admin, ds, keywords=["义务教育"], license="cc-zero")


def test_entry_rename_reindexes_its_dataset(entry, admin):
    ds, _ = actions.open_dataset(admin, entry)
    entry.name = "示范市托育机构名录"
    entry.save()
    assert [k for k, _ in fulltext.query(search.KIND, "托育")] == [str(ds.pk)]
