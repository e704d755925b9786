"""Building form-js documents in code (demo data, generated forms): one component at a time."""

from __future__ import annotations


def field(kind: str, key: str, label: str, *, required=False, max_length=None, idtype=None, hide=None, values=None,
       subtype=None, description=None, min_value=None) -> dict:
    """One form-js component: ``kind`` (textfield, number, select, datetime …), ``key``, ``label`` and the
    usual validation (required, maxLength, min), an ID-type property, a hide condition, options, a date/time
    subtype and a description. Used by the demo forms and the 一件事 member forms."""
    comp: dict = {"type": kind, "key": key, "label": label, "id": f"Field_{key}"}
    validate: dict = {}
    if required:
        validate["required"] = True
    if max_length:
        validate["maxLength"] = max_length
    if min_value is not None:
        validate["min"] = min_value
    if validate:
        comp["validate"] = validate
    if idtype:
        comp["properties"] = {"idtype": idtype}
    if hide:
        comp["conditional"] = {"hide": hide}
    if values:
        comp["values"] = [{"label": v, "value": v} for v in values]
    if subtype:
        comp["subtype"] = subtype
        comp["dateLabel" if subtype == "date" else "timeLabel"] = label
    if description:
        comp["description"] = description
    return comp
