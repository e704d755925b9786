"""Permission gates for server-rendered views. Every URL declares one: ``requires(perm)``,
``login_only`` or ``public``; the authorisation-matrix test fails for a view that declares none."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login

from digigov.core.rbac.checks import require


def requires(perm: str):
    def deco(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, perm)  # Forbidden → 403 page via ErrorPageMiddleware
            return view(request, *args, **kwargs)

        wrapper.required_permission = perm
        return wrapper

    return deco


def login_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.required_permission = "@login"
    return wrapper


def public(view):
    view.required_permission = "@public"
    return view
