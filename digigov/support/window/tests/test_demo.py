import pytest

from digigov.core.demo import DemoContext
from digigov.core.registry import DEMO_GENERATORS
from digigov.support.window.demo import generate
from digigov.support.window.models import QueueTicket, ServiceHall, TicketStatus

pytestmark = pytest.mark.django_db


def test_registered_after_registries():
    assert DEMO_GENERATORS["support.window"].after == ("registries",)


def test_one_hall_per_county_with_todays_queue(city):
    ctx = DemoContext(scale=0.2, seed=3).for_generator("support.window")
    generate(ctx)
    halls = ServiceHall.objects.order_by("division__code")
    assert [h.division for h in halls] == [city.county_a, city.county_b]
    statuses = set(QueueTicket.objects.values_list("status", flat=True))
    assert {TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.DONE} <= statuses
    n = QueueTicket.objects.count()
    generate(DemoContext(scale=0.2, seed=3).for_generator("support.window"))  # a second run adds nothing
    assert ServiceHall.objects.count() == 2 and QueueTicket.objects.count() == n
    for hall in halls:
        numbers = list(QueueTicket.objects.filter(hall=hall, category="A").order_by("seq").values_list("number", flat=True))
        assert numbers[0] == "A001" and len(numbers) == len(set(numbers))
