"""Curves of mixed families over many items, evaluated as one vectorised unit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np
import numpy.typing as npt

from simulator.model.curves import Curve, FloatArray, IntArray


@dataclass(frozen=True)
class CurveSet:
    """Curves of mixed families over ``n`` items, evaluated as one vectorised unit.

    ``parts`` pairs each family's curve with the item indices it covers; together the
    indices are a permutation of ``range(n)``.
    """

    parts: tuple[tuple[Curve, IntArray], ...]
    n: int

    @staticmethod
    def of(curves: list[Curve]) -> CurveSet:
        """One set from single-item curves, grouping equal families into arrays."""
        groups: dict[str, list[int]] = {}
        for i, c in enumerate(curves):
            groups.setdefault(c.kind, []).append(i)
        parts = []
        for kind, idx in groups.items():
            cls = Curve.registry[kind]
            params = {
                f.name: np.concatenate([np.asarray(getattr(curves[i], f.name), float) for i in idx])
                for f in fields(cls)
            }
            parts.append((cls(**params), np.asarray(idx, dtype=np.intp)))
        return CurveSet(tuple(parts), len(curves))

    def __iter__(self) -> Iterator[tuple[Curve, IntArray]]:
        return iter(self.parts)

    @cached_property
    def _where(self) -> tuple[tuple[Curve, slice | IntArray], ...]:
        """``parts`` with each evenly spaced index array as a slice: a view, not a copy.

        The allocator calls the set hundreds of times per solve; slicing gives the same
        numbers as fancy indexing without gathering and scattering each family's items.
        """
        out: list[tuple[Curve, slice | IntArray]] = []
        for curve, idx in self.parts:
            step = int(idx[1] - idx[0]) if idx.size > 1 else 1
            even = idx.size > 0 and step > 0 and bool(np.all(np.diff(idx) == step))
            out.append((curve, slice(int(idx[0]), int(idx[-1]) + 1, step) if even else idx))
        return tuple(out)

    def _apply(self, method: str, s: FloatArray) -> FloatArray:
        s = np.asarray(s, dtype=float)
        shape = s.shape if s.shape[-1:] == (self.n,) else np.broadcast_shapes(s.shape, (self.n,))
        out = np.empty(shape, dtype=float)
        if s.shape != shape:
            s = np.broadcast_to(s, shape)
        for curve, idx in self._where:
            out[..., idx] = getattr(curve, method)(s[..., idx])
        return out

    def value(self, s: FloatArray) -> FloatArray:
        return self._apply("value", s)

    def derivative(self, s: FloatArray) -> FloatArray:
        return self._apply("derivative", s)

    def inverse_slope(self, s: FloatArray, g: FloatArray) -> FloatArray:
        """Each item's ``d s / d log g`` at ``s`` where ``C'(s) = g`` (see :class:`Curve`)."""
        s, g = np.asarray(s, dtype=float), np.asarray(g, dtype=float)
        shape = (self.n,)  # the allocator's case: one entry per item, nothing to broadcast
        if s.shape != shape or g.shape != shape:
            shape = np.broadcast_shapes(s.shape, g.shape, shape)
            s = s if s.shape == shape else np.broadcast_to(s, shape)
            g = g if g.shape == shape else np.broadcast_to(g, shape)
        out = np.empty(shape, dtype=float)
        for curve, idx in self._where:
            out[..., idx] = curve.inverse_slope(s[..., idx], g[..., idx])
        return out

    def inverse_derivative(self, g: FloatArray, start: FloatArray | None = None) -> FloatArray:
        """Spends where each marginal is ``g``; ``start`` (n,) warm-starts the families
        that iterate (a guess only: a wrong one costs steps, never accuracy)."""
        if start is None:
            return self._apply("inverse_derivative", g)
        g = np.asarray(g, dtype=float)
        shape = g.shape if g.shape == (self.n,) else np.broadcast_shapes(g.shape, (self.n,))
        out = np.empty(shape, dtype=float)
        g = g if g.shape == shape else np.broadcast_to(g, shape)
        for curve, idx in self._where:
            if curve.warm_start:  # the base signature has no start: only these take one
                inverse: Callable[..., FloatArray] = curve.inverse_derivative
                out[..., idx] = inverse(g[..., idx], start=start[idx])
            else:
                out[..., idx] = curve.inverse_derivative(g[..., idx])
        return out

    def saturation(self) -> FloatArray:
        out = np.empty(self.n)
        for curve, idx in self.parts:
            out[idx] = curve.saturation()
        return out

    @property
    def concave(self) -> npt.NDArray[np.bool_]:
        out = np.empty(self.n, dtype=bool)
        for curve, idx in self.parts:
            out[idx] = curve.concave
        return out

    def scaled(self, out: FloatArray, inp: FloatArray) -> CurveSet:
        """Every item ``i`` becomes ``out[i] * C_i(inp[i] * s)``."""
        out, inp = np.broadcast_to(out, (self.n,)), np.broadcast_to(inp, (self.n,))
        return CurveSet(tuple((c.scaled(out[i], inp[i]), i) for c, i in self.parts), self.n)

    def take(self, index: IntArray) -> CurveSet:
        """The items in ``index`` (in that order) as a new set."""
        index = np.asarray(index, dtype=np.intp)
        position = np.full(self.n, -1, dtype=np.intp)
        position[index] = np.arange(index.size)
        parts = []
        for curve, idx in self.parts:
            keep = position[idx] >= 0
            if keep.any():
                parts.append((curve.take(np.nonzero(keep)[0]), position[idx[keep]]))
        return CurveSet(tuple(parts), int(index.size))

    @staticmethod
    def tile(base: CurveSet, copies: int) -> CurveSet:
        """``copies`` blocks of ``base``: item ``k * n + i`` is item ``i`` (for days)."""
        n = base.n
        parts = []
        for curve, idx in base.parts:
            rep = np.tile(np.arange(idx.size), copies)
            where = (np.arange(copies)[:, None] * n + idx[None, :]).ravel()
            parts.append((curve.take(rep), where.astype(np.intp)))
        return CurveSet(tuple(parts), n * copies)
