"""adsim: ad-budget allocation simulator.

>>> from simulator import load_scenario, evaluate, optimize, simulate
"""

from simulator.api import evaluate, optimize, simulate
from simulator.io.errors import ScenarioError
from simulator.model.load import load_scenario

__all__ = ["ScenarioError", "evaluate", "load_scenario", "optimize", "simulate"]
