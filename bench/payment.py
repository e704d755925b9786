"""Benchmark of the payment notify path: signed sandbox notifications through ``handle_notification``
(HMAC-SM3 verification, the order's row lock, the duplicate check, settling, the audit entry, the
``order_paid`` signal) — first deliveries and repeats — in one fresh SQLite database.

    .venv/bin/python bench/payment.py [--n 300]

1. A fresh database, migrated, a small test city, one 公章 for the collecting bureau.
2. ``--n`` orders created and opened at the sandbox (``pay``), each paid at the sandbox cashier.
3. First notifications: each order's signed notification through the handler (the e-bill is issued after the
   commit by a task; the bench measures the handler only, bills are left to ``issue_missing_bills``).
4. Repeats: the same notifications again (duplicates: acknowledged, nothing changes).
Prints notifications/s for both.
"""

from __future__ import annotations

import argparse
import time

from _common import scratch_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="orders (default 300)")
    args = parser.parse_args()
    with scratch_database("digigov-bench-payment-"):
        return run(args)


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from digigov.core.testing import City, make_user
    from digigov.support.payment import actions
    from digigov.support.payment.channels import sandbox
    from digigov.support.payment.models import OrderStatus, PaymentOrder
    from digigov.support.payment.testing import cashier_trade_no, make_order

    city = City()
    notes = []
    for i in range(args.n):
        payer = make_user("citizen")
        order = make_order(city.bureau, payer=payer, amount_cents=1000 + i)
        trade_no = cashier_trade_no(actions.pay(payer, order))
        notes.append(sandbox.notification(sandbox.pay(trade_no, schedule=False)))
    started = time.perf_counter()
    for body, headers in notes:
        status, _answer, _result = actions.handle_notification("sandbox", body, headers)
        assert status == 200
    first = time.perf_counter() - started
    started = time.perf_counter()
    for body, headers in notes:
        assert actions.handle_notification("sandbox", body, headers)[2] == "duplicate"
    repeat = time.perf_counter() - started
    paid = PaymentOrder.objects.filter(status=OrderStatus.PAID).count()
    print(f"orders {args.n}, paid {paid}")
    print(f"first notifications: {args.n / first:.0f}/s ({first / args.n * 1000:.2f} ms each)")
    print(f"repeated notifications: {args.n / repeat:.0f}/s ({repeat / args.n * 1000:.2f} ms each)")
    return 0 if paid == args.n else 1


if __name__ == "__main__":
    raise SystemExit(main())
