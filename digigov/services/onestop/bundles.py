"""一件事 merging: one combined form and one set of materials out of the member items (一表申请、一次提交).

* ``combined_document(parts, audience)`` — the form-js document of a bundle's combined form built from the
  members' documents: the applicant block first, then one section per member with only the fields no
  earlier member asked. A field is identified by its key (the members share keys on purpose:
  ``applicant_name``, ``baby_id_number`` …), so name and ID number are asked once; a field required by any
  member is required in the combined form; the members' pre-fill bindings are merged.
* ``combined_fields(bundle)`` — the value fields of that document for a bundle in the database (from each
  member's published form), each once.
* ``shared_materials(bundle)`` — each material once (只提交一次): grouped by the e-licence type that replaces
  it, else by its name; says which members receive it and whether it is replaced (免提交).

The application slice's ``requirements.for_bundle(bundle)`` is the contract the portal uses; when the
bundle has its own combined ``form`` (the eight modelled ones, built here by ``actions.bundles``) that is
what it shows. The lead reconciles the two merging paths at merge time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

APPLICANT_KEYS = ("applicant_name", "applicant_id_number", "applicant_phone", "applicant_address",
                  "enterprise_name", "enterprise_uscc", "legal_representative", "contact_name", "contact_phone")


def leaves(components) -> list[dict]:
    """The value fields of a form-js component list (groups flattened; a repeating list counts as one)."""
    out: list[dict] = []
    for c in components or ():
        if not isinstance(c, dict):
            continue
        if c.get("type") == "group":
            out += leaves(c.get("components"))
        elif c.get("key") or (c.get("type") == "dynamiclist" and c.get("path")):
            out.append(c)
    return out


def _field_key(c: dict) -> str:
    return c.get("key") or c.get("path") or ""


def _required(c: dict) -> bool:
    return bool((c.get("validate") or {}).get("required"))


def merge_fields(parts) -> list[tuple[str, list[dict]]]:
    """``parts`` = [(member name, components)] → [(section name, new fields)], each key once; the first
    member asking a key decides its label and type, any member requiring it makes it required."""
    seen: dict[str, dict] = {}
    sections: list[tuple[str, list[dict]]] = []
    applicant: list[dict] = []
    for name, comps in parts:
        fresh = []
        for c in leaves(comps):
            key = _field_key(c)
            if key in seen:
                if _required(c) and not _required(seen[key]):
                    seen[key].setdefault("validate", {})["required"] = True
                continue
            copy = {k: (dict(v) if isinstance(v, dict) else v) for k, v in c.items()}
            seen[key] = copy
            (applicant if key in APPLICANT_KEYS else fresh).append(copy)
        if fresh:
            sections.append((name, fresh))
    return ([("申请人", applicant)] if applicant else []) + sections


def combined_document(parts, *, form_id: str, bindings=()) -> tuple[dict, dict]:
    """The combined form-js document and bindings: ``parts`` = [(member name, components)], ``bindings`` =
    the members' binding dicts (merged; only for fields the document has)."""
    sections = merge_fields(parts)
    comps = [{"type": "group", "label": name, "id": f"Group_s{i}", "showOutline": True, "components": fs}
             for i, (name, fs) in enumerate(sections)]
    keys = {_field_key(c) for _, fs in sections for c in fs}
    merged: dict[str, str] = {}
    for b in bindings:
        for k, v in (b or {}).items():
            if k in keys and k not in merged:
                merged[k] = v
    return {"type": "default", "id": form_id, "schemaVersion": 18, "components": comps}, merged


def _members(bundle):
    from .models import BundleMember

    return list(BundleMember.objects.filter(bundle=bundle).select_related("item", "item__form").order_by("order", "id"))


def combined_fields(bundle) -> list[dict]:
    """The bundle's combined value fields (from each member's published form), each key once."""
    from digigov.support.forms.selectors import current_version

    parts = []
    for m in _members(bundle):
        version = current_version(m.item.form) if m.item.form_id else None
        if version is not None:
            parts.append((m.item.name, (version.ui or {}).get("components", [])))
    return [c for _, fs in merge_fields(parts) for c in fs]


@dataclass
class SharedMaterial:
    name: str
    licence_type_id: int | None = None
    shared_source: str = ""
    required: bool = False
    items: list = field(default_factory=list)  # the member items that receive it

    @property
    def replaceable(self) -> bool:
        return self.licence_type_id is not None or bool(self.shared_source)


def shared_materials(bundle) -> list[SharedMaterial]:
    """Each material of the bundle's members once: the same e-licence type is one material (whatever each
    member calls it), else the same name is."""
    from .models import ItemMaterial

    members = _members(bundle)
    order = {m.item_id: i for i, m in enumerate(members)}
    rows = sorted(ItemMaterial.objects.filter(item_id__in=order).select_related("item"), key=lambda r: (order[r.item_id], r.order, r.id))
    out: dict[tuple, SharedMaterial] = {}
    for r in rows:
        key = ("licence", r.licence_type_id) if r.licence_type_id else ("name", r.name)
        got = out.get(key)
        if got is None:
            got = out[key] = SharedMaterial(r.name, r.licence_type_id, r.shared_source)
        got.required = got.required or r.required
        got.shared_source = got.shared_source or r.shared_source
        if r.item not in got.items:
            got.items.append(r.item)
    return list(out.values())


def is_modelled(bundle) -> bool:
    """A bundle is offered for combined application only when every member item has a process."""
    members = _members(bundle)
    return bool(members) and all(m.item.process_id for m in members)
