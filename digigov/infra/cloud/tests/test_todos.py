"""The approver's to-do: cloud resource requests waiting for a decision, on the workbench home and in the header."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from digigov.infra.cloud import actions
from digigov.infra.cloud.testing import request_kwargs


def todo_line(html):
    m = re.search(r'<li><a href="([^"]+)">待审批的云资源申请</a> <span class="badge warn">(\d+)</span></li>', html)
    return (m.group(1), int(m.group(2))) if m else None


def header_count(html):
    m = re.search(r'class="badge todo-count"[^>]*>(\d+)<', html)
    return int(m.group(1)) if m else 0


def test_nothing_waiting_shows_no_todo(client_for, city_admin, cloud):
    html = client_for(city_admin).get("/workbench/").content.decode()
    assert todo_line(html) is None and "暂无待办事项" in html and header_count(html) == 0


def test_one_request_links_to_itself_and_more_link_to_the_filtered_list(client_for, city, city_admin, bureau_admin, cloud):
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city))
    c = client_for(city_admin)
    html = c.get("/workbench/").content.decode()
    assert todo_line(html) == (f"/workbench/infra/cloud/requests/{req.public_id}/", 1) and header_count(html) == 1
    actions.submit_request(bureau_admin, **request_kwargs(city, reason="第二个", vcpu=1))
    html = c.get("/workbench/").content.decode()
    assert todo_line(html) == ("/workbench/infra/cloud/requests/?status=submitted", 2) and header_count(html) == 2
    listed = c.get("/workbench/infra/cloud/requests/?status=submitted").content.decode()
    assert len(set(re.findall(r'href="/workbench/infra/cloud/requests/(?!new/)([^"?/]+)/"', listed))) == 2  # the list has the same two


def test_decided_requests_leave_the_list(client_for, city, city_admin, bureau_admin, cloud):
    req, _ = actions.submit_request(bureau_admin, **request_kwargs(city))
    actions.reject_request(city_admin, req, "不符合要求")
    assert todo_line(client_for(city_admin).get("/workbench/").content.decode()) is None


def test_the_requester_has_no_approval_todo(client_for, city, bureau_admin, cloud):
    actions.submit_request(bureau_admin, **request_kwargs(city))
    html = client_for(bureau_admin).get("/workbench/").content.decode()
    assert todo_line(html) is None and header_count(html) == 0


def test_the_count_costs_one_query_however_many_requests_wait(client_for, city, city_admin, bureau_admin, cloud):
    c = client_for(city_admin)
    for i in range(2):
        actions.submit_request(bureau_admin, **request_kwargs(city, reason=f"申请{i}", vcpu=1))
    c.get("/workbench/")
    with CaptureQueriesContext(connection) as few:
        c.get("/workbench/")
    for i in range(2, 6):
        actions.submit_request(bureau_admin, **request_kwargs(city, reason=f"申请{i}", vcpu=1))
    with CaptureQueriesContext(connection) as many:
        html = c.get("/workbench/").content.decode()
    assert todo_line(html)[1] == 6
    assert len(many.captured_queries) == len(few.captured_queries)
    counts = [q["sql"] for q in many.captured_queries if "cloud_resourcerequest" in q["sql"]]
    assert len(counts) == 1  # header and list share one COUNT per request
