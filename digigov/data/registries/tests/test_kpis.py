"""Governance figures on a small fixture: coverage (authoritative identifier ÷ truth), conflicts by
attribute, steward backlog by kind and age."""

import datetime as dt

import pytest
from django.utils import timezone

from digigov.core.accounts.models import LegalPerson, NaturalPerson
from digigov.core.testing import resident_id, uscc
from digigov.data.registries import kpis
from digigov.data.registries import testing as rt
from digigov.data.registries.models import RecordStatus, TaskStatus

pytestmark = pytest.mark.django_db


def residents(city, n, division):
    for i in range(n):
        NaturalPerson.objects.create(id_number=resident_id(seq=100 + i + (0 if division == city.village_a else 500)), name=f"居民{i}",
                                     gender="M", birth_date=dt.date(1980, 1, 1), division=division)


def test_person_coverage_counts_only_authoritative_ids_per_county(city):
    reg = rt.sample(city)  # person (元宝区) and other (振兴区) both have an authoritative ID from 公安
    residents(city, 4, city.village_a)
    residents(city, 2, city.village_b)
    # a golden record whose ID came from a non-authoritative source does not count
    rt.make_person(city, values=[rt.value("id_number", resident_id(), dept=reg.civil, current=True)])
    # nor a merged one
    merged = rt.make_person(city, values=[rt.value("id_number", resident_id(), dept=reg.police, authoritative=True, current=True)])
    merged.status = RecordStatus.MERGED
    merged.save()
    cov = kpis.coverage("person")
    assert (cov.numerator, cov.denominator) == (2, 6) and cov.value == pytest.approx(33.33)
    parts = {p.key: (p.numerator, p.denominator) for p in cov.by_division}
    assert parts == {"210602": (1, 4), "210603": (1, 2)}
    rows = kpis.coverage_rows("person", "210602")
    counted = {o.pk: rows.counted(o) for o in rows.queryset}
    assert counted[reg.person.pk] is True and sum(counted.values()) == 1 and len(counted) == 2
    assert rows.cells(reg.person)[0] == "李**"


def test_enterprise_coverage(city):
    reg = rt.sample(city)
    for i in range(3):
        LegalPerson.objects.create(uscc=uscc("210602", seed=100 + i), name=f"企业{i}", division=city.county_a)
    rt.make_enterprise(city, name="无权威来源公司")  # no authoritative USCC value
    cov = kpis.coverage("enterprise")
    assert (cov.numerator, cov.denominator) == (1, 3)
    assert reg.enterprise.pk in {o.pk for o in kpis.coverage_rows("enterprise").queryset}


def test_no_truth_population_gives_no_value(city):
    rt.sample(city)
    assert kpis.coverage("person").value is None


def test_conflicts_by_attribute(city):
    reg = rt.sample(city)
    rt.make_task(reg.person, attribute="address")
    rt.make_task(reg.other, attribute="address")
    rt.make_task(reg.person, attribute="phone", status=TaskStatus.RESOLVED)
    rt.make_task(reg.enterprise, attribute="address")
    rt.make_task(reg.person, kind="pair")  # not a conflict
    lines = [(c.registry, c.attribute, c.label, c.open, c.resolved) for c in kpis.conflicts_by_attribute()]
    assert lines == [("person", "address", "住址", 2, 0), ("enterprise", "address", "住所", 1, 0), ("person", "phone", "手机号码", 0, 1)]


def test_backlog_by_kind_and_age(city):
    reg = rt.sample(city)
    rt.make_task(reg.person, attribute="address")                     # today
    rt.make_task(reg.person, attribute="phone", days_ago=3)
    rt.make_task(reg.other, attribute="name", days_ago=45)
    rt.make_task(reg.person, kind="pair", days_ago=10)
    rt.make_task(reg.other, kind="pair", days_ago=10, status=TaskStatus.RESOLVED)  # closed: not backlog
    lines = {b.kind: (b.by_age, b.total) for b in kpis.backlog(now=timezone.now())}
    assert lines["conflict"] == ({"lt1": 1, "d1_7": 1, "d7_30": 0, "gt30": 1}, 3)
    assert lines["pair"] == ({"lt1": 0, "d1_7": 0, "d7_30": 1, "gt30": 0}, 1)
