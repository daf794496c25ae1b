"""The checks every response family must pass, importable by any family's tests.

Like optuna's sampler suites: a test module subclasses :class:`CurveFamilySuite` and sets
``family`` (or parametrises it, as ``test_curve_families.py`` does over the registry), and
inherits every check. A family states its cases in ``examples`` (valid ``response:``
blocks); each is built with ``from_spec`` as compile builds it, so the checks cover the
spec, the builder and the curve together.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from simulator.model.curve_set import CurveSet
from simulator.model.curves import Curve, FloatArray
from simulator.model.family import CurveContext, Family

GRID = np.geomspace(1.0, 1e9, 241)  # spends from one yuan to a billion


def build(family: type[Family], example: dict[str, Any], ctx: CurveContext | None = None) -> Curve:
    """The one-item curve compile builds for ``example`` (validated first)."""
    return family.from_spec(family.spec.model_validate(example), ctx or CurveContext())


def smooth(curve: Curve, s: FloatArray, rel: float = 1e-6) -> tuple[FloatArray, FloatArray]:
    """Central differences at ``s`` and a mask of the points away from kinks (where the
    one-sided differences agree): a cap's corner has no derivative to compare."""
    h = s * rel
    left = (curve.value(s) - curve.value(s - h)) / h
    right = (curve.value(s + h) - curve.value(s)) / h
    scale = np.maximum(np.abs(left), np.abs(right)) + 1e-300
    return 0.5 * (left + right), np.abs(left - right) <= 1e-3 * scale


class CurveFamilySuite:
    """Inherit and provide a ``family`` fixture (a registered family class)."""

    @pytest.fixture
    def family(self) -> type[Family]:  # pragma: no cover - always overridden
        raise NotImplementedError

    @pytest.fixture
    def curves(self, family: type[Family]) -> list[Curve]:
        assert family.examples, f"{family.kind}: give at least one example response block"
        return [build(family, e) for e in family.examples]

    def test_value_at_zero_is_zero(self, curves: list[Curve]) -> None:
        for c in curves:
            np.testing.assert_allclose(c.value(np.zeros(1)), 0.0, atol=1e-9)

    def test_monotone_and_below_saturation(self, curves: list[Curve]) -> None:
        for c in curves:
            v = c.value(GRID[:, None])
            assert np.all(np.isfinite(v))
            assert np.all(np.diff(v, axis=0) >= -1e-9 * np.maximum(v[1:], 1.0))
            assert np.all(v <= c.saturation() * (1 + 1e-12) + 1e-9)

    def test_derivative_matches_finite_differences(self, curves: list[Curve]) -> None:
        for c in curves:
            s = GRID[20:-20, None]
            fd, ok = smooth(c, s)
            assert ok.mean() > 0.9, "the curve is kinked almost everywhere"
            d = c.derivative(s)
            # rounding of the difference: about 1e-16 * value / step, step = 1e-6 * s
            noise = 1e-8 * c.value(s) / s + 1e-12 * np.max(fd)
            assert np.all(np.abs(d - fd)[ok] <= 1e-4 * np.abs(fd[ok]) + noise[ok])

    def test_concave_or_a_declared_s_shape(self, curves: list[Curve]) -> None:
        """Concave items: the marginal never rises. S-shaped ones: it rises, then falls,
        and is non-increasing past the declared ``inflection`` (when the family knows it)."""
        for c in curves:
            d = c.derivative(GRID[:, None])[:, 0]
            tol = 1e-9 * np.max(d[np.isfinite(d)])
            if c.concave[0]:
                assert np.all(np.diff(d[np.isfinite(d)]) <= tol)
                continue
            peak = int(np.argmax(d))
            assert np.all(np.diff(d[: peak + 1]) >= -tol)
            assert np.all(np.diff(d[peak:]) <= tol)
            bend = c.inflection()[0]
            if not np.isnan(bend):
                after = GRID[bend * (1 + 1e-6) < GRID]
                assert np.all(np.diff(c.derivative(after[:, None])[:, 0]) <= tol)

    def test_inverse_derivative_is_where_the_marginal_crosses(self, curves: list[Curve]) -> None:
        """For concave items: left of ``x = inverse(g)`` the marginal is at least ``g``,
        right of it at most ``g`` (the allocator's optimality condition)."""
        for c in curves:
            if not c.concave[0]:
                continue
            s = np.geomspace(1e2, 1e8, 25)[:, None]
            for factor in (0.7, 1.0, 1.3):
                g = c.derivative(s) * factor
                keep = np.isfinite(g) & (g > 1e-250)  # not underflowed to the floor
                x = c.inverse_derivative(g)
                assert x.shape == g.shape
                assert np.all(x >= 0)
                # x = inf: the marginal never falls to g (an uncapped straight line)
                finite = np.where(np.isinf(x), 1e15, x)
                left = c.derivative(finite * (1 - 1e-7))
                right = c.derivative(finite * (1 + 1e-7) + 1e-12)
                assert np.all((left >= g * (1 - 1e-5))[keep & (x > 0)])
                assert np.all((right <= g * (1 + 1e-5))[keep & np.isfinite(x)])

    def test_right_branch_of_an_s_curve(self, curves: list[Curve]) -> None:
        """``right_inverse_derivative`` finds the larger spend with marginal ``g``."""
        for c in curves:
            if c.concave[0]:
                continue
            bend = c.inflection()
            floor = np.where(np.isnan(bend), 0.0, bend)
            s = floor * np.array([1.2, 1.5, 2.5]) + 1.0
            g = c.derivative(s)
            np.testing.assert_allclose(c.right_inverse_derivative(g, floor), s, rtol=1e-6)

    def test_inverse_slope_agrees_with_a_difference(self, curves: list[Curve]) -> None:
        for c in curves:
            s = np.geomspace(1e3, 1e7, 9)
            _, ok = smooth(c, s)
            g = c.derivative(s)
            ok &= g > 1e-250  # the generic difference underflows where the curve is flat
            got = c.inverse_slope(s, g)
            want = Curve.inverse_slope(c, s, g)
            assert np.all((np.abs(got - want) <= 1e-4 * np.abs(want) + 1e-9 * s)[ok])

    def test_vectorised_shapes(self, family: type[Family], curves: list[Curve]) -> None:
        """Candidates on leading axes broadcast; a set of every example keeps item order."""
        cs = CurveSet.of(curves)
        s = np.outer(np.array([0.0, 1e3, 1e5, 1e7]), np.ones(cs.n))
        for method in ("value", "derivative"):
            got = getattr(cs, method)(s)
            assert got.shape == s.shape
            one_by_one = [getattr(c, method)(s[:, i]) for i, c in enumerate(curves)]
            np.testing.assert_allclose(got, np.stack(one_by_one, axis=1))
        assert cs.inverse_derivative(np.full(cs.n, 1e-3)).shape == (cs.n,)
        assert cs.take(np.arange(cs.n)[::-1]).n == cs.n

    def test_spec_round_trip(self, family: type[Family]) -> None:
        """Dumped and read again, a spec builds the same curve; its tag is the family name."""
        s = np.geomspace(1e2, 1e8, 13)
        for example in family.examples:
            spec = family.spec.model_validate(example)
            assert spec.type == family.kind
            again = family.spec.model_validate(spec.model_dump(exclude_none=True))
            assert again == spec
            ctx = CurveContext()
            np.testing.assert_array_equal(
                family.from_spec(again, ctx).value(s), family.from_spec(spec, ctx).value(s)
            )

    def test_spec_rejects_a_foreign_tag_and_unknown_keys(self, family: type[Family]) -> None:
        example = family.examples[0]
        with pytest.raises(ValidationError):
            family.spec.model_validate({**example, "type": family.kind + "_x"})
        with pytest.raises(ValidationError):
            family.spec.model_validate({**example, "no_such_key": 1})

    def test_share_of_reach_is_a_scaled_copy(self, family: type[Family]) -> None:
        """An ad set with ``share`` of the reach is ``share * C(s / share)``."""
        s = np.geomspace(1e2, 1e8, 13)
        for example in family.examples:
            whole = build(family, example)
            part = build(family, example, CurveContext(share=0.25))
            np.testing.assert_allclose(part.value(s), 0.25 * whole.value(s / 0.25), rtol=1e-12)

    def test_editable_fields_are_numbers_of_the_spec(self, family: type[Family]) -> None:
        fields = family.spec.model_fields
        assert family.editable, f"{family.kind}: name the fields a planner tunes"
        for name in family.editable:
            assert name in fields, f"{family.kind}: editable '{name}' is not a spec field"
            assert name != "type"
        shown = {n for e in family.examples for n in family.editable if n in e}
        assert shown, "no example sets an editable field"
        for example in family.examples:
            for name in family.editable:
                if name in example:  # a tuned value stays valid
                    family.spec.model_validate({**example, name: example[name] * 1.1})
