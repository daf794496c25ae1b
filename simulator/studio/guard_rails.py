"""Where a plan leaves the scenario's rules: a channel over its max or under its min, the
total over the budget.

The engine evaluates any split (a what-if may ask "what if we broke the cap?"), so the
studio must say so beside the numbers: a card over budget is never green "targets met".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from simulator.model.compiled import CompiledScenario
from simulator.studio import format as fmt

BreachKind = Literal["over_max", "under_min", "over_budget"]
# Half a currency unit: a spend shown as the bound on the card is not a breach.
_SLACK = 0.5


@dataclass(frozen=True)
class Breach:
    """One rule a plan breaks: ``channel`` ("" for the budget), its spend and the bound."""

    kind: BreachKind
    channel: str
    spend: float
    bound: float

    def text(self, lang: str, labels: Mapping[str, str], currency: str = "CNY") -> str:
        """``Baidu search ¥3,000,000 is over its max ¥1,200,000`` in ``lang``."""
        from simulator.studio.i18n import t

        return t(
            f"breach_{self.kind}",
            lang,
            channel=labels.get(self.channel, self.channel),
            spend=fmt.money(self.spend, currency),
            bound=fmt.money(self.bound, currency),
            excess=fmt.money(abs(self.spend - self.bound), currency),
        )


def spend_caps(cs: CompiledScenario) -> dict[str, float]:
    """Each channel's own ``max_spend`` (inf where it has none).

    The compiled ``channel_max`` is ``min(max_spend, budget)``; a cap equal to the budget
    is the budget's, not the channel's, and a "+30% budget" variant may pass it.
    """
    return {
        cid: float(top) if top < cs.budget else math.inf
        for cid, top in zip(cs.channel_ids, cs.channel_max, strict=True)
    }


def breaches(cs: CompiledScenario, allocation: Mapping[str, float]) -> list[Breach]:
    """Every bound ``allocation`` breaks, channels in scenario order, then the budget."""
    out: list[Breach] = []
    caps = spend_caps(cs)
    for j, cid in enumerate(cs.channel_ids):
        spend = float(allocation.get(cid, 0.0))
        low, high = float(cs.channel_min[j]), caps[cid]
        if spend > high + _SLACK:
            out.append(Breach("over_max", cid, spend, high))
        elif spend < low - _SLACK:
            out.append(Breach("under_min", cid, spend, low))
    total = float(sum(allocation.values()))
    if total > cs.budget + _SLACK:
        out.append(Breach("over_budget", "", total, float(cs.budget)))
    return out
