"""``manage.py oidc_keys rotate`` makes a new active id_token signing key (the old one stays published for
verification for ``RETIRED_GRACE``); ``manage.py oidc_keys list`` lists the keys. Acts as the system
account; audited."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from digigov.core.context import acting_as
from digigov.core.rbac.system import system_account
from digigov.support.identity import actions, selectors


class Command(BaseCommand):
    help = "身份令牌签名密钥：rotate 轮换（生成新密钥，原密钥继续发布以验证已签发令牌），list 列出"

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["rotate", "list"])

    def handle(self, *args, verb, **opts):
        if verb == "rotate":
            system = system_account()
            with acting_as(system, channel="command"):
                row = actions.rotate_signing_key(system)
            self.stdout.write(f"新签名密钥已启用：{row.kid}")
            return
        for k in selectors.signing_keys():
            retired = timezone.localtime(k.retired_at).strftime("%Y-%m-%d %H:%M") if k.retired_at else "—"
            self.stdout.write(f"{k.kid}\t{k.get_status_display()}\t{timezone.localtime(k.created_at):%Y-%m-%d %H:%M}\t{retired}")
