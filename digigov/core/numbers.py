"""Parsing amounts that actions receive from forms, the API and the admin (ints, strings, floats, Decimals).

Every app that takes a count or a capacity refuses the same things the same way: a bool, a missing
value, a fraction where a whole number is wanted, a negative or absurd amount, NaN/∞ — each a 422
with a Chinese message naming the field, never a 500 or a silently rounded value.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from digigov.core.errors import ValidationFailed

CENT = Decimal("0.01")


def int_amount(value: Any, field: str, label: str, maximum: int, *, code: str = "invalid_amount") -> int:
    """A whole number in ``0..maximum`` (``"8"``, ``8`` and ``8.0`` are accepted; ``8.5``, ``True`` are not)."""
    def bad(message: str):
        return ValidationFailed(message, code=code, detail={"field": field})

    if isinstance(value, bool) or value is None:
        raise bad(f"{label}必须是整数")
    if isinstance(value, float):
        if not value.is_integer():
            raise bad(f"{label}必须是整数")
        value = int(value)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise bad(f"{label}必须是整数") from None
    if not isinstance(value, int):
        raise bad(f"{label}必须是整数")
    if value < 0:
        raise bad(f"{label}不能为负数")
    if value > maximum:
        raise bad(f"{label}超出允许范围（不超过 {maximum}）")
    return value


def decimal_amount(value: Any, field: str, label: str, maximum: Decimal, *, unit: str = "", places: Decimal = CENT,
                   code: str = "invalid_amount") -> Decimal:
    """A finite decimal in ``0..maximum`` with at most ``places`` precision, quantized to it."""
    def bad(message: str):
        return ValidationFailed(message, code=code, detail={"field": field})

    if isinstance(value, bool) or value is None:
        raise bad(f"{label}必须是数字")
    try:
        dec = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise bad(f"{label}必须是数字") from None
    if not dec.is_finite():
        raise bad(f"{label}必须是有限数字")
    if dec < 0:
        raise bad(f"{label}不能为负数")
    if dec > maximum:
        raise bad(f"{label}超出允许范围（不超过 {maximum}{f' {unit}' if unit else ''}）")
    if dec != dec.quantize(places):
        raise bad(f"{label}最多保留{_places_text(places)}位小数")
    return dec.quantize(places)


def _places_text(places: Decimal) -> str:
    n = -places.as_tuple().exponent
    return {1: "一", 2: "两", 3: "三"}.get(n, str(n))
