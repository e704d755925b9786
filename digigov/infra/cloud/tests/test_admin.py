import pytest
from django.urls import reverse

from digigov.core.audit.models import AuditEntry
from digigov.infra.cloud.models import CloudPlatform, HostedSystem, ResourceRequest
from digigov.infra.network.models import AccessPoint

pytestmark = pytest.mark.django_db

MODELS = ["resourcepool", "cloudplatform", "hostedsystem", "quota", "allocation", "resourcerequest", "utilisationsample"]


@pytest.mark.parametrize("model", MODELS)
def test_changelists_render_for_city_admin(city, cloud, city_admin, client_for, model):
    assert client_for(city_admin).get(reverse(f"admin:cloud_{model}_changelist")).status_code == 200


def test_network_changelist(city, city_admin, client_for):
    assert client_for(city_admin).get(reverse("admin:network_accesspoint_changelist")).status_code == 200
    assert client_for(city_admin).get(reverse("admin:network_accesspoint_add")).status_code == 200


def test_admin_create_goes_through_actions(city, cloud, city_admin, client_for):
    c = client_for(city_admin)
    before = AuditEntry.objects.count()
    r = c.post(reverse("admin:cloud_cloudplatform_add"), {"name": "新区机房", "department": city.county_bureau.pk, "kind": "datacenter",
                                                          "note": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    p = CloudPlatform.objects.get(name="新区机房")
    assert not p.integrated and AuditEntry.objects.filter(action="cloud.platform.create", object_id=p.public_id).exists()
    assert AuditEntry.objects.count() > before
    # change: integrate through the action
    r = c.post(reverse("admin:cloud_cloudplatform_change", args=[p.pk]), {"integrated": "on"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.integrated and p.integrated_on is not None
    # a classified system cannot be put on the cloud, not even from the admin
    r = c.post(reverse("admin:cloud_hostedsystem_change", args=[cloud.sys_classified.pk]),
               {"cloud_status": "migrated", "platform": cloud.city_cloud.pk, "exempt_reason": ""}, follow=True)
    assert "涉密系统不得部署在政务云" in r.content.decode()
    assert HostedSystem.objects.get(pk=cloud.sys_classified.pk).cloud_status == "exempt"


def test_dept_admin_admin_is_scoped_and_read_only(city, cloud, bureau_admin, client_for):
    from digigov.infra.cloud import actions
    from digigov.infra.cloud.testing import request_kwargs

    actions.submit_request(bureau_admin, **request_kwargs(city))
    c = client_for(bureau_admin)
    r = c.get(reverse("admin:cloud_hostedsystem_changelist"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "营商环境监测系统" in html and "智慧校园平台" not in html
    assert c.get(reverse("admin:cloud_cloudplatform_add")).status_code == 403
    assert ResourceRequest.objects.count() == 1
    assert not AccessPoint.objects.exists()
