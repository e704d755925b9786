from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from digigov.data.aggregation import actions
from digigov.data.aggregation.models import Job
from digigov.data.aggregation.pipeline import engine, target
from digigov.data.catalog.tables import target_table_name


def upload_source(actor, entry, **kw):
    kw.setdefault("name", "补贴名册上传")
    return actions.create_source(actor, entry=entry, kind="upload", **kw)


def run_upload(actor, source, name: str, content: bytes) -> tuple[Job, bool]:
    job, created = actions.submit_upload(actor, source, SimpleUploadedFile(name, content), enqueue=False)
    if created:
        engine.run(job.pk)
    job.refresh_from_db()
    return job, created


def target_rows(entry) -> int:
    table = target_table_name(entry)
    return target.count_rows(table) if target.table_exists(table) else 0


def no_staging_left() -> bool:
    with connection.cursor() as cur:
        return not [t for t in connection.introspection.table_names(cur) if "_stg_" in t]
