"""``manage.py oidc_client create --name NAME --redirect-uri URI [--redirect-uri URI2] [--public]``

Registers a relying party as the platform's system account (audited) and prints exactly one JSON object on
stdout: ``{"client_id": "...", "client_secret": "..."}``. For ``--public`` clients (mobile and browser
apps that cannot keep a secret; they prove themselves with PKCE alone) ``client_secret`` is ``null``.
The secret is shown only here: django-oauth-toolkit stores it hashed. Errors go to stderr, exit status 1.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from digigov.core.context import acting_as
from digigov.core.errors import DigiGovError
from digigov.core.rbac.system import system_account
from digigov.support.identity import actions
from digigov.support.identity.models import Audience


class Command(BaseCommand):
    help = "登记统一身份认证（OpenID Connect）接入应用，输出一个 JSON 对象 {client_id, client_secret}"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="登记接入应用")
        create.add_argument("--name", required=True, help="应用名称")
        create.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris", help="回调地址（可重复）")
        create.add_argument("--post-logout-redirect-uri", action="append", default=[], dest="logout_uris", help="退出后跳转地址（可重复）")
        create.add_argument("--public", action="store_true", help="无密钥的移动或浏览器应用（仅凭 PKCE）")
        create.add_argument("--scope", action="append", dest="scopes", default=None,
                            help="可申请的授权范围（可重复；默认 openid profile）：" + " ".join(actions.SCOPE_LABELS))
        create.add_argument("--internal", action="store_true", help="政务内部应用（供工作人员登录）；默认为公众应用")

    def handle(self, *args, verb, **opts):
        system = system_account()
        with acting_as(system, channel="command"):
            try:
                app, secret = actions.create_client(
                    system, name=opts["name"], redirect_uris=opts["redirect_uris"], public=opts["public"],
                    scopes=opts["scopes"] or ["openid", "profile"], post_logout_redirect_uris=opts["logout_uris"],
                    audience=Audience.INTERNAL if opts["internal"] else Audience.PUBLIC)
            except DigiGovError as exc:
                raise CommandError(exc.message) from None
        self.stdout.write(json.dumps({"client_id": app.client_id, "client_secret": secret}, ensure_ascii=False))
