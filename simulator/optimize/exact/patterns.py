"""On/off patterns for many S-curve items (a daily plan): rounding plus a bounded local search.

Trying every pattern, or every single flip with a partial-item search per flip, explodes
for (ad set, day) items: two S-shaped channels over 30 days are 60 items. A daily plan
has structure that makes that unnecessary: an S-curve channel's days share one curve up
to event scalings, so what matters is how many of its days run and which ones (the
cheapest, highest-lift days first). The method:

1. **Round the envelope.** The envelope optimum puts each S-curve item either on its
   curve (at least the tangent point) or on the chord, where a fraction ``f`` of the
   item's tangent spend stands for "on with probability f". Per family (the items of one
   group: a channel's days), the chord fractions add up to how many more items to turn
   on; the ones with the largest fraction (ties: the steepest chord) are turned on.
2. **Local moves.** Per family, turn on its best off item or turn off its weakest on
   item (lowest average return); a move is kept when the exact solve improves.
3. **One partial item** per family: its best off item at a few spends below its
   inflection (short money's answer), the rest exact.

Every step is one exact solve; their number is capped (``max_solves``), so a plan takes
seconds whatever the horizon. The envelope's optimum stays the reported ``upper_bound``:
the gap is honest even where the local search misses the optimum.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from simulator.model.curves import FloatArray, IntArray
from simulator.optimize.problem import Allocation, Problem

BoolArray = npt.NDArray[np.bool_]
Offer = Callable[[BoolArray, int | None, float], float]  # pattern, partial item, its spend


def families(p: Problem, items: IntArray) -> list[IntArray]:
    """Positions (into ``items``) grouped by the problem group that holds them."""
    owner = np.full(p.n, -1)
    for g, grp in enumerate(p.groups):
        owner[grp.index] = g
    out: list[IntArray] = []
    for g in np.unique(owner[items]):
        pos = np.nonzero(owner[items] == g)[0]
        out.extend([pos] if g >= 0 else [np.array([k]) for k in pos])
    return out


def rounded_pattern(
    relaxed: Allocation, fams: list[IntArray], start: FloatArray, tangent: FloatArray
) -> BoolArray:
    """Items on their curve stay on; each family's chord mass, rounded, turns on the most-used."""
    x = relaxed.x
    width = np.maximum(tangent - start, 1e-300)
    frac = np.clip((x - start) / width, 0.0, 1.0)
    on = frac >= 1.0 - 1e-9
    for pos in fams:
        chord = pos[~on[pos] & (frac[pos] > 1e-9)]
        extra = round(float(frac[chord].sum()))
        if extra > 0:
            on[chord[np.argsort(-frac[chord], kind="stable")[:extra]]] = True
    return on


def local_search(
    offer: Offer,
    first: BoolArray,
    fams: list[IntArray],
    rank: FloatArray,
    max_solves: int,
) -> BoolArray:
    """Add a family's best off item or drop its weakest on one while that improves.

    ``rank`` orders items (higher first: the chord's slope, a day's lift and price).
    """
    on, score, solves = first.copy(), offer(first, None, 0.0), 1
    improved = True
    while improved and solves < max_solves:
        improved = False
        for pos in fams:
            for move in _moves(on, pos, rank):
                if solves >= max_solves:
                    return on
                solves += 1
                new = offer(move, None, 0.0)
                if new > score * (1 + 1e-12) + 1e-12:
                    on, score, improved = move, new, True
                    break
    return on


def _moves(on: BoolArray, pos: IntArray, rank: FloatArray) -> list[BoolArray]:
    """Turn on the family's best off item; turn off its weakest on item."""
    moves = []
    off, live = pos[~on[pos]], pos[on[pos]]
    if off.size:
        m = on.copy()
        m[off[int(np.argmax(rank[off]))]] = True
        moves.append(m)
    if live.size:
        m = on.copy()
        m[live[int(np.argmin(rank[live]))]] = False
        moves.append(m)
    return moves


def partials(
    offer: Offer, on: BoolArray, fams: list[IntArray], rank: FloatArray, spans: FloatArray
) -> None:
    """Each family's best off item fixed at a few spends inside ``(0, spans]`` of its range."""
    for pos in fams:
        off = pos[~on[pos]]
        if off.size == 0:
            continue
        k = int(off[int(np.argmax(rank[off]))])
        for share in (0.25, 0.5, 0.75, 1.0):
            offer(on, k, share * float(spans[k]))
