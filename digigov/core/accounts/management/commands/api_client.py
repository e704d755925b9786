"""``manage.py api_client``: register, list and revoke machine callers of /api/v1 (X-API-Key).

Every change is made by a named operator holding ``accounts.apiclient.manage`` and is audited.
The key is printed once and never stored (only its HMAC-SM3).
"""

from django.core.management.base import BaseCommand, CommandError

from digigov.core.accounts import actions
from digigov.core.accounts.models import ApiClient, User
from digigov.core.context import acting_as
from digigov.core.errors import DigiGovError


class Command(BaseCommand):
    help = "管理 API 应用（X-API-Key）：create 新建并显示一次密钥，list 列出，revoke 作废"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="新建 API 应用")
        create.add_argument("name", help="应用名称")
        create.add_argument("--service-user", required=True, help="代表的系统账户（其角色即该应用的权限）")
        create.add_argument("--operator", required=True, help="操作人用户名（须具备 API 应用管理权限）")
        sub.add_parser("list", help="列出 API 应用")
        revoke = sub.add_parser("revoke", help="作废 API 应用")
        revoke.add_argument("name")
        revoke.add_argument("--reason", required=True)
        revoke.add_argument("--operator", required=True)

    def _user(self, username):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"账户不存在或已停用：{username}")
        return user

    def handle(self, *args, verb, **opts):
        if verb == "list":
            for c in ApiClient.objects.select_related("user").order_by("name"):
                state = f"已作废（{c.void_reason}）" if c.voided_at else "有效"
                used = c.last_used_at.isoformat(timespec="seconds") if c.last_used_at else "从未使用"
                self.stdout.write(f"{c.name}\t{c.user.username}\tdg_{c.key_prefix}…\t{state}\t{used}")
            return
        operator = self._user(opts["operator"])
        with acting_as(operator, channel="command"):
            try:
                if verb == "create":
                    client, key = actions.create_api_client(operator, name=opts["name"], user=self._user(opts["service_user"]))
                    self.stdout.write(self.style.SUCCESS(f"已创建 API 应用「{client.name}」。密钥只显示这一次，请妥善保存："))
                    self.stdout.write(key)
                else:
                    client = ApiClient.objects.active().filter(name=opts["name"]).first()
                    if client is None:
                        raise CommandError(f"没有有效的 API 应用：{opts['name']}")
                    actions.void(operator, client, opts["reason"], "accounts.apiclient.manage")
                    self.stdout.write(self.style.SUCCESS(f"已作废 API 应用「{client.name}」"))
            except DigiGovError as exc:
                raise CommandError(f"{exc.message}（{exc.code}）") from exc
