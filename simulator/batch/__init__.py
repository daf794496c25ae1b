"""Batch runs: many scenarios (and sweeps) optimised and simulated, locally or on Dask.

>>> from simulator.batch import RunOptions, make_executor, run_batch
>>> summary = run_batch(["scenarios/batch"], "out", RunOptions(runs=200), make_executor(2, None))

The names below load on first use: ``adsim validate`` reads sweeps through
:mod:`simulator.batch.inputs` and must not pay for Optuna, Dask and scipy (issue 20).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the static view of the lazy names
    from simulator.batch.executors import Executor, make_executor
    from simulator.batch.inputs import InputError
    from simulator.batch.run import BatchSummary, run_batch
    from simulator.batch.runner import RunOptions, RunRecord

_HOME = {
    "BatchSummary": "run",
    "Executor": "executors",
    "InputError": "inputs",
    "RunOptions": "runner",
    "RunRecord": "runner",
    "make_executor": "executors",
    "run_batch": "run",
}

__all__ = [
    "BatchSummary",
    "Executor",
    "InputError",
    "RunOptions",
    "RunRecord",
    "make_executor",
    "run_batch",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
