"""Queue numbers: numbering per hall/day/category, the race between kiosks, calling and the screen."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from digigov.core.audit.models import AuditEntry
from digigov.core.errors import DigiGovError, Forbidden
from digigov.core.rbac.system import system_account
from digigov.core.testing import make_user
from digigov.support.window.actions import queue
from digigov.support.window.models import QueueTicket, ServiceHall, TicketStatus


def test_numbers_run_per_category(hall, clerk):
    a1 = queue.take_number(clerk, hall, "A")
    a2 = queue.take_number(clerk, hall, "A")
    b1 = queue.take_number(clerk, hall, "B")
    assert [a1.number, a2.number, b1.number] == ["A001", "A002", "B001"]
    other = ServiceHall.objects.create(name="另一大厅", division=hall.division)
    assert queue.take_number(clerk, other, "A").number == "A001"


@pytest.mark.parametrize("category", ["Z", "", None, 1, "AB"])
def test_bad_category_writes_nothing(hall, clerk, category):
    with pytest.raises(DigiGovError) as err:
        queue.take_number(clerk, hall, category)
    assert err.value.code == "invalid_category" and not QueueTicket.objects.exists()


def test_clerk_of_another_county_may_not_call(city, hall):
    queue.take_number(system_account(), hall, "A")
    with pytest.raises(Forbidden):
        queue.call_next(make_user("window_clerk", division=city.county_b), hall, 1)
    assert QueueTicket.objects.get().status == TicketStatus.WAITING


def test_collision_is_retried(hall, clerk, monkeypatch):
    """A kiosk that read a stale max (another kiosk inserted meanwhile) retries instead of failing."""
    first = queue.take_number(clerk, hall, "A")
    calls = {"n": 0}
    real = queue.next_seq

    def stale(*args):
        calls["n"] += 1
        return first.seq if calls["n"] == 1 else real(*args)

    monkeypatch.setattr(queue, "next_seq", stale)
    second = queue.take_number(clerk, hall, "A")
    assert second.number == "A002" and calls["n"] == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_kiosks_get_distinct_numbers(city):
    hall = ServiceHall.objects.create(name="并发大厅", division=city.county_a)
    actor = system_account()
    numbers, failures = [], []

    def take():
        try:
            for _ in range(4):
                numbers.append(queue.take_number(actor, hall, "A").number)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 17)]


def test_call_serve_absent_recall(hall, clerk):
    t1 = queue.take_number(clerk, hall, "A")
    t2 = queue.take_number(clerk, hall, "B")
    called = queue.call_next(clerk, hall, 3)
    assert called.pk == t1.pk and called.status == TicketStatus.CALLED and called.counter == 3
    assert queue.call_next(clerk, hall, 4, "A") is None  # nobody else waits in A
    absent = queue.no_show(clerk, called)
    assert absent.status == TicketStatus.ABSENT
    back = queue.recall(clerk, absent, 5)
    assert back.status == TicketStatus.CALLED and back.counter == 5
    assert queue.finish(clerk, queue.start_serving(clerk, back)).status == TicketStatus.DONE
    with pytest.raises(DigiGovError) as err:
        queue.no_show(clerk, back)
    assert err.value.code == "ticket_state"
    with pytest.raises(DigiGovError) as err:
        queue.call_next(clerk, hall, 99)
    assert err.value.code == "invalid_counter"
    assert QueueTicket.objects.get(pk=t2.pk).status == TicketStatus.WAITING
    assert AuditEntry.objects.filter(action="window.ticket_call").count() == 1


def test_kiosk_takes_a_number_without_login(client, hall):
    r = client.post(reverse("hall:kiosk", args=[hall.public_id]), {"category": "A"})
    assert r.status_code == 200 and "A001" in r.content.decode()
    r = client.post(reverse("hall:kiosk", args=[hall.public_id]), {"category": "X"})
    assert r.status_code == 400 and QueueTicket.objects.count() == 1


def test_kiosk_is_rate_limited(client, hall):
    url = reverse("hall:kiosk", args=[hall.public_id])
    codes = [client.post(url, {"category": "A"}).status_code for _ in range(8)]
    assert codes[:6] == [200] * 6 and codes[-1] == 429
    assert QueueTicket.objects.count() == 6


def test_screen_shows_numbers_and_no_personal_data(city, client, hall, clerk, version):
    from digigov.core.accounts.models import NaturalPerson
    from digigov.core.testing import resident_id
    from digigov.support.window.actions import reception

    person = NaturalPerson.objects.create(id_number=resident_id(), name="张晓明", gender="M", birth_date="1990-01-01", division=city.county_a,
                                          phone="13800000000")
    queue.take_number(clerk, hall, "A")
    ticket = queue.call_next(clerk, hall, 2)
    r = reception.start_reception(clerk, hall, ticket=ticket)
    reception.identify(clerk, r, kind="person", code=person.id_number)
    for url in (reverse("hall:screen", args=[hall.public_id]), reverse("hall:board", args=[hall.public_id])):
        body = client.get(url).content.decode()
        assert "A001" in body and "2 号窗口" in body
        for secret in ("张晓明", person.id_number, person.id_number[-4:] + "<", "13800000000"):
            assert secret not in body
    body = client.get(reverse("hall:screen", args=[hall.public_id])).content.decode()
    assert 'hx-trigger="every 5s"' in body
