from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "digigov.core.notify"
    label = "notify"
    verbose_name = "消息通知"

    def ready(self):
        from . import audit_events  # noqa: F401 — registers this app's audit labels
        from digigov.core import registry
        from digigov.core.api import register_router

        # the header links the message centre itself, with the unread count (context processor ``notify.context.inbox``)
        registry.register_urls("messages/", "digigov.core.notify.urls")

        from . import api

        register_router("/messages/", api.router)
