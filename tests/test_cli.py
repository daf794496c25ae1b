"""The `adsim` command line as a user runs it: outputs, exit codes, located errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.cli import main
from tests.conftest import CORE_SCENARIO, ROOT


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok_and_bad(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(core_file.read_text().replace("total: 1000000", "total: -1"))
    code, out, err = run(capsys, "validate", str(core_file), str(bad))
    assert code == 2
    assert out.startswith(f"ok {core_file}: q4-launch, 2 channels")
    assert f"{bad}:5: budget.total: must be > 0 (got -1)" in err
    assert "Traceback" not in err


def test_evaluate_json_is_exactly_the_contract(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    split = tmp_path / "split.yaml"
    split.write_text("allocation: {baidu_search: 350000, douyin_feed: 250000}\n")
    code, out, err = run(
        capsys, "evaluate", str(core_file), "--split", str(split), "--format", "json"
    )
    assert code == 0
    assert err == ""
    doc = json.loads(out)
    assert list(doc)[:6] == ["scenario", "status", "message", "allocation", "totals", "channels"]
    assert doc["status"] == "evaluated"
    assert doc["scenario"] == "q4-launch"
    assert doc["allocation"] == {"baidu_search": 350000.0, "douyin_feed": 250000.0}
    assert set(doc["channels"]["douyin_feed"]) >= {
        "spend",
        "revenue",
        "conversions",
        "new_customers",
        "roi",
        "cac",
        "marginal_roi",
    }
    assert {"spend", "revenue", "conversions", "new_customers", "profit", "roi", "cac"} <= set(
        doc["totals"]
    )
    assert doc["totals"]["roi"] == pytest.approx(doc["totals"]["revenue"] / doc["totals"]["spend"])


def test_evaluate_json_split_from_json_file(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"allocation": {"douyin_feed": 900000, "baidu_search": 400000}}))
    code, out, err = run(
        capsys, "evaluate", str(core_file), "--split", str(split), "--format", "json"
    )
    assert code == 0
    assert "above the budget" in err
    assert json.loads(out)["warnings"]


def test_evaluate_table_is_readable(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    split = tmp_path / "split.yaml"
    split.write_text("allocation: {baidu_search: 350000}\n")
    code, out, _ = run(capsys, "evaluate", str(core_file), "--split", str(split))
    assert code == 0
    assert "baidu_search" in out
    assert "350,000" in out
    assert "total" in out


def test_bad_split_exits_2_and_names_the_line(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    split = tmp_path / "split.yaml"
    split.write_text("allocation:\n  baidu_search: 1\n  tv: 5\n")
    code, out, err = run(
        capsys, "evaluate", str(core_file), "--split", str(split), "--format", "json"
    )
    assert code == 2
    assert out == ""
    assert f"{split}:3: allocation.tv: unknown channel 'tv'" in err


def test_evaluate_without_any_split_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], core_file: Path
) -> None:
    code, _, err = run(capsys, "evaluate", str(core_file))
    assert code == 1
    assert "no split given" in err
    assert "Traceback" not in err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "cannot read file" in err


def test_python_dash_m_runs_the_same_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "--help"], capture_output=True, text=True, check=True
    )
    assert "validate" in out.stdout
    assert "exit codes" in out.stdout


def test_every_bundled_scenario_validates(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    assert len(files) >= 1
    code, out, err = run(capsys, "validate", *files)
    assert code == 0, err
    assert out.count("ok ") == len(files)


def test_public_functions_survive_submodule_imports() -> None:
    import sys

    import simulator
    import simulator.expected
    import simulator.optimize.exact.allocator
    import simulator.simulate.engine  # binds the submodule onto the package, as its users do

    assert callable(simulator.evaluate)
    assert simulator.evaluate is not sys.modules["simulator.expected"]
    assert callable(simulator.optimize)
    assert callable(simulator.simulate)
    assert simulator.simulate is not sys.modules["simulator.simulate"]


# Issue 13: hostile and odd input through the command line.
LOCATED = r"^[^:]+:\d+: "


def test_debug_before_the_command_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, core_file: Path
) -> None:
    import simulator.commands.validate as validate

    def boom(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(validate, "run", boom)
    for argv in (["--debug", "validate", str(core_file)], ["validate", str(core_file), "--debug"]):
        code, _, err = run(capsys, *argv)
        assert code == 1
        assert "Traceback" in err
        assert "RuntimeError: boom" in err
    code, _, err = run(capsys, "validate", str(core_file))
    assert code == 1
    assert "Traceback" not in err
    assert err == "adsim: error: boom (run with --debug for details)\n"


def test_numpy_runtime_warnings_never_reach_the_user(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, core_file: Path
) -> None:
    import warnings

    import numpy as np

    import simulator.commands.validate as validate

    def overflowing(args: object) -> int:
        with np.errstate(all="warn"):
            return int(np.isinf(np.exp(np.array([1000.0])))[0])

    monkeypatch.setattr(validate, "run", overflowing)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, _, err = run(capsys, "validate", str(core_file))
    assert code == 1  # the command ran to its end: exp overflowed to inf
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert "RuntimeWarning" not in err
    assert err == ""


def test_extreme_magnitudes_are_refused_before_any_arithmetic(
    capsys: pytest.CaptureFixture[str], write: Callable[[str, str], Path]
) -> None:
    text = CORE_SCENARIO.replace(
        "type: exponential\n      max_conversions: 9000\n      scale: 250000",
        "type: funnel\n      pricing: flat\n      unit_price: 1e-300\n"
        "      impressions_per_unit: 1000\n      ctr: 0.02\n      cvr: 0.03",
    ).replace("aov: 160", "aov: 1e308")
    path = write(text, "extreme.yaml")
    code, out, err = run(capsys, "optimize", str(path), "--format", "json")
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines == [
        f"{path}:26: channels[1].response.unit_price: must be >= 1e-06 (got 1e-300); "
        "allowed: 1e-06 .. 1e+12",
        f"{path}:30: channels[1].aov: must be <= 1e+12 (got 1e+308); allowed: 1e-06 .. 1e+12",
    ]


@pytest.mark.parametrize("command", ["validate", "optimize"])
def test_billion_laughs_and_wrong_shapes_exit_2_located(
    capsys: pytest.CaptureFixture[str], write: Callable[[str, str], Path], command: str
) -> None:
    import re

    laughs = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    files = {
        "laughs.yaml": "\n".join(laughs) + "\n",
        "five.yaml": "name: x\nbudget: {total: 1000}\nchannels: 5\n",
        "deep.yaml": "name: x\nbudget: {total: 1000}\nchannels: " + "[" * 9000 + "]" * 9000,
    }
    for name, text in files.items():
        path = write(text, name)
        code, out, err = run(capsys, command, str(path))
        assert code == 2, (name, err)
        assert out == ""
        assert err.splitlines(), name
        assert all(re.match(LOCATED, line) for line in err.splitlines()), err


def test_validate_checks_a_sweep_as_batch_runs_it(
    capsys: pytest.CaptureFixture[str], write: Callable[[str, str], Path]
) -> None:
    text = CORE_SCENARIO + "sweep:\n  budget.total: [5e5, -1, true]\n"
    path = write(text, "sweep.yaml")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2
    assert err.splitlines() == [
        f"{path}:29: budget.total: must be > 0 (got -1)",
        f"{path}:29: budget.total: must be a number (got true); true and false are not numbers",
    ]
    ok = write(CORE_SCENARIO + "sweep:\n  budget.total: [5e5, 1e6]\n", "ok.yaml")
    code, out, err = run(capsys, "validate", str(ok))
    assert (code, err) == (0, "")
    assert out == f"ok {ok}: q4-launch, 2 channels, 2 ad sets, 2 sweep points\n"


def test_report_without_a_split_or_with_an_absurd_variant_exits_2(
    capsys: pytest.CaptureFixture[str], core_file: Path, tmp_path: Path
) -> None:
    out_html = str(tmp_path / "r.html")
    code, _, err = run(capsys, "report", str(core_file), "--out", out_html)
    assert code == 2
    assert err.startswith(f"{core_file}:1: split: no split to compare")
    split = tmp_path / "s.yaml"
    split.write_text("allocation: {baidu_search: 300000, douyin_feed: 200000}\n")
    code, _, err = run(
        capsys,
        "report",
        str(core_file),
        "--split",
        str(split),
        "--variant",
        "scale:1e308",
        "--out",
        out_html,
    )
    assert code == 2
    assert err == (
        "adsim: error: --variant: 'scale:1e308': must be a number from -90 to 500 (got 1e308)\n"
    )
    assert not Path(out_html).exists()


def test_calibrate_creates_the_out_folder_with_shared_modes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import os

    target = tmp_path / "new" / "folder" / "fitted.yaml"
    report = tmp_path / "other" / "fit.html"
    old = os.umask(0o022)
    try:
        code, _, err = run(
            capsys,
            "calibrate",
            str(ROOT / "scenarios" / "sample_history.csv"),
            "--out",
            str(target),
            "--resamples",
            "0",
            "--report",
            str(report),
        )
    finally:
        os.umask(old)
    assert code == 0, err
    assert target.stat().st_mode & 0o777 == 0o644
    assert report.stat().st_mode & 0o777 == 0o644


def test_batch_names_a_damaged_results_database_and_what_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.sqlite").write_bytes(b"this is not an SQLite file, it is a note" * 4)
    scenario = str(ROOT / "scenarios" / "batch" / "app_launch.yaml")
    code, _, err = run(capsys, "batch", scenario, "--out", str(out), "--quiet", "--runs", "10")
    assert code == 2
    assert err == (
        f"adsim batch: {out / 'results.sqlite'}: not a readable results database (file is not a "
        "database); move it aside or delete it (finished runs will then run again), "
        "or pass another --out\n"
    )
    assert not (out / "runs" / "results.csv").exists()


def test_a_second_batch_on_the_same_folder_stops_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import os

    from simulator.batch.lock import FolderLock

    out = tmp_path / "out"
    out.mkdir()
    first = FolderLock(out)
    first.acquire()  # a running batch holds the folder (flock is per open file: same process ok)
    try:
        scenario = str(ROOT / "scenarios" / "batch" / "app_launch.yaml")
        code, _, err = run(capsys, "batch", scenario, "--out", str(out), "--quiet", "--runs", "10")
    finally:
        first.release()
    assert code == 2
    assert err == (
        f"adsim batch: {out}: another adsim batch (process {os.getpid()}) is writing to this "
        "folder; wait for it to finish or pass another --out\n"
    )
    assert not (out / "results.sqlite").exists()


def test_batch_outputs_get_the_shared_file_mode(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import os

    out = tmp_path / "out"
    scenario = str(ROOT / "scenarios" / "batch" / "app_launch.yaml")
    old = os.umask(0o022)
    try:
        code, _, err = run(capsys, "batch", scenario, "--out", str(out), "--quiet", "--runs", "20")
    finally:
        os.umask(old)
    assert code == 0, err
    assert not (out / ".adsim-batch.lock").exists()  # the lock goes with the batch
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 5  # results.csv/.parquet/.sqlite and the run's csv/json/yaml
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in files} == {
        p.name: "0o644" for p in files
    }


def test_the_table_shows_cost_and_marginal_roi_per_yuan_of_cost(
    capsys: pytest.CaptureFixture[str], write: Callable[..., Path], core_file: Path
) -> None:
    from simulator import evaluate, load_scenario
    from tests.money_scenario import MONEY, SPLIT
    from tests.optimize.test_marginal_per_cost import search_by_hand

    path = write(MONEY)
    split = write("allocation: {notes: 50000, search: 40000}\n", "split.yaml")
    code, out, _ = run(capsys, "evaluate", str(path), "--split", str(split))
    assert code == 0
    head = next(line for line in out.splitlines() if "channel" in line)
    assert [c.strip() for c in head.strip("┃ ").split("┃")][1:4] == [
        "spend (CNY)",
        "cost (CNY)",
        "share",
    ]
    res = evaluate(load_scenario(path), SPLIT)
    search = next(line for line in out.splitlines() if line.startswith("│ search"))
    cells = [c.strip() for c in search.strip("│ ").split("│")]
    assert cells[2] == f"{res.channels['search']['cost']:,.0f}"
    assert cells[2] != cells[1]  # fees, commission and stage costs
    assert cells[-1] == f"{search_by_hand(40_000):,.2f}"
    assert cells[-1] != f"{res.channels['search']['marginal_roi']:,.2f}"  # not per spend
    total = next(line for line in out.splitlines() if line.startswith("│ total"))
    assert f"{res.totals['cost']:,.0f}" in total
    code, out, _ = run(capsys, "optimize", str(core_file))
    assert "spend (CNY)" in out
    assert "cost (" not in out  # cost is spend: the table is as before
