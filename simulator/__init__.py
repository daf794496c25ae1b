"""adsim: ad-budget allocation simulator.

>>> from simulator import load_scenario, evaluate, optimize, simulate

The names are bound on first use, so ``adsim validate`` does not pay for the optimiser,
the simulation and scipy (issue 20: a command imports only what it runs). The
subpackages ``simulator.optimize`` and ``simulator.simulate`` share their names with
these functions, and Python binds a submodule onto its parent package when it is first
imported; the package's class therefore keeps ``evaluate``, ``optimize`` and ``simulate``
as read-only properties that always return the functions (the submodules stay reachable
through ``sys.modules`` and ``from simulator.optimize import ...``).
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the static view: the same names the lazy lookups return
    from simulator.api import evaluate, optimize, simulate
    from simulator.io.errors import ScenarioError
    from simulator.model.load import load_scenario

__all__ = ["ScenarioError", "evaluate", "load_scenario", "optimize", "simulate"]


def _api(name: str) -> Any:
    from simulator import api

    return getattr(api, name)


class _Package(ModuleType):
    """The package module, whose three function names a submodule import cannot replace."""

    def __getattribute__(self, name: str) -> Any:
        if name in ("evaluate", "optimize", "simulate"):
            return _api(name)
        return super().__getattribute__(name)

    def __getattr__(self, name: str) -> Any:
        if name == "ScenarioError":
            from simulator.io.errors import ScenarioError

            return ScenarioError
        if name == "load_scenario":
            from simulator.model.load import load_scenario

            return load_scenario
        raise AttributeError(f"module 'simulator' has no attribute {name!r}")


sys.modules[__name__].__class__ = _Package
