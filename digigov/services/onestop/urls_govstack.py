"""``/govstack/registration/``: the GovStack Registration building block API (``registration.api``).

The authorisation matrix reads ``required_permission`` from every URL's view: the catalogue, the e-forms,
the statistics and the OpenAPI document are open (``@public``), as in the spec; everything else
authenticates its caller itself by access token or API key, never by the session (``@oauth``)."""

from .registration import api

PUBLIC = ("openapi.json", "services", "eForms/", "data/statistics")

urlpatterns, app_name = api.urls[0], api.urls[2]  # the namespace Ninja reverses its own URLs in
for _pattern in urlpatterns:
    _route = str(_pattern.pattern)
    # "" is Ninja's API root (only there to reverse the others; answers 404)
    _public = _route == "" or (_route.startswith(PUBLIC) and "/applications" not in _route)
    _pattern.callback.required_permission = "@public" if _public else "@oauth"
