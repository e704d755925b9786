"""Demo city: the province's data-sharing platform registered as a peer, run by 营商局（大数据管理局）, and a
few of the city's shareable entries (with data) offered to it — each a grant of the province's app that
the city's gateway enforces. The province instance itself is not part of the demo, so no credential from
it is recorded and the catalog is never synchronised (the peer page says so); ``tests/test_loopback.py``
runs two real instances against each other."""

from __future__ import annotations

from digigov.core import registry

CONSUMER_CODE = "CITY-BDB"
OFFER_AT_MOST = 3


def generate(ctx) -> None:
    from digigov.core.context import acting_as
    from digigov.core.org.models import Department
    from digigov.core.rbac.system import system_account
    from digigov.data.catalog.models import DataLevel, EntryStatus, MountedResource, MountKind, SharingType

    from .actions import offer_entry, register_peer

    liaison = Department.objects.filter(code=CONSUMER_CODE, voided_at__isnull=True).first()
    if liaison is None:
        ctx.describe("没有营商局（大数据管理局），跳过平台级联示范数据")
        return
    system = system_account()
    with acting_as(system, channel="command"):
        peer, _key, _secret = register_peer(system, code="LNPROV", name="省政务数据共享交换平台", level="province",
                                            gateway_url="https://gxjh.province.example.cn/", department=liaison)
        ctx.rows += 2  # the peer and its calling app
        mounts = (MountedResource.objects.filter(kind=MountKind.TABLE, voided_at__isnull=True, record_count__gt=0,
                                                 entry__status=EntryStatus.PUBLISHED, entry__voided_at__isnull=True,
                                                 entry__sharing_type=SharingType.UNCONDITIONAL)
                  .select_related("entry").order_by("record_count", "id")[:50])
        offered = set()
        for m in mounts:
            if len(offered) >= OFFER_AT_MOST or m.entry_id in offered:
                continue
            items = [i.field_name for i in m.entry.items.order_by("seq") if i.level < DataLevel.CORE]
            if not items:
                continue
            offer_entry(system, peer, m.entry, fields=items, purpose=f"省级{m.entry.name}汇聚共享（示范）"[:500])
            offered.add(m.entry_id)
            ctx.rows += 1
    ctx.describe(f"平台级联：登记省级平台 1 个，向其提供目录 {len(offered)} 条")


registry.register_demo("federation", generate, after=("catalog", "sharing"), soft_after=("aggregation",))
