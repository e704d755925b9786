"""A real CKAN client (ckanapi 4.11) against a live server: it must work unchanged."""

import ckanapi
import pytest

from digigov.core.testing import City, make_user
from digigov.data.catalog.models import MountedResource
from digigov.data.ckan.testing import open_dataset

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal(live_server):
    city = City()
    user = make_user("data_admin", department=city.bureau)
    made = [open_dataset(city.bureau if n % 2 else city.other_bureau, user, name=f"set-{n:02d}", title=f"公交站点数据{n}",
                         keywords=["交通"] if n % 3 == 0 else ["民生"], rows=[{"xm": "张三", "sfzh": "210602199001011234", "qx": "元宝区", "nl": "3"}])
            for n in range(7)]
    return ckanapi.RemoteCKAN(live_server.url, user_agent="ckanapi-test/1.0"), made


def test_ckanapi_lists_searches_and_reads(portal):
    ckan, made = portal
    assert ckan.action.package_list() == [f"set-{n:02d}" for n in range(7)]
    found = ckan.action.package_search(q="公交", fq="tags:交通", rows=10)
    assert found["count"] == 3 and {r["name"] for r in found["results"]} == {"set-00", "set-03", "set-06"}
    pkg = ckan.action.package_show(id="set-01")
    assert pkg["title"] == "公交站点数据1" and pkg["organization"]["name"] == "city-bdb"
    orgs = ckan.action.organization_list(all_fields=True)
    assert {o["name"]: o["package_count"] for o in orgs} == {"city-bdb": 3, "city-edu": 4}
    rid = MountedResource.objects.get(entry=made[0].entry).public_id
    rows = ckan.action.datastore_search(resource_id=rid, limit=5)
    assert rows["records"][0]["sfzh"] == "210602********1234" and rows["total"] == 1
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-dataset")
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.package_search(fq="organization:(a OR b)")
    get_only = ckanapi.RemoteCKAN(ckan.address, get_only=True)
    assert get_only.action.package_search(q="公交", rows=1)["count"] == 7


def test_harvester_paging_walk(portal):
    """What ckanext-harvest's CKAN harvester does: page through package_search by metadata_modified."""
    ckan, _ = portal
    seen, start = [], 0
    while True:
        page = ckan.action.package_search(q="*:*", rows=3, start=start, sort="metadata_modified asc")
        if not page["results"]:
            break
        seen += [r["id"] for r in page["results"]]
        start += 3
    assert len(seen) == len(set(seen)) == 7 == page["count"]
