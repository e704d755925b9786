"""Validation of free-text inputs that every action shares."""

from __future__ import annotations

from typing import Any

from digigov.core.errors import ValidationFailed


def clean_text(value: Any, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    """Strip ``value``; refuse a non-string, a missing required value or an over-long one (Chinese message, 422)."""
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise ValidationFailed(f"{label}必须是文本", code="invalid_text", detail={"field": field})
    if required and not text:
        raise ValidationFailed(f"请填写{label}", code=f"{field}_required", detail={"field": field})
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字符", code="text_too_long", detail={"field": field})
    return text
