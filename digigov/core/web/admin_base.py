"""Django admin on top of actions: the admin never writes through the ORM itself.

Each registry admin names the permission to view and to change, and implements ``create``/``update``
by calling its app's actions (so admin edits are validated, scoped and audited like any other write).
Nothing is ever deleted from the admin; records are voided through their actions.

The admin reads like the workbench:

* a changelist lists only objects in the user's reach (``scope_department_field``/``scope_division_field``,
  as ``scope_queryset``); registries that belong to no department (the audit log, API clients, users
  without a post) reach only unscoped grants. Reference data everyone may see (divisions, KPI
  definitions) sets ``public_registry``;
* only the declared filters (``list_filter``, ``date_hierarchy``) may appear in the query string:
  Django otherwise accepts any lookup on any field (``?id_number__startswith=2106``,
  ``?user__password__startswith=``, ``?name__regex=``), which reads personal data and password hashes
  one character at a time and can hang a worker. Anything else answers 400 with a Chinese page;
* search is by prefix on indexed columns (``^name``: on SQLite ``name >= q AND name < q + U+10FFFF``,
  which its B-tree index answers where its case-insensitive LIKE cannot; on PostgreSQL ``LIKE 'q%'``
  with a ``varchar_pattern_ops`` index) or exact match (``=code``); personal
  fields, password hashes and key digests are never searchable, sortable, filterable or shown;
* changelists never ``COUNT(*)`` millions of rows: the paginator counts at most ``COUNT_CAP`` rows.
"""

from __future__ import annotations

import contextvars
import logging

from django.contrib import admin, messages
from django.contrib.admin import FieldListFilter, ShowFacets, SimpleListFilter, helpers
from django.contrib.admin.exceptions import DisallowedModelAdminLookup, DisallowedModelAdminToField
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_fields_from_path, lookup_spawns_duplicates
from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property

from digigov.core.errors import DigiGovError
from digigov.core.rbac.checks import can, scope_q
from digigov.core.registry import PERMISSIONS

SECURITY_LOG = logging.getLogger("digigov.security")
# never shown, searched, sorted or filtered in the admin, on any model
SECRET_FIELDS = frozenset({"password", "key_hash"})
VOID_FIELDS = frozenset({"voided_at", "void_reason", "voided_by"})
# a search term longer than any indexed value we search is cut (and never reaches a LIKE)
MAX_SEARCH_TERM = 64
# the highest code point: every string starting with q sorts in [q, q + PREFIX_END)
PREFIX_END = "\U0010ffff"


def register(model):
    return admin.register(model)


class BadAdminQuery(DigiGovError):
    status = 400
    code = "invalid_filter"
    message = "请求无效：只能使用页面上提供的筛选、排序与搜索"


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap+1)``): the first pages of a
    registry of millions cost what a page costs. ``capped`` tells the template the total is larger."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not hasattr(qs, "query"):
            return len(qs)
        n = qs.order_by().values("pk")[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    capped = False


def _fits(model, path: str, term: str) -> bool:
    """Whether ``term`` is a valid value of the field at ``path``: PostgreSQL refuses to compare an inet
    or a number column with arbitrary text (a 500 on the login-attempt list's search)."""
    from django.core.exceptions import ValidationError

    field = get_fields_from_path(model, path)[-1]
    try:
        value = field.to_python(term)
        field.run_validators(value)
        field.get_prep_value(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


def hidden_fields(model) -> set[str]:
    return set(SECRET_FIELDS) | set(getattr(model, "PII_FIELDS", ()))


class ActionAdmin(admin.ModelAdmin):
    permission_view: str = ""
    permission_change: str = ""
    editable_fields: tuple[str, ...] = ()
    scope_department_field: str | None = None
    scope_division_field: str | None = None
    # reference data every holder of ``permission_view`` may read whatever the scope of the grant
    public_registry = False
    # fields of this model never shown in its forms (besides SECRET_FIELDS and the model's PII_FIELDS)
    never_shown: tuple[str, ...] = ()
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over millions of rows per page view
    show_facets = ShowFacets.NEVER  # facet counts are one COUNT per filter choice over the whole registry
    paginator = CappedPaginator
    change_list_template = "admin/digigov_change_list.html"

    # --- permissions and reach ---------------------------------------------------------------------
    def has_module_permission(self, request):
        return bool(self.permission_view) and can(request.user, self.permission_view)

    def has_view_permission(self, request, obj=None):
        if not (self.permission_view and can(request.user, self.permission_view)):
            return False
        return obj is None or self._in_reach(request, obj)

    def has_add_permission(self, request):
        """Only if one of the user's grants can reach such an object at all: a department-scoped grant
        never covers a division, so a department admin is not offered 「增加行政区划」."""
        if not (hasattr(self, "create") and self.permission_change and can(request.user, self.permission_change)):
            return False
        return scope_q(request.user, self.permission_change, self.scope_department_field, self.scope_division_field) is not None

    def has_change_permission(self, request, obj=None):
        return hasattr(self, "update") and bool(self.permission_change) and can(request.user, self.permission_change, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def _in_reach(self, request, obj) -> bool:
        """The object is one the changelist would list (the same scope, one indexed lookup)."""
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not self.permission_view:
            return qs.none()
        if self.public_registry:
            return qs if can(request.user, self.permission_view) else qs.none()
        q = scope_q(request.user, self.permission_view, self.scope_department_field, self.scope_division_field)
        if q is None:
            return qs.none()
        return qs.filter(q) if q else qs

    # --- what the query string may ask --------------------------------------------------------------
    def _declared_filter_params(self, request) -> set[str]:
        cache = request.__dict__.setdefault("_digigov_filter_params", {}) if request is not None else {}
        key = type(self).__name__
        if key in cache:
            return cache[key]
        allowed: set[str] = set()
        if self.date_hierarchy:
            allowed |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        for item in (self.get_list_filter(request) if request is not None else self.list_filter):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                allowed.add(item.parameter_name)
                continue
            path, filter_class = item if isinstance(item, (list, tuple)) else (item, FieldListFilter.create)
            field = get_fields_from_path(self.model, path)[-1]
            allowed.update(filter_class(field, request, {}, self.model, self, field_path=path).expected_parameters())
        allowed -= {p for p in allowed if set(p.split("__")) & hidden_fields(self.model)}
        cache[key] = allowed
        return allowed

    def lookup_allowed(self, lookup, value, request=None):
        """Only the parameters the declared filters use; never a free lookup (``__regex``, ``__gte``
        on an ID number, a relation to a password hash)."""
        return lookup in self._declared_filter_params(request)

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (DisallowedModelAdminLookup, DisallowedModelAdminToField, IncorrectLookupParameters) as exc:
            SECURITY_LOG.warning("admin query refused: %s %s (%s)", request.path, type(exc).__name__, str(exc)[:200])
            raise BadAdminQuery(detail={"query": sorted(request.GET.keys())[:20]}) from None

    def get_ordering(self, request):
        """A stable order everywhere (the autocomplete pages through the target admin's queryset too).
        A prefix search is listed in the order of its index (name, pk): the first page is then the first
        50 index entries, where ``ORDER BY id DESC`` would sort every match (200,000 people named 王…).
        (SQLite only: PostgreSQL's pattern-ops index does not give collation order, and its planner, with
        statistics, picks the primary key or the name index by itself.)"""
        get = getattr(request, "GET", {})
        term = get.get(SEARCH_VAR) or (get.get("term") if getattr(request, "path", "").endswith("/autocomplete/") else "")
        if term and term.strip() and ORDER_VAR not in get and connections[self.model.objects.db].vendor == "sqlite":
            prefix = [spec[1:] for spec in self.get_search_fields(request) if spec.startswith("^")]
            if prefix:
                return (prefix[0], "pk")
        return self.ordering or self.model._meta.ordering or ("-pk",)

    def get_sortable_by(self, request):
        """Declared ``sortable_by``, else the list's own model columns; never a personal or secret field."""
        hidden = hidden_fields(self.model)
        names = {f.name for f in self.model._meta.concrete_fields}
        if self.sortable_by is not None:
            candidates = self.sortable_by
        else:
            candidates = [n for n in self.get_list_display(request) if isinstance(n, str) and n in names]
        return [n for n in candidates if n not in hidden]

    def get_search_results(self, request, queryset, search_term):
        """``^f``: indexed prefix (a range, which SQLite's case-insensitive LIKE could not use);
        ``=f``: exact; a bare name: substring (small registries only). One term, cut to 64 characters."""
        term = (search_term or "").strip()[:MAX_SEARCH_TERM]
        fields = self.get_search_fields(request)
        if not term or not fields:
            return queryset, False
        q = Q()
        paths = []
        range_prefix = connections[queryset.db].vendor == "sqlite"
        for spec in fields:
            if spec.startswith("^"):
                path = spec[1:]
                # SQLite: LIKE is case-insensitive and skips a BINARY index, a range uses it. PostgreSQL: a
                # range under a linguistic collation may not bound the prefix; LIKE 'q%' (case-sensitive)
                # is served by the varchar_pattern_ops index the migrations create there
                q |= (Q(**{f"{path}__gte": term, f"{path}__lt": term + PREFIX_END}) if range_prefix
                      else Q(**{f"{path}__startswith": term}))
            elif spec.startswith("="):
                path = spec[1:]
                if not _fits(self.model, path, term):
                    continue  # not a value of that field (text in an IP address box): it matches nothing there
                q |= Q(**{path: term})
            else:
                path = spec
                q |= Q(**{f"{path}__contains": term})
            paths.append(path)
        return queryset.filter(q), any(lookup_spawns_duplicates(self.opts, p) for p in paths)

    # --- forms ------------------------------------------------------------------------------------
    def get_exclude(self, request, obj=None):
        # voiding is an action of its own (``void``), never a form field; an editable ``voided_by`` was a
        # <select> of every account in the city
        hidden = (hidden_fields(self.model) | set(self.never_shown) | VOID_FIELDS) & {f.name for f in self.model._meta.fields}
        return tuple({*(super().get_exclude(request, obj) or ()), *hidden})

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return super().get_readonly_fields(request, obj)
        hidden = hidden_fields(self.model) | set(self.never_shown)
        declared = [f for f in super().get_readonly_fields(request, obj) if f not in hidden]
        return declared + [f.name for f in self.model._meta.fields
                           if f.name not in self.editable_fields and f.name not in hidden and f.name not in declared]

    def save_model(self, request, obj, form, change):
        saved = self.update(request, obj, form) if change else self.create(request, obj, form)
        if saved is not None and saved is not obj:
            obj.pk = saved.pk
            obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def save_related(self, request, form, formsets, change):
        # many-to-many edits would bypass actions; DigiGov registries have none editable here
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        token = _admin_request.set(request)
        try:
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):  # a TemplateResponse renders after the view returns: render it while we know the viewer
                response.render()
            return response
        except DigiGovError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)  # Chinese words, not the error code
            return HttpResponseRedirect(request.get_full_path())
        finally:
            _admin_request.reset(token)


# A read-only foreign key on a change page is a link to the related object's change page, which Django
# draws without asking whether the viewer may open it (a clerk's staff page linked accounts that answer
# 403). While one of our change forms renders, the link is drawn only where the target admin lets the
# viewer see that object; otherwise the object's name is shown as text.
_admin_request: contextvars.ContextVar = contextvars.ContextVar("digigov_admin_request", default=None)
_django_admin_url = helpers.AdminReadonlyField.get_admin_url


def _admin_url_if_viewable(self, remote_field, remote_obj):
    request = _admin_request.get()
    if request is not None:
        target = self.model_admin.admin_site._registry.get(remote_field.model) if self.model_admin else None
        if target is None or not target.has_view_permission(request, remote_obj):
            return str(remote_obj)
    return _django_admin_url(self, remote_field, remote_obj)


helpers.AdminReadonlyField.get_admin_url = _admin_url_if_viewable


class ReadOnlyAdmin(ActionAdmin):
    """For logs and computed records."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
