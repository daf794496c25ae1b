"""One run of a batch: validate, optimise, simulate; returns a plain, picklable record.

This function is what a local worker process or a Dask worker executes, so it takes and
returns plain data only and never touches the output folder: the parent process is the
only writer (SQLite takes one writer, and a Dask worker may sit on another machine).
Every failure becomes a record with status ``error`` and the located message, so one bad
scenario never stops a batch. ``KeyboardInterrupt`` is not caught: it stops the batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.about import engine_fingerprint
from simulator.api import optimize
from simulator.batch.files import recommendation_files
from simulator.batch.inputs import RunSpec
from simulator.batch.search import StudyCopy, search_here, search_run
from simulator.io.errors import ScenarioError
from simulator.model.compiled import CompiledScenario
from simulator.model.load import scenario_from_data
from simulator.results import Result, json_safe
from simulator.simulate import simulate

# Bump when a record's meaning changes, so a resumed batch reruns instead of mixing formats.
RECORD_VERSION = 1
FAILED = "error"  # every other status (optimal, infeasible) is a finished run


@dataclass(frozen=True)
class RunOptions:
    """Options shared by every run of a batch; all but ``storage`` change the results."""

    runs: int = 1000
    seed: int = 0
    plan: str = "total"
    # Optuna storage URL for runs that search; not in the hash. None: each study lives in
    # the worker and comes back in the record (``RunRecord.study``).
    storage: str | None = None
    search_trials: int = 0  # > 0: each finished run also searches by simulation

    def hashed(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"runs": self.runs, "seed": self.seed, "plan": self.plan}
        if self.search_trials:  # only when searching, so batches without keep their hashes
            doc["search_trials"] = self.search_trials
        return doc


@dataclass(frozen=True)
class RunTask:
    """What a worker receives: the run, the batch options and the run's input hash."""

    spec: RunSpec
    options: RunOptions
    key: str


@dataclass(frozen=True)
class RunRecord:
    """What a worker returns: one row of the results, plus its recommendation files."""

    name: str
    key: str
    file: str
    status: str  # optimal | infeasible | error
    error: str = ""
    message: str = ""
    sweep: dict[str, Any] = field(default_factory=dict)
    allocation: dict[str, float] = field(default_factory=dict)
    totals: dict[str, float | None] = field(default_factory=dict)
    simulation: dict[str, dict[str, float | None]] = field(default_factory=dict)
    p_targets_met: float | None = None
    search: dict[str, Any] = field(default_factory=dict)  # SearchResult.to_json(), if any
    files: dict[str, bytes] = field(default_factory=dict)  # suffix -> bytes, written by the parent
    elapsed_s: float = 0.0
    engine: str = ""  # the worker's engine_fingerprint(): which code made this row
    study: StudyCopy | None = None  # the search's study, when it lived in the worker

    @property
    def ok(self) -> bool:
        return self.status != FAILED


def input_hash(spec: RunSpec, options: RunOptions) -> str:
    """SHA-256 of the expanded plain data, the result-changing options and the engine.

    A run with the same hash has the same result, so a resumed batch skips it; the engine
    fingerprint (version and source digest) makes a batch resumed after a code change
    run again what the old code made.
    """
    doc = {
        "data": spec.data if not spec.error else None,
        "error": spec.error,
        "name": spec.name,
        "options": options.hashed(),
        "version": [engine_fingerprint(), RECORD_VERSION],
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def execute_run(task: RunTask) -> RunRecord:
    """Run one scenario end to end; never raises for a bad scenario or a failing engine."""
    start = time.perf_counter()
    spec = task.spec
    try:
        record = _run(task)
    except ScenarioError as exc:
        record = _failed(task, str(exc))
    except Exception as exc:  # a failing run is recorded and the batch goes on
        record = _failed(task, f"{spec.file}: {type(exc).__name__}: {exc}")
    return replace(record, elapsed_s=time.perf_counter() - start, engine=engine_fingerprint())


def warm_up(_: object = None) -> int:
    """A no-op task: sent to fresh workers it makes them import the engines (which can take
    seconds without cached bytecode) before timings start. Returns the worker's pid."""
    return os.getpid()


def _failed(task: RunTask, error: str) -> RunRecord:
    spec = task.spec
    return RunRecord(spec.name, task.key, spec.file, FAILED, error=error, sweep=spec.sweep)


def _run(task: RunTask) -> RunRecord:
    spec, options = task.spec, task.options
    if spec.error:
        return _failed(task, spec.error)
    sc = scenario_from_data(spec.data, spec.lines, spec.file)
    result = optimize_run(sc, options)
    simulation = simulate_run(sc, result, options)
    sim_totals = simulation.get("totals", {})
    searched: dict[str, Any] = {}
    study = None
    if options.search_trials > 0:
        args = (sc, spec.name, task.key, options.search_trials, options.runs, options.seed)
        if options.storage is None:
            searched, study = search_here(*args)
        else:
            searched = search_run(*args, options.storage)
    return RunRecord(
        name=spec.name,
        key=task.key,
        file=spec.file,
        status=result.status,
        message=result.message,
        sweep=spec.sweep,
        allocation={k: float(v) for k, v in result.allocation.items()},
        totals=json_safe(dict(result.totals)),
        simulation=json_safe(sim_totals),
        p_targets_met=json_safe(simulation.get("p_targets_met")),
        search=searched,
        files=recommendation_files(sc, spec.data, spec.source, result, simulation, searched),
        study=study,
    )


def optimize_run(sc: CompiledScenario, options: RunOptions) -> Result:
    """The recommended split (the exact optimiser; ``--storage`` serves the search)."""
    return optimize(sc, plan=options.plan)


def simulate_run(sc: CompiledScenario, result: Result, options: RunOptions) -> dict[str, Any]:
    """Monte Carlo of the recommendation in this worker (one process: the batch is the
    parallel part): ``{"totals": {metric: {mean, p10, p50, p90}}, "p_targets_met": x}``."""
    split = result.split if result.split is not None else result.allocation
    doc = simulate(sc, split, runs=options.runs, seed=options.seed, workers=1).to_json()
    return {"totals": doc["totals"], "p_targets_met": doc["p_targets_met"]}
