"""API mounts through the gateway: proxied with aiohttp to a real upstream on loopback, rows filtered to
the approved fields and masked, peer signers asked for upstream headers, upstream failures → 502."""

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from digigov.data.catalog.models import MountedResource, MountKind
from digigov.data.gateway import testing as gw
from digigov.data.sharing import upstream
from digigov.data.sharing.models import AccessRecord, bump_policy_version

seen_headers = []


async def people(request):
    seen_headers.append(dict(request.headers))
    rows = gw.people_rows(3)
    if request.query_params.get("sqmc"):
        rows = [r for r in rows if r["sqmc"] == request.query_params["sqmc"]]
    return JSONResponse({"data": rows})


async def broken(request):
    return Response("Traceback: secret internals", 500)


async def not_json(request):
    return Response("<html>", 200)


UPSTREAM = Starlette(routes=[Route("/people", people, methods=["GET", "POST"]), Route("/broken", broken), Route("/html", not_json)])


@pytest.fixture
def upstream_base():
    with gw.serve(UPSTREAM) as base:
        yield base


@pytest.fixture
def mounts(world, upstream_base):
    made = {}
    for name in ("people", "broken", "html"):
        made[name] = MountedResource.objects.create(entry=world.entry, kind=MountKind.API, name=name, endpoint=f"{upstream_base}/{name}",
                                                    method="GET", mounted_by=world.provider_admin)
    bump_policy_version()
    return made


@pytest.fixture
def proxied(world, mounts):
    from digigov.data.gateway.server import Gateway, build_app

    g = Gateway(db_threads=2, refresh_every=0.2)
    with gw.serve(build_app(g)) as base:
        yield base


def test_api_rows_masked_and_logged(world, mounts, proxied):
    status, body, _ = gw.call(proxied, world.app.app_key, world.secret, f"/gw/v1/apis/{world.entry.code}/{mounts['people'].public_id}",
                              {"sqmc": "兴东社区"})
    assert status == 200, body
    src = [r for r in gw.people_rows(3) if r["sqmc"] == "兴东社区"]
    assert [r["xm"] for r in body["rows"]] == [r["xm"] for r in src]
    assert body["rows"][0]["sfzh"] == src[0]["sfzh"][:6] + "********" + src[0]["sfzh"][-4:]
    assert all("hcxs" not in r for r in body["rows"])  # core item dropped even though the upstream sent it
    rec = AccessRecord.objects.get()
    assert (rec.status, rec.rows, rec.resource_id) == (200, len(src), mounts["people"].pk)


def test_upstream_signer_is_asked(world, mounts, proxied):
    def signer(mount, method, path, query, body):
        return {"X-Peer-Test": f"{method} {path}"} if mount.name == "people" else None

    upstream.register_upstream_signer(signer)
    try:
        status, body, _ = gw.call(proxied, world.app.app_key, world.secret, f"/gw/v1/apis/{world.entry.code}/{mounts['people'].public_id}")
    finally:
        upstream._signers.remove(signer)
    assert status == 200
    assert seen_headers[-1]["x-peer-test"] == "GET /people"


@pytest.mark.parametrize("name, code", [("broken", "upstream_error"), ("html", "upstream_bad_response")])
def test_upstream_failures_are_502_without_internals(world, mounts, proxied, name, code):
    status, body, _ = gw.call(proxied, world.app.app_key, world.secret, f"/gw/v1/apis/{world.entry.code}/{mounts[name].public_id}")
    assert (status, body["code"]) == (502, code)
    assert "Traceback" not in str(body) and "127.0.0.1" not in str(body)


def test_unknown_mount_is_404(world, mounts, proxied):
    status, body, _ = gw.call(proxied, world.app.app_key, world.secret, f"/gw/v1/apis/{world.entry.code}/NoSuchMount")
    assert (status, body["code"]) == (404, "unknown_resource")
