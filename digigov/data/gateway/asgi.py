"""``uvicorn digigov.data.gateway.asgi:app``: the API gateway as its own ASGI application (see ``server``)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digigov.core.settings")
django.setup()

from .server import build_app  # noqa: E402  (after django.setup)

app = build_app()
