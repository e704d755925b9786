"""K11 电子证照用证率: licensing items with a use in the last 12 months / licensing items."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.registry import KPI_COMPUTERS
from digigov.support.license import kpis, policy
from digigov.support.license.models import LicenceUse, UseChannel

from .conftest_wallet import *  # noqa: F401,F403

pytestmark = pytest.mark.django_db


def test_k11_counts_licensing_items_with_a_recent_use(city, licence, ltype, clerk, make_process):
    used = make_process(key="a", name="食品经营许可", department=city.bureau)
    unused = make_process(key="b", name="教师资格认定", department=city.other_bureau)
    stale = make_process(key="c", name="建设工程施工许可", department=city.county_bureau)
    not_licensing = make_process(key="d", name="咨询", department=city.bureau)
    for p in (used, unused, stale):
        policy.set_policy(city.system, p, is_licensing=True, accepted_types=[ltype])
    policy.set_policy(city.system, not_licensing, is_licensing=False, accepted_types=[])
    now = timezone.now()
    LicenceUse.objects.create(licence=licence, channel=UseChannel.WINDOW, user=clerk, process=used, purpose="x", at=now - dt.timedelta(days=3))
    LicenceUse.objects.create(licence=licence, channel=UseChannel.WINDOW, user=clerk, process=stale, purpose="x", at=now - dt.timedelta(days=400))
    LicenceUse.objects.create(licence=licence, channel=UseChannel.WINDOW, user=clerk, process=not_licensing, purpose="x", at=now)
    result = KPI_COMPUTERS["K11"].compute()
    assert (result.numerator, result.denominator) == (1, 3)
    by_dept = {p.label: (p.numerator, p.denominator) for p in result.by_department}
    assert by_dept[city.bureau.name] == (1, 1) and by_dept[city.other_bureau.name] == (0, 1)
    rows = kpis.k11_rows()
    listed = {p.name: (rows.counted(p), rows.cells(p)[3]) for p in rows.queryset}
    assert listed == {"食品经营许可": (True, 1), "教师资格认定": (False, 0), "建设工程施工许可": (False, 0)}
    only_edu = kpis.k11_rows(department=city.other_bureau.public_id)
    assert [p.name for p in only_edu.queryset] == ["教师资格认定"]


def test_k11_without_licensing_items_has_no_value(city):
    result = kpis.compute_k11()
    assert result.denominator == 0 and result.value is None
