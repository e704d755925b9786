"""Server-side rendering of a FormVersion into accessible HTML, and reading the answers back from a POST.

Stable entry points (the portal, the workbench task page and the window use them)::

    {% load forms_tags %}
    {% render_form version data errors provenance %}            (inside the page's own <form method="post">)
    {% render_form version data errors provenance readonly=True %}  (the answers as a definition list)

    render_form(version, data=None, errors=None, provenance=None, *, prefix="f", readonly=False) -> SafeString
    data_from_post(version, post, prefix="f") -> (data, provenance)

* Sections (form-js ``group``) are ``<fieldset>``s with a ``<legend>``; a repeating group (``dynamiclist``)
  is a fieldset of items, each with a 删除 button, and an 添加 button; a ``<template>`` holds the empty
  item. ``static/forms/form.js`` adds/removes items and shows/hides conditional fields; without it the
  page still works (the server decides visibility on every render and re-checks it on submit).
* Every input has a ``<label for>``; a field with an error carries ``aria-invalid`` and
  ``aria-describedby`` pointing at its Chinese message; a summary at the top links to each error.
* A pre-filled answer shows a badge (``来自 公安局·人口基础库``) and a 确认无误 checkbox; the applicant may
  change the value instead (the server records that it was changed). The provenance travels in a hidden
  field per answer and is re-checked by ``actions.submit``.
* Field names are ``<prefix>-<path>`` (``f-applicant_name``, ``f-members.0.name``).
"""

from __future__ import annotations

import json
import re

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from . import conditions
from . import schema as sc

DATETIME_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def _id(prefix: str, path: str) -> str:
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def _ast(node):
    """A condition's parse tree as JSON the browser script evaluates (no parsing, no eval in the browser)."""
    if isinstance(node, conditions.Lit):
        return ["lit", node.value]
    if isinstance(node, conditions.Name):
        return ["name", ".".join(node.parts)]
    if isinstance(node, conditions.Not):
        return ["not", _ast(node.item)]
    if isinstance(node, conditions.BoolOp):
        return [node.op, *[_ast(i) for i in node.items]]
    if isinstance(node, conditions.Cmp):
        return ["cmp", node.op, _ast(node.left), _ast(node.right)]
    return ["lit", None]


def _hide_attr(f: sc.Field) -> str:
    if not f.hide or not f.hide.strip():
        return ""
    try:
        return json.dumps(_ast(conditions.parse(f.hide)), ensure_ascii=False)
    except conditions.ConditionError:
        return ""


def _visible(f: sc.Field, item: dict, root: dict) -> bool:
    return sc._visible(f, item, root)


def _value_text(f: sc.Field, value) -> str:
    if value is None:
        return ""
    if f.type in ("select", "radio"):
        return dict(f.options).get(str(value), str(value))
    if f.type in ("checklist", "taglist") and isinstance(value, list):
        labels = dict(f.options)
        return "、".join(labels.get(str(v), str(v)) for v in value)
    if f.type == "checkbox":
        return "是" if value is True else "否"
    return str(value)


class _Renderer:
    def __init__(self, version, data, errors, provenance, prefix, readonly):
        self.ui = version.ui if hasattr(version, "ui") else version
        self.data = data if isinstance(data, dict) else {}
        self.errors = errors if isinstance(errors, dict) else {}
        self.provenance = provenance if isinstance(provenance, dict) else {}
        self.prefix = prefix
        self.readonly = readonly
        self.used_errors: set[str] = set()

    # --- one input ------------------------------------------------------------------------------------
    def error(self, path: str, fid: str):
        msg = self.errors.get(path)
        if not msg:
            return "", ""
        self.used_errors.add(path)
        return format_html('<p class="field-error" id="{}-err" role="alert">{}</p>', fid, msg), f"{fid}-err"

    def control(self, f: sc.Field, path: str, value, fid: str, described: str) -> str:
        name = f"{self.prefix}-{path}"
        c = f.component
        validate = c.get("validate") if isinstance(c.get("validate"), dict) else {}
        aria = format_html(' aria-invalid="true" aria-describedby="{}"', described) if described else ""
        req = mark_safe(' required aria-required="true"') if f.required and not f.hide and not f.repeating else ""
        if f.required and (f.hide or f.repeating):
            req = mark_safe(' aria-required="true"')
        if f.type in ("textfield", "number", "datetime"):
            itype, extra = "text", ""
            if f.type == "number":
                itype, extra = "number", ' step="any"'
            elif f.type == "datetime":
                itype = {"date": "date", "time": "time"}.get(c.get("subtype"), "datetime-local")
            elif f.idtype == "phone":
                itype, extra = "tel", ' inputmode="numeric" autocomplete="tel"'
            elif f.idtype:
                extra = ' autocapitalize="characters" spellcheck="false"'
            maxlen = validate.get("maxLength") if f.type == "textfield" and isinstance(validate.get("maxLength"), int) else None
            return format_html('<input type="{}" id="{}" name="{}" value="{}"{}{}{}{}>', itype, fid, name,
                               "" if value is None else str(value), mark_safe(extra),
                               format_html(' maxlength="{}"', maxlen) if maxlen else "", req, aria)
        if f.type == "textarea":
            return format_html('<textarea id="{}" name="{}" rows="3"{}{}>{}</textarea>', fid, name, req, aria, "" if value is None else str(value))
        if f.type == "checkbox":
            return format_html('<input type="checkbox" id="{}" name="{}" value="1"{}{}{}>', fid, name,
                               mark_safe(" checked") if value is True else "", req, aria)
        if f.type == "select":
            opts = format_html_join("", '<option value="{}"{}>{}</option>',
                                    ((v, mark_safe(" selected") if str(value) == v else "", label) for v, label in f.options))
            return format_html('<select id="{}" name="{}"{}{}><option value="">请选择</option>{}</select>', fid, name, req, aria, opts)
        # radio / checklist / taglist: a group of choices
        multiple = f.type in ("checklist", "taglist")
        chosen = {str(v) for v in value} if isinstance(value, list) else ({str(value)} if value is not None else set())
        items = format_html_join("", '<label class="choice"><input type="{}" name="{}" value="{}"{}> {}</label>', (
            ("checkbox" if multiple else "radio", name, v, mark_safe(" checked") if v in chosen else "", label) for v, label in f.options))
        return format_html('<div class="choices" id="{}" role="{}"{}>{}</div>', fid, "group" if multiple else "radiogroup", aria, items)

    def field(self, f: sc.Field, item: dict, root: dict, base: str) -> str:
        path = f"{base}{f.key}"
        fid = _id(self.prefix, path)
        value = item.get(f.key)
        hidden = not _visible(f, item, root)
        hide_ast = _hide_attr(f)
        prov = self.provenance.get(path) if not f.repeating else None
        if self.readonly:
            if hidden or value in (None, "", []):
                return ""
            badge = format_html(' <span class="badge prefill">{}</span>', prov.get("label", "")) if isinstance(prov, dict) else ""
            return format_html("<dt>{}</dt><dd>{}{}</dd>", f.label, _value_text(f, value), badge)
        err, described = self.error(path, fid)
        label_for = "" if f.type in ("radio", "checklist", "taglist") else fid
        required_mark = mark_safe(' <span class="req" aria-hidden="true">*</span>') if f.required else ""
        label = (format_html('<label for="{}">{}{}</label>', label_for, f.label, required_mark) if label_for
                 else format_html('<span class="label" id="{}-label">{}{}</span>', fid, f.label, required_mark))
        desc = f.component.get("description")
        help_html = format_html('<span class="helptext">{}</span>', desc) if isinstance(desc, str) and desc else ""
        prefill_html = ""
        if isinstance(prov, dict) and prov.get("source"):
            carried = {k: prov.get(k) for k in ("source", "label", "digest")}
            prefill_html = format_html(
                '<div class="prefill"><span class="badge prefill">{}</span> '
                '<label class="choice"><input type="checkbox" name="{}-confirm.{}" value="1"{}> 确认无误</label>'
                '<span class="helptext">内容有误可直接修改，修改后将以您填写的为准</span>'
                '<input type="hidden" name="{}-prov.{}" value="{}"></div>',
                prov.get("label", ""), self.prefix, path, mark_safe(" checked") if prov.get("confirmed") else "",
                self.prefix, path, json.dumps(carried, ensure_ascii=False))
        return format_html('<div class="field dg-field{}" data-path="{}"{}{}>{}{}{}{}{}</div>',
                           " has-error" if err else "", path,
                           format_html(" data-hide='{}'", hide_ast) if hide_ast else "",
                           mark_safe(" hidden") if hidden else "",
                           label, prefill_html, self.control(f, path, value, fid, described), help_html, err)

    # --- containers -----------------------------------------------------------------------------------
    def group(self, f: sc.Field, item: dict, root: dict, base: str) -> str:
        hidden = not _visible(f, item, root)
        hide_ast = _hide_attr(f)
        inner_item = item.get(f.key) if f.key else item
        inner_item = inner_item if isinstance(inner_item, dict) else {}
        inner_base = f"{base}{f.key}." if f.key else base
        body = self.many(f.children, inner_item, root, inner_base)
        if self.readonly:
            return "" if hidden or not body else format_html('<h4>{}</h4><dl class="answers">{}</dl>', f.label, body)
        return format_html('<fieldset class="dg-section" data-path="{}"{}{}><legend>{}</legend>{}</fieldset>',
                           f.path, format_html(" data-hide='{}'", hide_ast) if hide_ast else "",
                           mark_safe(" hidden") if hidden else "", f.label, body)

    def repeat(self, f: sc.Field, item: dict, root: dict, base: str) -> str:
        path = f"{base}{f.key}"
        fid = _id(self.prefix, path)
        rows = item.get(f.key)
        rows = [r if isinstance(r, dict) else {} for r in rows] if isinstance(rows, list) else []
        hidden = not _visible(f, item, root)
        if self.readonly:
            if hidden or not rows:
                return ""
            parts = [format_html('<h5>{} 第{}项</h5><dl class="answers">{}</dl>', f.label, i + 1,
                                 self.many(f.children, row, root, f"{path}.{i}.")) for i, row in enumerate(rows)]
            return format_html("<h4>{}</h4>{}", f.label, mark_safe("".join(parts)))
        if not rows:
            props = f.component
            count = props.get("defaultRepetitions") if isinstance(props.get("defaultRepetitions"), int) else 1
            rows = [{} for _ in range(max(0, min(count, 10)))]
        err, described = self.error(path, fid)
        items = mark_safe("".join(self.repeat_item(f, row, root, path, i) for i, row in enumerate(rows)))
        template = self.repeat_item(f, {}, root, path, "__i__")
        hide_ast = _hide_attr(f)
        return format_html(
            '<fieldset class="dg-repeat" id="{}" data-path="{}" data-prefix="{}"{}{}{}><legend>{}</legend>{}'
            '<div class="dg-repeat-items">{}</div><template>{}</template>'
            '<button type="button" class="btn secondary" data-repeat-add>添加一项</button></fieldset>',
            fid, path, self.prefix, format_html(" data-hide='{}'", hide_ast) if hide_ast else "", mark_safe(" hidden") if hidden else "",
            format_html(' aria-describedby="{}"', described) if described else "", f.label, err, items, template)

    def repeat_item(self, f: sc.Field, row: dict, root: dict, path: str, index) -> str:
        body = self.many(f.children, row, root, f"{path}.{index}.")
        number = index + 1 if isinstance(index, int) else ""
        return format_html('<fieldset class="dg-repeat-item" data-index="{}"><legend>{} 第<span data-number>{}</span>项</legend>{}'
                           '<button type="button" class="btn secondary" data-repeat-remove>删除此项</button></fieldset>',
                           index, f.label, number, body)

    def many(self, fs: list[sc.Field], item: dict, root: dict, base: str) -> SafeString:
        out = []
        for f in fs:
            if f.type == "text":
                if not self.readonly:
                    hide_ast = _hide_attr(f)
                    out.append(format_html('<p class="dg-text"{}{}>{}</p>', format_html(" data-hide='{}'", hide_ast) if hide_ast else "",
                                           mark_safe(" hidden") if not _visible(f, item, root) else "", f.label))
            elif f.type == "group":
                out.append(self.group(f, item, root, base))
            elif f.type == "dynamiclist":
                out.append(self.repeat(f, item, root, base))
            else:
                out.append(self.field(f, item, root, base))
        return mark_safe("".join(out))


def render_form(version, data=None, errors=None, provenance=None, *, prefix: str = "f", readonly: bool = False) -> SafeString:
    """The form's HTML (no ``<form>`` element: the page owns it, its action and its buttons)."""
    r = _Renderer(version, data, errors, provenance, prefix, readonly)
    body = r.many(sc.fields(r.ui), r.data, r.data, "")
    if readonly:
        return format_html('<div class="dg-form dg-answers">{}</div>', body) if body else mark_safe('<p class="muted">未填写</p>')
    labels = {f.path: f.label for f in sc.flat_fields(r.ui)}
    summary = [(path, msg) for path, msg in r.errors.items()]
    return mark_safe(render_to_string("forms/_form.html", {
        "body": body, "prefix": prefix,
        "summary": [(_id(prefix, p) if p in r.used_errors else "", _summary_label(p, labels), m) for p, m in summary],
    }))


def _summary_label(path: str, labels: dict[str, str]) -> str:
    if not path:
        return ""
    parts = path.split(".")
    if len(parts) >= 3 and parts[-2].isdigit():
        return f"{labels.get(parts[-1], '')} （第{int(parts[-2]) + 1}项）" if parts[-1] else ""
    return labels.get(path, "")


# --- reading a POST back -------------------------------------------------------------------------------
def _coerce(f: sc.Field, raw: list[str]):
    if f.type in ("checklist", "taglist"):
        return [v for v in raw if v != ""]
    value = raw[-1] if raw else None
    if f.type == "checkbox":
        return True if value else None
    if value is None:
        return None
    value = value.strip() if f.type != "textarea" else value
    if value == "":
        return None
    if f.type == "number":
        try:
            number = float(value)
        except ValueError:
            return value  # the schema answers 应为数字
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    if f.type == "datetime" and f.component.get("subtype") not in ("date", "time") and DATETIME_LOCAL.match(value):
        return value + ":00+08:00"
    if f.idtype in ("resident_id", "uscc"):
        return value.upper()
    return value


def data_from_post(version, post, prefix: str = "f") -> tuple[dict, dict]:
    """The answers and the provenance a rendered form posted (a ``QueryDict`` or a ``{name: [values]}`` dict)."""
    ui = version.ui if hasattr(version, "ui") else version

    def getlist(name):
        return post.getlist(name) if hasattr(post, "getlist") else list(post.get(name, []) if isinstance(post.get(name), list) else [post[name]] if name in post else [])

    def walk(fs, base: str) -> dict:
        out: dict = {}
        for f in fs:
            if f.type == "text":
                continue
            if f.type == "group":
                inner = walk(f.children, f"{base}{f.key}." if f.key else base)
                if f.key:
                    if inner:
                        out[f.key] = inner
                else:
                    out.update(inner)
            elif f.type == "dynamiclist":
                path = f"{base}{f.key}"
                pattern = re.compile(rf"^{re.escape(prefix)}-{re.escape(path)}\.(\d+)\.")
                indices = sorted({int(m.group(1)) for name in post.keys() if (m := pattern.match(name)) and len(m.group(1)) < 4})
                rows = []
                for i in indices:
                    row = walk(f.children, f"{path}.{i}.")
                    if row:
                        rows.append(row)
                if rows:
                    out[f.key] = rows
            else:
                value = _coerce(f, getlist(f"{prefix}-{base}{f.key}"))
                if value is not None and value != []:
                    out[f.key] = value
        return out

    data = walk(sc.fields(ui), "")
    provenance: dict = {}
    for name in list(post.keys()):
        if not name.startswith(f"{prefix}-prov."):
            continue
        path = name[len(f"{prefix}-prov."):]
        try:
            info = json.loads(getlist(name)[-1])
        except (ValueError, IndexError, TypeError):
            continue
        if isinstance(info, dict):
            info["confirmed"] = bool(getlist(f"{prefix}-confirm.{path}"))
            provenance[path] = info
    return data, provenance
