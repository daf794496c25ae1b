"""The counts' own likelihood: Poisson, or negative binomial when days vary more than that.

Deviance residuals ``r`` have ``sum(r**2) = 2 * (loglik(saturated) - loglik(fit))``, so
least squares on them *is* maximum likelihood, and a robust loss on them down-weights
days by how unlikely they are, not by how large their count is.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from simulator.model.curves import FloatArray

POISSON = float("inf")  # negative binomial size of the Poisson limit
MU_FLOOR = 1e-9  # a fitted day with no expected conversions would make the log undefined


def unit_deviance(y: FloatArray, mu: FloatArray, nb_size: float = POISSON) -> FloatArray:
    """Each day's deviance ``2 * (loglik(y | y) - loglik(y | mu))`` (>= 0)."""
    mu = np.maximum(mu, MU_FLOOR)
    d = xlogy(y, y / mu) - (y - mu)
    if np.isfinite(nb_size):
        k = nb_size
        d = xlogy(y, y / mu) - (y + k) * np.log((y + k) / (mu + k))
    return np.asarray(2.0 * np.maximum(d, 0.0))


def deviance_residuals(y: FloatArray, mu: FloatArray, nb_size: float = POISSON) -> FloatArray:
    """Signed square roots of the unit deviances: about N(0, 1) per day under the model."""
    return np.asarray(np.sign(y - mu) * np.sqrt(unit_deviance(y, mu, nb_size)))


def dispersion(y: FloatArray, mu: FloatArray, n_params: int, nb_size: float = POISSON) -> float:
    """Pearson estimate of the variance ratio to the model's (1 when the model is right)."""
    mu = np.maximum(mu, MU_FLOOR)
    variance = mu + mu**2 / nb_size if np.isfinite(nb_size) else mu
    dof = max(y.size - n_params, 1)
    return float(np.sum((y - mu) ** 2 / variance) / dof)


def nb_size_by_moments(y: FloatArray, mu: FloatArray) -> float:
    """Negative binomial size ``k`` with ``Var = mu + mu**2 / k`` matched to the residuals."""
    excess = float(np.sum((y - mu) ** 2 - mu))
    if excess <= 0:
        return POISSON
    return float(np.sum(np.maximum(mu, MU_FLOOR) ** 2) / excess)
