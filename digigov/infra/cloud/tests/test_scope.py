"""What lies behind a KPI is listed only inside the viewer's reach: the figure is the city's, but a
department admin sees their own subtree's systems and platforms, not other departments'."""

import pytest
from django.urls import reverse

from digigov.core.kpi.actions import ensure_definitions, recompute
from digigov.core.testing import make_user

pytestmark = pytest.mark.django_db

OWN = ("营商环境监测系统", "一体化政务服务平台")  # the bureau's non-classified, non-exempt systems
OTHERS = ("智慧校园平台", "区教育管理系统")  # 教育局's and the county's


def test_adoption_page_lists_only_the_viewers_rows_and_parts(city, cloud, bureau_admin, city_admin, client_for):
    html = client_for(bureau_admin).get(reverse("cloud:adoption")).content.decode()
    assert "50.00%" in html  # the city figure (2 of 4) stays city-wide
    assert all(name in html for name in OWN)
    assert not any(name in html for name in OTHERS)
    assert "示范市教育局" not in html and "元宝区教育局" not in html  # no breakdown part of another department
    assert "按区划分解" not in html  # a division's figure counts other departments' systems
    # asking for another department's rows gives nothing either
    html = client_for(bureau_admin).get(reverse("cloud:adoption") + f"?department={city.other_bureau.public_id}").content.decode()
    assert "智慧校园平台" not in html and "暂无数据" in html
    # city-wide roles see every row and part
    html = client_for(city_admin).get(reverse("cloud:adoption")).content.decode()
    assert all(name in html for name in OWN + OTHERS) and "按区划分解" in html


def test_county_admin_sees_their_county_part(city, cloud, client_for):
    county_admin = make_user("dept_admin", division=city.county_a)
    html = client_for(county_admin).get(reverse("cloud:adoption")).content.decode()
    assert "区教育管理系统" in html and "营商环境监测系统" not in html and "智慧校园平台" not in html
    assert "元宝区" in html and "示范市（市本级）" not in html


def test_kpi_drill_down_rows_are_scoped(city, cloud, bureau_admin, client_for):
    url = reverse("kpi:rows", args=["K01"])
    html = client_for(bureau_admin).get(url).content.decode()
    assert "市级政务云平台" in html  # run by the bureau's 大数据中心: inside its subtree
    assert "教育局自建机房" not in html and "元宝区私有云" not in html
    html = client_for(make_user("leader")).get(url).content.decode()
    assert "教育局自建机房" in html and "元宝区私有云" in html


def test_kpi_detail_and_api_leave_out_parts_outside_reach(city, cloud, bureau_admin, client_for):
    ensure_definitions()
    recompute(city.system, "K01")
    c = client_for(bureau_admin)
    html = c.get(reverse("kpi:detail", args=["K01"])).content.decode()
    assert "66.67%" in html  # 2 of 3 platforms integrated: the city figure
    assert "示范市营商环境建设局（大数据管理局）" in html and "示范市教育局" not in html and "元宝区人民政府" not in html
    data = c.get("/api/v1/kpi/K01").json()
    assert [p["label"] for p in data["breakdown"]["departments"]] == ["示范市营商环境建设局（大数据管理局）"]
    assert data["breakdown"]["divisions"] == []
    rows = c.get("/api/v1/kpi/K01/rows").json()
    assert [r["cells"][0] for r in rows["items"]] == ["市级政务云平台"] and rows["count"] == 1
    adoption = c.get("/api/v1/infra/cloud/adoption").json()
    assert adoption["denominator"] == 4 and [p["label"] for p in adoption["by_department"]] == ["示范市营商环境建设局（大数据管理局）"]
    leader = client_for(make_user("leader")).get("/api/v1/kpi/K01/rows").json()
    assert leader["count"] == 3


def test_drill_down_titles_name_the_division_and_department(city, cloud, city_admin, client_for):
    c = client_for(city_admin)
    html = c.get(reverse("kpi:rows", args=["K01"]) + "?division=210602").content.decode()
    assert "区划：元宝区" in html and "210602" not in html.split("<main", 1)[-1].split("</main>")[0].replace('value="210602"', "")
    html = c.get(reverse("cloud:adoption") + f"?department={city.bureau.public_id}").content.decode()
    assert "部门：示范市营商环境建设局（大数据管理局）" in html
    html = c.get(reverse("cloud:adoption") + "?division=210600").content.decode()
    assert "区划：示范市（市本级）" in html


def test_scoped_adoption_page_query_count_does_not_grow(city, cloud, bureau_admin, city_admin, client_for, django_assert_max_num_queries):
    from digigov.infra.cloud import actions

    c = client_for(bureau_admin)
    url = reverse("cloud:adoption")
    c.get(url)
    for i in range(30):
        actions.register_system(city_admin, department=city.bureau_unit if i % 2 else city.other_bureau, name=f"系统{i}")
    # measured (incl. the staff-TOTP check and the parts-in-reach lookup), plus one COUNT per to-do the user
    # holds in the header badge; constant in the number of systems
    from digigov.core.testing import todo_queries

    with django_assert_max_num_queries(10 + todo_queries(bureau_admin)):
        assert c.get(url).status_code == 200
