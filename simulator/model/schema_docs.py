"""One short description per scenario field, for the JSON Schema editors read (``adsim schema``).

Kept beside ``schema.py`` rather than inside it as ``Field(description=...)``: the spec
classes are being reshaped (curve families, targets) and a mapping merges without touching
them. A ``Field(description=...)`` written in ``schema.py`` wins over the entry here;
``tests/model/test_json_schema.py`` fails when a field has neither, or an entry names a
field that no longer exists.
"""

from __future__ import annotations

_MAX_CONVERSIONS = "Conversions the channel approaches as spend grows without limit (> 0)."
_TYPE = "Response family; one of hill, exponential, logistic, linear, funnel."
_ID = "Identifier: lower-case letters, digits, _ and -; read as text exactly as written."
_LABEL = "Name shown in the studio, reports and exports beside the id."
_CTR_X = "Multiplies the click-through rate (default 1)."
_CVR_X = "Multiplies the conversion rate (default 1)."
_AOV_X = "Multiplies the order value (default 1)."

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "ScenarioSpec": {
        "name": "Scenario name, shown in every output (required).",
        "currency": "Currency of every amount, e.g. CNY (default), USD.",
        "horizon_days": "Days the budget is spent over (default 30).",
        "start_date": "Date of day 1 (YYYY-MM-DD); lets events name dates.",
        "budget": "The money to allocate, and how far a plan may move from the current one.",
        "objective": "What the optimiser maximises (min_spend: the least budget meeting "
        "every target). Default revenue.",
        "targets": "Limits the whole plan must meet: ROI floor, CAC cap, volume floors; "
        "confidence: the share of simulated runs that must meet them all.",
        "customer_base": "CRM members retention channels can reach: a number, or "
        "{size, grows, groups, joins} (growing with new customers; recall groups).",
        "ltv": "Repeat purchases of a new customer, for LTV and LTV/CAC.",
        "segments": "Audience segments channels aim at (size, rate multipliers, LTV).",
        "channels": "Where money goes; at least one, ids unique.",
        "events": "Sale periods and holidays that change prices and conversion on their days.",
        "split": "The plan in place now: what-ifs and change limits compare against it.",
        "sweep": "Batch only: field path -> list of values; one run per combination.",
        "description": "Free text for people; ignored by adsim.",
        "baseline": "Organic sales with zero paid spend; paid results stay incremental.",
        "groups": "Channels that share a cost limit (推广 vs 运营, one agency): min and max.",
    },
    "BaselineSpec": {
        "conversions": "Organic conversions over the horizon (>= 0).",
        "aov": "Revenue per organic conversion (> 0).",
        "new_customer_rate": "Share of organic conversions that are new customers (default 1).",
    },
    "FeesSpec": {
        "service_fee": "Agency or platform fee, a share of media spend on top of it (default 0).",
        "rebate": "返点: share of media spend returned (default 0); 1 + fee - rebate > 0.",
    },
    "HaloSpec": {
        "to": "The channel that receives the halo conversions (not this one).",
        "conversions_per_conversion": "Conversions it gains per conversion here (>= 0).",
    },
    "StageSpec": {
        "name": "Stage name, e.g. register, join_group, first_order.",
        "rate": "Share of the previous stage (or of clicks) that reaches this one (0..1].",
        "cost_each": "Cost per person reaching this stage (a giveaway, a coupon); default 0.",
    },
    "GroupSpec": {
        "id": _ID,
        "label": "Display name in explanations (推广, 运营); default the id.",
        "channels": "Channel ids in the group; a channel belongs to one group at most.",
        "min": "Least cost of the group's channels together (default 0).",
        "max": "Most cost of the group's channels together (default the budget).",
    },
    "PeriodSpec": {
        "start": "First day: a day number 1..horizon_days or a date (needs start_date).",
        "end": "Last day (inclusive), as start.",
        "max": "Most cost over these days, all channels together.",
    },
    "BudgetSpec": {
        "total": "Total budget over the horizon (> 0).",
        "max_change": "Share of its current spend a channel may move at most (0..1).",
        "periods": "Sub-budgets over days (a month, a week) that a plan respects; no overlaps.",
    },
    "TargetsSpec": {
        "roi_min": "Revenue / cost must be at least this.",
        "cac_max": "Cost / new customers must be at most this.",
        "ltv_cac_min": "LTV per customer / CAC must be at least this.",
        "revenue_min": "Revenue must be at least this.",
        "conversions_min": "Conversions must be at least this.",
        "new_customers_min": "New customers must be at least this.",
    },
    "ChannelSpec": {
        "id": _ID,
        "label": _LABEL,
        "role": "acquisition wins new customers; retention acts on the customer base.",
        "response": "Expected conversions over the horizon for a spend: a fitted curve "
        "or a funnel.",
        "aov": "Revenue per conversion (> 0).",
        "margin": "Share of revenue kept as gross profit (default 1).",
        "new_customer_rate": "Share of conversions that are new customers (default 1).",
        "min_spend": "Least spend (default 0).",
        "max_spend": "Most spend (default the budget).",
        "unit_cost": "> 0: spend is bought in whole units of this price (a post, a board).",
        "daily_cap": "Most spend on any one day.",
        "locked": "true: the channel keeps its current spend.",
        "adstock": "Carry-over of a day's effect to later days.",
        "segments": "Segments the channel aims at: ids, or {id, share} of its reach.",
        "creatives": "Creatives the channel rotates and learns from.",
        "fees": "Service fee and rebate on media spend: part of the channel's cost.",
        "commission": "CPS commission: share of the channel's revenue paid out (default 0).",
        "halo": "Conversions this channel brings to other channels, per own conversion.",
        "cac_max": "The channel's own CAC (cost / new customers) at most this, else it spends 0.",
        "roi_min": "The channel's own ROI (revenue / cost) at least this, else it spends 0.",
        "min_active_spend": "Media spend 0 or at least this (default 0: no minimum).",
        "recall_group": "Retention only: the recall group of customer_base it reaches "
        "(default the whole base).",
    },
    "CustomerBaseSpec": {
        "size": "Members in the CRM (default: the groups' sizes added up).",
        "grows": "true: new customers won on day t can be reached from day t + 1.",
        "groups": "Recall groups by recency (RFM): active, silent_30d, lapsed, ...",
        "joins": "The recall group new customers join (default the first).",
    },
    "RecallGroupSpec": {
        "id": _ID,
        "label": _LABEL,
        "size": "Members in the group (> 0).",
    },
    "HillSpec": {
        "type": _TYPE,
        "max_conversions": _MAX_CONVERSIONS,
        "half_saturation": "Spend at which half of max_conversions is reached.",
        "shape": "Steepness; above 1 the curve is S-shaped (default 1).",
    },
    "ExponentialSpec": {
        "type": _TYPE,
        "max_conversions": _MAX_CONVERSIONS,
        "scale": "Spend at which 63% of max_conversions is reached.",
    },
    "LogisticSpec": {
        "type": _TYPE,
        "max_conversions": _MAX_CONVERSIONS,
        "midpoint": "Spend at the curve's steepest point.",
        "steepness": "How sharply the curve rises around the midpoint (default 4).",
    },
    "LinearSpec": {
        "type": _TYPE,
        "cost_per_conversion": "Spend per conversion.",
        "max_conversions": "Conversions at most (none: unlimited).",
    },
    "FunnelSpec": {
        "type": _TYPE,
        "pricing": "How media is bought: cpm, cpc, cpa or flat (a price per unit).",
        "cpm": "Price per 1,000 impressions (pricing cpm).",
        "cpc": "Price per click (pricing cpc).",
        "cpa": "Price per conversion (pricing cpa).",
        "unit_price": "Price of one unit: a post, a board, a staff-day (pricing flat).",
        "impressions_per_unit": "Impressions one unit buys (pricing flat).",
        "ctr": "Clicks per impression (0..1).",
        "cvr": "Conversions per click (0..1); leave out when stages are given.",
        "audience": "People the channel can reach; caps reach.",
        "max_frequency": "Impressions per person at most (default 3).",
        "stages": "Steps after the click (注册 -> 进群 -> 首单); give these or cvr.",
    },
    "RetentionSpec": {
        "repeat_rate": "Expected repeat orders of a new customer in the first period.",
        "decay": "Each later period's orders as a share of the one before (default 0.7).",
        "period_days": "Length of one period in days (default 30).",
        "window_days": "Days of repeat purchases counted in LTV (default 365).",
        "aov_multiplier": "Repeat order value as a multiple of the first (default 1).",
    },
    "SegmentSpec": {
        "id": _ID,
        "label": _LABEL,
        "size": "People in the segment; caps reach.",
        "ctr_multiplier": _CTR_X,
        "cvr_multiplier": _CVR_X,
        "aov_multiplier": _AOV_X,
        "new_customer_rate": "Share of the segment's conversions that are new customers.",
        "retention": "Repeat purchases of the segment's new customers.",
        "referral_k": "New customers each new customer invites (0..1).",
    },
    "TargetingSpec": {
        "id": "A segment id from segments.",
        "share": "Share of the channel's reach in this segment.",
    },
    "CreativeSpec": {
        "id": _ID,
        "ctr_multiplier": _CTR_X,
        "cvr_multiplier": _CVR_X,
        "fatigue": "Daily decline of the creative's effect as it is shown (0..1).",
    },
    "AdstockSpec": {
        "decay": "Share of a day's effect carried to the next day (0 <= decay < 1).",
    },
    "EventSpec": {
        "name": "Event name, e.g. double_11.",
        "start": "First day: a date (needs start_date) or a day number 1..horizon_days.",
        "end": "Last day, inclusive.",
        "cost_multiplier": "Prices rise: the same money buys 1/x of the media (default 1).",
        "cvr_multiplier": "Conversion lift on the event's days (default 1).",
        "aov_multiplier": "Order value on the event's days, e.g. 0.85 for discounts.",
        "repeat_multiplier": "Repeat orders of retention channels on the event's days, "
        "e.g. 1.35 for 第二杯0元 (default 1).",
        "channels": "Channels the event covers (default every channel).",
    },
    "SplitSpec": {
        "allocation": "Channel id -> spend over the horizon; a channel left out spends 0.",
        "daily": "Channel id -> one spend per day (horizon_days numbers).",
    },
}
