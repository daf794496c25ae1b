"""Random draws for all runs at once, with the expected values the engine uses.

Counts are Poisson (or binomial thinning of counts); price jitter is a mean-one lognormal.
Above ``LARGE`` expected events a count is drawn from the normal approximation, rounded to
a whole number: at that size the two differ by a skew of at most ``1/sqrt(LARGE)`` (0.05)
and their means by less than ``1e-100``, and the normal draw is several times cheaper,
which is most of the simulation's running time.
"""

from __future__ import annotations

import numpy as np

from simulator.model.curves import FloatArray

LARGE = 400.0


def poisson(rng: np.random.Generator, lam: FloatArray) -> FloatArray:
    """Poisson counts with means ``lam`` (any shape), as floats."""
    lam = np.maximum(np.asarray(lam, dtype=float), 0.0)
    big = lam >= LARGE
    if not big.any():
        return rng.poisson(lam).astype(float)
    if big.all():
        return _normal_count(rng, lam, lam)
    out = np.empty_like(lam)
    out[~big] = rng.poisson(lam[~big])
    out[big] = _normal_count(rng, lam[big], lam[big])
    return out


def thin(rng: np.random.Generator, n: FloatArray, p: FloatArray) -> FloatArray:
    """Binomial thinning: how many of ``n`` counts survive with probability ``p`` each.

    ``0 <= result <= n`` always, so thinning never creates or loses a count that the
    caller does not book elsewhere.
    """
    n = np.asarray(n, dtype=float)
    p = np.broadcast_to(np.asarray(p, dtype=float), n.shape)
    mean = n * p
    var = mean * (1.0 - p)
    big = var >= LARGE
    if not big.any():
        return rng.binomial(n.astype(np.int64), p).astype(float)
    out = np.empty_like(n)
    out[~big] = rng.binomial(n[~big].astype(np.int64), p[~big])
    out[big] = np.clip(_normal_count(rng, mean[big], var[big]), 0.0, n[big])
    return out


def _normal_count(rng: np.random.Generator, mean: FloatArray, var: FloatArray) -> FloatArray:
    z = rng.standard_normal(mean.shape)
    return np.asarray(np.maximum(np.floor(mean + np.sqrt(var) * z + 0.5), 0.0), dtype=float)


def mean_one_lognormal(
    rng: np.random.Generator, sigma: float, shape: tuple[int, ...]
) -> FloatArray:
    """Multipliers with mean exactly one: ``exp(sigma * Z - sigma^2 / 2)``."""
    if sigma == 0:
        return np.ones(shape)
    return np.asarray(np.exp(sigma * rng.standard_normal(shape) - 0.5 * sigma * sigma))
