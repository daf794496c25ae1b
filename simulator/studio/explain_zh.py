"""The optimiser's sentences and messages in the sidebar's words and in Chinese.

``simulator.optimize.explain`` writes English sentences from a small set of templates
(the CLI prints them, and tests/test_golden.py holds their bytes). Until it hands out
sentence ids with parameters, the studio reads each sentence back by those templates, a
phrase at a time, and writes the Chinese; a sentence with a phrase it does not know stays
in English (``to_zh`` returns None), so nothing is mistranslated, only left untranslated.
Numbers are copied as written, so both languages show the engine's figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from simulator.model.compiled import CompiledScenario
from simulator.model.targets import TARGETS  # the target names, from the one table
from simulator.studio.i18n import t

N = r"(-?[\d,]+(?:\.\d+)?(?:e-?\d+)?)"  # a number as the optimiser writes it
_NOUNS_ZH = {"revenue": "GMV", "profit": "利润", "LTV": "LTV"}
_COUNTS_ZH = {
    "new customer": "新客",
    "conversion": "转化",
    "new customers": "新客",
    "conversions": "转化",
}
_VOLUME_ZH = {"revenue": "GMV", "conversions": "转化", "new customers": "新客"}
_LIMITS_ZH = {"max_spend": "花费上限", "min_spend": "花费下限", "max_change": "调整上限"}
_TARGET_WORDS_ZH = {"ROI floor": "ROI 下限", "CAC cap": "CAC 上限", "LTV/CAC floor": "LTV/CAC 下限"}
_TARGET_ID = re.compile(rf"\b({'|'.join(TARGETS)})\b")


def sidebar_words(text: str, lang: str) -> str:
    """``text`` with each target id written as the sidebar names it (``ROI floor``)."""
    return _TARGET_ID.sub(lambda m: t(m.group(1), lang), text)


def _noun(m: re.Match[str], group: int) -> str:
    return _NOUNS_ZH.get(m.group(group), m.group(group))


def _count(m: re.Match[str], group: int) -> str:
    return _COUNTS_ZH.get(m.group(group), m.group(group))


Replacement = str | Callable[[re.Match[str]], str]
# (pattern, replacement): a template string for re.sub, or a function of the match.
_RULES: list[tuple[str, Replacement]] = [
    (rf"grows from {N} to {N} \(([^)]*)\): ", r"由 \1 增至 \2（\3）："),
    (rf"shrinks from {N} to {N} \(([^)]*)\): ", r"由 \1 减至 \2（\3）："),
    (
        rf"(now )?each extra yuan of cost adds {N} in (\w+)",
        lambda m: f"{_now(m)}每多 1 元成本增加 {m.group(2)} {_noun(m, 3)}",
    ),
    (
        rf"(now )?each extra yuan adds {N} in (\w+)",
        lambda m: f"{_now(m)}每多投 1 元增加 {m.group(2)} {_noun(m, 3)}",
    ),
    (rf"at {N} 每多投", r"在 \1 时每多投"),
    (
        rf"(now )?an extra ([a-z ]+?) costs {N}",
        lambda m: f"{_now(m)}每多一个{_count(m, 2)}需 {m.group(3)}",
    ),
    (rf"at {N} 每多一个", r"在 \1 时每多一个"),
    (r"no extra ([a-z ]+?)s\b", lambda m: f"无法再增加{_count(m, 1)}"),
    (r", level with every other channel not at a bound", "，与其他未触及上下限的渠道持平"),
    (rf"; the ROI target \({N}\) stops it growing", r"；ROI 下限（\1）使其不再增加"),
    (rf"; the CAC target \({N}\) stops it growing", r"；CAC 上限（\1）使其不再增加"),
    (r"; the LTV/CAC target stops it growing", "；LTV/CAC 下限使其不再增加"),
    (r"it is saturated there: more spend buys nothing more", "已饱和：再投入不会带来更多"),
    (rf"held at its own CAC cap of {N}; ", r"受自身 CAC 上限 \1 约束；"),
    (rf"held at its own ROI floor of {N}; ", r"受自身 ROI 下限 \1 约束；"),
    (rf"runs at its minimum active spend of {N}; ", r"以最低启动花费 \1 投放；"),
    (rf"held at the ([\w\-]+) group's budget cap of {N}; ", r"受 \1 组预算上限 \2 约束；"),
    (
        rf"budget period (\d+)'s cap of {N} \(days (\d+)-(\d+)\) holds the rest back",
        r"第 \1 个预算周期（第 \3-\4 天）的上限 \2 使其余预算无法花出",
    ),
    (rf"held at the ([\w\-]+) group's budget floor of {N}; ", r"受 \1 组预算下限 \2 约束；"),
    (
        rf"held at budget period (\d+)'s cap of {N} \(days (\d+)-(\d+)\); ",
        r"受第 \1 个预算周期（第 \3-\4 天）上限 \2 约束；",
    ),
    (
        rf"paused: its first customers cost {N}, above its cap of {N}",
        r"暂停：最初的新客每个需 \1，高于其自身上限 \2",
    ),
    (
        rf"paused: its first customers are never won, above its cap of {N}",
        r"暂停：无法获得新客，其自身 CAC 上限为 \1",
    ),
    (
        rf"paused: its first yuan returns {N} in revenue, below its own ROI floor of {N}",
        r"暂停：首元投入仅带来 \1 收入，低于其自身 ROI 下限 \2",
    ),
    (
        rf"paused: it runs at {N} or not at all \(min_active_spend\), and that much earns "
        r"more in the other channels",
        r"暂停：它要么投入至少 \1，要么不投（最低启动花费），而这笔钱投在其他渠道收益更高",
    ),
    (
        r"bought in whole units, so it cannot sit exactly level with the others; ",
        "按整单位购买，无法与其他渠道完全持平；",
    ),
    (r": past this point more spend stops paying", "：超过此点再投入不再划算"),
    (r"held at its (\w+) while ", lambda m: f"保持在{_limit(m.group(1))}，"),
    (r"held at its (\w+); ", lambda m: f"保持在{_limit(m.group(1))}；"),
    (rf"(?:held|kept) at {N}; ", r"保持在 \1；"),
    (r"locked at its current spend; ", "锁定在当前花费；"),
    (r"each day it spends is at its daily cap; ", "每天的花费均达日上限；"),
    (
        rf"paused: its first yuan returns {N} in (\w+), below the ROI target of {N}",
        lambda m: f"暂停：首元投入仅带来 {m.group(1)} {_noun(m, 2)}，低于 ROI 下限 {m.group(3)}",
    ),
    (
        rf"paused: even its first new customers cost {N} each, above the CAC target of {N}",
        r"暂停：即使最初的新客每个也需 \1，高于 CAC 上限 \2",
    ),
    (
        rf"paused: even its first new customers are never won, above the CAC target of {N}",
        r"暂停：无法获得新客，CAC 上限为 \1",
    ),
    (
        rf"paused: its first yuan returns {N} in (\w+) \(it costs more than it earns\)",
        lambda m: f"暂停：首元投入仅带来 {m.group(1)} {_noun(m, 2)}（投入大于产出）",
    ),
    (
        rf"paused: its first yuan returns {N} in (\w+), less than the {N} each yuan earns "
        r"in the channels that get money",
        lambda m: (
            f"暂停：首元投入带来 {m.group(1)} {_noun(m, 2)}，低于获得预算的渠道每元的 {m.group(3)}"
        ),
    ),
    (rf"^Spends {N} of the {N} budget: ", r"预算 \2 中只花 \1："),
    (rf"^Costs {N} of the {N} budget: ", r"预算 \2 中只用成本 \1："),
    (
        rf"^([\w\-]+) also brings {N} ([\w\-]+) conversions per conversion$",
        r"\1 每带来一次转化，还为 \3 带来 \2 次转化",
    ),
    (rf"spending more would pull ROI below the {N} target", r"再多投会使 ROI 低于目标 \1"),
    (rf"spending more would push CAC above the {N} target", r"再多投会使 CAC 高于目标 \1"),
    (
        rf"spending more would pull LTV/CAC below the {N} target",
        r"再多投会使 LTV/CAC 低于目标 \1",
    ),
    (
        r"past this point an extra yuan returns less profit than it costs",
        "超过此点每多投 1 元带来的利润低于成本",
    ),
    (
        r"the other channels are saturated: more spend buys nothing more",
        "其余渠道已饱和：再投入不会带来更多",
    ),
    (
        rf"^(?:The|the) (.+?) (?:allows|allow) only {N} of the {N} budget to be spent",
        lambda m: f"{_zh_targets(m.group(1))} 只允许花费预算 {m.group(3)} 中的 {m.group(2)}",
    ),
    (rf"^{N} is the least spend that meets every target", r"\1 是达到全部目标的最低花费"),
    (rf"^{N} is the least cost that meets every target", r"\1 是达到全部目标的最低成本"),
    (
        rf"^({'|'.join(TARGETS)}) {N} cannot be met",
        lambda m: f"{t(m.group(1), 'zh')} {m.group(2)} 无法达到",
    ),
    (rf"the highest reachable ROI is {N}", r"可达到的最高 ROI 为 \1"),
    (rf"the lowest reachable CAC is {N}", r"可达到的最低 CAC 为 \1"),
    (rf"the highest reachable LTV/CAC is {N}", r"可达到的最高 LTV/CAC 为 \1"),
    (rf", at a spend of {N}", r"（花费 \1 时）"),
    (rf", at a cost of {N}", r"（成本 \1 时）"),
    (r"; it is only approached as spend falls to 0", "；仅在花费趋于 0 时接近"),
    (
        rf"the most (revenue|conversions|new customers) reachable within the budget and "
        rf"bounds is {N}",
        lambda m: f"在预算与上下限内最多可达到的{_VOLUME_ZH[m.group(1)]}为 {m.group(2)}",
    ),
    (
        rf"the budget {N} cannot cover the minimum spends, which need {N}",
        r"预算 \1 不足以覆盖各渠道最低花费（需要 \2）",
    ),
    (r"^the targets cannot be met$", "目标无法同时达到"),
    # the engine's warnings (model/split.py, results.cap_warnings)
    (
        rf"^the split spends {N}, above the budget of {N} \(\+(\d+)%\); evaluated as a what-if",
        r"该分配花费 \1，超出预算 \2（+\3%）；按假设情景评估",
    ),
    (
        rf"^{N} spent evenly is {N} a day, above its daily_cap of {N}; at most {N} can be "
        rf"spent over (\d+) days",
        r"\1 平均分摊为每天 \2，超过每日上限 \3；\5 天内最多可花费 \4",
    ),
    (
        rf"^the daily plan spends more than its daily_cap of {N} on day\(s\) ([\d, .]+) "
        rf"\(highest {N}\)",
        r"每日计划在第 \2 天的花费超过每日上限 \1（最高 \3）",
    ),
    (
        r": (\S.*?) cannot be met, and this split comes closest to it",
        r"：\1 无法达到，此分配最接近",
    ),
]
_COMPILED = [(re.compile(p), r) for p, r in _RULES]
# English left after the rules: a word of 3+ letters that is not a KPI's abbreviation.
_LEFT_OVER = re.compile(r"\b(?!(?:ROI|CAC|LTV|GMV|KOL|KOC)\b)[A-Za-z]{3,}\b")


def _now(m: re.Match[str]) -> str:
    return "现在" if m.group(1) else ""


def _limit(name: str) -> str:
    return _LIMITS_ZH.get(name, name)


def _zh_targets(text: str) -> str:
    """``ROI floor 50 and CAC cap 20`` in Chinese."""
    for en, zh in _TARGET_WORDS_ZH.items():
        text = text.replace(en, zh)
    return text.replace(" and ", "和")


def channel_names(cs: CompiledScenario) -> dict[str, str]:
    """Every channel id with its label ("" where it has none, so the id is shown): the
    names :func:`to_zh` recognises at the head of a sentence; and each channel group's
    id with its label (推广), which the Chinese puts in place of the id."""
    groups = {g.id: g.label for g in cs.limits.groups}
    return dict.fromkeys(cs.channel_ids, "") | cs.labels | groups


def to_zh(sentence: str, labels: Mapping[str, str]) -> str | None:
    """``sentence`` in Chinese, channels by their labels; None when a phrase is unknown."""
    text = sentence.strip().rstrip(".")
    head = re.match(r"^([\w\-]+): (?=\S)", text)
    channel = ""
    if head and head.group(1) in labels:
        channel, text = labels[head.group(1)] or head.group(1), text[head.end() :]
    for pattern, repl in _COMPILED:
        text = pattern.sub(repl, text)
    text = text.replace("; ", "；").replace(": ", "：")
    for cid, label in labels.items():  # a group named by its label (推广组)
        if label:
            text = re.sub(rf"(?: |(?<![\w-])){re.escape(cid)} 组", f"{label}组", text)
    scrubbed = text
    for label in labels.values():
        scrubbed = scrubbed.replace(label, "")
    for cid in labels:
        scrubbed = scrubbed.replace(cid, "")
    if _LEFT_OVER.search(scrubbed):
        return None
    return f"{channel}：{text}。" if channel else f"{text}。"
