"""Reads shared by the workbench pages, the admin and the commands."""

from __future__ import annotations

from oauth2_provider.models import Application

from .models import SigningKey


def clients():
    return Application.objects.select_related("digigov_profile").order_by("-created")


def client(client_id: str):
    return clients().filter(client_id=client_id).first()


def signing_keys():
    return SigningKey.objects.order_by("-created_at", "-pk")
