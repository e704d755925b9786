"""Portal pages of the catalog: the first screen, 关于, browse, topics, guides (+ print), bundles; the staff
catalog pages. Query counts are pinned; pages are in Chinese and show no raw codes."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.testing import logged_in_client
from digigov.services.onestop.actions import catalog as actions
from digigov.services.onestop.models import Rating, ServiceItem
from digigov.services.onestop.selectors import catalog as sel
from digigov.services.onestop.testing import item_with_process, make_bundle, make_item, make_topic


@pytest.fixture
def siblings(monkeypatch):
    """The application slice's pages (办件查询, 在线办理) as if mounted: the catalog links to them only then."""
    from digigov.services.onestop import views_catalog

    monkeypatch.setattr(views_catalog, "mounted", lambda path: True)


@pytest.fixture
def catalog(city, role_user):
    birth = make_topic("birth", "出生")
    start = make_topic("start", "开办", kind="stage")
    lic = make_item(city.bureau, name="个体工商户设立登记", audience="person", topics=[start], citywide=True, popularity=900,
                    materials=[{"name": "居民身份证", "form": "original", "shared_source": "household"},
                               {"name": "经营场所使用证明", "form": "copy"}],
                    fees=[{"name": "工本费", "amount_cents": 1050, "basis": "发改价格〔2004〕2831号"}])
    online = item_with_process(city, user=role_user("city_admin"), name="出生医学证明补发", topics=[birth], popularity=50)
    others = [make_item(city.other_bureau, name=f"教师资格认定{i}", topics=[birth], popularity=i) for i in range(30)]
    bundle = make_bundle(city.bureau, [lic, online], name="新生儿出生一件事", topic=birth)
    return {"birth": birth, "start": start, "lic": lic, "online": online, "others": others, "bundle": bundle}


@pytest.mark.django_db
def test_first_screen(client, catalog, city, siblings, django_assert_max_num_queries):
    now = timezone.now()
    for level, days in ((5, 1), (4, 10), (1, 20), (3, 400)):  # the last one is older than 12 months
        Rating.objects.create(department=city.bureau, level=level, created_at=now - dt.timedelta(days=days))
    with django_assert_max_num_queries(12):
        r = client.get("/")
    html = r.content.decode()
    assert r.status_code == 200
    for text in ("个人办事", "法人办事", "高频事项", "一件事一次办", "办件进度查询", "好差评", "12345", "长辈版", 'action="/services/search/"',
                 'action="/services/progress/"', "个体工商户设立登记", "新生儿出生一件事", "辽ICP备", "公网安备"):
        assert text in html, text
    assert ">3<" in html and "66.7%" in html  # 3 ratings in 12 months, 2 of them 基本满意 or better


def test_rating_figures_formula(db, city):
    now = timezone.now()
    assert sel.rating_figures(now).satisfaction is None
    for level in (5, 5, 3, 2, 1):
        Rating.objects.create(department=city.bureau, level=level, created_at=now - dt.timedelta(days=3))
    f = sel.rating_figures(now)
    assert (f.count, f.good, f.poor, f.satisfaction) == (5, 3, 2, 60.0)


@pytest.mark.django_db
def test_large_text_mode_is_a_cookie(client, catalog):
    r = client.post("/services/large-text/", {"on": "1", "next": "/services/"})
    assert r.status_code == 302 and r["Location"] == "/services/"
    assert "portal large-text" in client.get("/").content.decode()
    r = client.post("/services/large-text/", {"on": "0", "next": "https://evil.example/"})
    assert r["Location"] == "/"
    assert "portal large-text" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_about_has_the_architecture_map(client):
    html = client.get("/about/").content.decode()
    assert "平台体系" in html and "基础设施体系" in html and "数字政府发展主要指标" in html
    assert "审计日志 <span class=\"badge ok\">已接入</span>" in html and "未接入" in html


@pytest.mark.django_db
def test_browse_and_filters(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        r = client.get("/services/")
    html = r.content.decode()
    assert r.status_code == 200 and "按人生事件" in html and "出生" in html and "按部门" in html
    with django_assert_max_num_queries(10):
        html = client.get("/services/?citywide=1").content.decode()
    assert "个体工商户设立登记" in html and "教师资格认定1" not in html
    html = client.get(f"/services/?department={catalog['others'][0].department.code}").content.decode()
    assert "教师资格认定29" in html and "个体工商户设立登记" not in html
    assert client.get("/services/?audience=alien").status_code == 422


@pytest.mark.django_db
def test_topic_page_pages_by_keyset_without_gaps(client, catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        r = client.get("/services/topics/birth/")
    html = r.content.decode()
    assert "新生儿出生一件事" in html and "出生医学证明补发" in html and "下一页" in html
    seen = []
    url = "/services/topics/birth/"
    while url:
        page = client.get(url)
        rows = page.context["items"]
        seen += [i.pk for i in rows]
        url = page.context["next_url"] and "/services/topics/birth/" + page.context["next_url"]
    expected = list(ServiceItem.objects.filter(topics=catalog["birth"]).order_by("-popularity", "-pk").values_list("pk", flat=True))
    assert seen == expected
    assert client.get("/services/topics/birth/?after=garbage").status_code == 200
    assert client.get("/services/topics/nope/").status_code == 404


@pytest.mark.django_db
def test_guide_shows_materials_fees_limits_and_what_replaces_papers(client, catalog, siblings, django_assert_max_num_queries):
    code = catalog["lic"].code
    with django_assert_max_num_queries(8):
        r = client.get(f"/services/items/{code}/")
    html = r.content.decode()
    assert r.status_code == 200
    for text in ("受理条件", "设定依据", "申请材料", "免提交", "户籍信息（人口基础库）", "复印件", "10.50 元", "法定办结时限", "全市通办",
                 "打印办事指南"):
        assert text in html, text
    assert "在线办理" not in html.split("打印办事指南")[0].split("<article")[1] or "apply/item" not in html  # no process: no button
    online = catalog["online"].code
    assert f'href="/services/apply/item/{online}/"' in client.get(f"/services/items/{online}/").content.decode()


@pytest.mark.django_db
def test_links_to_pages_not_mounted_are_not_shown(client, catalog, monkeypatch):
    from digigov.services.onestop import views_catalog

    monkeypatch.setattr(views_catalog, "mounted", lambda path: False)
    home = client.get("/").content.decode()
    assert "/services/progress/" not in home and 'action="/services/search/"' in home  # the search box is always there
    assert "/services/apply/item/" not in client.get(f"/services/items/{catalog['online'].code}/").content.decode()
    assert "/services/apply/bundle/" not in client.get(f"/services/bundles/{catalog['bundle'].code}/").content.decode()


def test_print_version_has_no_navigation(client, catalog):
    html = client.get(f"/services/items/{catalog['lic'].code}/print/").content.decode()
    assert "申请材料" in html and "portal-bar" not in html and 'class="top"' not in html and "@media print" not in html
    assert "portal.css" in html


@pytest.mark.django_db
def test_an_offline_item_has_no_guide(client, catalog, city, role_user):
    actions.deactivate_item(role_user("dept_admin", department=city.bureau), catalog["lic"], "已取消")
    assert client.get(f"/services/items/{catalog['lic'].code}/").status_code == 404


@pytest.mark.django_db
def test_bundles(client, catalog, siblings, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        html = client.get("/services/bundles/").content.decode()
    assert "新生儿出生一件事" in html
    with django_assert_max_num_queries(10):
        html = client.get(f"/services/bundles/{catalog['bundle'].code}/").content.decode()
    assert "只提交一次" in html and "居民身份证" in html and f"/services/apply/bundle/{catalog['bundle'].code}/" in html
    assert client.get("/services/bundles/NOPE/").status_code == 404


@pytest.mark.django_db
def test_phone_width_layout_exists(client, catalog):
    html = client.get("/").content.decode()
    assert 'name="viewport"' in html and "onestop/portal.css" in html


@pytest.mark.django_db
def test_staff_catalog_pages(city, catalog, role_user, django_assert_max_num_queries):
    admin = role_user("dept_admin", department=city.bureau)
    c = logged_in_client(admin)
    with django_assert_max_num_queries(14):
        r = c.get("/workbench/services/catalog/")
    html = r.content.decode()
    assert r.status_code == 200 and "个体工商户设立登记" in html and "教师资格认定" not in html  # own department only
    item = catalog["lic"]
    assert c.get(f"/workbench/services/catalog/items/{item.public_id}/").status_code == 200
    assert c.get(f"/workbench/services/catalog/items/{catalog['others'][0].public_id}/").status_code == 404
    r = c.post(f"/workbench/services/catalog/items/{item.public_id}/edit/", {
        "name": "个体工商户设立登记（新办）", "audience": "person", "legal_basis": "《促进个体工商户发展条例》", "conditions": "有经营能力",
        "statutory_days": "15", "promised_days": "3", "online_depth": "4", "visits_required": "0", "keywords": "个体户 开店"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.name == "个体工商户设立登记（新办）"
    r = c.post(f"/workbench/services/catalog/items/{item.public_id}/edit/", {
        "name": "x", "audience": "person", "legal_basis": "a", "conditions": "b", "statutory_days": "3", "promised_days": "9",
        "online_depth": "4", "visits_required": "0"})
    assert r.status_code == 400 and "承诺办结时限不能长于法定办结时限" in r.content.decode()
    r = c.post(f"/workbench/services/catalog/items/{item.public_id}/materials/", {"materials": "居民身份证｜原件｜｜household｜是\n照片｜电子材料｜｜｜否"})
    assert r.status_code == 302 and item.materials.count() == 2
    r = c.post(f"/workbench/services/catalog/items/{item.public_id}/materials/", {"materials": "居民身份证｜纸"})
    assert r.status_code == 400 and item.materials.count() == 2
    c.post(f"/workbench/services/catalog/items/{item.public_id}/toggle/", {"reason": "事项取消"})
    item.refresh_from_db()
    assert not item.active
    assert logged_in_client(role_user("citizen")).get("/workbench/services/catalog/").status_code == 403
