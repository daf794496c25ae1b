"""The ``adsim`` command line: one module per command under ``simulator/commands``.

Each command module has a docstring (its help), ``ORDER`` (its place in ``--help``),
``add_arguments(parser)`` and ``run(args) -> int``. Errors in the input print as
``FILE:LINE: field.path: message`` with exit 2; no traceback (and no numpy RuntimeWarning)
unless ``--debug``, given before or after the command.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import pkgutil
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from simulator import commands
from simulator.io.errors import ScenarioError, UsageError

EPILOG = """\
example:
  adsim optimize scenarios/ecommerce_q4.yaml --out plan.csv
  adsim evaluate scenarios/ecommerce_q4.yaml --split plan.yaml --format json

exit codes: 0 success, 2 bad input (each error as FILE:LINE: field: message),
3 targets cannot be met (JSON still printed, status infeasible), 1 anything else.
"""


@dataclass(frozen=True)
class _Command:
    """A command module known by its file: name, help text and order, read without importing.

    Importing a command pulls in its dependencies (Streamlit, Dask, scipy.signal), which
    costs seconds; only the command being run is imported.
    """

    name: str
    doc: str
    order: int

    def load(self) -> ModuleType:
        return importlib.import_module(f"{commands.__name__}.{self.name}")


class _Version(argparse.Action):
    """``--version``, looked up only when asked: the installed metadata costs every run."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any, **__: Any) -> None:
        from simulator.about import DIST_NAME, version

        sys.stdout.write(f"adsim {version()} ({DIST_NAME})\n")
        parser.exit()


def _command_table() -> list[_Command]:
    found = []
    for info in pkgutil.iter_modules(commands.__path__):
        if info.name.startswith("_"):
            continue
        path = Path(commands.__path__[0]) / f"{info.name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        order = 99
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "ORDER" for t in node.targets
            ):
                order = int(ast.literal_eval(node.value))
        found.append(_Command(info.name, ast.get_docstring(tree) or info.name, order))
    return sorted(found, key=lambda c: (c.order, c.name))


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the ``selected`` command's module is imported (none for --help)."""
    parser = argparse.ArgumentParser(
        prog="adsim",
        description="Ad-budget allocation simulator: evaluate, optimise and simulate "
        "media splits under ROI, CAC and LTV targets.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in _command_table():
        p = sub.add_parser(
            command.name,
            help=command.doc.splitlines()[0],
            description=command.doc,
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        # SUPPRESS: unset here must not overwrite `adsim --debug CMD` (argparse copies a
        # subparser's defaults over the main parser's values)
        p.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
        if selected == command.name:
            module = command.load()
            module.add_arguments(p)
            p.set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``adsim`` console script and ``python -m simulator``."""
    argv = sys.argv[1:] if argv is None else argv
    names = {c.name for c in _command_table()}
    selected = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(selected if selected in names else None)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        with warnings.catch_warnings():
            if not args.debug:  # the last guard: numpy's RuntimeWarnings never reach a user
                warnings.simplefilter("ignore", RuntimeWarning)
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
