"""adsim report and adsim app from the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.api import evaluate
from simulator.cli import main
from simulator.commands import app as app_command
from tests.studio.conftest import DEFAULT


def test_report_writes_one_html_file(tmp_path: Path, q4) -> None:
    out = tmp_path / "r.html"
    code = main(
        [
            "report",
            str(DEFAULT),
            "--variant",
            "shift:baidu_search:douyin_feed:20",
            "--variant",
            "scale:30",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert f"¥{evaluate(q4).totals['revenue']:,.0f}" in page  # formatted by hand, not by fmt
    assert "Move 20% from Baidu search" in page
    assert "Budget +30%" in page
    assert not re.search(r"<script[^>]*\bsrc=", page)


def test_report_with_a_split_file(tmp_path: Path, q4) -> None:
    split = tmp_path / "s.yaml"
    split.write_text("allocation: {baidu_search: 500000, affiliate: 240000}\n", encoding="utf-8")
    out = tmp_path / "r.html"
    assert (
        main(
            [
                "report",
                str(DEFAULT),
                "--split",
                str(split),
                "--variant",
                "scale:0",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    revenue = evaluate(q4, {"baidu_search": 500_000, "affiliate": 240_000}).totals["revenue"]
    assert f"¥{revenue:,.0f}" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--variant", "shift:baidu_search:nowhere:20"], "unknown channel"),
        (["--variant", "warp:9"], "cannot read variant"),
    ],
)
def test_report_bad_variants_exit_2(tmp_path: Path, capsys, argv, message) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(DEFAULT), *argv, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_report_bad_scenario_is_located(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nbudget: {total: -1}\nchannels: []\n", encoding="utf-8")
    assert main(["report", str(bad), "--out", str(tmp_path / "r.html")]) == 2
    assert f"{bad}:2: budget.total" in capsys.readouterr().err


def test_app_command_line(monkeypatch, capsys) -> None:
    calls = []
    monkeypatch.setattr(app_command.subprocess, "call", lambda cmd, cwd: calls.append(cmd) or 0)
    assert main(["app", str(DEFAULT), "--port", "8599", "--no-browser"]) == 0
    (cmd,) = calls
    assert cmd[1:4] == ["-m", "streamlit", "run"]
    assert Path(cmd[4]) == app_command.REPO / "app.py"
    assert Path(cmd[4]).is_file()
    assert cmd[cmd.index("--server.port") + 1] == "8599"
    assert cmd[cmd.index("--server.headless") + 1] == "true"
    assert cmd[cmd.index("--client.showErrorDetails") + 1] == "false"  # no traceback shown
    assert cmd[-2:] == ["--", str(DEFAULT.resolve())]
    assert "http://127.0.0.1:8599" in capsys.readouterr().out


def test_app_refuses_a_bad_file_before_starting(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(app_command.subprocess, "call", lambda *a, **k: pytest.fail("started"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    assert main(["app", str(bad)]) == 2
    assert "bad.yaml" in capsys.readouterr().err
