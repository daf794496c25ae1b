"""A comparison as URL query parameters, so a colleague opens the same page.

Readable on purpose (a planner may edit the link by hand)::

    ?scenario=ecommerce_q4&lang=zh
    &plan=baidu_search:1200000,douyin_feed:900000
    &v=shift:baidu_search:douyin_feed:20;scale:30;optimize
    &edit=budget.total:3500000,targets.roi_min:3

Decoding never raises: a part it cannot read is skipped and described in ``problems``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from simulator.studio.variants import MAX_VARIANTS, Variant

LANGS = ("en", "zh")


@dataclass(frozen=True)
class ShareState:
    """What a link carries: the scenario's name, the edited plan, variants, edits, language."""

    scenario: str = ""
    plan: dict[str, float] = field(default_factory=dict)
    variants: tuple[Variant, ...] = ()
    edits: dict[str, float | None] = field(default_factory=dict)
    lang: str = "en"
    problems: tuple[str, ...] = ()


def number_text(value: float) -> str:
    """Shortest exact text of a number: ``1200000`` not ``1.2e+06``, ``0.035`` as is."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _pairs(mapping: Mapping[str, float | None], sep: str = ":", join: str = ",") -> str:
    return join.join(
        f"{k}{sep}{'none' if v is None else number_text(v)}" for k, v in mapping.items()
    )


def encode_variant(v: Variant) -> str:
    if v.kind == "shift":
        return f"shift:{v.source}:{v.target}:{number_text(v.percent)}"
    if v.kind == "scale":
        return f"scale:{number_text(v.percent)}"
    if v.kind == "plan":
        return "plan:" + _pairs(dict(v.allocation), "=", "|")
    return "optimize"


def encode(state: ShareState) -> dict[str, str]:
    """Query parameters for ``state`` (empty parts left out)."""
    params = {
        "scenario": state.scenario,
        "lang": state.lang if state.lang != "en" else "",
        "plan": _pairs(state.plan),
        "v": ";".join(encode_variant(v) for v in state.variants),
        "edit": _pairs(state.edits),
    }
    return {k: v for k, v in params.items() if v}


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _read_pairs(text: str, sep: str, join: str, problems: list[str]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for item in filter(None, text.split(join)):
        key, _, raw = item.rpartition(sep)
        try:
            if not key:
                raise ValueError(item)
            out[key] = None if raw == "none" else _number(raw)
        except ValueError:
            problems.append(f"cannot read '{item}' (expected name{sep}number)")
    return out


def decode_variant(text: str, problems: list[str]) -> Variant | None:
    kind, _, rest = text.partition(":")
    try:
        if kind == "shift":
            source, target, pct = rest.split(":")
            return Variant("shift", source=source, target=target, percent=_number(pct))
        if kind == "scale":
            return Variant("scale", percent=_number(rest))
        if kind == "optimize":
            return Variant("optimize")
        if kind == "plan":
            pairs = _read_pairs(rest, "=", "|", problems)
            return Variant("plan", allocation=tuple((k, v or 0.0) for k, v in pairs.items()))
    except ValueError:
        pass
    problems.append(f"cannot read variant '{text}'")
    return None


def decode(params: Mapping[str, str]) -> ShareState:
    """The state a link describes; unreadable parts are listed in ``problems``."""
    problems: list[str] = []
    plan = {k: v or 0.0 for k, v in _read_pairs(params.get("plan", ""), ":", ",", problems).items()}
    variants = [decode_variant(t, problems) for t in filter(None, params.get("v", "").split(";"))]
    kept = tuple(v for v in variants if v is not None)
    if len(kept) > MAX_VARIANTS:
        problems.append(f"only {MAX_VARIANTS} variants are shown; kept the first ones")
    lang = params.get("lang", "en")
    if lang not in LANGS:
        problems.append(f"unknown language '{lang}'; use en or zh")
        lang = "en"
    return ShareState(
        scenario=params.get("scenario", ""),
        plan=plan,
        variants=kept[:MAX_VARIANTS],
        edits=_read_pairs(params.get("edit", ""), ":", ",", problems),
        lang=lang,
        problems=tuple(problems),
    )
