"""How a channel spreads its budget over the days: pacing rules under a daily cap.

A rule turns what is left of a channel's budget into today's spend. The result never
exceeds the daily cap nor what is left, so a channel never overspends its budget, and a
cap that binds leaves money unspent rather than moving it past the horizon. A daily plan
is followed as written, clipped the same way (the engine evaluates a plan as given, so a
cap that clips it is one of the things that moves the simulation's mean away).
"""

from __future__ import annotations

import numpy as np

from simulator.model.curves import FloatArray


def wanted(rule: str, remaining: float, days_left: int) -> float:
    """What a rule would spend today out of ``remaining``, before the cap.

    ``even`` spends what is left over the days left (exactly ``S / H`` a day when nothing
    binds, which is the engine's even plan); ``front_loaded`` gives day ``t`` a weight
    that falls linearly to the last day; ``asap`` spends everything it may.
    """
    if rule == "even":
        return remaining / days_left
    if rule == "front_loaded":
        return 2.0 * remaining / (days_left + 1)
    return remaining


def channel_day(
    rule: str,
    remaining: float,
    days_left: int,
    cap: float,
    share: FloatArray,
    planned: FloatArray | None,
) -> FloatArray:
    """Today's spend of a channel's ad sets ``(A_c,)``.

    Args:
        share: each ad set's share of the channel's spend (used without a plan).
        planned: the daily plan's spend of each ad set today, or None to pace by ``rule``.
    """
    want = wanted(rule, remaining, days_left) if planned is None else float(planned.sum())
    today = max(0.0, min(want, cap, remaining))
    if planned is None:
        return np.asarray(today * share, dtype=float)
    if want <= 0:
        return np.zeros_like(planned)
    return np.asarray(planned * (today / want), dtype=float)
