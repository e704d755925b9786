from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=64)
    password = forms.CharField(label=_("密码"), max_length=128, widget=forms.PasswordInput)
    otp_token = forms.CharField(label=_("动态口令（已绑定的工作人员必填）"), max_length=8, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class TotpConfirmForm(forms.Form):
    token = forms.CharField(label=_("验证器中显示的6位动态口令"), min_length=6, max_length=6)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label=_("新密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                   help_text=_("至少10位，不能过于简单或与账户信息相似"))
    new_password2 = forms.CharField(label=_("确认新密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


# --- POST/redirect/GET for forms that fail validation ------------------------------------------
# An invalid POST used to be answered with the form re-rendered (status 400): reloading that page
# re-posts it, and the browser asks "resubmit the form?". ``keep_invalid`` stashes what was typed and
# the errors in the session and redirects to a page the user can reload; ``bind`` on the following GET
# rebuilds the form with that data and those errors (once: the stash is popped).
#
#     form = bind(request, MyForm, user=request.user)      # GET: fresh or re-bound from the stash
#     if request.method == "POST":
#         if form.is_valid():
#             try: actions.do(...)
#             except DigiGovError as exc: form.add_error(None, exc.message)
#             else: return redirect(...)
#         return keep_invalid(request, form)                 # → 302 to this same URL
#
# A form posted to another URL (e.g. a decision form on a detail page) passes ``to=`` the page to show.

_STASH = "digigov.forms.invalid"
_MAX_VALUE = 10_000  # characters kept per submitted value (the session is not a file store)


def _never_kept(form) -> set[str]:
    """Names whose values are never written to the session: passwords (and anything shown as one), files,
    and whatever the form lists in ``never_kept`` (personal data such as an identity number)."""
    names = {form.add_prefix(name) for name in getattr(form, "never_kept", ())}
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.PasswordInput) or isinstance(field, forms.FileField) or "password" in name:
            names.add(form.add_prefix(name))
    return names


def keep_invalid(request, form, to: str | None = None):
    """Store the submitted values (never passwords) and the form's errors; redirect to ``to`` (default: here)."""
    from django.shortcuts import redirect

    target = to or request.get_full_path()
    skip = _never_kept(form)
    data = {k: [v[:_MAX_VALUE] for v in form.data.getlist(k)] for k in form.data if k not in skip and k != "csrfmiddlewaretoken"} \
        if hasattr(form.data, "getlist") else {k: v for k, v in form.data.items() if k not in skip}
    stash = request.session.get(_STASH, {})
    stash[_key(target, form.prefix)] = {"data": data, "errors": form.errors.get_json_data()}
    request.session[_STASH] = stash
    return redirect(target)


def bind(request, form_class, *, prefix: str | None = None, **kwargs):
    """The form for this request: bound to the POST, re-bound from a stash ``keep_invalid`` left for this URL,
    or unbound. A re-bound form shows the kept values and errors without validating again."""
    from django.forms.utils import ErrorDict, ErrorList
    from django.http import QueryDict

    if request.method == "POST":
        return form_class(request.POST, prefix=prefix, **kwargs)
    stash = request.session.get(_STASH)
    saved = stash.pop(_key(request.get_full_path(), prefix), None) if stash else None
    if saved is None:
        return form_class(prefix=prefix, **kwargs)
    request.session[_STASH] = stash  # popped: a reload shows the empty form again
    data = QueryDict(mutable=True)
    for k, values in saved["data"].items():
        data.setlist(k, values if isinstance(values, list) else [values])
    form = form_class(data, prefix=prefix, **kwargs)
    errors = ErrorDict()
    for field, items in saved["errors"].items():
        if field != "__all__" and field not in form.fields:
            field = "__all__"
        target = errors.setdefault(field, ErrorList(error_class="nonfield" if field == "__all__" else None, renderer=form.renderer))
        target.extend(forms.ValidationError(item["message"], code=item.get("code") or None) for item in items)
    form._errors = errors  # shown as they were; cleaned_data is not available on a re-bound form
    return form


def _key(path: str, prefix: str | None) -> str:
    return f"{prefix or ''}@{path}"
