"""Targets made stricter by a relative margin, so a plan keeps room for chance.

The exact allocator plans with expected values, so a binding target sits exactly on its
bound and about half the simulated runs miss it. Planning against ``bound * (1 + m)``
(floors) or ``bound / (1 + m)`` (caps) leaves a cushion of ``m`` on every target at once;
one number to search over, and every target stays linear, so the allocator still applies.
"""

from __future__ import annotations

import dataclasses

from simulator.model.compiled import CompiledScenario
from simulator.model.targets import TARGETS


def tightened(targets: dict[str, float], margin: float) -> dict[str, float]:
    """Each target ``margin`` stricter (``margin >= 0``): floors raised, caps lowered."""
    if margin < 0:
        raise ValueError(f"margin: must be >= 0 (got {margin})")
    return {
        name: bound * (1 + margin) if TARGETS[name].at_least else bound / (1 + margin)
        for name, bound in targets.items()
    }


def with_margin(cs: CompiledScenario, margin: float) -> CompiledScenario:
    """The scenario planned in expectation with every target ``margin`` stricter.

    ``confidence`` is cleared: the result is an ordinary scenario for the exact allocator.
    """
    targets = {**cs.targets, **tightened(cs.active_targets(), margin)}
    return dataclasses.replace(cs, targets=targets, confidence=None)
