"""The shared keyset pager (``core.web.listing``): every row once across pages, newest first or oldest
first, lenient on pages and strict (422) in the API."""

import pytest
from django.test import RequestFactory

from digigov.core.errors import ValidationFailed
from digigov.core.notify.models import InboxMessage
from digigov.core.testing import make_user
from digigov.core.web.listing import id_keyset, lenient_id, request_keyset, strict_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def messages():
    user = make_user("citizen", username="pager")
    InboxMessage.objects.bulk_create([InboxMessage(recipient=user, title=f"消息{i}", body="") for i in range(7)])
    return InboxMessage.objects.filter(recipient=user)


@pytest.mark.parametrize("desc", [True, False])
def test_pages_cover_every_row_once_in_order(messages, desc):
    seen, after = [], None
    while True:
        rows, after = id_keyset(messages, after, 3, desc=desc)
        seen += [m.pk for m in rows]
        if after is None:
            break
    expected = sorted(messages.values_list("pk", flat=True), reverse=desc)
    assert seen == expected and len(seen) == 7


def test_a_full_last_page_has_no_next_cursor(messages):
    rows, after = id_keyset(messages, None, 7)
    assert len(rows) == 7 and after is None


@pytest.mark.parametrize("raw", ["", None, "x", "-3", "0", str(2**63), "1.5", ["1"]])
def test_pages_read_a_bad_cursor_as_the_first_page(raw):
    assert lenient_id(raw) is None


def test_request_keyset_reads_after_from_the_query_string(messages):
    first, cursor, was = request_keyset(RequestFactory().get("/"), messages, 4)
    second, end, was2 = request_keyset(RequestFactory().get("/", {"after": str(cursor)}), messages, 4)
    assert was is None and was2 == cursor and end is None
    assert [m.pk for m in first + second] == sorted(messages.values_list("pk", flat=True), reverse=True)


@pytest.mark.parametrize("raw", ["x", "-1", "1e3", "１２", "9" * 13, 12])
def test_the_api_refuses_a_bad_cursor(raw):
    with pytest.raises(ValidationFailed) as exc:
        strict_id(raw)
    assert exc.value.code == "bad_cursor" and exc.value.detail == {"field": "after"}


def test_the_api_reads_a_good_cursor():
    assert strict_id("42") == 42 and strict_id("") is None and strict_id(None) is None
