from decimal import Decimal

import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import Conflict, Forbidden, ValidationFailed
from digigov.core.kpi.actions import latest
from digigov.core.testing import make_user
from digigov.infra.cloud import actions, kpis
from digigov.infra.cloud.models import Allocation, CloudStatus, Quota, RequestStatus, ResourceRequest
from digigov.infra.cloud.testing import request_kwargs

pytestmark = pytest.mark.django_db


def _state():
    """What a failed action must leave untouched."""
    return (ResourceRequest.objects.count(), Allocation.objects.count(), AuditEntry.objects.count(),
            list(ResourceRequest.objects.values_list("status", flat=True).order_by("id")))


# --- submit ------------------------------------------------------------------------------------

def test_submit_happy_path_audited(city, cloud, bureau_admin):
    before = AuditEntry.objects.count()
    req, created = actions.submit_request(bureau_admin, **request_kwargs(city))
    assert created and req.status == RequestStatus.SUBMITTED and req.pool == cloud.pool
    assert req.storage_tb == Decimal("1.50") and req.submitted_by == bureau_admin
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "cloud.request.submit" and entry.object_id == req.public_id and entry.role == "dept_admin"


@pytest.mark.parametrize("field,value,code", [
    ("vcpu", -1, "invalid_amount"),
    ("memory_gb", -16, "invalid_amount"),
    ("storage_tb", Decimal("-0.5"), "invalid_amount"),
    ("vcpu", 10**30, "invalid_amount"),
    ("storage_tb", Decimal("1.234"), "invalid_amount"),
    ("storage_tb", Decimal("NaN"), "invalid_amount"),
    ("storage_tb", "abc", "invalid_amount"),
    ("vcpu", True, "invalid_amount"),
    ("vcpu", 1.5, "invalid_amount"),
    ("vcpu", 101, "exceeds_pool_total"),
    ("memory_gb", 401, "exceeds_pool_total"),
    ("storage_tb", Decimal("10.01"), "exceeds_pool_total"),
    ("purpose", "steal", "invalid_purpose"),
    ("reason", "   ", "reason_required"),
    ("reason", "长" * 501, "text_too_long"),
    ("idempotency_key", "有 空格", "invalid_idempotency_key"),
])
def test_submit_bad_input_is_422_and_writes_nothing(city, cloud, bureau_admin, field, value, code):
    snap = _state()
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, **{field: value}))
    assert exc.value.status == 422 and exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)  # a Chinese message
    assert _state() == snap


def test_submit_all_zero_is_rejected(city, cloud, bureau_admin):
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, vcpu=0, memory_gb=0, storage_tb=0))
    assert exc.value.code == "empty_request"


def test_submit_system_rules(city, cloud, bureau_admin):
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate"))
    assert exc.value.code == "system_required"
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate", system=cloud.sys_edu))
    assert exc.value.code == "system_mismatch"
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate", system=cloud.sys_classified))
    assert exc.value.code == "system_classified"
    with pytest.raises(Conflict) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate", system=cloud.sys_migrated))
    assert exc.value.code == "system_already_migrated"
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, purpose="expand", system=cloud.sys_planned))
    assert exc.value.code == "system_not_migrated"
    with pytest.raises(ValidationFailed) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate", system=cloud.sys_exempt))
    assert exc.value.code == "system_exempt"
    actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate", system=cloud.sys_planned))
    with pytest.raises(Conflict) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate", system=cloud.sys_planned))
    assert exc.value.code == "duplicate_pending"


def test_idempotency_key_returns_existing_and_rejects_different_payload(city, cloud, bureau_admin):
    first, created = actions.submit_request(bureau_admin, **request_kwargs(city, idempotency_key="req-001"))
    again, created_again = actions.submit_request(bureau_admin, **request_kwargs(city, idempotency_key="req-001"))
    assert created and not created_again and again.pk == first.pk
    assert ResourceRequest.objects.count() == 1
    with pytest.raises(Conflict) as exc:
        actions.submit_request(bureau_admin, **request_kwargs(city, vcpu=9, idempotency_key="req-001"))
    assert exc.value.code == "idempotency_mismatch"
    # the key is per department: the unit below may use the same key for its own request
    _, created_unit = actions.submit_request(bureau_admin, **request_kwargs(city, department=city.bureau_unit, idempotency_key="req-001"))
    assert created_unit and ResourceRequest.objects.count() == 2


# --- approve / reject / withdraw / void ---------------------------------------------------------

def test_approve_migrate_allocates_migrates_and_changes_cloud_rate(city, cloud, bureau_admin, city_admin,
                                                                    django_capture_on_commit_callbacks):
    before_rate = kpis.cloud_rate()
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate", system=cloud.sys_planned))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.approve_request(city_admin, req, "同意")
    assert callbacks  # the K01 recompute was scheduled after commit
    req.refresh_from_db()
    cloud.sys_planned.refresh_from_db()
    assert req.status == RequestStatus.APPROVED and req.decided_by == city_admin and req.decision_note == "同意"
    alloc = Allocation.objects.get(request=req)
    assert (alloc.vcpu, alloc.memory_gb, alloc.storage_tb, alloc.department) == (8, 16, Decimal("1.50"), city.bureau)
    assert cloud.sys_planned.cloud_status == CloudStatus.MIGRATED and cloud.sys_planned.platform == cloud.city_cloud
    after_rate = kpis.cloud_rate()
    assert after_rate.numerator == before_rate.numerator + 1 and after_rate.denominator == before_rate.denominator
    snap = latest("K01")
    assert snap is not None
    extra = {p["key"]: p for p in snap.breakdown["extra"]}
    assert extra["cloud_rate"]["numerator"] == after_rate.numerator
    actions_logged = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"cloud.request.approve", "cloud.allocation.create", "cloud.system.migrate", "kpi.recompute"} <= actions_logged


def test_approve_beyond_remaining_capacity_is_409_and_writes_nothing(city, cloud, bureau_admin, edu_admin, city_admin):
    actions.allocate(city_admin, pool=cloud.pool, department=city.other_bureau, vcpu=95, memory_gb=10, storage_tb=1)
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city, purpose="migrate", system=cloud.sys_planned, vcpu=8))
    snap = _state()
    with pytest.raises(Conflict) as exc:
        actions.approve_request(city_admin, req)
    assert exc.value.status == 409 and exc.value.code == "pool_capacity_exceeded"
    assert "vcpu" in exc.value.detail and exc.value.detail["vcpu"]["free"] == "5"
    assert "剩余" in exc.value.message
    assert _state() == snap
    cloud.sys_planned.refresh_from_db()
    assert cloud.sys_planned.cloud_status == CloudStatus.PLANNED


def test_quota_is_enforced_on_approval(city, cloud, bureau_admin, city_admin):
    actions.set_quota(city_admin, department=city.bureau, pool=cloud.pool, vcpu=10, memory_gb=100, storage_tb=5)
    first, _ = actions.submit_request(bureau_admin, **request_kwargs(city, vcpu=8))
    second, _ = actions.submit_request(bureau_admin, **request_kwargs(city, vcpu=8, reason="二期"))
    actions.approve_request(city_admin, first)
    with pytest.raises(Conflict) as exc:
        actions.approve_request(city_admin, second)
    assert exc.value.code == "quota_exceeded"
    with pytest.raises(Conflict) as exc:  # a quota cannot drop below what is held
        actions.set_quota(city_admin, department=city.bureau, pool=cloud.pool, vcpu=4, memory_gb=100, storage_tb=5)
    assert exc.value.code == "below_allocated"
    assert Quota.objects.get().vcpu == 10


def test_double_approval_and_decisions_on_closed_requests(city, cloud, bureau_admin, city_admin):
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city))
    actions.approve_request(city_admin, req)
    snap = _state()
    with pytest.raises(Conflict) as exc:
        actions.approve_request(city_admin, req)
    assert exc.value.code == "already_decided"
    with pytest.raises(Conflict):
        actions.reject_request(city_admin, req, "不同意")
    with pytest.raises(Conflict):
        actions.withdraw_request(bureau_admin, req)
    with pytest.raises(Conflict) as exc:
        actions.void_request(city_admin, req, "误报")
    assert exc.value.code == "already_decided"
    assert _state() == snap
    assert Allocation.objects.filter(request=req).count() == 1


def test_approving_a_voided_or_withdrawn_request_is_409(city, cloud, bureau_admin, city_admin):
    voided, _ = actions.submit_request(bureau_admin, **request_kwargs(city))
    actions.void_request(city_admin, voided, "重复提交")
    with pytest.raises(Conflict) as exc:
        actions.approve_request(city_admin, voided)
    assert exc.value.code == "request_voided"
    withdrawn, _ = actions.submit_request(bureau_admin, **request_kwargs(city, reason="另一个"))
    actions.withdraw_request(bureau_admin, withdrawn)
    with pytest.raises(Conflict) as exc:
        actions.approve_request(city_admin, withdrawn)
    assert exc.value.code == "already_decided"
    assert not Allocation.objects.exists()


def test_reject_needs_a_note(city, cloud, bureau_admin, city_admin):
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city))
    with pytest.raises(ValidationFailed) as exc:
        actions.reject_request(city_admin, req, "  ")
    assert exc.value.code == "note_required"
    actions.reject_request(city_admin, req, "规模过大")
    req.refresh_from_db()
    assert req.status == RequestStatus.REJECTED and not Allocation.objects.exists()


def test_no_self_approval(city, cloud):
    both = make_user("dept_admin", department=city.bureau)
    from digigov.core.rbac.models import RoleAssignment

    RoleAssignment.objects.create(user=both, role="city_admin")
    req, _ = actions.submit_request(both, **request_kwargs(city))
    with pytest.raises(Conflict) as exc:
        actions.approve_request(both, req)
    assert exc.value.code == "self_approval"


def test_roles(city, cloud, bureau_admin, city_admin):
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city))
    with pytest.raises(Forbidden):
        actions.approve_request(bureau_admin, req)
    with pytest.raises(Forbidden):
        actions.submit_request(city_admin, **request_kwargs(city))
    with pytest.raises(Forbidden):
        actions.set_platform_integrated(bureau_admin, cloud.edu_room, True)
    leader = make_user("leader")
    with pytest.raises(Forbidden):
        actions.submit_request(leader, **request_kwargs(city))


# --- platforms, systems, pool ------------------------------------------------------------------

def test_platform_integration_changes_k01(city, cloud, city_admin, django_capture_on_commit_callbacks):
    before = kpis.compute_k01()
    assert (before.numerator, before.denominator) == (2, 3)
    with django_capture_on_commit_callbacks(execute=True):
        actions.set_platform_integrated(city_admin, cloud.edu_room, True)
    after = kpis.compute_k01()
    assert (after.numerator, after.denominator) == (3, 3) and after.value == 100.0
    assert latest("K01").value == 100.0
    with pytest.raises(Conflict):
        actions.set_platform_integrated(city_admin, cloud.edu_room, True)


def test_system_status_rules(city, cloud, city_admin):
    with pytest.raises(ValidationFailed) as exc:
        actions.set_system_status(city_admin, cloud.sys_classified, CloudStatus.MIGRATED)
    assert exc.value.code == "system_classified"
    with pytest.raises(ValidationFailed) as exc:
        actions.set_system_status(city_admin, cloud.sys_planned, CloudStatus.EXEMPT)
    assert exc.value.code == "exempt_reason_required"
    with pytest.raises(ValidationFailed):
        actions.set_system_status(city_admin, cloud.sys_planned, "nonsense")
    s = actions.set_system_status(city_admin, cloud.sys_planned, CloudStatus.MIGRATED)
    assert s.platform == cloud.city_cloud and s.migrated_on is not None
    with pytest.raises(ValidationFailed) as exc:
        actions.register_system(city_admin, department=city.bureau, name="x", classified=True, cloud_status=CloudStatus.MIGRATED,
                                platform=cloud.city_cloud)
    assert exc.value.code == "system_classified"
    with pytest.raises(Conflict):
        actions.register_system(city_admin, department=city.bureau, name="营商环境监测系统")


def test_pool_cannot_shrink_below_allocations(city, cloud, city_admin):
    actions.allocate(city_admin, pool=cloud.pool, department=city.bureau, vcpu=60, memory_gb=10, storage_tb=1)
    with pytest.raises(Conflict) as exc:
        actions.resize_pool(city_admin, cloud.pool, vcpu_total=50, memory_gb_total=400, storage_tb_total=10)
    assert exc.value.code == "below_allocated"
    pool = actions.resize_pool(city_admin, cloud.pool, vcpu_total=200, memory_gb_total=400, storage_tb_total=10)
    assert pool.vcpu_total == 200


def test_release_allocation_frees_capacity(city, cloud, city_admin):
    alloc = actions.allocate(city_admin, pool=cloud.pool, department=city.bureau, vcpu=100, memory_gb=10, storage_tb=1)
    with pytest.raises(Conflict):
        actions.allocate(city_admin, pool=cloud.pool, department=city.bureau, vcpu=1, memory_gb=0, storage_tb=0)
    actions.release_allocation(city_admin, alloc, "系统下线")
    assert actions.pool_usage(cloud.pool).vcpu == 0
    with pytest.raises(Conflict):
        actions.release_allocation(city_admin, alloc, "again")


def test_record_samples(city, cloud, city_admin):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now().replace(microsecond=0)
    n = actions.record_samples(city_admin, cloud.pool, [
        {"at": now - dt.timedelta(hours=2), "cpu_pct": 70, "mem_pct": 71.5, "storage_pct": 60},
        {"at": now - dt.timedelta(hours=1), "cpu_pct": 72, "mem_pct": 70, "storage_pct": 60.1},
    ])
    assert n == 2
    before = AuditEntry.objects.count()
    for bad in ([{"at": now, "cpu_pct": 101, "mem_pct": 1, "storage_pct": 1}],
                [{"at": now, "cpu_pct": -1, "mem_pct": 1, "storage_pct": 1}],
                [{"at": now.replace(tzinfo=None), "cpu_pct": 1, "mem_pct": 1, "storage_pct": 1}],
                [{"at": now + dt.timedelta(days=1), "cpu_pct": 1, "mem_pct": 1, "storage_pct": 1}],
                []):
        with pytest.raises(ValidationFailed):
            actions.record_samples(city_admin, cloud.pool, bad)
    with pytest.raises(Conflict):
        actions.record_samples(city_admin, cloud.pool, [{"at": now - dt.timedelta(hours=1), "cpu_pct": 1, "mem_pct": 1, "storage_pct": 1}])
    assert AuditEntry.objects.count() == before


def test_a_scoped_cloud_manager_cannot_create_or_share_out_the_city_pool(city, cloud):
    """A county-scoped holder of cloud.manage created city resource pools and handed the city pool's capacity
    to its own departments (require with no object, or with the department alone, let it through)."""
    county_admin = make_user("city_admin", division=city.county_a)
    with pytest.raises(Forbidden):
        actions.create_pool(county_admin, name="区级资源池", vcpu_total=10, memory_gb_total=10, storage_tb_total="1")
    with pytest.raises(Forbidden):
        actions.set_quota(county_admin, department=city.county_bureau, pool=cloud.pool, vcpu=50, memory_gb=100, storage_tb="1")
    with pytest.raises(Forbidden):
        actions.allocate(county_admin, pool=cloud.pool, department=city.county_bureau, vcpu=50, memory_gb=100, storage_tb="1")
    assert not Quota.objects.filter(department=city.county_bureau).exists()
    assert not Allocation.objects.filter(department=city.county_bureau).exists()
    assert not AuditEntry.objects.filter(actor=county_admin.username).exists()
