"""Hostile and odd YAML: bounded aliases, depth and size; duplicate keys; merge keys; 1e5."""

from __future__ import annotations

import resource
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from simulator.io import yaml_parser
from simulator.io.errors import ScenarioError
from simulator.io.yaml_build import MAX_ALIAS_VALUES, MAX_DEPTH
from simulator.io.yaml_loader import MAX_FILE_BYTES, parse_yaml, read_yaml

LOADERS = ["python", "libyaml"] if yaml_parser.HAVE_LIBYAML else ["python"]


@pytest.fixture(autouse=True, params=LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with both event parsers: libyaml's and PyYAML's pure-Python one."""
    if request.param == "python":
        monkeypatch.setattr(yaml_parser, "LOADER", yaml_parser.PyLoader)
        monkeypatch.setattr(yaml_parser, "POSITION_IN_BYTES", False)
    return str(request.param)


def issues_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_yaml(text, "f.yaml")
    return [str(i) for i in info.value.issues]


def billion_laughs(levels: int = 9) -> str:
    """The classic attack: each level is nine aliases of the level before (9**levels values)."""
    rows = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        rows.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(rows) + "\n"


def test_billion_laughs_is_refused_quickly_with_little_memory() -> None:
    text = billion_laughs()
    assert len(text) < 1024
    tracemalloc.start()
    try:
        errors = issues_of(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the alias that tips the expansion over the budget is reported where it is used
    assert len(errors) == 1
    assert errors[0].startswith("f.yaml:")
    assert f"aliases expand to more than {MAX_ALIAS_VALUES:,} values" in errors[0]
    assert peak < 200 * 1024 * 1024, peak  # the old loader grew past 3 GB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


def test_aliases_below_the_budget_still_work() -> None:
    data, lines = parse_yaml("a: &x [1, 2]\nb: *x\nc: [*x, *x]\n", "f.yaml")
    assert data == {"a": [1, 2], "b": [1, 2], "c": [[1, 2], [1, 2]]}
    assert lines[("b",)] == 1  # an alias's values are written where the anchor is


def test_a_self_referencing_alias_is_located() -> None:
    errors = issues_of("a: &x [1, *x]\n")
    assert errors == ["f.yaml:1: an alias refers to the value that contains it"]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 5000, 100_000])
def test_deep_nesting_is_located_not_a_recursion_error(depth: int, loader: str) -> None:
    errors = issues_of("name: x\nchannels: " + "[" * depth + "]" * depth + "\n")
    assert len(errors) == 1
    if depth < 1000 or loader == "python":  # libyaml stops at 1,000 levels itself
        assert errors == [f"f.yaml:2: nested more than {MAX_DEPTH} levels deep"]
    assert errors[0].startswith("f.yaml:2: ")
    assert "nest" in errors[0]


def test_nesting_within_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 2
    data, _ = parse_yaml("a: " + "[" * depth + "1" + "]" * depth + "\n", "f.yaml")
    value = data["a"]
    for _ in range(depth - 1):
        value = value[0]
    assert value == [1]


def test_a_file_above_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(ScenarioError) as info:
        read_yaml(big)
    assert (
        str(info.value)
        == f"{big}:1: the file is {MAX_FILE_BYTES + 1:,} bytes; at most 16 MiB are read"
    )


def test_duplicate_keys_name_both_lines() -> None:
    errors = issues_of("budget:\n  total: 5\n  total: 6\n")
    assert errors == [
        "f.yaml:3: budget.total: duplicate key 'total' (first at line 2); each key may appear once"
    ]


def test_merge_keys_merge_with_the_lines_of_the_merged_values() -> None:
    text = textwrap.dedent(
        """\
        x-defaults: &defaults
          aov: 100
          margin: 0.5
        channels:
          - id: a
            <<: *defaults
            margin: 0.7
        """
    )
    data, lines = parse_yaml(text, "f.yaml")
    assert data["channels"][0] == {"id": "a", "aov": 100, "margin": 0.7}
    assert lines[("channels", 0, "aov")] == 2  # merged: the line of the anchor's value
    assert lines[("channels", 0, "margin")] == 7  # explicit keys win over merged ones


def test_merge_of_a_list_of_mappings_keeps_the_first_definition() -> None:
    text = "a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\n"
    data, _ = parse_yaml(text, "f.yaml")
    assert data["c"] == {"x": 1, "y": 3}


def test_merging_a_scalar_is_located() -> None:
    assert issues_of("a: &a 5\nb:\n  <<: *a\n") == [
        "f.yaml:1: b: '<<' merges a mapping or a list of mappings"
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1e5", 1e5), ("1E+5", 1e5), ("-2.5e-3", -2.5e-3), (".5e2", 50.0), ("1.0e+5", 1e5)],
)
def test_exponent_numbers_are_numbers_as_in_json(text: str, value: float) -> None:
    data, _ = parse_yaml(f"a: {text}\n", "f.yaml")
    assert data["a"] == value
    assert isinstance(data["a"], float)


def test_exponents_stay_text_where_text_is_expected() -> None:
    data, _ = parse_yaml("channels:\n  - id: 1e5\n", "f.yaml")
    assert data["channels"][0]["id"] == "1e5"


def test_unreadable_characters_and_huge_integers_are_located_on_one_line() -> None:
    errors = issues_of("a: 1\nb: \x01\n")
    assert len(errors) == 1
    assert errors[0].startswith("f.yaml:2: not valid YAML: ")
    assert "\n" not in errors[0]
    errors = issues_of("a: 1\nb: " + "9" * 5000 + "\n")
    assert len(errors) == 1
    assert errors[0].startswith("f.yaml:2: cannot read")


def test_a_mapping_as_key_is_located() -> None:
    assert issues_of("? [1, 2]\n: 3\n") == [
        "f.yaml:1: a key must be plain text, not a list or mapping"
    ]
