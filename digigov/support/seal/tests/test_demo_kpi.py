import pytest

from digigov.core.audit.models import AuditEntry
from digigov.core.demo import DemoContext
from digigov.core.org.models import Department, StaffMember
from digigov.core.registry import DEMO_GENERATORS
from digigov.core.testing import make_user
from digigov.support.seal import kpis
from digigov.support.seal.demo import generate
from digigov.support.seal.models import ApplicationStatus, Seal, SealApplication, SealStatus, SealType

pytestmark = pytest.mark.django_db


def test_registered_after_org_and_accounts():
    assert DEMO_GENERATORS["support.seal"].after == ("org", "accounts")


def test_small_city_gets_seals_through_the_actions(city):
    boss = make_user("city_admin", username="cityadmin")
    for i, dept in enumerate(Department.objects.all()):
        for j in range(2):
            u = make_user(kind="staff", username=f"staff_{i}_{j}")
            StaffMember.objects.create(user=u, department=dept, employee_no=f"GH{i:03d}{j}")
    ctx = DemoContext(scale=0.01, seed=3).for_generator("support.seal")
    generate(ctx)
    units = Department.objects.count()
    official = Seal.objects.filter(seal_type=SealType.OFFICIAL)
    assert official.count() == units  # every unit has a 公章
    made = Seal.objects.count()
    pending = SealApplication.objects.filter(status=ApplicationStatus.SUBMITTED).count()
    assert made + pending >= 12 and pending >= 1
    assert Seal.objects.exclude(status=SealStatus.ACTIVE).exists()
    assert ctx.rows >= made
    approvals = AuditEntry.objects.filter(action="seal.application.approve")
    assert approvals.count() == made and set(approvals.values_list("actor_id", flat=True)) == {boss.pk}
    assert set(SealApplication.objects.values_list("applicant__role_assignments__role", flat=True)) == {"dept_admin"}
    cov = kpis.seal_coverage()
    assert cov.denominator == units and cov.numerator == official.filter(status=SealStatus.ACTIVE).count()
    generate(DemoContext(scale=0.01, seed=3).for_generator("support.seal"))  # a rerun adds nothing
    assert Seal.objects.count() == made
