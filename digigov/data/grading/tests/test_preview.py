"""The masked preview (API and page): sealed columns unsealed, masked per viewer, core hidden, keyset pages,
clear views of personal data audited, a never-aggregated mount answered in Chinese."""

import json

import pytest
from django.urls import reverse

from digigov.core.audit.models import AuditEntry
from digigov.core.testing import logged_in_client, resident_id
from digigov.data.catalog.models import DataItem, MountedResource, MountKind
from digigov.data.grading.testing import create_dataset, make_entry

pytestmark = pytest.mark.django_db

ROWS = [{"xm": f"张{n}", "sfzh": resident_id(seq=n), "sjhm": f"138{n:08d}", "jtzz": f"元宝区广济街道{n}号", "sqmc": "兴东社区"} for n in range(1, 26)]


@pytest.fixture
def dataset(city, role_user):
    entry = make_entry(city.bureau, personal=2)
    create_dataset(entry, ROWS, user=role_user("data_admin"))
    return entry


def _rows(user, entry, **params):
    return logged_in_client(user).get(f"/api/v1/data/datasets/{entry.code}/rows", params)


def test_stored_sealed(dataset):
    from django.db import connection
    with connection.cursor() as c:
        c.execute(f"SELECT sfzh FROM dr_{dataset.pk}")
        stored = bytes(c.fetchone()[0])
    assert ROWS[0]["sfzh"].encode() not in stored


def test_outside_viewer_sees_masked_rows_and_nothing_is_audited(city, dataset, role_user):
    viewer = role_user("data_admin", department=city.other_bureau)
    before = AuditEntry.objects.filter(action="grading.preview.clear").count()
    r = _rows(viewer, dataset, limit=10)
    assert r.status_code == 200, r.content
    body = r.json()
    assert [c["shown"] for c in body["columns"]] == ["masked", "masked", "masked", "masked", "clear"]
    first = body["rows"][0]
    assert first == {"xm": "张*", "sfzh": ROWS[0]["sfzh"][:6] + "********" + ROWS[0]["sfzh"][-4:], "sjhm": "138****0001",
                     "jtzz": "元宝区****", "sqmc": "兴东社区"}
    text = json.dumps(body, ensure_ascii=False)
    assert not any(row["sfzh"] in text or row["sjhm"] in text for row in ROWS)
    assert AuditEntry.objects.filter(action="grading.preview.clear").count() == before


def test_keyset_pages_cover_every_row_once(city, dataset, role_user):
    viewer = role_user("data_admin")
    seen, after = [], None
    for _ in range(5):
        body = _rows(viewer, dataset, limit=10, **({"after": after} if after else {})).json()
        seen += [r["xm"] for r in body["rows"]]
        after = body["next_cursor"]
        if not after:
            break
    assert len(seen) == 25 and len(set(seen)) == 25 and after is None


def test_provider_sees_clear_and_it_is_audited(dataset, role_user):
    admin = role_user("data_admin")
    body = _rows(admin, dataset, limit=5).json()
    assert body["rows"][0]["sfzh"] == ROWS[0]["sfzh"] and all(c["shown"] == "clear" for c in body["columns"])
    entry = AuditEntry.objects.get(action="grading.preview.clear")
    assert entry.actor_id == admin.pk and json.loads(entry.after_json)["fields"] == ["jtzz", "sfzh", "sjhm", "xm"]
    assert json.loads(entry.after_json)["rows"] == 5


def test_dept_admin_of_provider_sees_personal_but_not_sensitive(dataset, role_user):
    body = _rows(role_user("dept_admin"), dataset, limit=1).json()
    row = body["rows"][0]
    assert row["xm"] == ROWS[0]["xm"] and row["sfzh"] != ROWS[0]["sfzh"]


def test_core_items_hidden_and_core_entry_refused(city, dataset, role_user):
    DataItem.objects.filter(entry=dataset, field_name="sqmc").update(level=3)
    leader = role_user("leader")
    body = _rows(leader, dataset, limit=1).json()
    assert "sqmc" not in body["rows"][0] and body["hidden"] == ["所属社区"]
    dataset.level = 3
    dataset.save(update_fields=["level"])
    r = _rows(leader, dataset)
    assert r.status_code == 403 and r.json()["code"] == "core_data"
    assert _rows(role_user("data_authority"), dataset, limit=1).json()["rows"][0]["sqmc"] == "兴东社区"


def test_never_aggregated_and_unmounted(city, role_user):
    admin = role_user("data_admin")
    entry = make_entry(city.bureau)
    body = _rows(admin, entry).json()
    assert body["rows"] == [] and "尚未挂载" in body["message"]
    MountedResource.objects.create(entry=entry, kind=MountKind.TABLE, name="x", table_name=f"dr_{entry.pk}", mounted_by=admin)
    body = _rows(admin, entry).json()
    assert body["rows"] == [] and "尚未归集" in body["message"]
    page = logged_in_client(admin).get(reverse("grading:preview", args=[entry.public_id]))
    assert page.status_code == 200 and "尚未归集" in page.content.decode()


@pytest.mark.parametrize("params,code", [({"limit": 0}, "bad_limit"), ({"limit": 201}, "bad_limit"), ({"after": "x"}, "bad_cursor"),
                                          ({"after": "1-"}, "bad_cursor"), ({"after": "-1-2"}, "bad_cursor")])
def test_bad_parameters(dataset, role_user, params, code):
    r = _rows(role_user("leader"), dataset, **params)
    assert r.status_code == 422 and r.json()["code"] == code


def test_unpublished_entry_of_another_department_is_not_found(city, role_user):
    entry = make_entry(city.bureau, status="draft")
    assert _rows(role_user("data_admin", department=city.other_bureau), entry).status_code == 404
    assert _rows(role_user("data_admin"), entry).status_code == 200


def test_preview_page_masks(city, dataset, role_user):
    page = logged_in_client(role_user("leader")).get(reverse("grading:preview", args=[dataset.public_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "张*" in html and "脱敏" in html
    assert ROWS[0]["sfzh"] not in html and ROWS[0]["sjhm"] not in html
    nxt = logged_in_client(role_user("leader")).get(reverse("grading:preview", args=[dataset.public_id]), {"after": "1-20"})
    assert nxt.status_code == 200 and nxt.content.decode().count("张*") == 5  # rows 21-25

    own = logged_in_client(role_user("data_admin")).get(reverse("grading:preview", args=[dataset.public_id]), {"after": "1-20"})
    html = own.content.decode()
    assert "张21" in html and "张25" in html and "张20<" not in html
