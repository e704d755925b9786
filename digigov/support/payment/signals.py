"""What the payment app tells the apps that ordered a payment (they never import each other's internals).

* ``order_paid(sender=PaymentOrder, order, actor)`` — sent once, inside the transaction that marks the order
  paid (a duplicate notification sends nothing). ``order.reference_kind`` / ``order.reference_id`` name what
  was paid for (e.g. ``onestop.application`` + the application's ``public_id``).
* ``order_refunded(sender=PaymentOrder, order, refund, actor)`` — a refund settled.
"""

from django.dispatch import Signal

order_paid = Signal()
order_refunded = Signal()
