"""Numbers the payment app prints: the order number, the 20-digit 缴款码 and the e-bill's check code.

The 缴款码 follows the shape of the 非税 缴款识别码: 6 digits of the collecting department's division, 2 digits of
the year, 11 random digits and one Luhn (ISO/IEC 7812) check digit, so a mistyped digit or two swapped
neighbours are caught before anything is looked up.
"""

from __future__ import annotations

import secrets

from django.utils import timezone


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # from the right, every other digit starting with the one next to the check digit
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def payment_code(division_code: str = "") -> str:
    prefix = (division_code or "")[:6].ljust(6, "0")
    if not prefix.isdigit():
        prefix = "000000"
    body = prefix + f"{timezone.localdate().year % 100:02d}" + "".join(secrets.choice("0123456789") for _ in range(11))
    return body + luhn_digit(body)


def payment_code_ok(code: str) -> bool:
    return isinstance(code, str) and len(code) == 20 and code.isdigit() and luhn_digit(code[:-1]) == code[-1]


def order_number() -> str:
    return f"JK{timezone.localdate():%Y%m%d}{secrets.randbelow(10**10):010d}"


def trade_number() -> str:
    return f"T{timezone.localdate():%Y%m%d}{secrets.randbelow(10**14):014d}"


def refund_number() -> str:
    return f"R{timezone.localdate():%Y%m%d}{secrets.randbelow(10**14):014d}"


BILL_KEY_PURPOSE = "payment.bill"


def bill_check_code(bill_code: str, number: str, amount_cents: int, issued_on: str) -> str:
    """6 characters of HMAC-SM3 over the bill's facts under the platform's bill key (stored in the key store)."""
    from digigov.core.crypto import hmac_sm3_hex
    from digigov.security.keys import api as keys

    _version, key = keys.active_key(BILL_KEY_PURPOSE, 32)
    return hmac_sm3_hex(key, f"{bill_code}|{number}|{amount_cents}|{issued_on}".encode())[:6].upper()
