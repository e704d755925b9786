"""The face photo is read into memory only (never spooled to a temporary file), up to ``face.MAX_PHOTO_BYTES``."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .face import MAX_PHOTO_BYTES


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keeps each file in memory; a file over the limit is dropped (``too_large`` is set) and the upload stops."""

    too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_PHOTO_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(self.buffer, self.field_name, self.file_name, self.content_type, file_size, self.charset,
                                    self.content_type_extra)
