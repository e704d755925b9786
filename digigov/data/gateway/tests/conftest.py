import pytest

from digigov.core.testing import make_user
from digigov.data.gateway import testing as gw
from digigov.data.gateway.server import Gateway, build_app


class World:
    pass


@pytest.fixture
def world(transactional_db, city):
    w = World()
    w.city = city
    w.provider_admin = make_user("data_admin", department=city.bureau)
    w.entry = gw.make_people_entry(city.bureau, w.provider_admin)
    w.app, w.secret = gw.make_app(city.other_bureau, w.provider_admin)
    w.sub = gw.subscribe(w.app, w.entry, w.provider_admin, fields=["xm", "sfzh", "sjhm", "nl", "sqmc", "hdje"], clear_fields=["xm"])
    return w


@pytest.fixture
def gateway(world):
    g = Gateway(db_threads=2, refresh_every=0.2)
    with gw.serve(build_app(g)) as base:
        g.base = base
        yield g


@pytest.fixture
def get(world, gateway):
    def do(path, params=None, **kw):
        return gw.call(gateway.base, kw.pop("app_key", world.app.app_key), kw.pop("secret", world.secret), path, params, **kw)

    return do
