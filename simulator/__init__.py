"""adsim: ad-budget allocation simulator.

>>> from simulator import load_scenario, evaluate, optimize, simulate

The subpackages ``simulator.optimize`` and ``simulator.simulate`` share their names with
these functions (the expected-value engine is ``simulator.expected``). Python binds a
submodule onto its parent package the first time it is imported, which would replace the
function; so they are imported here first and the functions bound last. Later imports of
the submodules find them in ``sys.modules`` and leave the bindings alone.
"""

import simulator.optimize
import simulator.simulate  # noqa: F401  (imported before the functions are bound; see above)
from simulator.api import evaluate, optimize, simulate
from simulator.io.errors import ScenarioError
from simulator.model.load import load_scenario

__all__ = ["ScenarioError", "evaluate", "load_scenario", "optimize", "simulate"]
