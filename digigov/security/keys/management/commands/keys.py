"""``manage.py keys rotate --purpose P [--reencrypt]`` and ``manage.py keys status``.

Acts as the platform's system account (the audit entries name it). ``--reencrypt`` moves every column
sealed under the purpose onto the new version in this process, with a progress bar, instead of queueing
the Huey task the key page uses.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from digigov.core.errors import DigiGovError
from digigov.core.rbac.system import system_account
from digigov.security.keys import actions, api, reencrypt, selectors


class Command(BaseCommand):
    help = "密钥管理：轮换数据密钥并重新加密（以平台系统账户执行，记入审计日志）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        rotate = sub.add_parser("rotate", help="轮换一个用途的数据密钥")
        rotate.add_argument("--purpose", required=True)
        rotate.add_argument("--reencrypt", action="store_true", help="轮换后把该用途的全部密文移到新版本")
        sub.add_parser("status", help="各用途的密钥版本、使用次数与密文覆盖率")

    def handle(self, *args, command, **opts):
        if command == "status":
            return self._status()
        system = system_account()
        try:
            row = actions.rotate_key(system, opts["purpose"])
            self.stdout.write(f"已轮换：{row.purpose} 第 {row.version} 版")
            if opts["reencrypt"]:
                job = actions.start_reencryption(system, opts["purpose"], enqueue=False)
                with tqdm(desc="重新加密", unit="字段", total=None, disable=None) as bar:
                    def progress(n):
                        if bar.total is None:
                            bar.total = job.total
                        bar.update(n)

                    try:
                        reencrypt.run(job, progress)
                    finally:
                        actions.finish_reencryption(job)
                self.stdout.write(f"重新加密{job.get_state_display()}：处理 {job.done} 个字段，迁移 {job.moved} 个，旧版本剩余 {job.left_behind} 个")
                if job.left_behind:
                    raise CommandError("仍有旧版本密文，请再次执行")
        except DigiGovError as exc:
            raise CommandError(exc.message) from None
        finally:
            api.flush_usage()

    def _status(self):
        for p in selectors.purposes():
            self.stdout.write(f"{p['purpose']}: 当前第 {p['active_version']} 版，共 {len(p['versions'])} 版")
            for c in p["columns"]:
                self.stdout.write(f"  {c['label']}: {c['current']}/{c['total']}")
