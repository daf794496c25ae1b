"""Finding scenario files and expanding ``sweep:`` blocks into named, located runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.batch.inputs import InputError, discover, expand, expand_file, set_path
from simulator.batch.runner import RunOptions, RunTask, execute_run, input_hash
from tests.batch.conftest import scenario_text


def test_discover_files_folders_and_globs_sorted_once(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for rel in ("a.yaml", "b/c.yml", "b/d.yaml", "notes.txt"):
        (tmp_path / rel).write_text("x: 1\n")
    found = discover([str(tmp_path / "b"), str(tmp_path / "*.yaml"), str(tmp_path / "a.yaml")])
    assert found == [
        str(tmp_path / "a.yaml"),
        str(tmp_path / "b/c.yml"),
        str(tmp_path / "b/d.yaml"),
    ]


def test_discover_rejects_a_path_that_matches_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.yaml: no such file"):
        discover([str(tmp_path / "nope.yaml")])


def test_sweep_expands_to_the_grid_with_named_points(tmp_path: Path) -> None:
    text = (
        scenario_text("q4") + "sweep:\n  budget.total: [5e5, 1e6]\n  targets.roi_min: [2, 3, 4]\n"
    )
    file = tmp_path / "q4.yaml"
    file.write_text(text)
    runs = expand_file(str(file))
    assert len(runs) == 6
    assert runs[0].name == "q4[budget.total=500000,targets.roi_min=2]"
    assert runs[-1].name == "q4[budget.total=1000000,targets.roi_min=4]"
    assert [r.data["budget"]["total"] for r in runs] == [5e5] * 3 + [1e6] * 3
    assert [r.data["targets"]["roi_min"] for r in runs] == [2, 3, 4] * 2
    assert all("sweep" not in r.data and not r.error for r in runs)
    # the swept value is located on its sweep line (line 18 of the file)
    assert runs[0].lines[("budget", "total")] == 18
    assert runs[0].data["name"] == runs[0].name


def test_sweep_selects_list_items_by_id_or_index(tmp_path: Path) -> None:
    data = {"channels": [{"id": "search"}, {"id": "feed"}]}
    assert set_path(data, "channels.feed.max_spend", 5) == ("channels", 1, "max_spend")
    assert set_path(data, "channels[0].aov", 7) == ("channels", 0, "aov")
    assert data["channels"] == [{"id": "search", "aov": 7}, {"id": "feed", "max_spend": 5}]


def test_unknown_sweep_item_is_a_located_error_for_that_run(tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(scenario_text("s") + "sweep:\n  channels.tv.max_spend: [1, 2]\n")
    runs = expand_file(str(file))
    assert len(runs) == 2
    assert runs[0].error == (
        f"{file}:18: sweep.channels.tv.max_spend: channels has no item with id 'tv'; "
        "known: search, feed"
    )


def test_bad_sweep_value_is_located_on_its_sweep_line(tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(scenario_text("s") + "sweep:\n  budget.total: [400000, -1]\n")
    runs = expand_file(str(file))
    options = RunOptions(runs=10)
    good, bad = (execute_run(RunTask(r, options, input_hash(r, options))) for r in runs)
    assert good.status != "error", good.error
    assert bad.status == "error"
    assert bad.error == f"{file}:18: budget.total: must be > 0 (got -1)"


def test_sweep_must_map_paths_to_lists(tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(scenario_text("s") + "sweep:\n  budget.total: 5\n")
    (run,) = expand_file(str(file))
    assert run.error == f"{file}:18: sweep.budget.total: must be a non-empty list of values"


def test_yaml_syntax_error_becomes_one_error_run(tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("name: x\nbudget: [1,\n")
    (run,) = expand([str(file)])
    assert run.data is None
    assert run.error.startswith(f"{file}:")
    assert "not valid YAML" in run.error


def test_hash_changes_with_data_and_result_options_only(tmp_path: Path) -> None:
    file = tmp_path / "s.yaml"
    file.write_text(scenario_text("s") + "sweep:\n  budget.total: [400000, 500000]\n")
    a, b = expand_file(str(file))
    base = RunOptions(runs=10, seed=1)
    assert input_hash(a, base) != input_hash(b, base)
    assert input_hash(a, base) == input_hash(a, RunOptions(runs=10, seed=1, storage="x://y"))
    assert input_hash(a, base) != input_hash(a, RunOptions(runs=10, seed=2))
    assert input_hash(a, base) != input_hash(a, RunOptions(runs=11, seed=1))


SWEEPABLE = ("budget.total", "targets.roi_min", "targets.cac_max", "channels.feed.max_spend")


@given(
    st.dictionaries(
        st.sampled_from(SWEEPABLE),
        st.lists(st.integers(1, 10**7), min_size=1, max_size=3, unique=True),
        min_size=1,
    )
)
def test_sweep_grid_covers_every_point_once(axes: dict[str, list[int]]) -> None:
    import math
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "s.yaml"
        lines = "".join(f"  {k}: {v}\n" for k, v in axes.items())
        file.write_text(scenario_text("s") + "sweep:\n" + lines)
        runs = expand_file(str(file))
    assert len(runs) == math.prod(len(v) for v in axes.values())
    assert len({r.name for r in runs}) == len(runs)
    seen = set()
    for run in runs:
        assert not run.error
        point = []
        for key, values in axes.items():
            node = run.data
            for step in key.split("."):
                node = node[1] if step == "feed" else node[step]
            assert node in values
            assert run.sweep[key] == node
            point.append(node)
        seen.add(tuple(point))
    assert len(seen) == len(runs)
