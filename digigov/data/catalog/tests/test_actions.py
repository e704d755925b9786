import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.data.catalog import actions
from digigov.data.catalog.models import (CatalogEntry, DataDemand, DataItem, DemandStatus, EntryRevision, EntryStatus,
                                         MountedResource, ResponsibilityItem)


def test_full_lifecycle_publishes_version_1(actors, make_entry):
    e = make_entry()
    assert e.status == EntryStatus.DRAFT and e.version == 0
    assert [i.field_name for i in e.items.order_by("seq")] == ["uscc", "qymc"]
    actions.submit_entry(actors["data_admin"], e)
    actions.dept_review(actors["dept_admin"], e, approve=True, opinion="同意")
    e.refresh_from_db()
    assert e.status == EntryStatus.AUTHORITY_REVIEW
    actions.authority_review(actors["authority"], e, approve=True)
    e.refresh_from_db()
    assert e.status == EntryStatus.PUBLISHED and e.version == 1 and e.published_on is not None
    actions_done = list(EntryRevision.objects.filter(entry=e).order_by("at", "id").values_list("action", flat=True))
    assert actions_done == ["编目", "提交审核", "部门审核通过", "发布"]
    codes = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"catalog.entry.create", "catalog.entry.submit", "catalog.entry.dept_approve", "catalog.entry.publish"} <= codes


def test_return_needs_opinion_and_allows_edit(actors, make_entry):
    e = make_entry()
    actions.submit_entry(actors["data_admin"], e)
    with pytest.raises(ValidationFailed):
        actions.dept_review(actors["dept_admin"], e, approve=False, opinion="")
    actions.dept_review(actors["dept_admin"], e, approve=False, opinion="摘要不清楚")
    e.refresh_from_db()
    assert e.status == EntryStatus.RETURNED
    actions.update_entry(actors["data_admin"], e, abstract="全市企业登记的基本信息，含变更")
    rev = EntryRevision.objects.filter(entry=e, action="编辑").get()
    assert "资源摘要：" in rev.summary and "→" in rev.summary


def test_edit_summary_names_item_changes(actors, make_entry, code_list):
    e = make_entry()
    actions.update_entry(actors["data_admin"], e, sharing_type="unconditional", items=[
        {"name": "统一社会信用代码", "field_name": "uscc", "data_type": "C", "length": 18, "format": "uscc", "is_key": True},
        {"name": "性别", "field_name": "xb", "data_type": "C", "length": 1, "code_list": code_list.pk},
    ])
    summary = EntryRevision.objects.filter(entry=e, action="编辑").get().summary
    assert "共享类型：有条件共享 → 无条件共享" in summary
    assert "新增信息项：性别（xb）" in summary
    assert "删除信息项：企业名称（qymc）" in summary
    assert "修改信息项 统一社会信用代码（uscc）：必填 是 → 否" in summary
    assert list(e.items.values_list("field_name", flat=True)) == ["uscc", "xb"]


def test_revision_keeps_published_version_visible(actors, published):
    uscc_item = published.items.get(field_name="uscc")
    actions.revise_entry(actors["data_admin"], published)
    actions.update_entry(actors["data_admin"], published, name="企业登记信息（含分支机构）", items=[
        {"name": "统一社会信用代码", "field_name": "uscc", "data_type": "C", "length": 18, "format": "uscc", "is_key": True},
        {"name": "企业名称", "field_name": "qymc", "data_type": "C", "length": 200},
        {"name": "成立日期", "field_name": "clrq", "data_type": "D"},
    ])
    published.refresh_from_db()
    # readers still see version 1 as published
    assert published.name == "企业登记信息" and published.status == EntryStatus.PUBLISHED and published.version == 1
    assert published.items.count() == 2
    assert published.pending_status == EntryStatus.DRAFT
    actions.submit_entry(actors["data_admin"], published)
    actions.dept_review(actors["dept_admin"], published, approve=True)
    actions.authority_review(actors["authority"], published, approve=True)
    published.refresh_from_db()
    assert published.version == 2 and published.name == "企业登记信息（含分支机构）" and published.pending is None
    assert list(published.items.values_list("field_name", flat=True)) == ["uscc", "qymc", "clrq"]
    assert published.items.get(field_name="uscc").pk == uscc_item.pk  # kept item keeps its row
    assert "资源名称：企业登记信息 → 企业登记信息（含分支机构）" in published.revisions.filter(action="发布").first().summary


def test_withdraw_revision_drops_pending(actors, published):
    actions.revise_entry(actors["data_admin"], published)
    actions.update_entry(actors["data_admin"], published, name="改名")
    actions.withdraw_entry(actors["data_admin"], published, "不再需要")
    published.refresh_from_db()
    assert published.pending is None and published.pending_status == "" and published.name == "企业登记信息"
    assert published.status == EntryStatus.PUBLISHED
    with pytest.raises(Conflict):
        actions.update_entry(actors["data_admin"], published, name="直接改")


BAD_ENTRIES = [
    ({"code": "bad code!"}, "invalid_code"),
    ({"name": ""}, "name_required"),
    ({"category": 999999}, "invalid_category"),
    ({"sharing_type": "none", "sharing_basis": ""}, "sharing_basis_required"),
    ({"sharing_type": "conditional", "sharing_condition": ""}, "sharing_condition_required"),
    ({"open_type": "conditional", "open_condition": ""}, "open_condition_required"),
    ({"open_type": "maybe"}, "invalid_open_type"),
    ({"items": [{"name": "甲", "field_name": "Xm"}]}, "invalid_field_name"),
    ({"items": [{"name": "甲", "field_name": "xm"}, {"name": "乙", "field_name": "xm"}]}, "duplicate_field_name"),
    ({"items": [{"name": "甲", "field_name": "xm", "data_type": "C", "length": 0}]}, "invalid_length"),
    ({"items": [{"name": "甲", "field_name": "xm", "data_type": "C", "length": 5000}]}, "length_too_large"),
    ({"items": [{"name": "甲", "field_name": "rq", "data_type": "D", "length": 8}]}, "length_not_allowed"),
    ({"items": [{"name": "甲", "field_name": "rq", "data_type": "D", "code_list": "CL"}]}, "invalid_code_list"),
    ({"items": [{"name": "甲", "field_name": "sf", "data_type": "N", "format": "phone"}]}, "format_not_allowed"),
    ({"items": [{"name": "", "field_name": "xm"}]}, "items.0.name_required"),
    ({"items": "x"}, "invalid_items"),
]


@pytest.mark.parametrize(("over", "code"), BAD_ENTRIES)
def test_bad_entry_input_writes_nothing(actors, entry_data, over, code):
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        actions.create_entry(actors["data_admin"], **(entry_data | over))
    assert exc.value.code == code
    assert "field" in exc.value.detail
    assert not CatalogEntry.objects.exists() and not DataItem.objects.exists() and not EntryRevision.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_code_list_only_for_string_or_number(actors, entry_data, code_list):
    with pytest.raises(ValidationFailed) as exc:
        actions.create_entry(actors["data_admin"], **(entry_data | {"items": [
            {"name": "日期", "field_name": "rq", "data_type": "D", "code_list": code_list.pk}]}))
    assert exc.value.code == "code_list_not_allowed"
    e = actions.create_entry(actors["data_admin"], **(entry_data | {"items": [
        {"name": "性别", "field_name": "xb", "data_type": "N", "code_list": code_list.pk}]}))
    assert e.items.get().code_list_id == code_list.pk


def test_duplicate_code_conflicts(actors, make_entry):
    make_entry()
    with pytest.raises(Conflict):
        make_entry()
    assert CatalogEntry.objects.count() == 1


@pytest.mark.parametrize("role", ["dept_admin", "data_authority", "leader", "auditor", "city_admin"])
def test_only_data_admin_creates(role_user, entry_data, role):
    with pytest.raises(Forbidden):
        actions.create_entry(role_user(role), **entry_data)
    assert not CatalogEntry.objects.exists()


def test_data_admin_outside_scope_is_refused(actors, make_entry):
    e = make_entry()
    with pytest.raises(Forbidden):
        actions.update_entry(actors["other_admin"], e, name="越权")
    with pytest.raises(Forbidden):
        actions.submit_entry(actors["other_admin"], e)


def test_dept_admin_reviews_only_own_subtree_and_authority_all(actors, make_entry):
    e = make_entry()
    actions.submit_entry(actors["data_admin"], e)
    with pytest.raises(Forbidden):
        actions.dept_review(actors["other_dept_admin"], e, approve=True)
    with pytest.raises(Forbidden):
        actions.dept_review(actors["data_admin"], e, approve=True)
    with pytest.raises(Forbidden):
        actions.authority_review(actors["dept_admin"], e, approve=True)
    with pytest.raises(Conflict):  # not yet at the authority
        actions.authority_review(actors["authority"], e, approve=True)
    actions.dept_review(actors["dept_admin"], e, approve=True)
    actions.authority_review(actors["authority"], e, approve=False, opinion="共享条件过严")
    e.refresh_from_db()
    assert e.status == EntryStatus.RETURNED and e.version == 0


def test_submit_needs_items(actors, make_entry):
    e = make_entry(items=[])
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_entry(actors["data_admin"], e)
    assert exc.value.code == "items_required"
    e.refresh_from_db()
    assert e.status == EntryStatus.DRAFT


def test_void_only_unpublished(actors, make_entry, published):
    with pytest.raises(Conflict):
        actions.void_entry(actors["data_admin"], published, "误建")
    e = make_entry(code="CITY-BDB-0002")
    actions.void_entry(actors["data_admin"], e, "误建")
    e.refresh_from_db()
    assert e.voided_at is not None


def test_withdraw_published(actors, published):
    with pytest.raises(ValidationFailed):
        actions.withdraw_entry(actors["data_admin"], published, "")
    actions.withdraw_entry(actors["data_admin"], published, "资源已停止采集")
    published.refresh_from_db()
    assert published.status == EntryStatus.WITHDRAWN


# --- mounts -------------------------------------------------------------------------------------------
def test_mounts(actors, published, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = actions.mount_resource(actors["data_admin"], published, kind="table", name="企业登记库表")
    assert t.table_name == f"dr_{published.pk}"
    with pytest.raises(Conflict):
        actions.mount_resource(actors["data_admin"], published, kind="table", name="再挂一次")
    a = actions.mount_resource(actors["data_admin"], published, kind="api", name="企业查询接口", endpoint="https://api.example.gov.cn/qy", method="get")
    assert a.method == "GET"
    f = actions.mount_resource(actors["data_admin"], published, kind="file", name="说明",
                               upload=SimpleUploadedFile("说明.csv", b"a,b\n1,2\n"))
    assert f.file.name.endswith(".csv")
    actions.unmount_resource(actors["data_admin"], a, "接口下线")
    actions.unmount_resource(actors["data_admin"], f, "文件过期")
    with pytest.raises(Conflict):
        actions.unmount_resource(actors["data_admin"], f, "again")
    assert MountedResource.objects.active().count() == 1


BAD_MOUNTS = [
    ({"kind": "ftp", "name": "x"}, "invalid_kind"),
    ({"kind": "api", "name": "x", "endpoint": "ftp://a.b/c"}, "invalid_endpoint"),
    ({"kind": "api", "name": "x", "endpoint": "https://"}, "invalid_endpoint"),
    ({"kind": "api", "name": "x", "endpoint": "https://u:p@a.b/c"}, "endpoint_credentials"),
    ({"kind": "api", "name": "x", "endpoint": "https://a.b:99999/c"}, "invalid_endpoint"),
    ({"kind": "api", "name": "x", "endpoint": "https://a.b/c", "method": "TRACE"}, "invalid_method"),
    ({"kind": "file", "name": "x"}, "file_required"),
    ({"kind": "file", "name": "x", "upload": SimpleUploadedFile("a.exe", b"MZ")}, "file_type"),
    ({"kind": "file", "name": "x", "upload": SimpleUploadedFile("a.csv", b"")}, "file_empty"),
    ({"kind": "file", "name": "x", "upload": SimpleUploadedFile("a.csv", b"x" * 2048)}, "file_too_large"),
    ({"kind": "table", "name": ""}, "name_required"),
]


@pytest.mark.parametrize(("kwargs", "code"), BAD_MOUNTS)
def test_bad_mounts_write_nothing(actors, published, settings, tmp_path, kwargs, code):
    settings.MEDIA_ROOT = tmp_path
    settings.DIGIGOV_CATALOG_FILE_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as exc:
        actions.mount_resource(actors["data_admin"], published, **kwargs)
    assert exc.value.code == code
    assert not MountedResource.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_mount_permission(actors, published):
    for who in ("other_admin", "dept_admin", "authority"):
        with pytest.raises(Forbidden):
            actions.mount_resource(actors[who], published, kind="table", name="x")
    assert not MountedResource.objects.exists()


# --- 责任清单 -------------------------------------------------------------------------------------------
def test_responsibility_lines(actors, city, published):
    line = actions.add_responsibility(actors["data_admin"], department=city.bureau, name="企业登记信息", basis="三定方案")
    with pytest.raises(Conflict):
        actions.add_responsibility(actors["data_admin"], department=city.bureau, name="企业登记信息")
    actions.edit_responsibility(actors["data_admin"], line, name="企业登记基本信息", basis="三定方案第三条", update_cycle="daily")
    actions.link_responsibility(actors["data_admin"], line, published)
    line.refresh_from_db()
    assert line.entry_id == published.pk and line.name == "企业登记基本信息"
    with pytest.raises(Forbidden):
        actions.add_responsibility(actors["other_admin"], department=city.bureau, name="x")
    other = actions.add_responsibility(actors["other_admin"], department=city.other_bureau, name="学籍信息")
    with pytest.raises(ValidationFailed):
        actions.link_responsibility(actors["other_admin"], other, published) if False else actions.link_responsibility(
            actors["data_admin"], line, actions.create_entry(actors["other_admin"], department=city.other_bureau, code="EDU-1",
                                                             name="学籍", abstract="学籍", category=published.category_id,
                                                             sharing_type="unconditional"))
    actions.void_responsibility(actors["data_admin"], line, "职责调整")
    assert ResponsibilityItem.objects.active().count() == 1


# --- 需求目录 -------------------------------------------------------------------------------------------
def test_demand_flow(actors, city, published):
    d = actions.file_demand(actors["other_admin"], requester=city.other_bureau, entry=published, purpose="学生资助审核")
    assert d.provider_id == city.bureau.pk and d.title == published.name and d.status == DemandStatus.OPEN
    with pytest.raises(Forbidden):  # the requester cannot answer its own demand
        actions.accept_demand(actors["other_admin"], d)
    actions.accept_demand(actors["data_admin"], d, "安排归集")
    actions.meet_demand(actors["data_admin"], d, entry=published)
    d.refresh_from_db()
    assert d.status == DemandStatus.MET and d.entry_id == published.pk
    with pytest.raises(Conflict):
        actions.reject_demand(actors["data_admin"], d, "晚了")


def test_demand_free_text_and_reject(actors, city):
    d = actions.file_demand(actors["other_admin"], requester=city.other_bureau, provider=city.bureau, title="营业执照照面信息", purpose="核验")
    with pytest.raises(ValidationFailed):
        actions.reject_demand(actors["data_admin"], d, "")
    actions.reject_demand(actors["data_admin"], d, "涉及商业秘密")
    d.refresh_from_db()
    assert d.status == DemandStatus.REJECTED and d.reply == "涉及商业秘密"


BAD_DEMANDS = [
    ({"provider": None, "title": "x", "purpose": "y"}, "department_required"),
    ({"title": "", "purpose": "y"}, "title_required"),
    ({"title": "x", "purpose": ""}, "purpose_required"),
]


@pytest.mark.parametrize(("kwargs", "code"), BAD_DEMANDS)
def test_bad_demands_write_nothing(actors, city, kwargs, code):
    kwargs = {"provider": city.bureau} | kwargs
    with pytest.raises(ValidationFailed) as exc:
        actions.file_demand(actors["other_admin"], requester=city.other_bureau, **kwargs)
    assert exc.value.code == code
    assert not DataDemand.objects.exists()


def test_demand_on_own_department_or_outside_scope(actors, city):
    with pytest.raises(ValidationFailed):
        actions.file_demand(actors["data_admin"], requester=city.bureau, provider=city.bureau, title="x", purpose="y")
    with pytest.raises(Forbidden):
        actions.file_demand(actors["data_admin"], requester=city.other_bureau, provider=city.bureau, title="x", purpose="y")
    assert not DataDemand.objects.exists()
