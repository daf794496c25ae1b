"""Per-run tallies of one chunk of runs (``tally.py`` reduces them as they come).

Shapes: ``R`` runs, ``A`` ad sets, ``H`` days, ``T`` ad sets testing creatives, ``K``
creatives. Spend per ad set and day is the same in every run (the budget is committed;
randomness changes what it buys), so ``daily_spend`` has no run axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.model.curves import FloatArray

_PER_RUN = (
    "spend",
    "new_revenue",
    "repeat_revenue",
    "referred",
    "impressions",
    "clicks",
    "carryover",
)


@dataclass
class ChunkOutcome:
    """What a run produced, for every run of a chunk."""

    spend: FloatArray  # (R,)
    conversions: FloatArray  # (R, A) landed within the horizon
    new_customers: FloatArray  # (R, A)
    revenue: FloatArray  # (R, A)
    new_revenue: FloatArray  # (R,) first-order revenue of new customers
    repeat_revenue: FloatArray  # (R,) over the LTV window
    referred: FloatArray  # (R,)
    impressions: FloatArray  # (R,)
    clicks: FloatArray  # (R,)
    carryover: FloatArray  # (R,) produced in the horizon, landing after it
    daily_revenue: FloatArray  # (R, H)
    daily_conversions: FloatArray  # (R, H)
    daily_impressions: FloatArray  # (R, H)
    daily_spend: FloatArray  # (A, H), the same in every run
    creative_spend: FloatArray  # (R, T, K)
    creative_picks: FloatArray  # (T, K, H) runs that chose each creative each day
    cost: FloatArray  # (R, A) what the advertiser pays (fees, commission, stage costs)
    halo_conversions: FloatArray  # (R, A) received from other channels (in conversions)

    @staticmethod
    def empty(runs: int, ad_sets: int, horizon: int) -> ChunkOutcome:
        per_run = {name: np.zeros(runs) for name in _PER_RUN}
        return ChunkOutcome(
            **per_run,
            conversions=np.zeros((runs, ad_sets)),
            new_customers=np.zeros((runs, ad_sets)),
            revenue=np.zeros((runs, ad_sets)),
            daily_revenue=np.zeros((runs, horizon)),
            daily_conversions=np.zeros((runs, horizon)),
            daily_impressions=np.zeros((runs, horizon)),
            daily_spend=np.zeros((ad_sets, horizon)),
            creative_spend=np.zeros((runs, 0, 1)),
            creative_picks=np.zeros((0, 1, horizon)),
            cost=np.zeros((runs, ad_sets)),
            halo_conversions=np.zeros((runs, ad_sets)),
        )
