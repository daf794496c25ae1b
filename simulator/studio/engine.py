"""The optimiser and the simulation, looked up when called.

Both are written alongside the studio; until they are importable the studio hides the
features that need them instead of failing, so these return ``None`` then.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def _lookup(module: str, name: str) -> Callable[..., Any] | None:
    try:
        fn = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return fn if callable(fn) else None


def optimizer() -> Callable[..., Any] | None:
    """``optimize(scenario, plan="total", **options) -> Result``, if present."""
    return _lookup("simulator.api", "optimize") or _lookup("simulator.optimize", "optimize")


def simulator_fn() -> Callable[..., Any] | None:
    """``simulate(scenario, split, runs=, seed=) -> SimulationResult``, if present."""
    return _lookup("simulator.api", "simulate") or _lookup("simulator.simulate", "simulate")
