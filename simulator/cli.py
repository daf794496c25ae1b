"""The ``adsim`` command line: one module per command under ``simulator/commands``.

Each command module has a docstring (its help), ``ORDER`` (its place in ``--help``),
``add_arguments(parser)`` and ``run(args) -> int``. Errors in the input print as
``FILE:LINE: field.path: message`` with exit 2; no traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback
from types import ModuleType

from simulator import commands
from simulator.io.errors import ScenarioError, UsageError

EPILOG = """\
example:
  adsim optimize scenarios/ecommerce_q4.yaml --out plan.csv
  adsim evaluate scenarios/ecommerce_q4.yaml --split plan.yaml --format json

exit codes: 0 success, 2 bad input (each error as FILE:LINE: field: message),
3 targets cannot be met (JSON still printed, status infeasible), 1 anything else.
"""


def _command_modules() -> list[ModuleType]:
    found = [
        importlib.import_module(f"{commands.__name__}.{info.name}")
        for info in pkgutil.iter_modules(commands.__path__)
        if not info.name.startswith("_")
    ]
    return sorted((m for m in found if hasattr(m, "run")), key=lambda m: getattr(m, "ORDER", 99))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adsim",
        description="Ad-budget allocation simulator: evaluate, optimise and simulate "
        "media splits under ROI, CAC and LTV targets.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        name = module.__name__.rsplit(".", 1)[-1]
        doc = (module.__doc__ or "").strip()
        summary = doc.splitlines()[0] if doc else name
        p = sub.add_parser(
            name,
            help=summary,
            description=doc,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
        module.add_arguments(p)
        p.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``adsim`` console script and ``python -m simulator``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except ScenarioError as exc:
        for issue in exc.issues:
            print(str(issue), file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"adsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: no traceback reaches a user
        if args.debug:
            traceback.print_exc()
        print(f"adsim: error: {exc} (run with --debug for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
