from django import template

from digigov.core.rbac.checks import can

register = template.Library()


@register.simple_tag
def may(user, perm: str) -> bool:
    """Whether ``user`` holds ``perm`` somewhere (tabs and buttons shown only to those who may use them)."""
    return can(user, perm)
