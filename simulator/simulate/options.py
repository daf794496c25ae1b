"""What a simulation run may vary beyond the scenario: pacing, noise levels, adstock delay.

Every option has a default that keeps the simulation's mean equal to the expected-value
engine (mean-one noise, even pacing, no delay), so a plain ``simulate(sc, split)`` is the
engine's model with its randomness made visible.
"""

from __future__ import annotations

from dataclasses import dataclass

PACING_RULES = ("even", "front_loaded", "asap")
CREATIVE_POLICIES = ("expected", "thompson")

# Runs per random stream: fixed, so the split of the work among workers never changes
# which numbers a run draws (see parallel.py).
CHUNK_RUNS = 1024


@dataclass(frozen=True)
class SimOptions:
    """Knobs of the stochastic model.

    ``pacing``: how a channel without a daily plan spreads what is left of its budget:
    ``even`` (what is left / days left), ``front_loaded`` (linearly falling weights) or
    ``asap`` (as fast as the daily cap allows). ``cost_noise``: sigma of the mean-one
    lognormal day-to-day price jitter of each channel's auction. ``competitor_noise``:
    sigma of a market-wide AR(1) pressure factor (``competitor_persistence`` its day-to-day
    correlation) shared by every channel of a run. ``adstock_delay_days``: the delayed
    variant of adstock: conversions of adstocked channels wait this many days before the
    geometric carry-over starts. ``creative_policy``: ``expected`` spends each day in the
    rotation's expected shares (the engine's model, ``model/creatives.py``); ``thompson``
    lets each run learn from its own conversions (``simulate/creatives.py``), which moves
    the mean away from the engine by the learning residual.
    """

    pacing: str = "even"
    cost_noise: float = 0.10
    competitor_noise: float = 0.05
    competitor_persistence: float = 0.8
    adstock_delay_days: int = 0
    creative_policy: str = "expected"

    def __post_init__(self) -> None:
        if self.creative_policy not in CREATIVE_POLICIES:
            allowed = ", ".join(CREATIVE_POLICIES)
            raise ValueError(f"creative_policy: unknown '{self.creative_policy}'; use {allowed}")
        if self.pacing not in PACING_RULES:
            allowed = ", ".join(PACING_RULES)
            raise ValueError(f"pacing: unknown '{self.pacing}'; use {allowed}")
        for name in ("cost_noise", "competitor_noise"):
            value = getattr(self, name)
            if not 0 <= value <= 2:
                raise ValueError(f"{name}: must be between 0 and 2 (got {value})")
        if not 0 <= self.competitor_persistence < 1:
            raise ValueError(
                f"competitor_persistence: must be in [0, 1) (got {self.competitor_persistence})"
            )
        if not 0 <= self.adstock_delay_days <= 60:
            raise ValueError(
                f"adstock_delay_days: must be a whole number 0..60 (got {self.adstock_delay_days})"
            )
