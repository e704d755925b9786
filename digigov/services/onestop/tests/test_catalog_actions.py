"""Catalog actions: create/update/deactivate items, materials, topics, bundle metadata — scoped, audited,
validated (nothing written on bad input), and the search index told (``item_changed``)."""

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.services.onestop import codes, signals
from digigov.services.onestop.actions import catalog as actions
from digigov.services.onestop.catalog_data import REAL_ITEMS, TOPICS
from digigov.services.onestop.demo_catalog import real_item_kwargs
from digigov.services.onestop.models import ItemMaterial, ServiceItem, Topic
from digigov.services.onestop.testing import make_bundle, make_item


def _base(city, **over):
    data = {"name": "居民身份证换领", "item_type": "20", "audience": "person", "department": city.bureau,
            "legal_basis": "《中华人民共和国居民身份证法》第十一条", "conditions": "本市户籍居民", "statutory_days": 60, "promised_days": 20,
            "online_depth": 2, "visits_required": 1, "fees": [{"name": "工本费", "amount_cents": 2000, "basis": "发改价格〔2003〕2322号"}],
            "materials": [{"name": "居民户口簿", "form": "original", "shared_source": "household"}]}
    data.update(over)
    return data


@pytest.fixture
def admin(city, role_user):
    return role_user("dept_admin", department=city.bureau)


@pytest.mark.django_db
def test_create_builds_a_checked_implementing_code_audits_and_signals(city, admin):
    seen = []
    signals.item_changed.connect(lambda sender, item, **kw: seen.append(item.pk), weak=False, dispatch_uid="t-create")
    try:
        item = actions.create_item(admin, **_base(city))
    finally:
        signals.item_changed.disconnect(dispatch_uid="t-create")
    assert codes.implementing_code_error(item.code) is None
    assert codes.parse(item.code).basic == item.basic_code and item.basic_code.startswith("20")
    assert item.fee_required and item.materials.get().shared_source == "household"
    assert seen == [item.pk]
    entry = AuditEntry.objects.get(action="onestop.item.create")
    assert entry.actor_id == admin.pk and entry.after["materials"] == 1
    second = actions.create_item(admin, **_base(city, name="居民身份证补领"))
    assert int(second.basic_code[2:7]) == int(item.basic_code[2:7]) + 1  # the next free main-item number


BAD = [
    ({"name": ""}, "name"),
    ({"name": 5}, "name"),
    ({"item_type": "99"}, "item_type"),
    ({"audience": "alien"}, "audience"),
    ({"department": "CITY-BDB"}, "department"),
    ({"legal_basis": ""}, "legal_basis"),
    ({"statutory_days": -1}, "statutory_days"),
    ({"promised_days": True}, "promised_days"),
    ({"statutory_days": 5, "promised_days": 10}, "promised_days"),
    ({"online_depth": 4, "visits_required": 1}, "visits_required"),
    ({"online_depth": 7}, "online_depth"),
    ({"citywide": "yes"}, "citywide"),
    ({"fees": [{"name": "工本费", "amount_cents": 0, "basis": "x"}]}, "fees"),
    ({"fees": [{"name": "工本费", "amount_cents": 10.5, "basis": "x"}]}, "fees"),
    ({"fees": [{"name": "工本费", "amount_cents": 100}]}, "fees"),
    ({"fees": "20元"}, "fees"),
    ({"materials": [{"name": "户口簿", "form": "paper"}]}, "materials"),
    ({"materials": [{"name": "户口簿"}, {"name": "户口簿"}]}, "materials"),
    ({"materials": [{"name": "户口簿", "shared_source": "tax_secrets"}]}, "materials"),
    ({"materials": [{"name": "户口簿", "licence_type": "100000XX999"}]}, "materials"),
    ({"materials": [{"name": "户口簿", "copies": 0}]}, "materials"),
    ({"materials": "户口簿"}, "materials"),
    ({"code": "0100021000210600SAMR01X"}, "code"),
    ({"basic_code": "0100021"}, "basic_code"),
    ({"basic_code": "0100021000"}, "basic_code"),  # a licensing basic code for a public-service item
    ({"process_steps": "申请"}, "process_steps"),
    ({"window_phone": "call me"}, "window_phone"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("over, field", BAD)
def test_bad_input_is_refused_with_the_field_and_nothing_written(city, admin, over, field):
    with pytest.raises(ValidationFailed) as exc:
        actions.create_item(admin, **_base(city, **over))
    assert exc.value.detail["field"] == field
    assert any("\u4e00" <= c <= "\u9fff" for c in exc.value.message)
    assert not ServiceItem.objects.exists() and not ItemMaterial.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="onestop.").exists()


@pytest.mark.django_db
def test_a_department_admin_manages_only_own_departments_items(city, admin, role_user):
    with pytest.raises(Forbidden):
        actions.create_item(admin, **_base(city, department=city.other_bureau))
    other = make_item(city.other_bureau)
    with pytest.raises(Forbidden):
        actions.update_item(admin, other, name="改名")
    with pytest.raises(Forbidden):
        actions.create_item(role_user("citizen"), **_base(city))
    assert ServiceItem.objects.count() == 1 and ServiceItem.objects.get().name != "改名"


@pytest.mark.django_db
def test_update_changes_given_fields_and_refuses_code_and_department_changes(city, admin):
    item = actions.create_item(admin, **_base(city))
    topic = actions.create_topic(role_user_city_admin(city), code="household", name="户籍", kind="life")
    updated = actions.update_item(admin, item, name="居民身份证换领（到期换证）", keywords="身份证到期  换身份证 身份证到期", topics=[topic])
    assert updated.name == "居民身份证换领（到期换证）" and updated.keywords == "身份证到期 换身份证"
    assert list(updated.topics.all()) == [topic]
    entry = AuditEntry.objects.filter(action="onestop.item.update").get()
    assert entry.before["name"] == "居民身份证换领" and entry.after["topics"] == ["household"]
    for bad in ({"code": "x"}, {"item_type": "01"}, {"department": city.bureau_unit}):
        with pytest.raises(ValidationFailed):
            actions.update_item(admin, item, **bad)
    item.refresh_from_db()
    assert item.department == city.bureau and item.item_type == "20"


def role_user_city_admin(city):
    from digigov.core.testing import make_user

    return make_user("city_admin")


@pytest.mark.django_db
def test_deactivate_needs_a_reason_and_is_not_repeated(city, admin):
    item = actions.create_item(admin, **_base(city))
    with pytest.raises(ValidationFailed):
        actions.deactivate_item(admin, item, "")
    actions.deactivate_item(admin, item, "事项已由上级部门取消")
    item.refresh_from_db()
    assert not item.active
    with pytest.raises(Conflict):
        actions.deactivate_item(admin, item, "再次下线")
    actions.set_item_active(admin, item, True)
    assert ServiceItem.objects.get(pk=item.pk).active
    assert AuditEntry.objects.filter(action="onestop.item.deactivate").count() == 1


@pytest.mark.django_db
def test_set_materials_replaces_the_list_and_bad_rows_keep_the_old_one(city, admin):
    item = actions.create_item(admin, **_base(city))
    actions.set_materials(admin, item, [{"name": "居民身份证", "shared_source": "household"}, {"name": "照片", "form": "electronic", "required": False}])
    assert [m.name for m in item.materials.order_by("order")] == ["居民身份证", "照片"]
    with pytest.raises(ValidationFailed):
        actions.set_materials(admin, item, [{"name": "申请书"}, {"name": ""}])
    assert [m.name for m in item.materials.order_by("order")] == ["居民身份证", "照片"]


@pytest.mark.django_db
def test_topics_are_the_citys(city, admin):
    with pytest.raises(Forbidden):
        actions.create_topic(admin, code="birth", name="出生", kind="life")
    ca = role_user_city_admin(city)
    t = actions.create_topic(ca, code="birth", name="出生", kind="life", keywords="生孩子 新生儿")
    with pytest.raises(Conflict):
        actions.create_topic(ca, code="birth", name="出生", kind="life")
    for bad in ({"code": "Birth!"}, {"kind": "x"}, {"name": ""}):
        with pytest.raises(ValidationFailed):
            actions.create_topic(ca, **{"code": "school", "name": "上学", "kind": "life", **bad})
    actions.update_topic(ca, t, description="孩子出生后的手续")
    assert Topic.objects.get().description == "孩子出生后的手续" and Topic.objects.count() == 1


@pytest.mark.django_db
def test_bundle_metadata_only(city, admin):
    bundle = make_bundle(city.bureau, [make_item(city.bureau)])
    actions.update_bundle(admin, bundle, name="新生儿出生一件事", promised_days=5)
    bundle.refresh_from_db()
    assert bundle.name == "新生儿出生一件事" and bundle.promised_days == 5
    with pytest.raises(ValidationFailed):
        actions.update_bundle(admin, bundle, modelled=False)


@pytest.mark.django_db
def test_every_real_catalog_item_passes_the_actions_validation(city, role_user):
    """The demo's real items are created through ``create_item``: each must be valid as written."""
    from digigov.support.license.catalog import REAL_TYPES

    licence_codes = {row[0] for row in REAL_TYPES}
    ca = role_user("city_admin")
    topics = {code: actions.create_topic(ca, code=code, name=name, kind=kind) for code, name, kind, _, _ in TOPICS}
    seen = set()
    for spec in REAL_ITEMS:
        kwargs = real_item_kwargs(spec, city.bureau, topics, {}, {})
        for m in kwargs["materials"]:
            assert m["licence_type"] in (None, "") or m["licence_type"] in licence_codes, (spec.name, m)
            m["licence_type"] = None  # the test database has no licence catalog
        item = actions.create_item(ca, **kwargs)
        assert item.code not in seen
        seen.add(item.code)
        assert item.topics.count() == len(spec.topics)
    assert len(REAL_ITEMS) >= 80 and len(seen) == len(REAL_ITEMS)
    assert 0.25 <= sum(s.citywide for s in REAL_ITEMS) / len(REAL_ITEMS) <= 0.45
