"""Search by simulation: an Optuna study over splits, for what the expected value cannot see.

The exact allocator is optimal for the expected-value model. The simulation adds what that
model leaves out (creatives that learn and tire, pacing, caps that bind by chance, noise)
and lets a target be a *chance*: "P(ROI >= 3) >= 90%". This module searches splits by
simulating them:

- a trial is a split on the budget simplex: a spend level (share of the budget) and one
  weight per free channel, projected onto the channels' min/max (:func:`project`), so
  every trial is within the budget and bounds by construction;
- the study starts from the exact answer (``enqueue_trial``) and uses TPE with the
  targets as Optuna constraints (``constraints_func``; a value <= 0 is met);
- every trial simulates with the same seed (common random numbers), so two splits are
  compared on the same market days; where the draws' count depends on the split the
  streams drift apart, which only costs precision, never fairness;
- the study lives in a database (SQLite by default in the command), so it resumes;
- the answer re-simulates the start and the best split with a *fresh* seed and reports
  the paired difference of the objective with a confidence interval: selecting the best
  of many trials on one seed flatters it, a fresh seed does not.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import optuna
from optuna.storages import get_storage
from scipy import stats

from simulator.model.compiled import CompiledScenario
from simulator.model.curves import FloatArray
from simulator.optimize import optimize
from simulator.optimize.lineitems import channel_bounds
from simulator.simulate import simulate

# target -> (per-run metric, True if the run's value must be at least the target)
CHANCE_METRICS = {
    "roi_min": ("roi", True),
    "cac_max": ("cac", False),
    "ltv_cac_min": ("ltv_cac", True),
    "revenue_min": ("revenue", True),
    "conversions_min": ("conversions", True),
    "new_customers_min": ("new_customers", True),
}


@dataclass(frozen=True)
class ChanceTarget:
    """``P(metric meets value) >= probability`` over simulated runs, e.g. roi_min=3:0.9."""

    target: str
    value: float
    probability: float

    @classmethod
    def parse(cls, text: str) -> ChanceTarget:
        """``roi_min=3:0.9``; ValueError naming what is allowed."""
        try:
            name, rest = text.split("=", 1)
            value, prob = rest.split(":", 1)
            out = cls(name.strip(), float(value), float(prob))
        except ValueError:
            raise ValueError(
                f"--chance: use TARGET=VALUE:PROBABILITY such as roi_min=3:0.9 (got {text!r})"
            ) from None
        if out.target not in CHANCE_METRICS:
            allowed = ", ".join(CHANCE_METRICS)
            raise ValueError(f"--chance: unknown target {out.target!r}; use {allowed}")
        if not 0 < out.probability < 1 or not out.value > 0:
            raise ValueError(f"--chance: need VALUE > 0 and 0 < PROBABILITY < 1 (got {text!r})")
        return out

    def met(self, per_run: Mapping[str, FloatArray]) -> FloatArray:
        """Per run: 1.0 where the target holds (an undefined ratio fails)."""
        metric, at_least = CHANCE_METRICS[self.target]
        v = np.asarray(per_run[metric], dtype=float)
        with np.errstate(invalid="ignore"):
            ok = (v >= self.value) if at_least else (v <= self.value)
        return np.asarray(ok & np.isfinite(v), dtype=float)


def wilson_lower(successes: float, n: int, confidence: float) -> float:
    """One-sided Wilson lower bound of a proportion; ``confidence=0.5`` gives the estimate."""
    if n <= 0:
        return 0.0
    z = float(stats.norm.ppf(confidence))
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0))
    return (centre - spread) / (1 + z * z / n) if z > 0 else p


def project(weights: FloatArray, total: float, lo: FloatArray, hi: FloatArray) -> FloatArray:
    """``clip(k * weights, lo, hi)`` with ``k`` such that the sum is ``total`` (bisection).

    ``total`` is first clipped to ``[sum lo, sum hi]``. Weights that already sum to
    ``total`` within the bounds come back unchanged (``k = 1``), so the exact answer
    enqueued as a trial is simulated as it is.
    """
    total = float(np.clip(total, lo.sum(), hi.sum()))
    w = np.maximum(weights, 0.0)
    top = float(w.max(initial=0.0))
    w = np.where(w > 1e-12 * top, w / top, 0.0) if top > 0 else w  # no denormal scales
    reach = float(np.where(w > 0, hi, lo).sum())
    if total > reach:  # the weighted channels are full: the rest fills the unweighted ones
        room = np.where(w > 0, 0.0, hi - lo)
        return np.asarray(np.where(w > 0, hi, lo) + (total - reach) / room.sum() * room, float)

    def spend(k: float) -> FloatArray:
        return np.clip(k * w, lo, hi)

    a, b = 0.0, 1.0
    while spend(b).sum() < total and b < 1e300:
        b *= 2.0
    for _ in range(200):
        mid = 0.5 * (a + b)
        if spend(mid).sum() < total:
            a = mid
        else:
            b = mid
        if b - a <= 1e-15 * b:
            break
    lo_x, hi_x = spend(a), spend(b)
    gap = hi_x.sum() - lo_x.sum()
    frac = (total - lo_x.sum()) / gap if gap > 0 else 1.0
    return np.asarray(lo_x + frac * (hi_x - lo_x), dtype=float)


@dataclass(frozen=True)
class Space:
    """Channel splits as Optuna parameters: ``spend`` (share of budget) and ``w:<channel>``."""

    channel_ids: tuple[str, ...]
    lo: FloatArray
    hi: FloatArray
    budget: float
    unit: FloatArray  # (C,) price of a whole unit; 0 = continuous

    @classmethod
    def of(cls, cs: CompiledScenario) -> Space:
        lo, hi = channel_bounds(cs)
        unit = np.zeros(cs.n_channels)
        np.maximum.at(unit, cs.ad_set_channel, cs.unit_cost)
        return cls(cs.channel_ids, lo, np.minimum(hi, cs.budget), cs.budget, unit)

    def whole_units(self, x: FloatArray) -> FloatArray:
        """Channels bought in units get whole units: rounded down, or up to their minimum."""
        u = np.where(self.unit > 0, self.unit, 1.0)
        down = np.floor(x / u + 1e-9) * u
        down = np.where(down < self.lo - 1e-9, np.ceil(self.lo / u - 1e-9) * u, down)
        return np.where(self.unit > 0, down, x)

    @property
    def free(self) -> list[int]:
        return [j for j in range(len(self.channel_ids)) if self.hi[j] > self.lo[j]]

    def level_range(self) -> tuple[float, float]:
        return self.lo.sum() / self.budget, min(self.hi.sum() / self.budget, 1.0)

    def suggest(self, trial: optuna.Trial) -> FloatArray:
        params = {"spend": trial.suggest_float("spend", *self.level_range())}
        for j in self.free:
            name = f"w:{self.channel_ids[j]}"
            params[name] = trial.suggest_float(name, 0.0, 1.0)
        return self.spend_of(params)

    def spend_of(self, params: Mapping[str, float]) -> FloatArray:
        """Each channel's spend ``(C,)`` for a trial's parameters."""
        w = self.lo.copy()
        for j in self.free:
            w[j] = params[f"w:{self.channel_ids[j]}"]
        return self.whole_units(project(w, params["spend"] * self.budget, self.lo, self.hi))

    def params_of(self, spend: FloatArray) -> dict[str, float]:
        """Parameters that :meth:`suggest` maps back to ``spend`` (within the bounds)."""
        x = np.clip(spend, self.lo, self.hi)
        top = max(float(x[self.free].max()), 1e-300) if self.free else 1.0
        lvl_lo, lvl_hi = self.level_range()
        params = {"spend": float(np.clip(x.sum() / self.budget, lvl_lo, lvl_hi))}
        params |= {f"w:{self.channel_ids[j]}": float(x[j] / top) for j in self.free}
        return params


@dataclass(frozen=True)
class Settings:
    """What a study depends on; its hash names the default study."""

    runs: int = 200
    seed: int = 0
    chance: tuple[ChanceTarget, ...] = ()
    confidence: float = 0.95
    sim_options: dict[str, Any] = field(default_factory=dict)

    def digest(self, cs: CompiledScenario, start: FloatArray | None) -> str:
        doc = {
            "scenario": cs.spec.model_dump(mode="json"),
            "settings": asdict(self),
            "start": None if start is None else [round(float(v), 6) for v in start],
        }
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:12]


def objective_metric(cs: CompiledScenario) -> tuple[str, Literal["minimize", "maximize"]]:
    """The per-run metric the study optimises, and its direction."""
    if cs.objective == "min_spend":
        return "spend", "minimize"
    return cs.objective, "maximize"


def constraint_values(
    cs: CompiledScenario, per_run: Mapping[str, FloatArray], settings: Settings
) -> list[float]:
    """Optuna constraints (<= 0 met), relative: the scenario's targets on the simulated
    means (ROI and CAC as ratios of means, like the expected-value model), then each chance
    target as ``probability - Wilson lower bound of the share of runs meeting it``."""
    out = []
    mean = {
        k: float(np.nanmean(v)) if np.isfinite(v).any() else math.nan for k, v in per_run.items()
    }
    for name, bound in cs.active_targets().items():
        metric, at_least = CHANCE_METRICS[name]
        value = mean[metric]
        with np.errstate(divide="ignore", invalid="ignore"):
            if name == "roi_min":
                value = mean["revenue"] / mean["spend"] if mean["spend"] > 0 else math.nan
            elif name == "cac_max":
                value = (
                    mean["spend"] / mean["new_customers"] if mean["new_customers"] > 0 else math.nan
                )
        gap = (bound - value) / bound if at_least else (value - bound) / bound
        out.append(gap if math.isfinite(gap) else 1.0)
    runs = len(per_run["spend"])
    for ch in settings.chance:
        met = float(ch.met(per_run).sum())
        out.append(ch.probability - wilson_lower(met, runs, settings.confidence))
    return out


def run_split(
    cs: CompiledScenario, space: Space, spend: FloatArray, settings: Settings, seed: int
) -> dict[str, FloatArray]:
    """Per-run metrics of a channel split, simulated with ``seed``."""
    alloc = {cid: float(v) for cid, v in zip(space.channel_ids, spend, strict=True)}
    sim = simulate(cs, {"allocation": alloc}, runs=settings.runs, seed=seed, **settings.sim_options)
    return {k: np.asarray(v, dtype=float) for k, v in sim.per_run.items()}


_NEW_CONSTRAINTS = hasattr(optuna.Trial, "set_constraint")


def _trial_constraints(trial: optuna.trial.FrozenTrial) -> list[float]:
    return [float(c) for c in trial.user_attrs.get("constraints", [1.0])]


def _set_constraints(trial: optuna.Trial, values: list[float]) -> None:
    """Record the constraints for the sampler (Optuna >= 5) and for :func:`best_trial`."""
    trial.set_user_attr("constraints", values)
    if _NEW_CONSTRAINTS:
        for k, v in enumerate(values):
            trial.set_constraint(f"c{k}", v)


def _feasible(trial: optuna.trial.FrozenTrial) -> bool:
    return all(c <= 0 for c in trial.user_attrs.get("constraints", [1.0]))


def best_trial(study: optuna.Study, direction: str) -> optuna.trial.FrozenTrial | None:
    """The best feasible complete trial; without one, the least violating."""
    done = [
        t for t in study.get_trials(deepcopy=False) if t.state.is_finished() and t.value is not None
    ]
    if not done:
        return None
    sign = 1.0 if direction == "maximize" else -1.0
    feasible = [t for t in done if _feasible(t)]
    if feasible:
        return max(feasible, key=lambda t: (sign * float(t.value or 0.0), -t.number))
    return min(done, key=lambda t: sum(max(c, 0.0) for c in t.user_attrs.get("constraints", [])))


def open_study(
    cs: CompiledScenario,
    settings: Settings,
    storage: str | None,
    study_name: str | None,
    start: FloatArray | None,
) -> optuna.Study:
    """Create or resume the study; the TPE sampler reads constraints from user attrs."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    name = study_name or f"{cs.name}-{settings.digest(cs, start)}"
    backend = get_storage(storage)
    direction = objective_metric(cs)[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        probe = optuna.create_study(
            storage=backend, study_name=name, direction=direction, load_if_exists=True
        )
        # Optuna >= 5 reads constraints set on the trial; older ones need constraints_func.
        legacy = {} if _NEW_CONSTRAINTS else {"constraints_func": _trial_constraints}
        sampler = optuna.samplers.TPESampler(
            seed=settings.seed + len(probe.trials),  # a resumed study draws new points
            n_startup_trials=8,
            multivariate=True,
            **legacy,  # type: ignore[arg-type]
        )
        return optuna.create_study(
            storage=backend, study_name=name, sampler=sampler, load_if_exists=True
        )


@dataclass(frozen=True)
class Comparison:
    """Best minus start under a fresh seed: mean paired difference and its 95% interval."""

    metric: str
    start: float
    best: float
    diff: float
    low: float
    high: float
    runs: int
    seed: int
    chance_start: tuple[float, ...]  # share of fresh runs meeting each chance target
    chance_best: tuple[float, ...]
    feasible_start: bool
    feasible_best: bool


def compare(
    cs: CompiledScenario,
    space: Space,
    start: FloatArray,
    best: FloatArray,
    settings: Settings,
    seed: int,
) -> Comparison:
    """Simulate both splits on the same fresh seed; pair the runs for the interval."""
    metric, direction = objective_metric(cs)
    a = run_split(cs, space, start, settings, seed)
    b = run_split(cs, space, best, settings, seed) if not np.array_equal(start, best) else a
    d = b[metric] - a[metric]
    if direction == "minimize":
        d = -d
    n = d.size
    half = float(stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / math.sqrt(n)) if n > 1 else math.inf
    mean = float(d.mean())
    return Comparison(
        metric=metric,
        start=float(a[metric].mean()),
        best=float(b[metric].mean()),
        diff=mean,
        low=mean - half,
        high=mean + half,
        runs=n,
        seed=seed,
        chance_start=tuple(float(c.met(a).mean()) for c in settings.chance),
        chance_best=tuple(float(c.met(b).mean()) for c in settings.chance),
        feasible_start=all(v <= 0 for v in constraint_values(cs, a, _plain(settings))),
        feasible_best=all(v <= 0 for v in constraint_values(cs, b, _plain(settings))),
    )


def _plain(settings: Settings) -> Settings:
    """The same targets judged on the estimate itself (no confidence margin)."""
    return Settings(settings.runs, settings.seed, settings.chance, 0.5, settings.sim_options)


@dataclass
class SearchResult:
    """A study's answer: the best split found and how it compares with the start."""

    scenario: str
    study: str
    storage: str | None
    trials: int
    new_trials: int
    start_label: str  # "exact" (the optimiser's answer) or "given"
    start: dict[str, float]
    best: dict[str, float]
    best_trial: int
    in_sample: dict[str, float]  # start and best objective on the search seed
    comparison: Comparison
    improved: bool
    feasible: bool  # the best split meets every target on the search seed
    message: str
    chance: tuple[ChanceTarget, ...] = ()

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["chance"] = [asdict(c) for c in self.chance]
        return doc


def _start_spend(cs: CompiledScenario, start: Mapping[str, float] | None) -> FloatArray:
    """The exact answer's channel totals, or a given ``{channel: spend}``."""
    if start is None:
        rec = optimize(cs)
        spend = rec.split.spend if rec.split is not None else np.zeros(cs.n_ad_sets)
        return cs.channel_sum(spend)
    unknown = sorted(set(start) - set(cs.channel_ids))
    if unknown:
        raise ValueError(f"start: unknown channel {unknown[0]!r}; use {', '.join(cs.channel_ids)}")
    return np.array([float(start.get(cid, 0.0)) for cid in cs.channel_ids])


def search(
    cs: CompiledScenario,
    trials: int = 50,
    runs: int = 200,
    seed: int = 0,
    storage: str | None = None,
    study_name: str | None = None,
    chance: Sequence[ChanceTarget] = (),
    start: Mapping[str, float] | None = None,
    confidence: float = 0.95,
    check_seed: int | None = None,
    progress: bool = False,
    sim_options: Mapping[str, Any] | None = None,
) -> SearchResult:
    """Search splits by simulation, starting from the exact answer (or ``start``).

    ``trials`` more trials are run (a resumed study continues its count); each simulates
    ``runs`` runs with ``seed``. ``storage`` is any Optuna URL (None: in memory).
    ``chance`` targets are met when the one-sided Wilson bound at ``confidence`` of the
    share of runs meeting them reaches their probability. The comparison re-simulates the
    start and the best split with ``check_seed`` (default ``seed + 1``).
    """
    settings = Settings(runs, seed, tuple(chance), confidence, dict(sim_options or {}))
    space = Space.of(cs)
    raw = _start_spend(cs, start)
    study = open_study(cs, settings, storage, study_name, raw)
    start_params = space.params_of(raw)
    if not study.trials:
        study.enqueue_trial(start_params)
        for level in (0.95, 0.9, 0.85, 0.8) if settings.chance else ():
            # a chance target usually asks for the same mix with a margin: try it first
            lo, hi = space.level_range()
            scaled = start_params["spend"] * level
            study.enqueue_trial(start_params | {"spend": float(np.clip(scaled, lo, hi))})
    metric, direction = objective_metric(cs)

    def objective(trial: optuna.Trial) -> float:
        x = space.suggest(trial)
        per_run = run_split(cs, space, x, settings, seed)
        _set_constraints(trial, constraint_values(cs, per_run, settings))
        trial.set_user_attr("spend", [float(v) for v in x])
        return float(np.mean(per_run[metric]))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study.optimize(objective, n_trials=trials, show_progress_bar=progress)
    best = best_trial(study, direction)
    assert best is not None  # at least the start ran
    x0, x1 = space.spend_of(start_params), np.array(best.user_attrs["spend"])
    comp = compare(cs, space, x0, x1, settings, seed + 1 if check_seed is None else check_seed)
    first = study.trials[0]
    same = bool(np.allclose(x0, x1, rtol=1e-9, atol=1e-9 * cs.budget))
    improved = not same and comp.feasible_best
    improved = improved and (comp.low > 0 or not comp.feasible_start)
    return SearchResult(
        scenario=cs.name,
        study=study.study_name,
        storage=storage,
        trials=len(study.trials),
        new_trials=trials,
        start_label="exact" if start is None else "given",
        start=dict(zip(cs.channel_ids, map(float, x0), strict=True)),
        best=dict(zip(cs.channel_ids, map(float, x1), strict=True)),
        best_trial=best.number,
        in_sample={"start": float(first.value or math.nan), "best": float(best.value or math.nan)},
        comparison=comp,
        improved=improved,
        feasible=_feasible(best),
        message=summary(comp, settings, same, _feasible(best)),
        chance=settings.chance,
    )


def summary(comp: Comparison, settings: Settings, same: bool, feasible: bool) -> str:
    """One sentence for a marketer: what the search found, and how sure that is."""
    ci = (
        f"{comp.metric} {comp.diff:+,.0f} against the start (95% CI {comp.low:+,.0f} to "
        f"{comp.high:+,.0f}, paired over {comp.runs} runs of a fresh seed {comp.seed})"
    )
    chance = "; ".join(
        f"P({c.target} {c.value:g}) {a:.0%} -> {b:.0%} (needs {c.probability:.0%})"
        for c, a, b in zip(settings.chance, comp.chance_start, comp.chance_best, strict=True)
    )
    tail = f"; {chance}" if chance else ""
    if not feasible:
        return f"no split tried met every target; the least violating is shown: {ci}{tail}"
    if same:
        return f"the search found no split better than the start under simulation{tail}"
    if comp.feasible_best and not comp.feasible_start:
        return (
            f"the start misses a target under simulation; the search's split meets it: {ci}{tail}"
        )
    if comp.low > 0:
        return f"the search's split improves on the start under simulation: {ci}{tail}"
    return f"the search did not improve on the start under simulation: {ci}{tail}"
