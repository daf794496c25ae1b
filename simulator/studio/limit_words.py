"""Which limit holds a channel of the optimiser's plan, as the channel table says it.

The optimiser labels each channel (``channels.*.active``: ``cac_max``, ``group_max:ID``,
``period:K``, ``min_spend``...); this module words the labels of the planning limits
(CONTRACT.md 1c) and the targets with the limit's value as the scenario now holds it
(edits included), so a planner who tightened a group cap sees that cap named. A label it
does not word (``max_spend``, ``unit``, ``optimum``) is left to the table's own reading
of the channel's bounds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from simulator.model.compiled import CompiledScenario
from simulator.model.targets import TARGETS
from simulator.studio import format as fmt
from simulator.studio.i18n import t

_MONEY_TARGETS = frozenset({"cac_max", "revenue_min", "ltv_min"})
_REL = 1e-4  # a channel's ratio this close to its own limit sits on it


def _near(value: object, bound: float) -> bool:
    return isinstance(value, float) and abs(value - bound) <= _REL * max(abs(bound), 1.0)


def _ratio(cs: CompiledScenario, j: int, label: str, row: Mapping[str, object], lang: str) -> str:
    """A channel's own CAC cap or ROI floor where it sits on it, else the plan's target."""
    own = float(cs.limits.cac_max[j] if label == "cac_max" else cs.limits.roi_min[j])
    if _is_own(cs, cs.channel_ids[j], label, row):
        bound = fmt.money(own, cs.currency, lang=lang) if label == "cac_max" else f"{own:g}"
        return t(f"bind_own_{label}", lang, bound=bound)
    return _target(cs, label, lang)


def _target(cs: CompiledScenario, name: str, lang: str) -> str:
    value = cs.targets.get(name)
    if value is None:
        bound = ""
    elif name in _MONEY_TARGETS:
        bound = fmt.money(value, cs.currency, lang=lang)
    else:
        bound = f"{value:,g}"
    return t("bind_target", lang, name=t(name, lang), bound=bound).strip()


def limit_text(
    cs: CompiledScenario, cid: str, label: str, row: Mapping[str, object], lang: str
) -> str | None:
    """``label`` (a channel's ``active``) in words with its value; None: not a limit's."""
    j = cs.channel_ids.index(cid)
    lim = cs.limits
    kind, _, ref = label.partition(":")
    if kind in ("cac_max", "roi_min"):
        return _ratio(cs, j, kind, row, lang)
    if kind in TARGETS:
        return _target(cs, kind, lang)
    if kind in ("group_max", "group_min"):
        group = next((g for g in lim.groups if g.id == ref), None)
        if group is None:
            return None
        value = group.hi if kind == "group_max" else group.lo
        name = group.label or group.id
        return t(f"bind_{kind}", lang, group=name, bound=fmt.money(value, cs.currency, lang=lang))
    if kind == "period" and ref.isdigit() and 1 <= int(ref) <= len(lim.periods):
        hi = lim.periods[int(ref) - 1].hi
        return t("bind_period", lang, k=ref, bound=fmt.money(hi, cs.currency, lang=lang))
    if kind == "min_active_spend":
        minimum = fmt.money(float(lim.min_active[j]), cs.currency, lang=lang)
        return t("bind_min_active_spend", lang, bound=minimum)
    if kind == "budget":
        return t("bind_budget", lang)
    return None


_PLANNING = ("group_max", "group_min", "period", "min_active_spend")


def binding_limits(
    cs: CompiledScenario, channels: Mapping[str, Mapping[str, object]], lang: str
) -> list[str]:
    """The planning limits (groups, periods, a channel's own caps and minimum) that hold
    the optimiser's channels, each once, in channel order: the card's "held by" line."""
    out: list[str] = []
    for cid, row in channels.items():
        label = str(row.get("active") or "")
        kind = label.partition(":")[0]
        spend = row.get("spend")
        if cid not in cs.channel_ids or not (isinstance(spend, int | float) and spend > 0):
            continue
        own = kind in ("cac_max", "roi_min") and _is_own(cs, cid, kind, row)
        if kind in _PLANNING or own:
            said = limit_text(cs, cid, label, row, lang)
            if said is not None and said not in out:
                out.append(said)
    return out


def _is_own(cs: CompiledScenario, cid: str, kind: str, row: Mapping[str, object]) -> bool:
    j = cs.channel_ids.index(cid)
    own = float(cs.limits.cac_max[j] if kind == "cac_max" else cs.limits.roi_min[j])
    return (
        math.isfinite(own)
        and own > 0
        and _near(row.get("cac" if kind == "cac_max" else "roi"), own)
    )
