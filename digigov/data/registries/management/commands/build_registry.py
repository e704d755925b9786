"""``manage.py build_registry person|enterprise``: build a base registry now, as the system account."""

from django.core.management.base import BaseCommand, CommandError

from digigov.core.context import acting_as
from digigov.core.errors import DigiGovError
from digigov.core.rbac.system import system_account


class Command(BaseCommand):
    help = "构建基础数据库（person=人口基础库，enterprise=法人基础库）"

    def add_arguments(self, parser):
        parser.add_argument("registry", choices=["person", "enterprise"])

    def handle(self, *args, registry, **options):
        from digigov.data.registries import actions, build

        actor = system_account()
        with acting_as(actor, channel="command"):
            try:
                run = actions.start_build(actor, registry, queue=False)
            except DigiGovError as exc:
                raise CommandError(exc.message) from None
            run = build.run_build(run.pk)
        if run.status != "done":
            raise CommandError(run.error or "构建失败")
        figures = run.report.get("figures", {})
        self.stdout.write(f"{run.get_registry_display()}：源记录 {run.source_rows:,} 条，主体 {run.golden_records:,} 个，"
                          f"疑似重复 {run.uncertain_pairs:,} 对，属性冲突 {run.conflicts:,} 个，用时 {figures.get('seconds', 0)} 秒")
        for p in run.report.get("problems", []):
            self.stdout.write(f"  {p['message']}")
