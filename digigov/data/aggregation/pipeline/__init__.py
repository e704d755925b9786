"""The aggregation pipeline: raw rows (``readers``) → standardised values (``standardise``) → the
entry's table (``target``), run by ``engine.run``. Streaming throughout: rows are read, checked and
staged in chunks of ``engine.CHUNK``; only the chunk at hand is in memory."""


class PipelineError(Exception):
    """A run cannot go on: the job fails with ``message`` (Chinese) and nothing reaches the target."""

    code = "pipeline_error"

    def __init__(self, message: str, *, code: str | None = None, detail=None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.detail = detail


class SchemaMismatch(PipelineError):
    """The input's columns do not fit the entry's data items (checked before any row is read on)."""

    code = "schema_mismatch"


class SourceFailed(PipelineError):
    """The input could not be read to the end: undecodable bytes, a broken JSON array, a database or
    API that went away mid-pull."""

    code = "source_failed"
