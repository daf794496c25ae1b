"""Plans with a safety margin: every target met in at least ``targets.confidence`` of runs.

``margin`` tightens the targets in expectation, ``measure`` counts simulated runs that meet
them, ``search`` bisects on the margin with the exact allocator, ``report`` words the answer.
"""

from simulator.optimize.confidence.search import DEFAULT_RUNS, DEFAULT_SEED, plan_with_confidence

__all__ = ["DEFAULT_RUNS", "DEFAULT_SEED", "plan_with_confidence"]
