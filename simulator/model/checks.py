"""Rules that span fields of a scenario; each problem comes back with its field path."""

from __future__ import annotations

from collections import Counter
from typing import Any

from simulator.io.errors import Path
from simulator.io.yaml_loader import is_finite_number
from simulator.model.calendar import parse_date, resolve_day
from simulator.model.schema import ChannelSpec, ScenarioSpec, TargetingSpec

Problem = tuple[Path, str]


def _number(value: Any) -> float | None:
    return float(value) if is_finite_number(value) else None


def check_raw(data: dict[str, Any]) -> list[Problem]:
    """Cross-field rules checked on the plain data, so they are reported even when other
    fields of the file are invalid: duplicate ids, crossed bounds, minimums over budget."""
    problems: list[Problem] = []
    for key in ("channels", "segments"):
        items = data.get(key)
        if not isinstance(items, list):
            continue
        ids = [x.get("id") if isinstance(x, dict) else None for x in items]
        counts = Counter(i for i in ids if isinstance(i, str))
        problems += [
            ((key, i, "id"), f"duplicate id '{x}'; ids must be unique")
            for i, x in enumerate(ids)
            if isinstance(x, str) and counts[x] > 1
        ]
    raw_channels = data.get("channels")
    listed = raw_channels if isinstance(raw_channels, list) else []  # the schema says why not
    channels = [c for c in listed if isinstance(c, dict)]
    for i, ch in enumerate(listed):
        if not isinstance(ch, dict):
            continue
        lo, hi = _number(ch.get("min_spend")), _number(ch.get("max_spend"))
        if lo is not None and hi is not None and lo > hi:
            problems.append(
                (("channels", i, "min_spend"), f"min_spend {lo:,.0f} is above max_spend {hi:,.0f}")
            )
    budget = data.get("budget")
    total = _number(budget.get("total")) if isinstance(budget, dict) else None
    total_min = sum(_number(c.get("min_spend")) or 0.0 for c in channels)
    if total is not None and total > 0 and total_min > total:
        problems.append(
            (
                ("budget", "total"),
                f"channels' min_spend add up to {total_min:,.0f}, above the budget "
                f"{total:,.0f}; raise the budget or lower the minimums",
            )
        )
    return problems


def check_scenario(spec: ScenarioSpec) -> list[Problem]:
    """Cross-field problems of a structurally valid scenario (besides ``check_raw``'s)."""
    problems: list[Problem] = []
    segment_ids = {s.id for s in spec.segments or []}
    for i, ch in enumerate(spec.channels):
        problems += _channel(spec, i, ch, segment_ids)
    problems += _events(spec)
    problems += _groups(spec)
    problems += _periods(spec)
    problems += _customer_base(spec)
    has_targets = bool(
        spec.targets.model_dump(exclude_none=True, exclude={"confidence", "cac_basis"})
    )
    if spec.objective == "min_spend" and not has_targets:
        problems.append((("objective",), "min_spend needs at least one target to meet"))
    if spec.targets.confidence is not None and not has_targets:
        problems.append(
            (("targets", "confidence"), "needs at least one target to meet with that confidence")
        )
    return problems


def _channel(spec: ScenarioSpec, i: int, ch: ChannelSpec, segment_ids: set[str]) -> list[Problem]:
    out: list[Problem] = []
    at: Path = ("channels", i)
    out += ch.response.problems((*at, "response"))
    for j, target in enumerate(ch.segments or []):
        sid = target.id if isinstance(target, TargetingSpec) else target
        if sid not in segment_ids:
            known = ", ".join(sorted(segment_ids)) or "none defined under segments:"
            out.append(((*at, "segments", j), f"unknown segment '{sid}'; known: {known}"))
    if ch.creatives:
        counts = Counter(c.id for c in ch.creatives)
        out += [
            ((*at, "creatives", j, "id"), f"duplicate creative id '{c.id}'")
            for j, c in enumerate(ch.creatives)
            if counts[c.id] > 1
        ]
    if ch.max_spend is not None and ch.min_active_spend > ch.max_spend:
        out.append(
            (
                (*at, "min_active_spend"),
                f"min_active_spend {ch.min_active_spend:,.0f} is above max_spend "
                f"{ch.max_spend:,.0f}; the channel could never run",
            )
        )
    out += _money(spec, at, ch)
    out += _recall_group(spec, at, ch)
    if ch.unit_cost and ch.min_spend % ch.unit_cost:
        out.append(((*at, "min_spend"), f"must be a whole number of unit_cost {ch.unit_cost:g}"))
    return out


def _money(spec: ScenarioSpec, at: Path, ch: ChannelSpec) -> list[Problem]:
    """Fees that would make media free or paid for, and halo to nowhere or to itself."""
    out: list[Problem] = []
    if ch.fees is not None and 1.0 + ch.fees.service_fee - ch.fees.rebate <= 0:
        out.append(
            (
                (*at, "fees", "rebate"),
                f"1 + service_fee - rebate must stay above 0 (got 1 + "
                f"{ch.fees.service_fee:g} - {ch.fees.rebate:g})",
            )
        )
    channel_ids = [c.id for c in spec.channels]
    seen: set[str] = set()
    for j, h in enumerate(ch.halo or []):
        where = (*at, "halo", j, "to")
        if h.to == ch.id:
            out.append((where, f"a channel cannot bring halo to itself ('{h.to}')"))
        elif h.to not in channel_ids:
            out.append((where, f"unknown channel '{h.to}'; known: {', '.join(channel_ids)}"))
        elif h.to in seen:
            out.append((where, f"'{h.to}' is listed twice; give one rate per channel"))
        seen.add(h.to)
    return out


def _events(spec: ScenarioSpec) -> list[Problem]:
    out: list[Problem] = []
    if spec.start_date is not None:
        try:
            parse_date(spec.start_date)
        except ValueError as exc:
            out.append((("start_date",), str(exc)))
            return out
    channel_ids = {c.id for c in spec.channels}
    for i, ev in enumerate(spec.events or []):
        days = {}
        for key in ("start", "end"):
            try:
                days[key] = resolve_day(getattr(ev, key), spec.start_date, spec.horizon_days)
            except ValueError as exc:
                out.append((("events", i, key), str(exc)))
        if len(days) == 2 and days["end"] < days["start"]:
            out.append((("events", i, "end"), "ends before it starts"))
        for j, cid in enumerate(ev.channels or []):
            if cid not in channel_ids:
                out.append((("events", i, "channels", j), f"unknown channel '{cid}'"))
    return out


def _groups(spec: ScenarioSpec) -> list[Problem]:
    """Groups name known channels, each channel in one group at most, ``min <= max``, and
    a minimum the budget can pay."""
    out: list[Problem] = []
    channel_ids = [c.id for c in spec.channels]
    owner: dict[str, str] = {}
    total = spec.budget.total
    for i, g in enumerate(spec.groups or []):
        at: Path = ("groups", i)
        for j, cid in enumerate(g.channels):
            if cid not in channel_ids:
                known = ", ".join(channel_ids)
                out.append(((*at, "channels", j), f"unknown channel '{cid}'; known: {known}"))
            elif cid in owner:
                out.append(
                    (
                        (*at, "channels", j),
                        f"channel '{cid}' is already in group '{owner[cid]}'; "
                        "a channel may belong to one group only",
                    )
                )
            else:
                owner[cid] = g.id
        if g.max is not None and g.min > g.max:
            out.append(((*at, "min"), f"min {g.min:,.0f} is above max {g.max:,.0f}"))
        elif g.min > total:
            out.append(
                ((*at, "min"), f"min {g.min:,.0f} is above the budget {total:,.0f}; lower it")
            )
    counts = Counter(g.id for g in spec.groups or [])
    out += [
        (("groups", i, "id"), f"duplicate group id '{g.id}'; ids must be unique")
        for i, g in enumerate(spec.groups or [])
        if counts[g.id] > 1
    ]
    return out


def _periods(spec: ScenarioSpec) -> list[Problem]:
    """Periods lie inside the horizon (days or dates, as events) and do not overlap."""
    out: list[Problem] = []
    spans: list[tuple[int, int, int]] = []
    for i, p in enumerate(spec.budget.periods or []):
        days = {}
        for key in ("start", "end"):
            try:
                days[key] = resolve_day(getattr(p, key), spec.start_date, spec.horizon_days)
            except ValueError as exc:
                out.append((("budget", "periods", i, key), str(exc)))
        if len(days) < 2:
            continue
        if days["end"] < days["start"]:
            out.append((("budget", "periods", i, "end"), "ends before it starts"))
            continue
        for j, first, last in spans:
            if days["start"] <= last and first <= days["end"]:
                out.append(
                    (
                        ("budget", "periods", i, "start"),
                        f"overlaps period {j} (days {first}-{last}); periods must not overlap",
                    )
                )
                break
        spans.append((i, days["start"], days["end"]))
    return out


def _customer_base(spec: ScenarioSpec) -> list[Problem]:
    """A long-form base needs a size or groups; groups fit in the size; ``joins`` names one."""
    base = spec.base
    if base is None:
        return []
    at: Path = ("customer_base",)
    groups = base.groups or []
    if base.size is None and not groups:
        return [((*at, "size"), "give size, or groups with their sizes")]
    out: list[Problem] = []
    counts = Counter(g.id for g in groups)
    out += [
        ((*at, "groups", j, "id"), f"duplicate recall group id '{g.id}'; ids must be unique")
        for j, g in enumerate(groups)
        if counts[g.id] > 1
    ]
    in_groups = sum(g.size for g in groups)
    if base.size is not None and groups and in_groups > base.size * (1 + 1e-12):
        out.append(
            (
                (*at, "groups"),
                f"the groups hold {in_groups:,.0f} members, more than size {base.size:,.0f}; "
                "groups are parts of the base",
            )
        )
    if base.joins is not None and base.joins not in counts:
        known = ", ".join(counts) or "none defined under customer_base.groups"
        out.append(((*at, "joins"), f"unknown recall group '{base.joins}'; known: {known}"))
    return out


def _recall_group(spec: ScenarioSpec, at: Path, ch: ChannelSpec) -> list[Problem]:
    """A recall group is named by a retention channel and defined under customer_base."""
    if ch.recall_group is None:
        return []
    where = (*at, "recall_group")
    if ch.role != "retention":
        return [(where, "only a retention channel (role: retention) reaches a recall group")]
    base = spec.base
    known = [g.id for g in (base.groups or [])] if base is not None else []
    if ch.recall_group not in known:
        names = ", ".join(known) or "none defined under customer_base.groups"
        return [(where, f"unknown recall group '{ch.recall_group}'; known: {names}")]
    return []
