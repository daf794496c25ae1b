"""Batch runs: many scenarios (and sweeps) optimised and simulated, locally or on Dask.

>>> from simulator.batch import RunOptions, make_executor, run_batch
>>> summary = run_batch(["scenarios/batch"], "out", RunOptions(runs=200), make_executor(2, None))
"""

from simulator.batch.executors import Executor, make_executor
from simulator.batch.inputs import InputError
from simulator.batch.run import BatchSummary, run_batch
from simulator.batch.runner import RunOptions, RunRecord

__all__ = [
    "BatchSummary",
    "Executor",
    "InputError",
    "RunOptions",
    "RunRecord",
    "make_executor",
    "run_batch",
]
