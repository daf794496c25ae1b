"""The revenue-vs-CAC front: the optimiser re-run with a sweep of CAC caps.

Each point is the best objective the optimiser finds with ``targets.cac_max`` set to one
value of the sweep (other targets kept), so the curve shows what a looser or tighter CAC
cap costs or buys. The scenario is re-validated per point through ``compile_edited``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.io.yaml_loader import LineMap
from simulator.results import Result
from simulator.studio.edits import Edits, compile_edited


@dataclass(frozen=True)
class ParetoPoint:
    """The optimiser's answer under one CAC cap."""

    cac_max: float
    revenue: float
    cac: float
    status: str
    allocation: dict[str, float]


def cac_sweep(center: float, points: int = 9, span: float = 2.0) -> list[float]:
    """CAC caps from ``center / span`` to ``center * span``, evenly spaced in log."""
    values = np.geomspace(center / span, center * span, points)
    return [float(v) for v in values]


def pareto_front(
    data: Mapping[str, Any],
    lines: LineMap,
    file: str,
    edits: Edits,
    caps: Sequence[float],
    optimize: Callable[..., Result],
    on_step: Callable[[int, int], None] | None = None,
) -> list[ParetoPoint]:
    """Optimise once per cap in ``caps``; ``on_step(done, total)`` reports progress."""
    out: list[ParetoPoint] = []
    for i, cap in enumerate(caps):
        cs = compile_edited(data, lines, file, {**edits, "targets.cac_max": cap})
        rec = optimize(cs)
        out.append(
            ParetoPoint(
                cac_max=cap,
                revenue=float(rec.totals["revenue"]),
                cac=float(rec.totals["cac"]),
                status=rec.status,
                allocation=dict(rec.allocation),
            )
        )
        if on_step is not None:
            on_step(i + 1, len(caps))
    return out
