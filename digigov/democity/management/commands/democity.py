"""``manage.py democity --scale S --seed N [--if-empty] [--only NAME]``: build the synthetic city."""

from django.core.management.base import BaseCommand, CommandError

from digigov.democity import runner


class Command(BaseCommand):
    help = "生成示范城市数据：按依赖顺序运行各应用注册的生成器（同一 seed 与 scale 结果相同；已生成的跳过）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=None,
                            help="规模，1 为完整城市（约220万人口）；默认取 settings.DIGIGOV_DEFAULT_SCALE")
        parser.add_argument("--seed", type=int, default=runner.DEFAULT_SEED, help=f"随机种子（默认 {runner.DEFAULT_SEED}）")
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有行政区划时什么也不做")
        parser.add_argument("--only", action="append", metavar="NAME", help="只运行指定的生成器（可重复，或用逗号分隔）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument("--no-kpi", action="store_true", help="生成后不重新计算主要指标")

    def handle(self, *args, **opts):
        try:
            runner.run(
                opts["scale"], opts["seed"], only=opts["only"], if_empty=opts["if_empty"], channel="command",
                progress=not opts["no_progress"] and opts["verbosity"] > 0,
                log=(lambda text: self.stdout.write(text)) if opts["verbosity"] > 0 else (lambda text: None),
                recompute_kpis=not opts["no_kpi"],
            )
        except runner.DemoCityError as exc:
            raise CommandError(str(exc)) from exc
