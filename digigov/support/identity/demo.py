"""Demo city: the two apps the plan names as users of 统一身份认证 — 辽事通 (the public's mobile app: natural
persons and enterprise agents, a public client with PKCE only) and 辽政通 (the government's internal app for
staff, a confidential client) — and the first id_token signing key. Registered through the actions as the
system account, so they are audited like any other registration. The secret of 辽政通 is not kept: a real
deployment registers its own apps (``manage.py oidc_client create``)."""

from __future__ import annotations

from digigov.core.registry import register_demo
from digigov.core.rbac.system import system_account

from . import actions
from .models import Audience

DEMO_APPS = [
    {"name": "辽事通", "redirect_uris": ["https://lst.example.cn/oidc/callback"], "public": True, "audience": Audience.PUBLIC,
     "scopes": ["openid", "profile", "realname", "phone", "enterprise"]},
    {"name": "辽政通", "redirect_uris": ["https://lzt.example.cn/oidc/callback"], "public": False, "audience": Audience.INTERNAL,
     "scopes": ["openid", "profile"]},
]


def generate(ctx):
    system = system_account()
    for spec in DEMO_APPS:
        actions.create_client(system, **spec)
        ctx.rows += 2
    actions.ensure_signing_key(system)
    ctx.rows += 1
    ctx.describe("统一身份认证：2 个接入应用（辽事通、辽政通）与 1 把令牌签名密钥")


register_demo("support.identity", generate, after=("accounts",))
