"""The fixed inputs of a simulation: a compiled scenario and what a split adds to it.

Everything here is deterministic and shared by every run; the processes in ``engine.py``
only read it. The scenario's own arrays (curves, day multipliers, value per conversion,
repeat orders) are read from the compiled scenario itself, so the simulation and the
expected-value engine cannot drift apart; only what depends on the split is derived
here. Shapes: ``A`` ad sets, ``C`` channels, ``H`` days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.compiled import CompiledScenario, Split
from simulator.model.curves import FloatArray


@dataclass(frozen=True)
class SimInputs:
    """The compiled scenario and the split as the simulation reads them."""

    cs: CompiledScenario
    spend: FloatArray  # (A,) the split
    daily: FloatArray | None  # (A, H) a daily plan, or None: paced by the pacing rule
    channel_budget: FloatArray  # (C,) what each channel may spend over the horizon
    ad_set_share: FloatArray  # (A,) an ad set's share of its channel's daily spend


def _shares(cs: CompiledScenario, spend: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each channel's budget and each ad set's share of it (default shares if it is 0)."""
    budget = cs.channel_sum(spend)
    of_channel = budget[cs.ad_set_channel]
    default = cs.default_share / cs.channel_sum(cs.default_share)[cs.ad_set_channel]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(of_channel > 0, spend / np.where(of_channel > 0, of_channel, 1.0), default)
    return budget, share


def build_inputs(cs: CompiledScenario, split: Split) -> SimInputs:
    """A compiled scenario and a split as the simulation's inputs."""
    spend = np.asarray(split.spend, dtype=float)
    budget, share = _shares(cs, spend)
    return SimInputs(
        cs=cs,
        spend=spend,
        daily=None if split.daily is None else np.asarray(split.daily, dtype=float),
        channel_budget=budget,
        ad_set_share=share,
    )
