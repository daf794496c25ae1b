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
from simulator.studio.guard_rails import spend_caps

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
    caps: Mapping[str, float] | None = None,
) -> Allocation:
    """Move ``percent`` % of ``source``'s spend to ``target``; the total is unchanged.

    The amount moved is rounded down to whole units of either side, so neither ends up
    with a fraction of a post, and to what ``target`` can take under its cap (the title
    then shows the percent really moved, ``real_percent``); ``percent`` is clamped to 0..100.
    """
    if source not in allocation or target not in allocation:
        raise KeyError(f"unknown channel in shift: {source!r} -> {target!r}")
    out = dict(allocation)
    if source == target or percent <= 0:
        return out
    units = units or {}
    amount = out[source] * min(percent, 100.0) / 100.0
    amount = min(amount, max((caps or {}).get(target, math.inf) - out[target], 0.0))
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


def _fill(
    weights: Mapping[str, float], amount: float, caps: Mapping[str, float]
) -> dict[str, float]:
    """``amount`` spread over ``weights``' channels in proportion, none above its cap.

    Water-filling: a channel that would pass its cap is held there and the rest is spread
    again over the others (equal shares when every weight is 0).
    """
    out = dict.fromkeys(weights, 0.0)
    active = [c for c in weights if caps.get(c, math.inf) > 0]
    w = {c: weights[c] for c in active} if any(weights[c] > 0 for c in active) else None
    w = w or dict.fromkeys(active, 1.0)
    active = [c for c in active if w.get(c, 0.0) > 0]
    left = max(amount, 0.0)
    while active and left > 1e-9:
        total = sum(w[c] for c in active)
        full = [c for c in active if left * (w[c] / total) >= caps.get(c, math.inf) - out[c]]
        if not full:
            for c in active:
                out[c] += left * (w[c] / total)  # the share first: w can be subnormal
            return out
        for c in full:
            left -= caps.get(c, math.inf) - out[c]
            out[c] = caps.get(c, math.inf)
            active.remove(c)
    return out


@dataclass(frozen=True)
class Scaled:
    """A scaled allocation and the money it could not place (every channel at its cap)."""

    allocation: Allocation
    unplaced: float


def scale_within(
    allocation: Mapping[str, float],
    percent: float,
    units: Mapping[str, float] | None = None,
    caps: Mapping[str, float] | None = None,
) -> Scaled:
    """The total changed by exactly ``percent`` % where the caps and units allow.

    Channels bought in whole units take the nearest whole number (at most their cap);
    the others share the rest in proportion to their spend, water-filled under their caps,
    so "+30%" places 30% more unless every channel is full (then ``unplaced`` says how
    much is left over).
    """
    units, caps = units or {}, caps or {}
    factor = max(1.0 + percent / 100.0, 0.0)
    goal = sum(allocation.values()) * factor
    out: Allocation = {}
    free: dict[str, float] = {}
    for cid, s in allocation.items():
        unit, cap = units.get(cid, 0.0), caps.get(cid, math.inf)
        if unit > 0:
            top = to_units(cap, unit, "floor") if math.isfinite(cap) else math.inf
            out[cid] = min(to_units(s * factor, unit), top)
        else:
            free[cid] = float(s)
    out.update(_fill(free, goal - sum(out.values()), caps))
    placed = {cid: out[cid] for cid in allocation}
    return Scaled(placed, max(goal - sum(placed.values()), 0.0))


def apply_variant(
    cs: CompiledScenario,
    baseline: Mapping[str, float],
    variant: Variant,
    recommended: Mapping[str, float] | None = None,
) -> Allocation | None:
    """The allocation of ``variant`` (None for the optimiser's split before it has run)."""
    if variant.kind == "shift":
        return shift(
            baseline,
            variant.source,
            variant.target,
            variant.percent,
            channel_units(cs),
            spend_caps(cs),
        )
    if variant.kind == "scale":
        return scale_within(baseline, variant.percent, channel_units(cs), spend_caps(cs)).allocation
    if variant.kind == "optimize":
        return dict(recommended) if recommended is not None else None
    known = set(cs.channel_ids)
    plan = {cid: 0.0 for cid in cs.channel_ids}
    plan.update({cid: float(s) for cid, s in variant.allocation if cid in known})
    return plan


def plan_variant(allocation: Mapping[str, float]) -> Variant:
    """A fixed plan saved from the editor."""
    return Variant("plan", allocation=tuple((k, float(v)) for k, v in allocation.items()))


def real_percent(
    baseline: Mapping[str, float], variant: Variant, allocation: Mapping[str, float] | None
) -> float | None:
    """The change ``allocation`` really makes, in the variant's own percent.

    For ``scale`` the change of the total, for ``shift`` the share of the source moved;
    None for other kinds or when the baseline it divides by is 0.
    """
    if allocation is None:
        return None
    if variant.kind == "scale":
        base = sum(baseline.values())
        return (sum(allocation.values()) / base - 1.0) * 100.0 if base > 0 else None
    if variant.kind == "shift":
        before = baseline.get(variant.source, 0.0)
        moved = before - allocation.get(variant.source, before)
        return moved / before * 100.0 if before > 0 else None
    return None


def describe(
    variant: Variant | None,
    lang: str,
    labels: Mapping[str, str],
    n: int = 1,
    actual: float | None = None,
) -> str:
    """A column's title in ``lang`` ("Move 20% from Baidu search to Douyin feed").

    ``actual`` is the percent really applied (``real_percent``); where it differs from
    the asked percent as shown to one decimal, the title says both ("Budget +30%
    (placed +24.5%)"), so a title never claims a change the split does not make.
    """
    from simulator.studio.i18n import t

    title = _title(variant, lang, labels, n)
    if variant is None or not falls_short(variant, actual):
        return title
    return t("actual_change", lang, title=title, pct=placed_text(variant, actual))


def falls_short(variant: Variant | None, actual: float | None) -> bool:
    """Whether the split changes by another percent than the variant asks (to one decimal)."""
    if variant is None or actual is None or variant.kind not in ("shift", "scale"):
        return False
    return round(actual, 1) != round(variant.percent, 1)


def placed_text(variant: Variant, actual: float | None) -> str:
    """The percent really placed as a title writes it: ``+24.5`` for a budget, ``20.0``."""
    sign = "+" if variant.kind == "scale" else ""
    return f"{actual or 0.0:{sign}.1f}"


def _title(variant: Variant | None, lang: str, labels: Mapping[str, str], n: int) -> str:
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
