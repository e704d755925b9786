"""The 重新计算 button is shown only to those whose press would work (it answered 403 for the others)."""

import pytest

from .test_kpi import computers, k12  # noqa: F401  fixtures


@pytest.mark.parametrize("role, shown", [("city_admin", True), ("leader", False), ("auditor", False)])
def test_recompute_button_only_for_unscoped_recomputers(client, role_user, k12, role, shown):  # noqa: F811
    client.force_login(role_user(role))
    page = client.get("/workbench/kpi/K12/").content.decode()
    assert ("/workbench/kpi/K12/recompute/" in page) is shown


def test_a_scoped_data_admin_does_not_see_it(client, role_user, k12, city):  # noqa: F811
    client.force_login(role_user("data_admin", department=city.bureau))  # scoped: K12 is a city indicator
    page = client.get("/workbench/kpi/K12/").content.decode()
    assert "重新计算" not in page
    assert client.post("/workbench/kpi/K12/recompute/").status_code == 403  # what the button used to lead to
