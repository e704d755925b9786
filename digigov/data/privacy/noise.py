"""The Laplace mechanism's sampler.

``laplace(scale)`` draws from Laplace(0, scale) by inverse CDF: ``u`` uniform on (-½, ½), ``x = -scale ·
sign(u) · ln(1 − 2|u|)``. ``u`` comes from ``secrets.SystemRandom`` (the operating system's CSPRNG,
53 random bits per draw), so an observer cannot predict or replay the noise. Tests pass a seeded
``random.Random`` to check the distribution's scale.

Floating-point Laplace samples leak through the gaps of the doubles (Mironov, CCS 2012); the answers are
therefore post-processed coarsely — counts rounded to integers, sums to the item's bound granularity
(``round_to``) — which removes the low-order bits that attack reads. Post-processing never weakens ε-DP.
"""

from __future__ import annotations

import math
import secrets

_SYSTEM = secrets.SystemRandom()


def laplace(scale: float, rng=None) -> float:
    if not scale > 0:
        raise ValueError("scale must be positive")
    rng = rng or _SYSTEM
    u = rng.random() - 0.5
    while u == -0.5:  # the open interval: ln(0) is not a number
        u = rng.random() - 0.5
    return -scale * math.copysign(1.0, u) * math.log(1.0 - 2.0 * abs(u))


def round_to(value: float, step: float) -> float:
    return round(round(value / step) * step, 6) if step > 0 else value
