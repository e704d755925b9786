"""The 来源系统 link on an indicator page leads only where the viewer may go (the data authority's
K01 page linked to the cloud overview, which answered it 403)."""

import pytest


@pytest.mark.parametrize("role, shown", [("data_authority", False), ("leader", True)])
def test_source_link_only_for_those_who_may_open_it(client, role_user, role, shown):
    client.force_login(role_user(role))
    page = client.get("/workbench/kpi/K01/").content.decode()
    assert ("/workbench/infra/cloud/" in page) is shown
    assert (client.get("/workbench/infra/cloud/").status_code == 200) is shown
