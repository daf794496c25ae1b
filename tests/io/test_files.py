"""The one atomic write: whole file or nothing, 0666 minus the umask, no temp left, durable."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.io.files import atomic_write


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_text_and_bytes_land_whole_with_mode_0644(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a.txt", "名字\n")
    atomic_write(tmp_path / "sub" / "b.bin", b"\x00\x01", durable=False)
    assert (tmp_path / "a.txt").read_bytes() == "名字\n".encode()
    assert (tmp_path / "sub" / "b.bin").read_bytes() == b"\x00\x01"
    assert _mode(tmp_path / "a.txt") == _mode(tmp_path / "sub" / "b.bin") == 0o644
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "b.bin", "sub"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("old\n")

    def broken(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


@pytest.mark.usefixtures("umask_022")
def test_exports_and_calibrated_scenarios_are_0644(
    tmp_path: Path, core_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import ROOT

    out = tmp_path / "rec.json"
    assert main(["optimize", str(core_file), "--out", str(out)]) == 0
    history = ROOT / "scenarios" / "sample_history.csv"
    fitted = tmp_path / "fitted.yaml"
    assert main(["calibrate", str(history), "--out", str(fitted), "--resamples", "5"]) == 0
    capsys.readouterr()
    assert _mode(out) == _mode(fitted) == 0o644  # calibrate used to write 0600


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_the_mode_is_0666_minus_the_umask_as_for_a_plain_open(
    tmp_path: Path, umask: int, mode: int
) -> None:
    old = os.umask(umask)
    try:
        atomic_write(tmp_path / "plan.csv", "a\n")
        with (tmp_path / "plain.csv").open("w") as f:
            f.write("a\n")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "plan.csv") == _mode(tmp_path / "plain.csv") == mode


def test_a_write_that_fails_midway_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("old\n")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, "new\n" * 1000)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_durable_writes_fsync_the_file_and_then_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bool] = []  # is_dir of each fsynced descriptor, in order
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    atomic_write(tmp_path / "a.txt", "x")
    assert synced == [False, True]
    atomic_write(tmp_path / "b.txt", "x", durable=False)
    assert synced == [False, True]  # the batch's run files: no fsync at all
