"""Hypothesis strategies shared by the suites: whole scenarios drawn from every feature.

``scenario_docs`` draws a scenario as the plain mapping a user would write in YAML:
channels of every response family (concave and S-shaped), whole units, daily caps, bounds,
locks and change limits, segments (with referrals), creatives, a retention channel with its
customer base (or a recall group of it), the base growing with the plan, events with each
multiplier, adstock, every objective and target, and ``targets.confidence``. Targets are
drawn as factors of what an even split reaches, so some bind, some are slack and some cannot be met;
:func:`with_targets` turns the factors into numbers once the scenario can be evaluated.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

BUDGET = 1_000_000.0
OBJECTIVES = ("revenue", "conversions", "profit", "new_customers", "ltv", "min_spend")
TARGET_KEYS = (
    "roi_min",
    "cac_max",
    "ltv_cac_min",
    "revenue_min",
    "conversions_min",
    "new_customers_min",
)


@st.composite
def responses(draw: st.DrawFn, s_curve: bool) -> dict[str, Any]:
    """One response block: concave families, or an S-shaped hill/logistic."""
    size = draw(st.floats(1_000, 20_000))
    half = draw(st.floats(0.05, 0.6)) * BUDGET
    if s_curve:
        if draw(st.booleans()):
            return {
                "type": "hill",
                "max_conversions": size,
                "half_saturation": half,
                "shape": draw(st.floats(1.3, 3.0)),
            }
        return {
            "type": "logistic",
            "max_conversions": size,
            "midpoint": half,
            "steepness": draw(st.floats(2.0, 8.0)),
        }
    kind = draw(st.sampled_from(["hill", "exponential", "linear", "funnel"]))
    if kind == "hill":
        return {
            "type": "hill",
            "max_conversions": size,
            "half_saturation": half,
            "shape": draw(st.floats(0.5, 1.0)),
        }
    if kind == "exponential":
        return {"type": "exponential", "max_conversions": size, "scale": half}
    if kind == "linear":
        linear: dict[str, Any] = {
            "type": "linear",
            "cost_per_conversion": draw(st.floats(20, 400)),
            "max_conversions": size,
        }
        if draw(st.integers(0, 3)) == 0:  # uncapped: a flat marginal however much is spent
            del linear["max_conversions"]
        return linear
    pricing = draw(st.sampled_from(["cpm", "cpc", "cpa"]))
    funnel: dict[str, Any] = {
        "type": "funnel",
        "pricing": pricing,
        "ctr": draw(st.floats(0.005, 0.05)),
        "cvr": draw(st.floats(0.01, 0.1)),
        "audience": draw(st.floats(2e5, 5e6)),
    }
    funnel[pricing] = {"cpm": 40.0, "cpc": 2.0, "cpa": 120.0}[pricing] * draw(st.floats(0.5, 2))
    if draw(st.integers(0, 4)) == 0:  # no audience: linear in spend, never saturating
        del funnel["audience"]
    if draw(st.integers(0, 3)) == 0:  # stages after the click instead of one cvr
        cvr = funnel.pop("cvr")
        funnel["stages"] = [
            {"name": "register", "rate": round(min(cvr * 5, 1.0), 4), "cost_each": 2.0},
            {"name": "first_order", "rate": 0.2, "cost_each": round(draw(st.floats(0, 20)), 2)},
        ]
    return funnel


@st.composite
def channels(
    draw: st.DrawFn, index: int, horizon: int, segment_ids: list[str], light: bool = False
) -> dict[str, Any]:
    """One acquisition channel with a random subset of the per-channel features; ``light``:
    no S-curve and no whole units (their branch and bound, repeated by every step of a
    confidence search around a fixed point, takes minutes)."""
    s_curve = draw(st.integers(0, 3)) == 0 and not light
    ch: dict[str, Any] = {
        "id": f"ch{index}",
        "response": draw(responses(s_curve)),
        "aov": round(draw(st.floats(30, 400)), 2),
        "margin": round(draw(st.floats(0.2, 1.0)), 3),
        "new_customer_rate": round(draw(st.floats(0.2, 1.0)), 3),
    }
    if draw(st.integers(0, 3)) == 0 and not light:  # whole units: a KOL post, a staff-day
        ch["unit_cost"] = float(draw(st.sampled_from([20_000, 50_000, 100_000])))
        ch["max_spend"] = ch["unit_cost"] * draw(st.integers(2, 8))
    elif draw(st.booleans()):
        ch["max_spend"] = round(draw(st.floats(0.2, 0.9)) * BUDGET, 0)
    if "unit_cost" not in ch and draw(st.integers(0, 4)) == 0:
        ch["min_spend"] = round(draw(st.floats(0.01, 0.1)) * BUDGET, 0)
    if draw(st.integers(0, 4)) == 0:
        ch["daily_cap"] = round(draw(st.floats(0.1, 0.6)) * BUDGET / horizon, 0)
    if draw(st.integers(0, 3)) == 0:
        ch["adstock"] = {"decay": round(draw(st.floats(0.1, 0.7)), 3)}
    if segment_ids and draw(st.booleans()):
        ch["segments"] = draw(st.lists(st.sampled_from(segment_ids), min_size=1, unique=True))
    if draw(st.integers(0, 3)) == 0:
        ch["creatives"] = [
            {"id": "a", "ctr_multiplier": 1.0},
            {
                "id": "b",
                "ctr_multiplier": round(draw(st.floats(0.4, 2.5)), 3),
                "fatigue": round(draw(st.floats(0, 0.3)), 3),
            },
        ]
    if draw(st.integers(0, 2)) == 0:  # what a planning team pays (CONTRACT.md 1c)
        ch["fees"] = {
            "service_fee": round(draw(st.floats(0, 0.2)), 3),
            "rebate": round(draw(st.floats(0, 0.3)), 3),
        }
    if draw(st.integers(0, 3)) == 0:
        ch["commission"] = round(draw(st.floats(0.01, 0.3)), 3)
    if "unit_cost" not in ch and "segments" not in ch and draw(st.integers(0, 4)) == 0:
        ch |= draw(channel_limits(ch.get("max_spend", BUDGET)))
    return ch


@st.composite
def channel_limits(draw: st.DrawFn, max_spend: float) -> dict[str, float]:
    """One of a channel's own limits (CONTRACT 1c): cac_max, roi_min or min_active_spend."""
    key = draw(st.sampled_from(["cac_max", "roi_min", "min_active_spend"]))
    if key == "cac_max":
        return {key: round(draw(st.floats(20.0, 2000.0)), 2)}
    if key == "roi_min":
        return {key: round(draw(st.floats(0.5, 6.0)), 3)}
    return {key: round(draw(st.floats(0.05, 0.5)) * max_spend, 0)}


@st.composite
def sale_event(draw: st.DrawFn, horizon: int, order_values: bool) -> dict[str, Any]:
    """A sale over some days that moves prices and conversion (and order values)."""
    start = draw(st.integers(1, horizon))
    event: dict[str, Any] = {
        "name": "sale",
        "start": start,
        "end": draw(st.integers(start, horizon)),
        "cost_multiplier": round(draw(st.floats(0.8, 2.0)), 3),
        "cvr_multiplier": round(draw(st.floats(0.8, 2.5)), 3),
    }
    if order_values:
        event["aov_multiplier"] = round(draw(st.floats(0.6, 1.2)), 3)
    return event


@st.composite
def scenario_docs(draw: st.DrawFn, operations: bool = False) -> dict[str, Any]:
    """A whole scenario mapping; targets are factors (see :func:`with_targets`).

    ``operations``: always a retention channel on a customer base that grows with the
    plan, and ``targets.confidence`` over at least one target (else each is drawn now and
    then), on concave, continuous channels (see :func:`channels`); the keys are drawn
    last, so the draws before them are those of older versions.
    """
    horizon = draw(st.integers(3, 10))
    segment_ids = ["young", "family"] if draw(st.booleans()) else []
    n = draw(st.integers(1, 4))
    chans = [draw(channels(i, horizon, segment_ids, light=operations)) for i in range(n)]
    doc: dict[str, Any] = {
        "name": "combo",
        "horizon_days": horizon,
        "budget": {"total": BUDGET},
        "objective": draw(st.sampled_from(OBJECTIVES)),
        "channels": chans,
    }
    if n > 1 and draw(st.integers(0, 2)) == 0:  # 种草 -> search
        rate = round(draw(st.floats(0.05, 0.6)), 3)
        chans[0]["halo"] = [{"to": chans[-1]["id"], "conversions_per_conversion": rate}]
    if draw(st.integers(0, 3)) == 0:
        doc["baseline"] = {"conversions": 5000.0, "aov": 150.0, "new_customer_rate": 0.3}
    if segment_ids:
        doc["segments"] = [
            {
                "id": "young",
                "size": 2e6,
                "ctr_multiplier": 1.2,
                "aov_multiplier": 0.8,
                "new_customer_rate": 0.9,
            },
            {
                "id": "family",
                "size": 1e6,
                "cvr_multiplier": 1.3,
                "aov_multiplier": 1.4,
                "retention": {"repeat_rate": 0.4, "decay": 0.6},
            },
        ]
        if draw(st.integers(0, 2)) == 0:  # each new customer brings k / (1 - k) more
            doc["segments"][0]["referral_k"] = round(draw(st.floats(0.01, 0.5)), 3)
    if draw(st.booleans()):
        doc["ltv"] = {"repeat_rate": round(draw(st.floats(0.1, 1.0)), 3), "decay": 0.7}
    recall_group = False
    if draw(st.integers(0, 3)) == 0 or operations:  # a retention channel on the CRM base
        doc["customer_base"] = 50_000.0
        if draw(st.integers(0, 2)) == 0:  # recall groups (RFM): the channel reaches one
            doc["customer_base"] = {
                "size": 50_000.0,
                "groups": [{"id": "active", "size": 30_000.0}, {"id": "silent", "size": 20_000.0}],
            }
            recall_group = True
        doc["channels"].append(
            {
                "id": "recall_sms",
                "role": "retention",
                "response": {"type": "exponential", "max_conversions": 3000, "scale": 60_000},
                "aov": 120.0,
                "max_spend": 200_000.0,
            }
        )
        if recall_group:
            doc["channels"][-1]["recall_group"] = "silent"
    if draw(st.booleans()):
        doc["events"] = [draw(sale_event(horizon, order_values=True))]
        if "customer_base" in doc and draw(st.booleans()):  # 第二件0元: more repurchase
            doc["events"][0]["repeat_multiplier"] = round(draw(st.floats(1.0, 1.6)), 3)
    if draw(st.integers(0, 3)) == 0:  # the plan in place now, with a change limit or a lock
        current = {c["id"]: _current_spend(c, horizon) for c in doc["channels"]}
        doc["split"] = {"allocation": current}
        if draw(st.booleans()):
            doc["budget"]["max_change"] = round(draw(st.floats(0.1, 0.8)), 3)
        else:
            doc["channels"][0]["locked"] = True
    doc |= draw(shared_limits(doc, horizon))
    keys = draw(st.lists(st.sampled_from(TARGET_KEYS), max_size=2, unique=True))
    if doc["objective"] == "min_spend" and not keys:
        keys = ["revenue_min"]
    if operations and not keys:
        keys = ["roi_min"]
    doc["target_factors"] = {k: draw(st.floats(0.3, 1.6)) for k in keys}
    if "customer_base" in doc and (operations or draw(st.integers(0, 2)) == 0):
        doc["customer_base"] = draw(growing_base(doc["customer_base"]))
        # a funnel reaches the members it is sent to, so the base it grows counts
        doc["channels"][-1]["response"] = {
            "type": "funnel",
            "pricing": "cpm",
            "cpm": round(draw(st.floats(20, 80)), 2),
            "ctr": round(draw(st.floats(0.02, 0.1)), 4),
            "cvr": round(draw(st.floats(0.05, 0.2)), 4),
            "max_frequency": draw(st.sampled_from([1, 3, 10])),
        }
    if keys and (operations or draw(st.integers(0, 4)) == 0):  # set by :func:`with_targets`
        doc["target_factors"]["confidence"] = draw(st.sampled_from([0.6, 0.75, 0.9]))
    return doc


@st.composite
def growing_base(draw: st.DrawFn, base: float | dict[str, Any]) -> dict[str, Any]:
    """The customer base at a drawn size, growing with the new customers won (运营 <- 推广):
    the short form becomes ``{size, grows: true}``; recall groups are scaled to the size,
    and the new customers join one of them."""
    size = round(draw(st.floats(2_000, 100_000)), 0)
    if not isinstance(base, dict):
        return {"size": size, "grows": True}
    groups = base["groups"]
    scale = size / sum(g["size"] for g in groups)
    joins = draw(st.sampled_from([g["id"] for g in groups]))
    return {
        "size": size,
        "grows": True,
        "groups": [g | {"size": round(g["size"] * scale, 0)} for g in groups],
        "joins": joins,
    }


@st.composite
def shared_limits(draw: st.DrawFn, doc: dict[str, Any], horizon: int) -> dict[str, Any]:
    """Limits shared by channels (CONTRACT 1c), each on cost: a group over the first
    channels, a budget period, and ``cac_basis: acquisition``; drawn beside the channels'
    fees and commission, so every limit meets a cost that differs from spend."""
    out: dict[str, Any] = {}
    ids = [c["id"] for c in doc["channels"]]
    if len(ids) > 1 and draw(st.integers(0, 3)) == 0:
        group: dict[str, Any] = {"id": "promotion", "channels": ids[: draw(st.integers(1, 2))]}
        if draw(st.booleans()):
            group["max"] = round(draw(st.floats(0.2, 0.9)) * BUDGET, 0)
        else:
            group["min"] = round(draw(st.floats(0.02, 0.2)) * BUDGET, 0)
        out["groups"] = [group]
    if draw(st.integers(0, 3)) == 0:
        end = draw(st.integers(1, horizon))
        share = draw(st.floats(0.3, 1.2)) * end / horizon
        budget = dict(doc["budget"])
        budget["periods"] = [{"start": 1, "end": end, "max": round(share * BUDGET, 0)}]
        out["budget"] = budget
    if any(c.get("role") == "retention" for c in doc["channels"]) and draw(st.booleans()):
        out["targets"] = {"cac_basis": "acquisition"}
    return out


def _current_spend(ch: dict[str, Any], horizon: int) -> float:
    """A current spend within the channel's bounds and daily cap (whole units where bought so)."""
    if "unit_cost" in ch:
        return float(ch["unit_cost"])
    top = min(ch.get("max_spend", BUDGET), ch.get("daily_cap", BUDGET) * horizon)
    return float(min(max(ch.get("min_spend", 0.0), 0.15 * BUDGET), top))


def with_targets(doc: dict[str, Any], even: dict[str, float]) -> dict[str, Any]:
    """The scenario with its target factors turned into numbers around ``even``'s values.

    ``even`` holds an even split's totals (roi, cac, ltv_cac, revenue, ...). A factor above
    1 asks for more than the even split reaches (less, for cac_max).
    """
    out = {k: v for k, v in doc.items() if k != "target_factors"}
    targets: dict[str, float] = {}
    factors = dict(doc["target_factors"])
    confidence = factors.pop("confidence", None)  # a share of runs, not a factor
    for key, factor in factors.items():
        metric = key.rsplit("_", 1)[0]
        value = even.get(metric)
        if value is None or not value or value != value:
            continue
        targets[key] = round(value / factor if key == "cac_max" else value * factor, 6)
    if targets and confidence is not None:  # confidence needs a target to meet
        targets["confidence"] = confidence
    if targets:
        out["targets"] = {**doc.get("targets", {}), **targets}  # cac_basis stays
    elif out["objective"] == "min_spend":
        out["objective"] = "revenue"
    return out


@st.composite
def concave_specs(draw: st.DrawFn, n_min: int = 2, n_max: int = 6) -> list:
    """Concave line items as ``(family, max_conversions, scale, shape)`` tuples."""
    n = draw(st.integers(n_min, n_max))
    spec = []
    for _ in range(n):
        kind = draw(st.sampled_from(["hill", "exponential"]))
        m = draw(st.floats(10, 1000))
        s = draw(st.floats(10, 500))
        k = draw(st.floats(0.3, 1.0))
        spec.append((kind, m, s, k))
    return spec


@st.composite
def replan_docs(draw: st.DrawFn) -> dict[str, Any]:
    """A small concave scenario for replanning: 2-3 channels over 3-6 days with adstock,
    an event, fees, commission, whole units, a daily cap and an ROI target drawn in, and a
    ``split:`` (the plan pace reads, so no daily optimum is needed to draw one)."""
    horizon = draw(st.integers(3, 6))
    chans = []
    for i in range(draw(st.integers(2, 3))):
        ch: dict[str, Any] = {
            "id": f"ch{i}",
            "response": draw(responses(s_curve=False)),
            "aov": round(draw(st.floats(30, 400)), 2),
        }
        if draw(st.booleans()):
            ch["adstock"] = {"decay": round(draw(st.floats(0.1, 0.7)), 3)}
        if draw(st.integers(0, 2)) == 0:
            ch["fees"] = {"service_fee": round(draw(st.floats(0, 0.2)), 3)}
        if draw(st.integers(0, 3)) == 0:
            ch["commission"] = round(draw(st.floats(0.01, 0.2)), 3)
        if i == 0 and draw(st.integers(0, 2)) == 0:
            ch["unit_cost"] = 50_000.0
            ch["max_spend"] = 400_000.0
        elif draw(st.integers(0, 3)) == 0:
            ch["daily_cap"] = round(draw(st.floats(0.2, 0.6)) * BUDGET / horizon, 0)
        chans.append(ch)
    doc: dict[str, Any] = {
        "name": "replan",
        "horizon_days": horizon,
        "budget": {"total": BUDGET},
        "objective": draw(st.sampled_from(["revenue", "conversions", "profit"])),
        "channels": chans,
    }
    if draw(st.booleans()):
        doc["events"] = [draw(sale_event(horizon, order_values=False))]
    if draw(st.integers(0, 2)) == 0:
        doc["targets"] = {"roi_min": round(draw(st.floats(0.5, 3.0)), 2)}
    # the plan in place (what pace reads): whole units where the channel buys them
    doc["split"] = {
        "allocation": {
            ch["id"]: ch["unit_cost"] * draw(st.integers(0, 8))
            if "unit_cost" in ch
            else round(draw(st.floats(0.0, 0.5)) * BUDGET / len(chans), 0)
            for ch in chans
        }
    }
    return doc
