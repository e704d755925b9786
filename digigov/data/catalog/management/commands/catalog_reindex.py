"""``manage.py catalog_reindex``: rebuild the catalog's full-text index from the catalog tables
(after a restore, a bulk import or a change of the segmentation dictionary)."""

from django.core.management.base import BaseCommand

from digigov.core import search
from digigov.data.catalog.index import KIND, reindex_entries


class Command(BaseCommand):
    help = "重建数据资源目录的全文检索索引"

    def handle(self, *args, **options):
        search.clear(KIND)
        n = reindex_entries()
        if options["verbosity"]:
            self.stdout.write(f"已为 {n} 个目录条目建立检索索引")
