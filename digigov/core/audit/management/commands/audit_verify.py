from django.core.management.base import BaseCommand, CommandError

from digigov.core.audit.actions import verify_chain


class Command(BaseCommand):
    help = "校验审计日志的 HMAC-SM3 密钥链与库外签名检查点，指出第一条被破坏的记录"

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {result.checked} 条记录，比对检查点 {result.checkpoints} 个"))
            return
        raise CommandError(
            f"审计链被破坏：第一条异常记录序号 seq={result.first_broken_seq}（{result.reason}）；此前 {result.checked} 条完好"
        )
