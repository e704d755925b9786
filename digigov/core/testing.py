"""Factories for tests of every app: a small city, users holding roles, valid identifiers.

Writes go through actions (as in production) except where a test needs raw fixtures fast.
"""

from __future__ import annotations

import itertools
import random

from digigov.core.accounts.ids import resident_id_check_char, uscc_check_char, USCC_CHARSET
from digigov.core.accounts.models import User, UserKind
from digigov.core.org import actions as org_actions
from digigov.core.org.models import DepartmentKind, DivisionLevel
from digigov.core.rbac.models import RoleAssignment

_counter = itertools.count(1)
PASSWORD = "Test-Passw0rd!2026"


def resident_id(region: str = "210602", birth: str = "19900101", seq: int | None = None) -> str:
    seq = next(_counter) % 1000 if seq is None else seq
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def uscc(region: str = "210602", seed: int | None = None) -> str:
    rng = random.Random(seed if seed is not None else next(_counter))
    body = "91" + region + "".join(rng.choice(USCC_CHARSET[:10] + "ABCDEFGH") for _ in range(9))
    return body + uscc_check_char(body)


class City:
    """City → 2 counties → 1 town each → 1 village each; a city bureau with a sub-unit, and a county bureau."""

    def __init__(self):
        from digigov.core.rbac.system import system_account

        self.system = system = system_account()
        self.city = org_actions.create_division(system, code="210600000000", name="示范市", level=DivisionLevel.CITY, kind="市")
        self.county_a = org_actions.create_division(system, code="210602000000", name="元宝区", level=DivisionLevel.COUNTY, parent=self.city, kind="区")
        self.county_b = org_actions.create_division(system, code="210603000000", name="振兴区", level=DivisionLevel.COUNTY, parent=self.city, kind="区")
        self.town_a = org_actions.create_division(system, code="210602001000", name="广济街道", level=DivisionLevel.TOWN, parent=self.county_a, kind="街道")
        self.town_b = org_actions.create_division(system, code="210603001000", name="永昌街道", level=DivisionLevel.TOWN, parent=self.county_b, kind="街道")
        self.village_a = org_actions.create_division(system, code="210602001001", name="兴东社区", level=DivisionLevel.VILLAGE, parent=self.town_a, kind="社区")
        self.village_b = org_actions.create_division(system, code="210603001001", name="永昌社区", level=DivisionLevel.VILLAGE, parent=self.town_b, kind="社区")
        self.gov = org_actions.create_department(system, code="CITY-GOV", name="示范市人民政府", kind=DepartmentKind.GOVERNMENT, division=self.city)
        self.bureau = org_actions.create_department(system, code="CITY-BDB", name="示范市营商环境建设局（大数据管理局）", short_name="营商局",
                                                    kind=DepartmentKind.COMMITTEE, division=self.city, parent=self.gov)
        self.bureau_unit = org_actions.create_department(system, code="CITY-BDC", name="示范市大数据管理中心", short_name="大数据中心",
                                                         kind=DepartmentKind.SECOND, division=self.city, parent=self.bureau)
        self.other_bureau = org_actions.create_department(system, code="CITY-EDU", name="示范市教育局", short_name="教育局",
                                                          kind=DepartmentKind.COMMITTEE, division=self.city, parent=self.gov)
        self.county_gov = org_actions.create_department(system, code="A-GOV", name="元宝区人民政府", kind=DepartmentKind.GOVERNMENT, division=self.county_a)
        self.county_bureau = org_actions.create_department(system, code="A-EDU", name="元宝区教育局", short_name="区教育局",
                                                           kind=DepartmentKind.COMMITTEE, division=self.county_a, parent=self.county_gov)


def make_user(role: str | None = None, *, department=None, division=None, username: str | None = None, kind: str | None = None,
              password: str = PASSWORD) -> User:
    username = username or f"{role or 'user'}_{next(_counter)}"
    if kind is None:
        kind = UserKind.PERSON if role in (None, "citizen", "enterprise_agent") else UserKind.STAFF
    user = User.objects.create_user(username=username, password=password, display_name=username, kind=kind)
    if role:
        RoleAssignment.objects.create(user=user, role=role, department=department, division=division)
    return user


def role_scope(role: str, city: City) -> dict:
    """A realistic scope for each role in the test city."""
    if role in ("dept_admin", "window_clerk", "approver", "data_admin"):
        return {"department": city.bureau}
    return {}


def logged_in_client(user):
    """A Django test client with ``user``'s session (no password round-trip, no TOTP step)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def todo_queries(user) -> int:
    """Queries the header's to-do total costs ``user`` on every staff page: one COUNT per registered to-do the
    user may act on (``core/web/todos.py``). Query-count pins add it to the page's own count, so a new app's
    to-do does not break every other app's pin."""
    from digigov.core.rbac.checks import can
    from digigov.core.registry import TODOS

    return sum(1 for t in TODOS.values() if can(user, t.permission))


def worker_env(tmp_path, db_name: str = "worker.sqlite3") -> dict:
    """The environment for a child Python process that a test kills or restarts (``kill -9`` tests): its own
    file database and var directory under ``tmp_path``, none of pytest's per-test variables (a child that
    saw them would believe it runs inside pytest-django and pick the test database's name)."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER")}
    env.update(DIGIGOV_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/{db_name}",
               DJANGO_SETTINGS_MODULE="digigov.core.settings")
    return env
