"""``manage.py seal_list``: one seal per line, tab-separated: code, name, unit, type, status, validity."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from digigov.support.seal.models import Seal, SealStatus


class Command(BaseCommand):
    help = "列出电子印章（每行一枚：编码、名称、单位、类型、状态、有效期，以制表符分隔）"

    def add_arguments(self, parser):
        parser.add_argument("--status", choices=SealStatus.values, help="只列出该状态的印章")

    def handle(self, *args, status=None, **options):
        qs = Seal.objects.select_related("department").order_by("code")
        if status:
            qs = qs.filter(status=status)
        for s in qs.iterator(chunk_size=500):
            validity = f"{timezone.localtime(s.valid_start):%Y-%m-%d}至{timezone.localtime(s.valid_end):%Y-%m-%d}"
            self.stdout.write("\t".join([s.code, s.name, s.department.name, s.get_seal_type_display(),
                                         s.get_status_display(), validity]))
