"""The registry: one entry per kind, picked by suffix; unknown suffixes are exit 2 everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.exports import PLAN_KINDS
from simulator.exports.front import FRONT_KINDS
from simulator.exports.registry import ExportKind, Registry
from simulator.exports.search import SEARCH_KINDS
from simulator.io.errors import UsageError


def _kind(name: str, *suffixes: str) -> ExportKind[str]:
    return ExportKind(name, suffixes, "text/plain", name.upper(), lambda s: s.encode())


def test_a_kind_is_picked_by_suffix_in_any_case() -> None:
    reg = Registry("note", [_kind("txt", ".txt", ".text"), _kind("md", ".md")])
    assert reg.for_path("a/b/NOTE.TXT").name == "txt"
    assert reg.for_path("x.text").name == "txt"
    assert reg.for_path("x.md").suffix == ".md"
    assert [k.name for k in reg] == ["txt", "md"]
    assert len(reg) == 2
    assert reg.suffixes == [".md", ".text", ".txt"]


@pytest.mark.parametrize("kind", [_kind("txt", ".rst"), _kind("rst", ".txt"), _kind("none")])
def test_a_taken_name_or_suffix_or_none_is_refused(kind: ExportKind[str]) -> None:
    reg = Registry("note", [_kind("txt", ".txt")])
    with pytest.raises(ValueError, match="name or suffix taken"):
        reg.register(kind)


@pytest.mark.parametrize("path", ["plan.docx", "plan", "plan.csv.bak"])
def test_an_unknown_suffix_names_the_flag_the_path_and_every_allowed_one(path: str) -> None:
    with pytest.raises(UsageError) as caught:
        PLAN_KINDS.for_path(path, "--out")
    message = str(caught.value)
    assert message.startswith(f"--out: {path}: unknown export type '")
    assert message.endswith("a plan is written as .csv, .json, .parquet, .xlsx, .yaml, .yml")
    assert ("'(none)'" in message) == (path == "plan")


def test_the_registries_of_search_and_front() -> None:
    assert SEARCH_KINDS.suffixes == [".csv", ".html", ".json", ".xlsx", ".yaml", ".yml"]
    assert FRONT_KINDS.suffixes == [".csv", ".html", ".json", ".xlsx"]
    assert all(k.mime and k.label for reg in (PLAN_KINDS, SEARCH_KINDS, FRONT_KINDS) for k in reg)


def test_a_failed_render_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    def broken(_: str) -> bytes:
        raise RuntimeError("render failed")

    reg = Registry("note", [ExportKind("txt", (".txt",), "text/plain", "Text", broken)])
    target = tmp_path / "note.txt"
    target.write_text("old\n")
    with pytest.raises(RuntimeError, match="render failed"):
        reg.write(target, "new")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["note.txt"]


@pytest.mark.parametrize(
    ("command", "extra"),
    [("optimize", []), ("search", ["--trials", "1"]), ("pareto", ["--points", "2"])],
)
def test_every_out_flag_refuses_an_unknown_suffix_before_any_work(
    command: str,
    extra: list[str],
    tmp_path: Path,
    core_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "front.docx"
    assert main([command, str(core_file), *extra, "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"--out: {target}: unknown export type '.docx'" in err
    assert "Traceback" not in err
    assert list(out.iterdir()) == []  # nothing written, no study database either
