"""``{% render_form version data errors provenance %}`` — see ``digigov.support.forms.render``."""

from django import template

from ..render import render_form as _render_form

register = template.Library()


@register.simple_tag
def render_form(version, data=None, errors=None, provenance=None, readonly=False, prefix="f"):
    return _render_form(version, data, errors, provenance, prefix=prefix, readonly=bool(readonly))
