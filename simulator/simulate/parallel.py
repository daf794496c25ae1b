"""Runs split into fixed chunks, each with its own random stream, run locally or in processes.

Chunk ``i`` always holds runs ``1024 * i ...`` and draws from child ``i`` of
``SeedSequence(seed)``, whatever the number of workers, so the same seed gives the same
numbers byte for byte on one process or many: workers only decide where a chunk runs.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from itertools import repeat

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


def run_all(
    inputs: SimInputs, options: SimOptions, runs: int, seed: int, workers: int = 1
) -> ChunkOutcome:
    """Every run, in chunk order; ``workers > 1`` runs chunks in separate processes."""
    sizes = chunk_sizes(runs)
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    if workers <= 1 or len(sizes) == 1:
        parts = [run_chunk(inputs, options, n, s) for n, s in zip(sizes, seeds, strict=True)]
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(sizes))) as pool:
            parts = list(pool.map(run_chunk, repeat(inputs), repeat(options), sizes, seeds))
    return ChunkOutcome.concat(parts)
