"""Root URLconf: the front doors plus whatever URL modules apps registered (``registry.register_urls``)."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import include, path, re_path

from digigov.core.api import api
from digigov.core.registry import URLS

admin.site.site_header = "DigiGov 数字政府 · 管理后台"
admin.site.site_title = "DigiGov 管理后台"
admin.site.index_title = "登记簿管理"


def _admin_login(request, extra_context=None):
    # one login for every door: lockout, rate limits and TOTP apply to the admin too
    return redirect_to_login(request.GET.get("next", "/admin/"))


def _admin_has_permission(request):
    from digigov.core.rbac.checks import can

    return request.user.is_active and request.user.is_authenticated and can(request.user, "workbench.access")


def api_not_found(request):
    return JsonResponse({"code": "not_found", "message": "接口不存在", "detail": {"path": request.path}}, status=404)


api_not_found.required_permission = "@public"

admin.site.login = _admin_login
admin.site.has_permission = _admin_has_permission

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?!(?:3/)?action/)", api_not_found),  # /api/3/action/ and /api/action/: the CKAN Action API (data.ckan)
    *[path(prefix, include(module)) for prefix, module in URLS],
    path("", include("digigov.core.web.urls")),
]

handler400 = "digigov.core.web.views.bad_request"
handler403 = "digigov.core.web.views.permission_denied"
handler404 = "digigov.core.web.views.page_not_found"
handler500 = "digigov.core.web.views.server_error"
