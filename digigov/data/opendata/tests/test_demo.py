"""The demo generator opens what passes the privacy check (through the action), leaves the rest closed, and
adds ratings, comments, a developer app with a subscription, an approved showcase and a pending application."""

import pytest

from digigov.core.demo import DemoContext
from digigov.core.testing import make_user
from digigov.data.opendata.demo import generate
from digigov.data.opendata.models import DatasetComment, OpenApplication, OpenDataset, Showcase
from digigov.data.sharing.models import ConsumerApp, Subscription

from .factories import person_entry, school_entry

pytestmark = pytest.mark.django_db


def test_demo_opens_what_passes(city, role_user):
    admin = role_user("data_admin")
    public = school_entry(city.bureau, user=admin)
    conditional = school_entry(city.bureau, user=admin, name="校外培训机构名录", open_type="conditional")
    unsafe = person_entry(city.bureau, [{"xm": f"李{i}", "nl": str(20 + i), "jzdz": f"元宝区{i}号", "fwlx": "助餐"} for i in range(8)], user=admin)
    citizen, agent = make_user("citizen"), make_user("enterprise_agent")
    ctx = DemoContext(scale=1.0, seed=1).for_generator("opendata")
    ctx.shared["accounts"] = {"demo_users": {"citizen": citizen.pk, "agent": agent.pk}}
    generate(ctx)
    assert set(OpenDataset.objects.values_list("entry_id", flat=True)) == {public.pk, conditional.pk}
    assert not OpenDataset.objects.filter(entry=unsafe).exists()
    assert DatasetComment.objects.exists() and OpenDataset.objects.filter(rating_count__gt=0).exists()
    app = ConsumerApp.objects.get(owner=citizen)
    assert Subscription.objects.filter(app=app, entry=public).exists()
    assert Showcase.objects.filter(status="approved").count() == 1
    assert OpenApplication.objects.filter(status="submitted", dataset__entry=conditional).count() == 1
