"""Search splits by simulation (Optuna), starting from the exact answer.

For what the expected-value model cannot see (creatives that learn and tire, caps that
bind by chance) and for chance targets: --chance roi_min=3:0.9 asks that ROI >= 3 in at
least 90% of runs. Every trial simulates --runs runs with the same --seed (common random
numbers); the answer compares the best split with the exact answer on a fresh seed,
with a 95% confidence interval. The study is stored in SQLite (next to --out, else in
~/.cache/adsim/studies.db; --storage takes any Optuna URL, postgresql://... with the
[postgres] extra, or a journal file: journal:PATH or PATH.log) and resumes: run the same
command again to add --trials more. --out writes the best split (.yaml) or the JSON
(.json). Exit 3 when no split tried meets every target.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.table import Table

from simulator.batch.search import StorageError, prepare_storage, redact
from simulator.commands._common import add_format, add_out, console, fmt, print_json
from simulator.exports.search import SEARCH_KINDS
from simulator.io.bundled import SCENARIO_HELP, scenario_arg
from simulator.io.errors import UsageError
from simulator.model.load import load_scenario
from simulator.optimize.search.space import ChanceTarget
from simulator.optimize.search.study import SearchResult, search

ORDER = 5


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", type=scenario_arg, help=SCENARIO_HELP)
    p.add_argument("--trials", type=int, default=40, help="trials to add (default 40)")
    p.add_argument("--runs", type=int, default=200, help="simulated runs per trial (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed shared by every trial (default 0)")
    p.add_argument(
        "--storage", metavar="URL", help="Optuna storage URL or journal file (default: SQLite file)"
    )
    p.add_argument("--study", metavar="NAME", help="study name (default: from the inputs)")
    p.add_argument(
        "--chance",
        action="append",
        default=[],
        metavar="TARGET=VALUE:P",
        help="chance target, e.g. roi_min=3:0.9 (repeatable)",
    )
    add_format(p)
    add_out(
        p,
        SEARCH_KINDS,
        "write the best split (.yaml runs again; the tables hold it beside the start)",
    )


def default_storage(args: argparse.Namespace) -> str:
    """SQLite next to --out, else under the user's cache directory."""
    if args.out:
        folder = Path(args.out).resolve().parent
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(cache) / "adsim"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'studies.db'}"


def _check(args: argparse.Namespace) -> list[ChanceTarget]:
    for flag, value, low in (("--trials", args.trials, 1), ("--runs", args.runs, 2)):
        if value < low:
            raise UsageError(f"{flag}: must be a whole number >= {low} (got {value})")
    if args.seed < 0:
        raise UsageError(f"--seed: must be a whole number >= 0 (got {args.seed})")
    if args.out:
        SEARCH_KINDS.for_path(args.out)
    try:
        return [ChanceTarget.parse(text) for text in args.chance]
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    chance = _check(args)
    sc = load_scenario(args.file)
    storage = args.storage or default_storage(args)
    try:
        prepare_storage(storage)  # a server that will not answer is bad input (exit 2)
    except StorageError as exc:
        raise UsageError(str(exc)) from None
    print(f"study stored in {redact(storage)}", file=sys.stderr)  # never a password
    result = search(
        sc,
        trials=args.trials,
        runs=args.runs,
        seed=args.seed,
        storage=storage,
        study_name=args.study,
        chance=chance,
        progress=sys.stderr.isatty(),
    )
    if args.out:
        SEARCH_KINDS.write(args.out, result)
        print(f"wrote {args.out}", file=sys.stderr)
    if args.format == "json":
        print_json(result.to_json())
    else:
        _table(result, sc.currency)
    return 0 if result.feasible else 3


def _table(result: SearchResult, currency: str) -> None:
    out = console()
    title = f"{result.scenario} · study {result.study} · {result.trials} trials"
    table = Table(title=title, title_justify="left")
    start = "exact answer" if result.start_label == "exact" else "start"
    for name in ("channel", f"{start} ({currency})", f"search ({currency})", "change"):
        table.add_column(name, justify="left" if name == "channel" else "right", no_wrap=True)
    for cid, best in result.best.items():
        before = result.start[cid]
        table.add_row(cid, fmt(before), fmt(best), f"{best - before:+,.0f}")
    out.print(table)
    c = result.comparison
    out.print(
        f"{c.metric} under simulation (fresh seed {c.seed}, {c.runs} runs): "
        f"{start} {fmt(c.start)}, search {fmt(c.best)}"
    )
    out.print(f"[bold]{result.message}[/bold]")
