"""A second DigiGov instance for ``test_loopback.py``: the province's platform, in its own process, on its
own database (a copy made by the test), serving its own gateway on loopback.

It reads JSON commands from stdin and answers one JSON line each on stdout:

* ``{"cmd": "start", "city_base", "city_key", "city_secret", "port"}`` — the province's 民政厅 with a table
  entry; the city registered as a peer (with the credential the city issued us); the entry offered to the
  city (name and ID number, the ID masked); the gateway started. Answers the credential issued to the city.
* ``{"cmd": "sync"}`` — synchronise the city's catalog; a province department's app granted the mirror
  calls it through the province gateway (proxied, signed, to the city's gateway). Answers the run and the call.
* ``{"cmd": "quit"}``.

Run as ``python -m digigov.data.federation.tests.peer_instance`` with DATABASE_URL set to the copy.
"""

from __future__ import annotations

import json
import os
import sys


def _reply(**kw) -> None:
    sys.stdout.write(json.dumps(kw, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")
    import django

    django.setup()
    from digigov.core.org import actions as org_actions
    from digigov.core.org.models import Department, DepartmentKind, Division
    from digigov.core.rbac.system import system_account
    from digigov.core.testing import make_user
    from digigov.data.federation import actions
    from digigov.data.federation.models import MirroredEntry
    from digigov.data.gateway import testing as gw
    from digigov.data.gateway.server import Gateway, build_app

    state: dict = {}
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "start":
            system = system_account()
            division = Division.objects.order_by("code").first()
            dept = org_actions.create_department(system, code="PROV-MZT", name="省民政厅", short_name="民政厅", kind=DepartmentKind.COMMITTEE,
                                                 division=division)
            liaison = org_actions.create_department(system, code="PROV-DSJ", name="省大数据局", short_name="省大数据局",
                                                    kind=DepartmentKind.COMMITTEE, division=division)
            admin = make_user("data_admin", department=dept, username="prov_mz_admin")
            liaison_admin = make_user("data_admin", department=liaison, username="prov_dsj_admin")
            entry = gw.make_people_entry(dept, admin, rows=12, code="PROV-MZ-0001", sharing_type="conditional")
            entry.name = "全省低保对象信息"
            entry.save()
            peer, key, secret = actions.register_peer(liaison_admin, code="CITY", name="示范市数据共享交换平台", level="city",
                                                      gateway_url=cmd["city_base"], department=liaison,
                                                      remote_app_key=cmd["city_key"], remote_secret=cmd["city_secret"])
            actions.offer_entry(admin, peer, entry, fields=["xm", "sfzh", "sqmc"], clear_fields=["xm"], purpose="向市级回流低保对象")
            g = Gateway(db_threads=2, refresh_every=0.1)
            server = gw.serve(build_app(g), port=cmd["port"])
            server.__enter__()
            state.update(peer=peer, dept=dept, liaison=liaison, liaison_admin=liaison_admin, admin=admin, base=f"http://127.0.0.1:{cmd['port']}",
                         server=server)
            _reply(ok=True, key=key, secret=secret, entry_code=entry.code, departments=Department.objects.count())
        elif cmd["cmd"] == "sync":
            import time

            run = actions.sync_peer(state["liaison_admin"], state["peer"])
            out = dict(ok=True, status=run.status, offered=run.offered, created=run.created, message=run.message)
            mirror = MirroredEntry.objects.filter(peer=state["peer"]).select_related("entry", "mount").first()
            if mirror is not None:
                app, secret = gw.make_app(state["dept"], state["admin"], name="省民政核对系统")
                gw.subscribe(app, mirror.entry, state["liaison_admin"], fields=[i.field_name for i in mirror.entry.items.all()],
                             clear_fields=["xm"])
                time.sleep(0.5)  # the gateway reloads its policy (every 0.1 s)
                status, body, _ = gw.call(state["base"], app.app_key, secret, f"/gw/v1/apis/{mirror.entry.code}/{mirror.mount.public_id}",
                                          {"limit": "5"}, purpose="全省核对")
                out.update(mirror_code=mirror.entry.code, call_status=status, call_body=body)
            _reply(**out)
        elif cmd["cmd"] == "quit":
            if "server" in state:
                state["server"].__exit__(None, None, None)
            _reply(ok=True)
            return


if __name__ == "__main__":
    main()
