"""The helpers moved into core so every app shares them: amounts, charts, page arithmetic, chart scripts."""

from decimal import Decimal

import pytest

from digigov.core.errors import ValidationFailed
from digigov.core.kpi.types import Part
from digigov.core.numbers import decimal_amount, int_amount
from digigov.core.web import charts
from digigov.core.web.listing import fetch_page


@pytest.mark.parametrize("value, expected", [(8, 8), ("8", 8), (" 8 ", 8), (8.0, 8), (0, 0)])
def test_int_amount_accepts_whole_numbers(value, expected):
    assert int_amount(value, "vcpu", "vCPU 数量", 100) == expected


@pytest.mark.parametrize("value, message", [(True, "必须是整数"), (None, "必须是整数"), (8.5, "必须是整数"), ("x", "必须是整数"),
                                            (-1, "不能为负数"), (101, "不超过 100")])
def test_int_amount_refuses_with_a_chinese_message_naming_the_field(value, message):
    with pytest.raises(ValidationFailed) as exc:
        int_amount(value, "vcpu", "vCPU 数量", 100)
    assert message in exc.value.message and exc.value.detail == {"field": "vcpu"} and exc.value.code == "invalid_amount"


def test_decimal_amount():
    assert decimal_amount("1.5", "storage_tb", "存储容量", Decimal(10), unit="TB") == Decimal("1.50")
    for bad, message in (("1.234", "最多保留两位小数"), ("NaN", "有限数字"), ("11", "不超过 10 TB"), ("abc", "必须是数字")):
        with pytest.raises(ValidationFailed) as exc:
            decimal_amount(bad, "storage_tb", "存储容量", Decimal(10), unit="TB")
        assert message in exc.value.message


def test_percent_bar_links_each_bar_to_its_drill_down():
    parts = [Part("210602", "元宝区", 1, 2), Part("210603", "振兴区", 0, 0)]
    opts = charts.percent_bar(parts, "按区划", link=lambda p: f"/rows/?division={p.key}")
    assert opts["xAxis"]["data"] == ["元宝区", "振兴区"]
    assert opts["series"][0]["data"] == [{"value": 50.0, "url": "/rows/?division=210602"}, {"value": None, "url": "/rows/?division=210603"}]
    # snapshot parts are dicts; without a link no url is set
    plain = charts.percent_bar([p.as_dict() for p in parts], "x")
    assert plain["series"][0]["data"] == [{"value": 50.0}, {"value": None}]


def test_fetch_page_is_the_arithmetic_of_both_paginates(db):
    from digigov.core.api import paginate as api_paginate
    from digigov.core.org.models import Division

    for i in range(5):
        Division.objects.create(code=f"2106{i:02d}000000", name=f"区{i}", level=2)
    qs = Division.objects.order_by("code")
    rows, has_next = fetch_page(qs, 2, 2)
    assert [d.name for d in rows] == ["区2", "区3"] and has_next
    assert fetch_page(qs, 3, 2)[1] is False
    api = api_paginate(qs, 2, 2, lambda d: d.name, count=False)
    assert api["items"] == ["区2", "区3"] and api["has_next"] is True


def test_echarts_loads_only_on_pages_that_draw_charts(client, role_user):
    client.force_login(role_user("city_admin"))
    home = client.get("/workbench/").content.decode()
    assert "echarts.min.js" not in home and "charts.js" not in home
    kpis = client.get("/workbench/kpi/").content.decode()
    assert "echarts.min.js" not in kpis
