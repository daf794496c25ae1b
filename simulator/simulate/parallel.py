"""Runs split into fixed chunks, each with its own random stream, run locally or in processes.

Chunk ``i`` always holds runs ``1024 * i ...`` and draws from child ``i`` of
``SeedSequence(seed)``, whatever the number of workers, so the same seed gives the same
numbers byte for byte on one process or many: workers only decide where a chunk runs.
Chunks are handed back one at a time, in order, and at most ``2 * workers`` are in
flight, so a caller that reduces each chunk as it comes holds a fixed amount of memory
whatever the number of runs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from simulator.simulate.engine import Simulation
from simulator.simulate.inputs import SimInputs
from simulator.simulate.options import CHUNK_RUNS, SimOptions
from simulator.simulate.outcome import ChunkOutcome


def chunk_sizes(runs: int) -> list[int]:
    """Runs per chunk: full chunks of ``CHUNK_RUNS`` and the rest last."""
    return [min(CHUNK_RUNS, runs - start) for start in range(0, runs, CHUNK_RUNS)]


def run_chunk(
    inputs: SimInputs, options: SimOptions, runs: int, seed: np.random.SeedSequence
) -> ChunkOutcome:
    """One chunk of runs on one Generator (the unit of work a worker receives)."""
    return Simulation(inputs, options, runs, np.random.default_rng(seed)).run()


def iter_chunks(
    inputs: SimInputs, options: SimOptions, runs: int, seed: int, workers: int = 1
) -> Iterator[ChunkOutcome]:
    """Every chunk of runs, in chunk order; ``workers > 1`` runs them in separate processes."""
    sizes = chunk_sizes(runs)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    if workers <= 1 or len(sizes) == 1:
        for n, s in zip(sizes, seeds, strict=True):
            yield run_chunk(inputs, options, n, s)
        return
    window = 2 * workers  # a bounded queue: results wait for the caller, not pile up
    with ProcessPoolExecutor(max_workers=min(workers, len(sizes))) as pool:
        pending: deque[Future[ChunkOutcome]] = deque()
        for n, s in zip(sizes, seeds, strict=True):
            pending.append(pool.submit(run_chunk, inputs, options, n, s))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
