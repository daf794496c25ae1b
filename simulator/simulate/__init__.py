"""Stochastic day-by-day simulation: simpy processes over numpy arrays of Monte Carlo runs.

>>> from simulator.simulate import simulate
>>> sim = simulate(scenario, {"baidu_search": 350000}, runs=1000, seed=7)
>>> sim.to_json()["totals"]["revenue"]  # {"mean": ..., "p10": ..., "p50": ..., "p90": ...}
"""

from simulator.simulate.core import expected_totals, simulate
from simulator.simulate.options import CREATIVE_POLICIES, PACING_RULES, SimOptions
from simulator.simulate.summary import METRICS, SimulationResult

__all__ = [
    "CREATIVE_POLICIES",
    "METRICS",
    "PACING_RULES",
    "SimOptions",
    "SimulationResult",
    "expected_totals",
    "simulate",
]
