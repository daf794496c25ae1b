"""Where the runs execute: in this process, in local worker processes, or on a Dask cluster.

All three keep the same contract (``Executor``): take a picklable module-level function
and items, and yield ``(item, result or exception)`` as runs complete, with a bounded
number in flight so Ctrl-C stops promptly and memory stays flat on long batches. The
results travel back to the caller, which is the only writer of the output folder. Dask
sends runs in small groups (``chunks.py``) to pay its per-task price once per group.
"""

from __future__ import annotations

import importlib
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from simulator import about
from simulator.batch.chunks import ChunkSizes, chunk_size, run_chunk

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``fn`` over items and yields each item with its result or its exception."""

    workers: int

    def map_unordered(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Generator[tuple[T, R | BaseException], None, None]: ...

    def close(self) -> None: ...


class InlineExecutor:
    """One worker: runs in this process (no start-up cost, tracebacks stay local)."""

    workers = 1

    def map_unordered(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Generator[tuple[T, R | BaseException], None, None]:
        for item in items:
            try:
                yield item, fn(item)
            except Exception as exc:
                yield item, exc

    def close(self) -> None:
        pass


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops the batch and finalises the files."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalExecutor:
    """Local worker processes (forkserver: safe with the progress bar's thread, cheap forks)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["simulator.batch.runner"])
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=self._context, initializer=_ignore_sigint
        )

    def map_unordered(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Generator[tuple[T, R | BaseException], None, None]:
        pending = iter(items)
        in_flight: dict[Future[R], T] = {}
        window = 2 * self.workers
        while True:
            for item in pending:
                in_flight[self._pool.submit(fn, item)] = item
                if len(in_flight) >= window:
                    break
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                item = in_flight.pop(future)
                exc = future.exception()
                broken = broken or isinstance(exc, BrokenProcessPool)
                yield item, (exc if exc is not None else future.result())
            if broken:  # a worker died (out of memory, a crash): record, restart, go on
                for item in list(in_flight.values()):
                    yield item, BrokenProcessPool("a worker process died during this run")
                in_flight.clear()
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()

    def close(self) -> None:
        """Stop now: cancel queued runs and end the workers (an interrupted run reruns)."""
        # ProcessPoolExecutor has no public terminate; without it shutdown waits for the
        # runs in flight, which can take minutes with many Monte Carlo runs.
        processes: dict[Any, Any] = getattr(self._pool, "_processes", None) or {}
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in list(processes.values()):
            process.terminate()


def _distributed() -> Any:
    """``dask.distributed``, imported on first use (and typed Any: it ships no type hints)."""
    return importlib.import_module("distributed")


class VersionMismatch(RuntimeError):
    """The cluster runs other code than this client: its rows would not match their hash."""


def version_problems(client: str, workers: dict[str, str]) -> list[str]:
    """One line per worker whose engine fingerprint differs from the client's."""
    return [
        f"worker {address} runs engine {theirs}, this client {client}"
        for address, theirs in sorted(workers.items())
        if theirs != client
    ]


def worker_engine() -> str:
    """The engine fingerprint where this runs: sent to workers by reference, so each
    answers with its own installed code."""
    return about.engine_fingerprint()


PROFILE_OFF = "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False"


def worker_profiles() -> bool:
    """Whether the Dask worker where this runs samples a profile of its tasks (for the
    dashboard): by default every 10 ms, in the worker's event loop, under the GIL."""
    return bool(importlib.import_module("dask").config.get("distributed.worker.profile.enabled"))


def profiling_advice(profiles: dict[str, bool]) -> list[str]:
    """A note for the user when workers profile: on the 2-core reference machine the
    sampling added 10-60% to the workers' CPU per run (the optimiser's and the
    simulation's stacks are deep) and cut the batch's runs/s by 38%, more than all of
    Dask's other costs together. It is the workers' own setting, so this only says how
    to change it; the runs and their bytes are the same either way."""
    profiling = sorted(address for address, on in profiles.items() if on)
    if not profiling:
        return []
    return [
        f"{len(profiling)} of {len(profiles)} Dask workers sample a profile every few ms "
        f"(distributed.worker.profile.enabled), which slows each run; start them with "
        f"{PROFILE_OFF} for a faster batch"
    ]


class DaskExecutor:
    """The same runs on an existing ``dask.distributed`` cluster, given its scheduler address.

    Before any run the workers must agree with the client on the packages Dask requires
    (its ``get_versions(check=True)``) and on the engine fingerprint: a worker with other
    code would make rows that do not match their input hash. ``VersionMismatch`` says which.
    """

    def __init__(self, address: str, sizes: ChunkSizes = chunk_size) -> None:
        self._sizes = sizes  # runs per task; tests fix it to show it changes no byte
        self._client = _distributed().Client(address, set_as_default=False, timeout="10s")
        try:
            self._check_versions()
        except VersionMismatch:
            self._client.close()
            raise
        info = self._client.scheduler_info()
        threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        self.workers = max(1, threads)
        self.advice = profiling_advice(self._client.run(worker_profiles))

    def map_unordered(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Generator[tuple[T, R | BaseException], None, None]:
        """Runs go out in groups (``chunks.chunk_size``: one Dask task's price is paid per
        group) and come back one outcome per run as each group completes."""
        pending = deque(items)
        solo: deque[T] = deque()  # members of a group that failed as a whole, one by one
        in_flight: dict[Any, list[T]] = {}
        window = 2 * self.workers
        completed = _distributed().as_completed(
            loop=self._client.loop, with_results=True, raise_errors=False
        )
        started, done = time.monotonic(), 0
        try:
            while True:
                pace = (time.monotonic() - started) * self.workers / done if done else None
                while len(in_flight) < window and (solo or pending):
                    if solo:
                        chunk = [solo.popleft()]
                    else:
                        size = self._sizes(len(pending), self.workers, pace)
                        chunk = [pending.popleft() for _ in range(size)]
                    self._submit(fn, chunk, in_flight, completed)
                if not in_flight:
                    return
                future, result = next(completed)
                chunk = in_flight.pop(future)
                outcome = result[1] if future.status == "error" else result
                if not isinstance(outcome, BaseException):
                    done += len(chunk)
                    yield from zip(chunk, outcome, strict=True)
                elif len(chunk) > 1:  # workers lost, or a result that would not travel
                    solo.extend(chunk)
                else:
                    yield chunk[0], outcome
        finally:
            if in_flight:
                self._client.cancel(list(in_flight))

    def _check_versions(self) -> None:
        try:
            self._client.get_versions(check=True)
        except ValueError as exc:  # Dask's own check of python, dask, distributed, ...
            raise VersionMismatch(str(exc).strip()) from exc
        try:
            engines: dict[str, str] = self._client.run(worker_engine)
        except Exception as exc:  # e.g. ModuleNotFoundError: no adsim on the workers
            raise VersionMismatch(f"workers cannot run the engine ({exc!r})") from exc
        problems = version_problems(about.engine_fingerprint(), engines)
        if problems:
            raise VersionMismatch(
                "; ".join(problems) + ": install the same adsim-budget on client and workers"
            )

    def _submit(
        self, fn: Callable[[T], R], chunk: list[T], in_flight: dict[Any, list[T]], ac: Any
    ) -> None:
        future = self._client.submit(run_chunk, fn, chunk, pure=False)
        in_flight[future] = chunk
        ac.add(future)

    def close(self) -> None:
        self._client.close()


def make_executor(workers: int, scheduler: str | None) -> Executor:
    """Dask when a scheduler address is given, else local processes (inline for one)."""
    if scheduler:
        return DaskExecutor(scheduler)
    if workers <= 1:
        return InlineExecutor()
    return LocalExecutor(workers)
