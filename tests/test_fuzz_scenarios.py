"""Fuzz the command line with mutated bundled scenarios: never a traceback, always located.

Each example takes one of ``scenarios/*.yaml`` and applies a few mutations a user, a broken
export or an attacker could make: delete or duplicate a line (duplicate keys), swap a
value for another type or an extreme number, insert anchors and aliases, truncate the text,
insert random bytes. ``validate`` and ``optimize`` then run in-process through
``simulator.cli.main``, and must exit 0, 2 or 3, print no traceback, and on exit 2 put
every error on its own ``FILE:LINE: `` line.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.cli import main
from tests.conftest import ROOT

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
TEXTS = [p.read_text(encoding="utf-8") for p in SCENARIOS]
LOCATED = re.compile(r"^[^:]+:\d+: ")
VALUE_LINE = re.compile(r"^(\s*(?:- )?[A-Za-z_][\w-]*:\s*)(\S.*)$")

ODD_VALUES = [
    "true",
    "no",
    "null",
    '"1000000"',
    "'x'",
    "1e308",
    "-1e308",
    "1e-300",
    "1e12",  # the ends of the documented ranges: valid, and must not overflow
    "1e-6",
    "1e-9",
    "1000",
    "1e5",
    "-1",
    "0",
    "5",
    "2.5",
    ".nan",
    ".inf",
    "[]",
    "{}",
    "[1, [2, [3]]]",
    "*nowhere",
    "&a 7",
    "9" * 40,
    "2026-13-45",
]
LAUGHS = 'x-l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"x-l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 9)
)


def _swap_value(lines: list[str], at: int, value: str) -> list[str]:
    candidates = [i for i, line in enumerate(lines) if VALUE_LINE.match(line)]
    if not candidates:
        return lines
    i = candidates[at % len(candidates)]
    match = VALUE_LINE.match(lines[i])
    assert match is not None  # i is one of the candidates above
    prefix = match.group(1)
    return [*lines[:i], prefix + value, *lines[i + 1 :]]


def _anchor(lines: list[str], at: int) -> list[str]:
    """Anchor one value and alias it elsewhere, or merge it into a mapping."""
    candidates = [i for i, line in enumerate(lines) if VALUE_LINE.match(line)]
    if len(candidates) < 2:
        return lines
    src, dst = candidates[at % len(candidates)], candidates[(at * 7 + 3) % len(candidates)]
    out = list(lines)
    m = VALUE_LINE.match(out[src])
    assert m is not None
    out[src] = f"{m.group(1)}&fz {m.group(2)}"
    d = VALUE_LINE.match(out[dst])
    assert d is not None
    out[dst] = f"{d.group(1)}*fz"
    return out


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    text = TEXTS[draw(st.integers(0, len(TEXTS) - 1))]
    lines = text.splitlines()
    raw: list[tuple[int, bytes]] = []  # random bytes go in after encoding: not always UTF-8
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "anchor", "laughs", "truncate", "bytes"]
            )
        )
        at = draw(st.integers(0, 10_000))
        if kind == "delete" and lines:
            del lines[at % len(lines)]
        elif kind == "duplicate" and lines:
            i = at % len(lines)
            lines.insert(i, lines[i])
        elif kind == "swap":
            lines = _swap_value(lines, at, draw(st.sampled_from(ODD_VALUES)))
        elif kind == "anchor":
            lines = _anchor(lines, at)
        elif kind == "laughs":
            lines = [*LAUGHS.splitlines(), *lines]
        elif kind == "truncate":
            joined = "\n".join(lines)
            lines = joined[: at % (len(joined) + 1)].splitlines()
        elif kind == "bytes":
            raw.append((at, draw(st.binary(min_size=1, max_size=8))))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    for at, junk in raw:
        i = at % (len(data) + 1)
        data = data[:i] + junk + data[i:]
    return data


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _check(command: str, code: int, err: str) -> None:
    assert "Traceback" not in err, err
    assert code in (0, 2, 3), (command, code, err)
    if code == 2:
        lines = err.splitlines()
        assert lines, command
        bad = [line for line in lines if not LOCATED.match(line)]
        assert not bad, (command, err)


@pytest.mark.slow
@settings(deadline=None)  # examples: the profile's (ci: 60, ~40 s; dev: 30)
@given(text=mutated())
def test_mutated_scenarios_never_crash_and_errors_are_located(text: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_bytes(text)
        code, _, err = _run("validate", str(path))
        _check("validate", code, err)
        code, _, err = _run("optimize", str(path), "--format", "json")
        _check("optimize", code, err)


def test_the_bundled_scenarios_are_the_fuzz_seeds() -> None:
    assert len(TEXTS) >= 5
    for text in TEXTS:  # enough `key: value` lines for the swaps and anchors to bite
        assert sum(bool(VALUE_LINE.match(line)) for line in text.splitlines()) >= 10
