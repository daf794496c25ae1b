"""Creatives as the expected-value engine sees them: the rotation's expected mix per day.

A channel that declares creatives rotates them as a media buyer's A/B test does: every
day the budget goes to the creatives in proportion to how likely each is to be the best
given what the test has shown so far (Thompson sampling's allocation), so the better
creative takes the budget over the days, and the days spent on the others are the
test's learning cost.

The engine needs a number it can plan with exactly, whatever the split, so the policy is
computed once at compile time, deterministically, from the creatives' multipliers alone:

- evidence comes in days on air, not in conversions: each creative-day on air shows the
  test ``EVIDENCE_PER_DAY`` conversions' worth of its response, whatever the spend (a
  split-free learning speed; real tests learn faster at high volume, which is the
  residual that ``creative_policy: thompson`` in the simulation shows);
- a creative's rate has a Gamma posterior, prior mean the ad set's average creative
  (so only the creatives' ratios matter: writing the 5% CTR as the base and the 2% one
  as 0.4, or the 2% as base and the 5% as 2.5, is the same test), shape
  ``1 + N * sum of share * response / mean`` and rate ``1 + N * sum of share`` over the
  past days, with the expected shares (a mean-field recursion of Thompson sampling);
- day t's share of creative k is the probability that k's posterior draw is the highest,
  computed by quadrature;
- fatigue: a creative loses ``fatigue`` of its response per horizon's worth of days on
  air, compounding (``(1 - fatigue)^(days on air / H)``).

The day's response multiplier is ``sum_k share_k * lift_k * tired_k``: a conversion
multiplier per (ad set, day) that the engine and the optimiser's line items multiply in
like an event's ``cvr_multiplier``. The simulation's default policy spends each day in
these shares, so its mean equals the engine by construction.

Shapes: ``A`` ad sets, ``K`` creatives (padded), ``H`` days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.curves import FloatArray, IntArray
from simulator.model.schema import ChannelSpec, CreativeSpec

# Conversions' worth of evidence one creative-day on air gives the test.
EVIDENCE_PER_DAY = 20.0
# Points of the quadrature over the posterior draws (log-spaced).
_GRID = 2001
_TAIL = 1e-10


@dataclass(frozen=True)
class CreativeMix:
    """Every ad set's creatives and their expected daily mix.

    ``lift``: the creative's multiplier on conversions per unit of spend (CTR x CVR under
    CPM or flat pricing and for fitted curves; CVR alone under CPC, where a better CTR
    buys fewer impressions for the same money; 1 under CPA, where money buys actions).
    ``click``: its multiplier on clicks per unit of spend (CTR; 1 under CPC and CPA).
    Padding slots have ``active`` False; an ad set whose channel declares no creatives
    has one neutral creative, is not ``testing`` and has a multiplier of 1 every day.
    """

    ids: tuple[tuple[str, ...], ...]  # per ad set
    lift: FloatArray  # (A, K)
    click: FloatArray  # (A, K)
    fatigue: FloatArray  # (A, K)
    active: np.ndarray  # (A, K) bool
    testing: IntArray  # ad sets whose channel declares creatives: they rotate and tire
    share: FloatArray  # (A, K, H) expected share of the day's spend on each creative
    response: FloatArray  # (A, H) the day's conversion multiplier: sum of share*lift*tired
    clicks: FloatArray  # (A, H) the day's click multiplier: sum of share*click*tired


def creative_lift(ch: ChannelSpec, cr: CreativeSpec) -> tuple[float, float]:
    """(conversions, clicks) multipliers per unit of spend of a creative on a channel."""
    pricing = ch.response.pricing_model()
    if pricing == "cpa":
        return 1.0, 1.0
    if pricing == "cpc":
        return cr.cvr_multiplier, 1.0
    return cr.ctr_multiplier * cr.cvr_multiplier, cr.ctr_multiplier


def win_probabilities(shape: FloatArray, rate: FloatArray) -> FloatArray:
    """P(draw k is the highest) for independent ``Gamma(shape_k) / rate_k`` draws ``(K,)``.

    ``P_k = integral f_k(x) prod_(j != k) F_j(x) dx`` on a log-spaced grid spanning every
    draw's central ``1 - 2e-10`` (each cell's mass of draw k times the others' CDFs at
    its ends, averaged); normalised so the shares sum to one exactly.
    """
    if shape.size == 1:
        return np.ones(1)
    from scipy import special  # here, not at the top: scipy costs `adsim validate` ~0.3 s

    lo = float(np.min(special.gammaincinv(shape, _TAIL) / rate))
    hi = float(np.max(special.gammainccinv(shape, _TAIL) / rate))
    edges = np.geomspace(lo, hi, _GRID)
    cdf = special.gammainc(shape[:, None], edges[None, :] * rate[:, None])  # (K, G)
    mass = np.diff(cdf, axis=1)  # P(draw k in each cell)
    log_cdf = np.log(np.maximum(cdf, 1e-300))
    others = np.exp(log_cdf.sum(axis=0)[None, :] - log_cdf)  # prod over j != k of F_j
    p = (mass * 0.5 * (others[:, 1:] + others[:, :-1])).sum(axis=1)
    return np.asarray(p / p.sum(), dtype=float)


def rotation_schedule(
    lift: FloatArray, fatigue: FloatArray, horizon_days: int
) -> tuple[FloatArray, FloatArray]:
    """Expected shares ``(K, H)`` and fatigue factors ``(K, H)`` of one ad set's creatives.

    The mean-field recursion of the module docstring: day t's shares come from the
    posteriors built on the expected shares of days before t.
    """
    k, h = lift.size, horizon_days
    scale = float(lift.mean())
    share, tired = np.zeros((k, h)), np.ones((k, h))
    on_air = np.zeros(k)  # days on air so far (expected)
    seen = np.zeros(k)  # evidence: sum of share * response / scale
    for t in range(h):
        tired[:, t] = np.power(1.0 - fatigue, on_air / h)
        shape = 1.0 + EVIDENCE_PER_DAY * seen
        rate = 1.0 + EVIDENCE_PER_DAY * on_air
        share[:, t] = win_probabilities(shape, rate)
        on_air += share[:, t]
        seen += share[:, t] * lift * tired[:, t] / scale
    return share, tired


def build_mix(
    channels: list[ChannelSpec], ad_set_channel: IntArray, horizon_days: int
) -> CreativeMix:
    """Each ad set carries its channel's creatives and their expected mix."""
    per_channel = [ch.creatives or [] for ch in channels]
    k = max(1, *(len(c) for c in per_channel))
    a, h = len(ad_set_channel), horizon_days
    lift, click, fatigue = np.ones((a, k)), np.ones((a, k)), np.zeros((a, k))
    active = np.zeros((a, k), dtype=bool)
    active[:, 0] = True
    share = np.zeros((a, k, h))
    share[:, 0, :] = 1.0
    response, clicks = np.ones((a, h)), np.ones((a, h))
    ids: list[tuple[str, ...]] = []
    schedules: dict[int, tuple[FloatArray, FloatArray]] = {}
    for i, c in enumerate(ad_set_channel):
        own = per_channel[int(c)]
        ids.append(tuple(cr.id for cr in own) or ("default",))
        if not own:
            continue
        n = len(own)
        for j, cr in enumerate(own):
            lift[i, j], click[i, j] = creative_lift(channels[int(c)], cr)
            fatigue[i, j] = cr.fatigue
        active[i, :n] = True
        if int(c) not in schedules:  # the ad sets of a channel share one schedule
            schedules[int(c)] = rotation_schedule(lift[i, :n], fatigue[i, :n], h)
        s, tired = schedules[int(c)]
        share[i, :n] = s
        response[i] = (s * lift[i, :n, None] * tired).sum(axis=0)
        clicks[i] = (s * click[i, :n, None] * tired).sum(axis=0)
    declared = np.array([bool(per_channel[int(c)]) for c in ad_set_channel], dtype=bool)
    testing = np.nonzero(declared)[0].astype(np.intp)
    return CreativeMix(tuple(ids), lift, click, fatigue, active, testing, share, response, clicks)
