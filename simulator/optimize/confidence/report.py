"""The chosen plan as a ``Result``: its status, certificate, ``confidence`` block, sentences.

The numbers of the plan (allocation, totals, channels) do not depend on the targets, so
the exact answer for the tightened targets is shown as it is; what changes is what may be
claimed about it. A margin of 0 is the exact answer, with the certificate's own status.
A positive margin meets the targets in expectation (they are looser than the ones it was
planned with) and in ``c`` of the runs, but is not proven best: ``feasible``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from simulator.model.compiled import CompiledScenario
from simulator.optimize.confidence.margin import tightened
from simulator.optimize.confidence.measure import Measure
from simulator.results import Result

if TYPE_CHECKING:
    from simulator.optimize.confidence.search import Step


def attach(
    cs: CompiledScenario,
    step: Step,
    steps: Sequence[Step],
    reached: bool,
    check: Measure | None = None,
    refined: dict[str, Any] | None = None,
) -> Result:
    """``step``'s result with the confidence search's status, block and sentences.

    ``reached``: the step meets the confidence (else it is the best share found);
    ``check``: the same plan re-measured on a fresh seed; ``refined``: what the search by
    simulation tried (``refine.py``), when it ran.
    """
    assert cs.confidence is not None
    result = step.result
    block = _block(cs, step, steps)
    if check is not None:
        block["check"] = {
            "achieved": check.share,
            "interval": list(check.interval()),
            "runs": check.runs,
            "met": check.met,
            "seed": check.seed,
        }
    if refined is not None:
        block["refine"] = refined
    result.extra["confidence"] = block
    en = block["sentence"]["en"]  # the explanations are English; the block has both
    if not step.planned:  # the targets cannot be met even in expectation: as the exact says
        result.explanations.append(en)
        return result
    result.explanations.insert(0, en)
    if refined is not None and refined["improved"]:  # check_feasible certified it already
        result.explanations.insert(1, _refined_sentence(cs, step.margin, refined))
        return result
    why: list[str] = []
    if step.margin > 0:
        result.explanations.insert(1, _margin_sentence(cs, step.margin))
        why.append(
            f"optimality not proven: planned with every target {step.margin:.1%} stricter in "
            "expectation, so that more simulated runs meet them"
        )
        result.status = "feasible"
        result.upper_bound = None
    if not reached:
        result.status = "infeasible"
        result.message = en
        why.append(
            f"the targets hold in {step.measure.share:.1%} of runs, below {cs.confidence:.0%}"
        )
    cert = result.certificate
    if why and cert is not None:
        # KKT and a gap checked on stricter targets prove nothing about the scenario's
        kkt = cert.kkt_residual if step.margin == 0 else None
        result.certificate = dataclasses.replace(
            cert, checked=False, kkt_residual=kkt, gap_bound=None, failures=(*cert.failures, *why)
        )
    return result


def _block(cs: CompiledScenario, step: Step, steps: Sequence[Step]) -> dict[str, Any]:
    """The JSON's ``confidence``: asked, achieved with its interval, the margin planned with."""
    assert cs.confidence is not None
    m = step.measure
    lo, hi = m.interval()
    en, zh = sentences(cs.confidence, m.share, (lo, hi), m.runs, step.margin, reached(cs, step))
    return {
        "asked": cs.confidence,
        "achieved": m.share,
        "interval": [lo, hi],
        "level": 0.95,
        "runs": m.runs,
        "met": m.met,
        "seed": m.seed,
        "margin": step.margin,
        "planned_targets": tightened(cs.active_targets(), step.margin),
        "exact_achieved": steps[0].measure.share,
        "steps": [[s.margin, s.measure.share if s.planned else None] for s in steps],
        "sentence": {"en": en, "zh": zh},
    }


def reached(cs: CompiledScenario, step: Step) -> bool:
    assert cs.confidence is not None
    return step.planned and step.measure.share >= cs.confidence


def sentences(
    asked: float,
    share: float,
    interval: tuple[float, float],
    runs: int,
    margin: float,
    met: bool,
) -> tuple[str, str]:
    """The answer in English and Chinese: the share of runs, its interval, what was asked."""
    lo, hi = interval
    if met:
        en = (
            f"Meets every target in {share:.1%} of {runs:,} simulated runs "
            f"({lo:.1%}-{hi:.1%}); asked: at least {asked:.0%}."
        )
        zh = (
            f"在 {runs:,} 次模拟中有 {share:.1%} 达成全部目标"
            f"（{lo:.1%}–{hi:.1%}）；要求至少 {asked:.0%}。"
        )
        return en, zh
    en = (
        f"No plan found that meets every target in {asked:.0%} of simulated runs: the best "
        f"meets them in {share:.1%} of {runs:,} runs ({lo:.1%}-{hi:.1%}), "
        f"with every target {margin:.1%} stricter in expectation."
    )
    zh = (
        f"找不到在 {asked:.0%} 的模拟中达成全部目标的方案：最好的方案在 {runs:,} 次模拟中"
        f"达成 {share:.1%}（{lo:.1%}–{hi:.1%}），各目标按期望值收紧 {margin:.1%}。"
    )
    return en, zh


def _refined_sentence(cs: CompiledScenario, margin: float, refined: dict[str, Any]) -> str:
    gain = refined["objective_after"] - refined["objective_before"]
    return (
        f"Found by the search by simulation ({refined['trials']} trials) from the plan with "
        f"every target {margin:.1%} stricter in expectation; {cs.objective} "
        f"{refined['objective_before']:,.0f} -> {refined['objective_after']:,.0f} "
        f"({gain:+,.0f}) in expectation."
    )


def _margin_sentence(cs: CompiledScenario, margin: float) -> str:
    planned = tightened(cs.active_targets(), margin)
    moves = ", ".join(f"{k} {cs.targets[k]:g} -> {v:.4g}" for k, v in planned.items())
    return (
        f"Planned with every target {margin:.1%} stricter in expectation ({moves}), "
        "so that chance leaves room; the sentences below read the stricter targets."
    )
