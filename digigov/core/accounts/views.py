from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digigov.core import validators
from digigov.core.errors import DigiGovError, get_or_404
from digigov.core.pii import blind
from digigov.core.rbac.checks import can, scope_queryset
from digigov.core.web.decorators import requires
from digigov.core.web.forms import bind, keep_invalid
from digigov.core.web.listing import paginate

from . import actions, ids
from .forms import PersonForm, RevealForm
from .models import LegalPerson, NaturalPerson


@requires("accounts.person.view")
def persons(request):
    qs = scope_queryset(request.user, "accounts.person.view", NaturalPerson.objects.active().select_related("division"), None, "division")
    q = request.GET.get("q", "").strip()[:64]
    if q:
        # exact ID number (typed in full-width digits too) or name prefix: both indexed
        id_number = validators.search_identifier(q)
        qs = qs.filter(blind(NaturalPerson, "id_number", id_number)) if id_number else qs.filter(name__startswith=validators.normalize_name(q)[:32])
    return render(request, "accounts/persons.html", {"q": q, "can_register": can(request.user, "accounts.person.manage"),
                                                     **paginate(request, qs.order_by("id"), count=False)})


@requires("accounts.person.view")
def legal_persons(request):
    qs = scope_queryset(request.user, "accounts.person.view", LegalPerson.objects.active().select_related("division"), None, "division")
    q = request.GET.get("q", "").strip()[:64]
    if q:
        uscc = validators.search_identifier(q)
        qs = qs.filter(uscc=uscc) if uscc else qs.filter(name__contains=validators.normalize_name(q)[:50])
    return render(request, "accounts/legal_persons.html", {"q": q, **paginate(request, qs.order_by("id"), count=False)})


def _person_in_scope(request, public_id, perm="accounts.person.view"):
    qs = scope_queryset(request.user, perm, NaturalPerson.objects.select_related("division"), None, "division")
    return get_or_404(qs, public_id=public_id)


@requires("accounts.person.view")
def person_detail(request, public_id):
    person = _person_in_scope(request, public_id)
    return render(request, "accounts/person_detail.html", {
        "person": person, "form": bind(request, RevealForm), "can_reveal": can(request.user, "accounts.pii.view", person),
    })


@requires("accounts.pii.view")
@require_POST
def person_reveal(request, public_id):
    person = _person_in_scope(request, public_id, "accounts.pii.view")
    form = RevealForm(request.POST)
    if not form.is_valid():  # back to the person's page, which shows the error and can be reloaded
        return keep_invalid(request, form, to=reverse("accounts:person", kwargs={"public_id": person.public_id}))
    # the clear values are the answer to this POST only: no redirect, nothing a reload or the history could show again
    clear = actions.reveal_person(request.user, person, form.cleaned_data["purpose"])
    return render(request, "accounts/person_detail.html", {"person": person, "clear": clear, "form": form, "can_reveal": True})


@requires("accounts.person.manage")
@require_http_methods(["GET", "POST"])
def person_new(request):
    form = bind(request, PersonForm)
    if request.method == "POST":
        if form.is_valid():
            try:
                person = actions.register_person(request.user, **form.cleaned_data)
            except DigiGovError as exc:
                field = (exc.detail or {}).get("field") if isinstance(exc.detail, dict) else None
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, _("已登记：%(name)s（%(id)s）") % {"name": person.name, "id": ids.mask_resident_id(person.id_number)})
                return redirect("accounts:person", public_id=person.public_id)
        return keep_invalid(request, form)
    return render(request, "web/form.html", {"form": form, "title": _("登记自然人")})
