"""The build with the Splink engine on a synthetic population with planted truth (linkage.synth): four
departments' noisy feeds delivered into catalog tables, linked into golden records that each hold one
real person, then re-run without renumbering."""

from collections import Counter

import pytest

from digigov.data.catalog.testing import create_dataset, make_entry
from digigov.data.linkage import synth
from digigov.data.registries import actions, build, demo
from digigov.data.registries.models import Feed, PersonRecord, RecordStatus, SourceRecord

pytestmark = pytest.mark.django_db

PERSONS = 400


def test_engine_build_on_planted_truth(city, depts, authority_user):
    feeds = synth.feeds_from_people(synth.make_population(PERSONS, seed=3), seed=3)
    truth = synth.truth_of(feeds)
    codes = {"CITY-PSB": depts["psb"], "CITY-HRSS": depts["hrss"], "CITY-CA": depts["ca"], "CITY-HEA": depts["hea"]}
    by_feed = {}
    for source, dept_code, _code, name, columns in demo.PERSON_FEEDS:
        spec = demo.PERSON_COLUMNS
        entry = make_entry(codes[dept_code], [{"name": spec[c][0], "field_name": c, "personal": spec[c][1]} for c in columns], name=name)
        rows = [{c: str(r.get(spec[c][2]) or "") for c in columns} for r in feeds[source]]
        create_dataset(entry, rows, user=authority_user)
        feed = Feed.objects.create(registry="person", name=name, department=codes[dept_code], entry=entry,
                                   mapping={spec[c][2]: c for c in columns}, created_by=authority_user)
        by_feed[feed.pk] = source
    run = build.run_build(actions.start_build(authority_user, "person", queue=False).pk)
    assert run.status == "done", run.error
    assert "engine" not in run.report["engine"] or run.report["engine"]["engine"] != "deterministic"
    members = {}
    for feed_id, row_id, person in SourceRecord.objects.values_list("feed_id", "row_id", "person_id"):
        members.setdefault(person, []).append(truth[(by_feed[feed_id], row_id)])
    pure = sum(1 for keys in members.values() if len(set(keys)) == 1)
    assert pure / len(members) >= 0.97  # golden records rarely mix two real people
    people_seen = len(set(truth.values()))
    assert people_seen <= len(members) <= people_seen * 1.15  # and rarely leave one person split
    ids = set(PersonRecord.objects.values_list("pk", flat=True))
    again = build.run_build(actions.start_build(authority_user, "person", queue=False).pk)
    assert again.status == "done"
    assert set(PersonRecord.objects.filter(status=RecordStatus.ACTIVE).values_list("pk", flat=True)) <= ids
    assert Counter(SourceRecord.objects.values_list("person_id", flat=True)) == Counter(
        {p: len(k) for p, k in members.items()})
