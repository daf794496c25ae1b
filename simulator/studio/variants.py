"""What-if variants: transforms of a baseline allocation a marketer asks for by name.

"Move 20% from search to feed", "+30% budget", "the optimiser's split", or a saved plan.
Each transform takes and returns ``{channel: spend}``; spend bought in whole units (a KOL
post, an outdoor board) stays a whole number of units, so the result is a valid split.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from simulator.model.compiled import CompiledScenario

Allocation = dict[str, float]
Kind = Literal["shift", "scale", "optimize", "plan"]
KINDS: tuple[Kind, ...] = ("shift", "scale", "optimize", "plan")
MAX_VARIANTS = 4
# The percents the variant form offers, and so the ones a share link may carry.
SHIFT_PERCENT = (0.0, 100.0)
SCALE_PERCENT = (-90.0, 500.0)


@dataclass(frozen=True)
class Variant:
    """One column of the comparison, described by how it derives from the baseline.

    ``shift``: move ``percent`` % of ``source``'s spend to ``target``. ``scale``: change
    every channel by ``percent`` % (+30 = a 30% larger budget). ``optimize``: the optimiser's
    split. ``plan``: a fixed ``allocation`` saved from the editor.
    """

    kind: Kind
    source: str = ""
    target: str = ""
    percent: float = 0.0
    allocation: tuple[tuple[str, float], ...] = ()


def channel_units(cs: CompiledScenario) -> dict[str, float]:
    """Each channel's purchase unit (0 = any amount): the largest unit of its ad sets."""
    out: dict[str, float] = {}
    for j, cid in enumerate(cs.channel_ids):
        units = cs.unit_cost[cs.ad_sets_of(j)]
        out[cid] = float(units.max()) if units.size else 0.0
    return out


def to_units(value: float, unit: float, how: Literal["floor", "round"] = "round") -> float:
    """``value`` as a whole number of ``unit`` (unchanged when ``unit`` is 0)."""
    if unit <= 0:
        return float(value)
    n = math.floor(value / unit + 1e-9) if how == "floor" else round(value / unit)
    return float(max(n, 0) * unit)


def shift(
    allocation: Mapping[str, float],
    source: str,
    target: str,
    percent: float,
    units: Mapping[str, float] | None = None,
) -> Allocation:
    """Move ``percent`` % of ``source``'s spend to ``target``; the total is unchanged.

    The amount moved is rounded down to whole units of either side, so neither ends up
    with a fraction of a post; ``percent`` is clamped to 0..100.
    """
    if source not in allocation or target not in allocation:
        raise KeyError(f"unknown channel in shift: {source!r} -> {target!r}")
    out = dict(allocation)
    if source == target or percent <= 0:
        return out
    units = units or {}
    amount = out[source] * min(percent, 100.0) / 100.0
    for cid in (source, target):
        amount = to_units(amount, units.get(cid, 0.0), "floor")
    out[source] = max(out[source] - amount, 0.0)
    out[target] = out[target] + amount
    return out


def scale(
    allocation: Mapping[str, float], percent: float, units: Mapping[str, float] | None = None
) -> Allocation:
    """Every channel changed by ``percent`` % (whole units rounded to the nearest)."""
    factor = max(1.0 + percent / 100.0, 0.0)
    units = units or {}
    return {cid: to_units(s * factor, units.get(cid, 0.0)) for cid, s in allocation.items()}


def apply_variant(
    cs: CompiledScenario,
    baseline: Mapping[str, float],
    variant: Variant,
    recommended: Mapping[str, float] | None = None,
) -> Allocation | None:
    """The allocation of ``variant`` (None for the optimiser's split before it has run)."""
    if variant.kind == "shift":
        return shift(baseline, variant.source, variant.target, variant.percent, channel_units(cs))
    if variant.kind == "scale":
        return scale(baseline, variant.percent, channel_units(cs))
    if variant.kind == "optimize":
        return dict(recommended) if recommended is not None else None
    known = set(cs.channel_ids)
    plan = {cid: 0.0 for cid in cs.channel_ids}
    plan.update({cid: float(s) for cid, s in variant.allocation if cid in known})
    return plan


def plan_variant(allocation: Mapping[str, float]) -> Variant:
    """A fixed plan saved from the editor."""
    return Variant("plan", allocation=tuple((k, float(v)) for k, v in allocation.items()))


def describe(variant: Variant | None, lang: str, labels: Mapping[str, str], n: int = 1) -> str:
    """A column's title in ``lang`` ("Move 20% from Baidu search to Douyin feed")."""
    from simulator.studio.i18n import t

    if variant is None:
        return t("baseline", lang)
    if variant.kind == "shift":
        return t(
            "shift_label",
            lang,
            pct=f"{variant.percent:g}",
            source=labels.get(variant.source, variant.source),
            target=labels.get(variant.target, variant.target),
        )
    if variant.kind == "scale":
        return t("scale_label", lang, pct=f"{variant.percent:+g}")
    if variant.kind == "optimize":
        return t("optimize_label", lang)
    return t("plan_label", lang, n=n)
