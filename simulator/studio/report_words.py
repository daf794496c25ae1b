"""The HTML report's own words in English and Chinese, filled from structured data.

The optimiser's sentences (``Result.explanations``) are English strings; the report says
the same things from numbers and labels (a channel's state, its marginal ROI) through
these templates, so a Chinese report holds no English sentence. Labels the studio shares
come from :mod:`simulator.studio.i18n`; ``w`` falls back to it.
"""

from __future__ import annotations

from typing import Any

from simulator.studio.i18n import t

EN: dict[str, str] = {
    "assumptions": "Assumptions",
    "a_scenario": "Scenario",
    "a_horizon": "Horizon",
    "a_horizon_days": "{days} days, {first} to {last}",
    "a_budget": "Budget",
    "a_objective": "Objective",
    "a_targets": "Targets",
    "a_bounds": "Channel bounds",
    "a_events": "Events",
    "a_min": "Minimum",
    "a_max": "Maximum",
    "a_current": "Current",
    "obj_revenue": "maximise revenue",
    "obj_profit": "maximise profit",
    "obj_ltv": "maximise customer lifetime value",
    "obj_conversions": "maximise conversions",
    "obj_new_customers": "maximise new customers",
    "obj_min_spend": "meet the targets at the least spend",
    "certificate": "Certificate",
    "cert_optimal": "Optimal: every open channel ends at marginal ROI {m}; checked on the engine"
    " (largest violation {violation}, KKT residual {kkt}).",
    "cert_optimal_plain": "Optimal: checked on the engine (largest violation {violation}).",
    "cert_bound": "Best found: within {gap} of the proven upper bound; checked on the engine.",
    "cert_failed": "Not checked: the engine does not confirm this plan ({why}).",
    "cert_infeasible": "No split meets every target; the plan shown comes closest.",
    "cert_none": "No optimiser's plan in this report: the columns are what-ifs.",
    "channels_title": "Per channel: {plan} against {base}",
    "c_share": "Share",
    "c_change": "Change",
    "c_limit": "What holds it",
    "c_total": "Total",
    "limit_budget": "budget",
    "limit_max_spend": "upper bound",
    "limit_min_spend": "lower bound",
    "limit_locked": "locked",
    "limit_daily_cap": "daily cap",
    "limit_unit": "whole units",
    "limit_optimum": "own optimum",
    "changes_title": "Spend change against {base}",
    "waterfall_title": "Revenue from {base} to {plan}",
    "wf_other": "Other (organic, halo, referrals)",
    "why": "Why each channel moved",
    "why_moved": "{label}: {before} → {after} ({change}); held by {limit}; marginal ROI {m}.",
    "why_kept": "{label}: kept at {after}; held by {limit}; marginal ROI {m}.",
    "why_paused": "{label}: paused; its first yuan returns {m0}, less than the plan's {level}.",
    "why_off": "{label}: no spend; held by {limit}.",
    "why_saturated": "{label}: {after}; saturated there: more spend buys nothing more.",
    "details": "Optimiser's notes",
    "ltv_title": "Lifetime value",
    "ltv": "LTV",
    "ltv_per_customer": "LTV per new customer",
    "ltv_cac": "LTV/CAC",
    "daily_title": "Daily plan",
    "mc_title": "Monte Carlo: {runs} runs, seed {seed}",
    "p_targets": "Probability every target is met: {p}",
    "p_no_targets": "The scenario sets no target.",
    "generated": "Made by adsim {version}. Every number comes from the expected-value engine.",
}

ZH: dict[str, str] = {
    "assumptions": "假设",
    "a_scenario": "场景",
    "a_horizon": "周期",
    "a_horizon_days": "{days} 天，{first} 至 {last}",
    "a_budget": "预算",
    "a_objective": "目标函数",
    "a_targets": "约束目标",
    "a_bounds": "渠道上下限",
    "a_events": "活动",
    "a_min": "下限",
    "a_max": "上限",
    "a_current": "当前",
    "obj_revenue": "GMV 最大化",
    "obj_profit": "利润最大化",
    "obj_ltv": "客户生命周期价值最大化",
    "obj_conversions": "转化最大化",
    "obj_new_customers": "新客最大化",
    "obj_min_spend": "以最少花费达成目标",
    "certificate": "最优性证明",
    "cert_optimal": "最优：所有未受限渠道的边际 ROI 均为 {m}；已由引擎校验"
    "（最大违反 {violation}，KKT 残差 {kkt}）。",
    "cert_optimal_plain": "最优：已由引擎校验（最大违反 {violation}）。",
    "cert_bound": "已找到的最佳方案：与已证明的上界相差不超过 {gap}；已由引擎校验。",
    "cert_failed": "未通过校验：引擎无法确认此方案（{why}）。",
    "cert_infeasible": "没有任何分配能满足全部目标；所示方案最接近。",
    "cert_none": "本报告没有优化器方案：各列均为假设分析。",
    "channels_title": "各渠道：{plan} 对比 {base}",
    "c_share": "占比",
    "c_change": "变化",
    "c_limit": "约束",
    "c_total": "合计",
    "limit_budget": "预算",
    "limit_max_spend": "上限",
    "limit_min_spend": "下限",
    "limit_locked": "锁定",
    "limit_daily_cap": "日上限",
    "limit_unit": "整数单位",
    "limit_optimum": "自身最优",
    "changes_title": "花费变化（对比 {base}）",
    "waterfall_title": "GMV：从 {base} 到 {plan}",
    "wf_other": "其他（自然流量、光环、推荐）",
    "why": "各渠道变化的原因",
    "why_moved": "{label}：{before} → {after}（{change}）；约束：{limit}；边际 ROI {m}。",
    "why_kept": "{label}：保持 {after}；约束：{limit}；边际 ROI {m}。",
    "why_paused": "{label}：暂停；第一元的回报 {m0} 低于方案的 {level}。",
    "why_off": "{label}：不投放；约束：{limit}。",
    "why_saturated": "{label}：{after}；已饱和：再多投放也不再带来增量。",
    "details": "优化器备注",
    "ltv_title": "生命周期价值",
    "ltv": "LTV",
    "ltv_per_customer": "每位新客 LTV",
    "ltv_cac": "LTV/CAC",
    "daily_title": "每日计划",
    "mc_title": "蒙特卡洛：{runs} 次模拟，随机种子 {seed}",
    "p_targets": "全部目标达成的概率：{p}",
    "p_no_targets": "场景未设定目标。",
    "generated": "由 adsim {version} 生成。所有数字均来自期望值引擎。",
}

WORDS = {"en": EN, "zh": ZH}


def w(key: str, lang: str = "en", **values: Any) -> str:
    """The report's word for ``key`` in ``lang`` (else the studio's label), filled in."""
    text = WORDS.get(lang, EN).get(key)
    if text is None:
        return t(key, lang, **values)
    return text.format(**values) if values else text


def limit_word(state: str, lang: str) -> str:
    """What holds a channel (``channels.*.active``) in words: a bound, the budget, a target."""
    if f"limit_{state}" in EN:
        return w(f"limit_{state}", lang)
    return t(state, lang) if state else "–"
