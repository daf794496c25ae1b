"""A decoded share link fitted to the scenario it opens: what does not fit is left out.

``share.decode`` checks a link's form; whether its parts make sense depends on the
scenario: a channel id it names, a spend in whole units of a KOL post, an edit the model
accepts. Each part is tried on its own, through the same validation a file goes through,
so one bad part is reported (``Problem``) and dropped while the rest of the link applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from simulator.io.errors import ScenarioError
from simulator.io.yaml_loader import LineMap
from simulator.model.compiled import CompiledScenario
from simulator.model.split import as_split
from simulator.studio.edits import EditValue, compile_edited, edit_bounds, editable_keys
from simulator.studio.plan_edits import CHOICES, zero_is_none
from simulator.studio.share import Problem, encode_variant, problem, value_text
from simulator.studio.variants import Allocation, Variant, apply_variant

EDIT_FORM = (
    "budget.total, targets.roi_min, targets.cac_max, targets.cac_basis, targets.confidence, "
    "channels.ID.aov, channels.ID.response.NAME, channels.ID.cac_max, channels.ID.roi_min, "
    "channels.ID.min_active_spend, groups.ID.min, groups.ID.max, budget.periods.K.max, "
    "baseline.NAME, customer_base.size, customer_base.grows, segments.ID.referral_k"
)


def _reasons(exc: ScenarioError) -> str:
    """The model's messages without the file part (the link, not the file, is at fault)."""
    return "; ".join(f"{i.path}: {i.message}" if i.path else i.message for i in exc.issues)


def _part(key: str, value: EditValue, sep: str = ":") -> str:
    return f"{key}{sep}{value_text(value)}"


def _channels(cs: CompiledScenario) -> str:
    return ", ".join(cs.channel_ids)


def fit_plan(
    cs: CompiledScenario, base: Mapping[str, float], link: Mapping[str, float]
) -> tuple[Allocation, list[Problem]]:
    """``base`` with each spend of ``link`` that the scenario's split rules accept."""
    plan, problems = dict(base), []
    for cid, value in link.items():
        if cid not in plan:
            problems.append(
                problem("plan", _part(cid, value), "link_channel", name=cid, known=_channels(cs))
            )
            continue
        try:
            as_split(cs, {**plan, cid: value})
        except ScenarioError as exc:
            problems.append(
                problem("plan", _part(cid, value), "link_invalid", reason=_reasons(exc))
            )
            continue
        plan[cid] = value
    return plan, problems


def _unknown(cs: CompiledScenario, variant: Variant) -> list[str]:
    if variant.kind == "shift":
        names: Iterable[str] = (variant.source, variant.target)
    else:
        names = (cid for cid, _ in variant.allocation)
    return [n for n in dict.fromkeys(names) if n not in cs.channel_ids]


def fit_variants(
    cs: CompiledScenario, plan: Mapping[str, float], variants: Sequence[Variant]
) -> tuple[list[Variant], list[Problem]]:
    """The variants that name only the scenario's channels and give a valid split."""
    kept, problems = [], []
    for variant in variants:
        part = encode_variant(variant)
        unknown = _unknown(cs, variant)
        if unknown:
            why = {"name": ", ".join(unknown), "known": _channels(cs)}
            problems.append(problem("v", part, "link_channel", **why))
            continue
        try:
            alloc = apply_variant(cs, plan, variant)
            if alloc is not None:
                as_split(cs, alloc)
        except ScenarioError as exc:
            problems.append(problem("v", part, "link_invalid", reason=_reasons(exc)))
            continue
        kept.append(variant)
    return kept, problems


def _edit_problem(
    key: str, value: EditValue, allowed: list[str], channels: list[str]
) -> Problem | None:
    """Why an edit cannot be applied whatever the others, or None."""
    part = _part(key, value)
    parts = key.split(".")
    if parts[0] == "channels" and len(parts) > 2 and parts[1] not in channels:
        return problem("edit", part, "link_channel", name=parts[1], known=", ".join(channels))
    if key not in allowed:
        return problem("edit", part, "link_edit_key", known=EDIT_FORM)
    if key in CHOICES:  # decode read a word of the key's own; a caller may pass anything
        if value in CHOICES[key] and isinstance(value, str | bool):
            return None
        known = ", ".join(value_text(o) for o in CHOICES[key])
        return problem("edit", part, "link_choice", known=known, value=value_text(value))
    if value is None:
        return None if zero_is_none(key) else problem("edit", part, "link_edit_none")
    if isinstance(value, str | bool):
        return problem("edit", part, "link_not_number", value=value_text(value))
    low, high = edit_bounds(key)
    if value < low or (high is not None and value > high):
        top = "∞" if high is None else f"{high:g}"
        return problem("edit", part, "link_range", low=f"{low:g}", high=top, value=f"{value:g}")
    return None


def fit_edits(
    data: Mapping[str, Any], lines: LineMap, file: str, edits: Mapping[str, EditValue]
) -> tuple[dict[str, EditValue], list[Problem]]:
    """The edits the sidebar could have made and the model accepts, applied in order.

    Each edit is validated together with those kept before it (one compile each: a link
    holds a handful), so an edit that only breaks in combination is the one reported.
    """
    allowed = editable_keys(data)
    channels = [str(ch.get("id")) for ch in data.get("channels") or [] if isinstance(ch, dict)]
    kept: dict[str, EditValue] = {}
    problems: list[Problem] = []
    for key, given in edits.items():
        is_zero = not isinstance(given, str | bool) and given == 0
        value = None if is_zero and zero_is_none(key) else given  # as the sidebar reads it
        found = _edit_problem(key, value, allowed, channels)
        if found is None:
            try:
                compile_edited(data, lines, file, {**kept, key: value})
            except ScenarioError as exc:
                found = problem("edit", _part(key, value), "link_invalid", reason=_reasons(exc))
        if found is None:
            kept[key] = value
        else:
            problems.append(found)
    return kept, problems


def fit_scenario(name: str, known: Iterable[str]) -> Problem | None:
    """A problem when a link names a scenario that is not among ``known``."""
    names = list(known)
    if not name or name in names:
        return None
    return problem("scenario", name, "link_scenario", known=", ".join(names))
