"""A refactor keeps every byte users see: bundled scenarios and benchmark problems."""

from __future__ import annotations

import difflib

import pytest

from tests.golden.snapshot import SCENARIOS, STORE, cases, render

CASES = list(cases())


@pytest.mark.parametrize(("name", "argv", "data"), CASES, ids=[c[0] for c in CASES])
def test_output_bytes_unchanged(name: str, argv: list[str], data: dict | None) -> None:
    stored = (STORE / f"{name}.txt").read_text(encoding="utf-8")
    today = render(argv, data)
    if today != stored:
        diff = "".join(
            list(
                difflib.unified_diff(
                    stored.splitlines(True), today.splitlines(True), "stored", "today"
                )
            )[:60]
        )
        hint = "regenerate on purpose: python -m tests.golden.snapshot --write"
        pytest.fail(f"{name}: output changed ({hint})\n{diff}")


def test_snapshot_covers_every_bundled_scenario() -> None:
    names = {c[0].split(".")[0] for c in CASES}
    assert {p.stem for p in SCENARIOS} <= names
    assert len(SCENARIOS) >= 9
    assert {"synthetic-20", "synthetic-100", "synthetic-20x90"} <= names
