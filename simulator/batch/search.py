"""A batch run's Optuna search by simulation (``adsim batch --search-trials N``).

Each run gets its own study, named by the run and its input hash, so concurrent workers
never share a study and a resumed batch finds the study of an interrupted run: it runs
only the trials still missing, so the study ends with N finished trials either way.
SQLite takes one writer at a time: the parent creates the storage's tables once before
the workers start (two workers creating them at once can collide), and SQLite URLs get
a 30 s lock timeout so workers wait for each other's short writes instead of failing.

On a Dask cluster without ``--storage`` a database path on the client means nothing to a
worker on another machine, so each run's study lives in a scratch journal local to the
worker, which returns the finished study (:class:`StudyCopy`); the parent, the only
writer, adds it to ``DIR/optuna.sqlite`` (:func:`keep_study`), as a local batch would.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import optuna

from simulator.model.compiled import CompiledScenario
from simulator.optimize.search.storage import JOURNAL_PREFIX, open_storage
from simulator.optimize.search.study import search
from simulator.results import json_safe

SEARCH_RUNS_CAP = 200  # Monte Carlo runs per trial: the batch's --runs, at most this
SQLITE_TIMEOUT_S = 30


def study_name(run_name: str, key: str) -> str:
    return f"{run_name}-{key[:12]}"


def storage_url(storage: str | None) -> str | None:
    """The URL workers open: a SQLite URL gets a lock timeout unless it sets its own."""
    if not storage or not storage.startswith("sqlite") or "timeout=" in storage:
        return storage
    sep = "&" if "?" in storage else "?"
    return f"{storage}{sep}timeout={SQLITE_TIMEOUT_S}"


def redact(storage: str | None) -> str | None:
    """The URL without its password, for records a reader of the results may see."""
    if not storage:
        return storage
    parts = urlsplit(storage)
    if parts.password is None:
        return storage
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class StorageError(ValueError):
    """The Optuna storage cannot be opened (a bad URL, an unreachable database)."""


def prepare_storage(storage: str | None) -> None:
    """Create the storage's tables once, in the parent, before any worker opens it."""
    if not storage:
        return
    try:
        open_storage(storage_url(storage))
    except Exception as exc:  # SQLAlchemy's errors, a missing driver, a malformed URL
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StorageError(f"--storage {redact(storage)}: cannot open ({first})") from exc


def _missing_trials(storage: str | None, name: str, trials: int) -> int:
    """Trials still to run: ``trials`` less those an interrupted try of this run finished.

    A study with no finished trial (killed during its first) is deleted, so the search
    starts afresh from the exact answer rather than from an empty, unfinishable study.
    """
    if not storage:
        return trials
    try:
        backend = open_storage(storage)
        study = optuna.load_study(study_name=name, storage=backend)
    except KeyError:  # no such study yet
        return trials
    done = sum(t.state.is_finished() for t in study.get_trials(deepcopy=False))
    if done == 0:
        optuna.delete_study(study_name=name, storage=backend)
        return trials
    return max(trials - done, 0)


@dataclass(frozen=True)
class StudyCopy:
    """A finished study carried back from a worker: its name, direction and trials."""

    name: str
    direction: optuna.study.StudyDirection
    trials: tuple[optuna.trial.FrozenTrial, ...]


def search_run(
    sc: CompiledScenario,
    run_name: str,
    key: str,
    trials: int,
    runs: int,
    seed: int,
    storage: str | None,
) -> dict[str, Any]:
    """The run's search as plain data (:meth:`SearchResult.to_json`), storage redacted."""
    url = storage_url(storage)
    name = study_name(run_name, key)
    result = search(
        sc,
        trials=_missing_trials(url, name, trials),
        runs=min(runs, SEARCH_RUNS_CAP),
        seed=seed,
        storage=url,
        study_name=name,
    )
    doc: dict[str, Any] = json_safe(result.to_json())
    # the URL is where, not what: it stays out of the results (and so does any password)
    doc.pop("storage", None)
    return doc


def search_here(
    sc: CompiledScenario, run_name: str, key: str, trials: int, runs: int, seed: int
) -> tuple[dict[str, Any], StudyCopy]:
    """:func:`search_run` with the study in a scratch journal of this worker, returned whole.

    A journal file rather than Optuna's in-memory storage: ``search`` opens its storage
    by URL, and the file goes with the temporary directory either way.
    """
    with tempfile.TemporaryDirectory(prefix="adsim-study-") as scratch:
        journal = f"{JOURNAL_PREFIX}{Path(scratch) / 'study.log'}"
        doc = search_run(sc, run_name, key, trials, runs, seed, journal)
        study = optuna.load_study(study_name=doc["study"], storage=open_storage(journal))
        finished = tuple(study.get_trials(deepcopy=False))
        return doc, StudyCopy(study.study_name, study.direction, finished)


def keep_study(storage: str, copy: StudyCopy) -> None:
    """Write a worker's study into ``storage``, replacing any unfinished try of the run."""
    backend = open_storage(storage_url(storage))
    with contextlib.suppress(KeyError):  # KeyError, the usual case: no earlier try
        optuna.delete_study(study_name=copy.name, storage=backend)
    study = optuna.create_study(study_name=copy.name, storage=backend, direction=copy.direction)
    study.add_trials(copy.trials)
