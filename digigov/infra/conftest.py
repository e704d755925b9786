"""Fixtures shared by the infrastructure apps' tests: a small cloud on top of the test city."""

from __future__ import annotations

import pytest

from digigov.core.testing import logged_in_client, make_user


@pytest.fixture
def city_admin(city):
    return make_user("city_admin")


@pytest.fixture
def bureau_admin(city):
    """dept_admin of 营商局 (and, by subtree, its 大数据中心)."""
    return make_user("dept_admin", department=city.bureau)


@pytest.fixture
def edu_admin(city):
    """dept_admin of 教育局: a different department."""
    return make_user("dept_admin", department=city.other_bureau)


@pytest.fixture
def cloud(city, city_admin):
    """A pool (100 vCPU / 400 GB / 10 TB) on an integrated city cloud, two more platforms, and systems."""
    from digigov.infra.cloud import actions
    from digigov.infra.cloud.models import CloudStatus, PlatformKind

    ns = type("CloudFixture", (), {})()
    ns.city_cloud = actions.create_platform(city_admin, name="市级政务云平台", department=city.bureau_unit, integrated=True)
    ns.edu_room = actions.create_platform(city_admin, name="教育局自建机房", department=city.other_bureau, kind=PlatformKind.DATACENTER)
    ns.county_cloud = actions.create_platform(city_admin, name="元宝区私有云", department=city.county_bureau, integrated=True)
    ns.pool = actions.create_pool(city_admin, name="市级政务云资源池", vcpu_total=100, memory_gb_total=400, storage_tb_total="10",
                                  platform=ns.city_cloud)
    ns.sys_planned = actions.register_system(city_admin, department=city.bureau, name="营商环境监测系统")
    ns.sys_migrated = actions.register_system(city_admin, department=city.bureau, name="一体化政务服务平台",
                                              cloud_status=CloudStatus.MIGRATED, platform=ns.city_cloud)
    ns.sys_classified = actions.register_system(city_admin, department=city.bureau, name="涉密公文处理系统", classified=True,
                                                cloud_status=CloudStatus.EXEMPT)
    ns.sys_exempt = actions.register_system(city_admin, department=city.bureau, name="专用设备系统", cloud_status=CloudStatus.EXEMPT,
                                            exempt_reason="依赖专用硬件")
    ns.sys_edu = actions.register_system(city_admin, department=city.other_bureau, name="智慧校园平台", platform=ns.edu_room)
    ns.sys_county = actions.register_system(city_admin, department=city.county_bureau, name="区教育管理系统",
                                            cloud_status=CloudStatus.MIGRATED, platform=ns.county_cloud)
    return ns


@pytest.fixture
def client_for():
    return logged_in_client
