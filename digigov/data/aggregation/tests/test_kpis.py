import pytest

from digigov.core.testing import make_user
from digigov.data.aggregation import kpis
from digigov.data.aggregation.testing import make_entry
from digigov.data.catalog.models import DataDemand, DemandStatus

from .conftest import csv_bytes, good_rows
from .helpers import run_upload, upload_source

pytestmark = pytest.mark.django_db


def _demand(city, entry, status=DemandStatus.OPEN, requester=None):
    return DataDemand.objects.create(requester=requester or city.other_bureau, provider=entry.department if entry else city.bureau,
                                     entry=entry, title=f"需求{DataDemand.objects.count()}", purpose="办事", status=status,
                                     filed_by=make_user("data_admin", department=city.other_bureau))


def test_k05_counts_demanded_entries_with_a_committed_batch(city, data_admin):
    e1, e2, e3 = make_entry(city.bureau), make_entry(city.bureau), make_entry(city.county_bureau)
    _demand(city, e1)
    _demand(city, e1, status=DemandStatus.MET)
    _demand(city, e2)
    _demand(city, e3)
    _demand(city, e2, status=DemandStatus.REJECTED)  # outside both sides
    _demand(city, None)  # not matched to an entry: outside
    assert (kpis.compute_k05().numerator, kpis.compute_k05().denominator) == (0, 4)
    run_upload(data_admin, upload_source(data_admin, e1), "a.csv", csv_bytes(good_rows(3)))
    result = kpis.compute_k05()
    assert (result.numerator, result.denominator, result.value) == (2, 4, 50.0)
    by_dept = {p.label: (p.numerator, p.denominator) for p in result.by_department}
    assert by_dept[city.bureau.name] == (2, 3)
    rows = kpis.k05_rows()
    counted = [rows.counted(d) for d in rows.queryset]
    assert len(counted) == 4 and sum(counted) == 2
    assert "已归集" in rows.cells(next(d for d in rows.queryset if rows.counted(d)))


def test_a_fully_quarantined_job_does_not_count(city, data_admin):
    e1 = make_entry(city.bureau)
    _demand(city, e1)
    rows = good_rows(2)
    rows[0][1] = rows[1][1] = "bad"
    run_upload(data_admin, upload_source(data_admin, e1), "a.csv", csv_bytes(rows))
    assert kpis.compute_k05().numerator == 0
