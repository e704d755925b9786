"""``manage.py demo_accounts``: the demo accounts (one per role) with their shared demo password."""

import unicodedata

from django.core.management.base import BaseCommand

from digigov.core.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from digigov.core.accounts.models import AgentAuthorization, User
from digigov.core.rbac.models import Role, RoleAssignment

HEADERS = ("角色", "用户名", "密码", "姓名", "范围")


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, size: int) -> str:
    return text + " " * (size - width(text))


def rows() -> list[tuple[str, str, str, str, str]]:
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])}
    out = []
    for username, role, _kind, _scope, _unit in DEMO_ACCOUNTS:
        user = users.get(username)
        if user is None:
            continue
        ra = RoleAssignment.objects.active().filter(user=user, role=role).select_related("department", "division").first()
        if ra is None:
            scope = "（未授权）"
        elif role == Role.CITIZEN:
            scope = "本人事项"
        elif role == Role.ENTERPRISE_AGENT:
            firms = [a.legal_person.name for a in AgentAuthorization.objects.active().filter(agent=user).select_related("legal_person")[:2]]
            scope = "经办企业：" + "、".join(firms) if firms else "（未授权企业）"
        elif ra.department_id:
            scope = ra.department.name
        elif ra.division_id:
            scope = f"{ra.division.name}（区划范围）"
        else:
            scope = "全市"
        out.append((Role(role).label, username, DEMO_PASSWORD, user.display_name, scope))
    return out


class Command(BaseCommand):
    help = "列出示范演示账户（每个角色一个）及其统一的演示密码。"

    def handle(self, *args, **opts):
        table = rows()
        if not table:
            self.stdout.write("尚未生成演示账户，请先运行：python manage.py democity")
            return
        sizes = [max(width(str(r[i])) for r in [HEADERS, *table]) for i in range(len(HEADERS))]
        line = "  ".join("-" * s for s in sizes)
        self.stdout.write("演示账户（仅用于演示环境，所有演示账户使用同一密码）：")
        self.stdout.write("  ".join(pad(h, s) for h, s in zip(HEADERS, sizes)).rstrip())
        self.stdout.write(line)
        for r in table:
            self.stdout.write("  ".join(pad(str(v), s) for v, s in zip(r, sizes)).rstrip())
        if len(table) < len(DEMO_ACCOUNTS):
            missing = sorted({a[0] for a in DEMO_ACCOUNTS} - {r[1] for r in table})
            self.stdout.write(f"缺少的演示账户：{', '.join(missing)}")
