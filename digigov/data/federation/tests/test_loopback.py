"""Two DigiGov instances on loopback — the city (this test's database) and the province (a second process
on a copy of it, with its own gateway) — offer each other an entry, synchronise each other's catalog and
call each other's data through their own gateways, signed with the credential the other issued.

The province copy is made from the test database once the city's org tree exists (SQLite: the backup
API; PostgreSQL: CREATE DATABASE … TEMPLATE), so the second instance needs no migration run."""

import json
import os
import sqlite3
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from digigov.core.testing import make_user
from digigov.data.federation import actions
from digigov.data.federation.models import MirroredEntry
from digigov.data.gateway import accesslog
from digigov.data.gateway import testing as gw
from digigov.data.gateway.server import Gateway, build_app
from digigov.data.sharing.models import AccessRecord


def _clone_database(tmp_path) -> tuple[str, callable]:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        target = tmp_path / "province.sqlite3"
        with sqlite3.connect(s["NAME"]) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"sqlite:///{target}", lambda: None
    import psycopg

    name, copy = s["NAME"], f"{s['NAME']}_province"
    auth = dict(user=s["USER"], password=s["PASSWORD"], host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432)
    connection.close()  # a template database must have no other session
    with psycopg.connect(dbname="postgres", autocommit=True, **auth) as c:
        c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name])
        c.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        c.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')

    def drop():
        with psycopg.connect(dbname="postgres", autocommit=True, **auth) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')

    return f"postgres://{auth['user']}:{auth['password']}@{auth['host']}:{auth['port']}/{copy}", drop


class Province:
    def __init__(self, database_url: str, var_dir):
        env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER", "DATABASE_URL")}
        env.update(DATABASE_URL=database_url, DIGIGOV_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="digigov.core.settings",
                   DIGIGOV_MASTER_KEY_FILE=settings.DIGIGOV_MASTER_KEY_FILE)  # the copy's data keys are wrapped by this master key
        self.proc = subprocess.Popen([sys.executable, "-m", "digigov.data.federation.tests.peer_instance"], env=env, cwd=settings.BASE_DIR,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def ask(self, **cmd) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError("the province instance stopped:\n" + self.proc.stderr.read()[-4000:])
        return json.loads(line)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.ask(cmd="quit")
                self.proc.wait(20)
            except (AssertionError, OSError, subprocess.TimeoutExpired):
                self.proc.kill()


@pytest.mark.slow
def test_city_and_province_serve_each_other(transactional_db, city, tmp_path):
    database_url, drop = _clone_database(tmp_path)
    province = None
    try:
        liaison_admin = make_user("data_admin", department=city.bureau)
        provider_admin = make_user("data_admin", department=city.other_bureau)
        entry = gw.make_people_entry(city.other_bureau, provider_admin, rows=8, sharing_type="conditional")
        prov_port = gw.free_port()
        g = Gateway(db_threads=2, refresh_every=0.1)
        with gw.serve(build_app(g)) as city_base:
            peer, key, secret = actions.register_peer(liaison_admin, code="LNPROV", name="省政务数据共享交换平台", level="province",
                                                      gateway_url=f"http://127.0.0.1:{prov_port}/", department=city.bureau)
            actions.offer_entry(provider_admin, peer, entry, fields=["xm", "sfzh", "nl"], clear_fields=["xm"], purpose="省级汇聚核对")

            province = Province(database_url, tmp_path / "province-var")
            started = province.ask(cmd="start", city_base=city_base + "/", city_key=key, city_secret=secret, port=prov_port)
            assert started["ok"], started
            actions.update_peer(liaison_admin, peer, remote_app_key=started["key"], remote_secret=started["secret"])
            peer.refresh_from_db()
            gw.wait_for_policy(g)

            # the province reads the city's offer and calls the city's entry through its own gateway
            got = province.ask(cmd="sync")
            assert (got["status"], got["offered"], got["created"]) == ("ok", 1, 1), got
            assert got["call_status"] == 200, got
            rows = got["call_body"]["rows"]
            assert len(rows) == 5 and rows[0]["xm"] == "张1" and "*" in rows[0]["sfzh"] and rows[0]["nl"] == "21"
            upstream = AccessRecord.objects.filter(app_id=peer.inbound_app_id, entry_id=entry.pk, status=200)
            assert upstream.count() == 1  # the province's call, logged by the city under the grant it holds
            assert upstream.get().rows == 5 and upstream.get().purpose.startswith("级联调用")

            # the city reads the province's offer and calls the province's entry through its own gateway
            run = actions.sync_peer(liaison_admin, peer)
            assert (run.status, run.offered, run.created) == ("ok", 1, 1), run.message
            mirror = MirroredEntry.objects.select_related("entry", "mount").get(peer=peer)
            assert mirror.remote_code == started["entry_code"] and mirror.remote_department == "省民政厅"
            assert mirror.entry.name == "全省低保对象信息" and [i.field_name for i in mirror.entry.items.order_by("seq")] == ["xm", "sfzh", "sqmc"]
            consumer, consumer_secret = gw.make_app(city.county_bureau, liaison_admin, name="区教育局核对系统")
            gw.subscribe(consumer, mirror.entry, liaison_admin, fields=["xm", "sfzh"], clear_fields=["xm"])
            gw.wait_for_policy(g)
            status, body, _ = gw.call(city_base, consumer.app_key, consumer_secret, f"/gw/v1/apis/{mirror.entry.code}/{mirror.mount.public_id}",
                                      {"limit": "3"})
            assert status == 200, body
            assert body["fields"] == ["xm", "sfzh"] and len(body["rows"]) == 3 and body["rows"][0]["xm"] == "张1"
            assert "*" in body["rows"][0]["sfzh"] and body["next"]

            # a call for an item the city's grant does not hold is refused locally, before any upstream call
            status, body, _ = gw.call(city_base, consumer.app_key, consumer_secret, f"/gw/v1/apis/{mirror.entry.code}/{mirror.mount.public_id}",
                                      {"fields": "sqmc"})
            assert (status, body["code"]) == (403, "field_not_approved")
        assert accesslog.verify_access_chain().ok
    finally:
        if province is not None:
            province.close()
        drop()
