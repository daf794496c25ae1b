"""The installation's name, version and engine fingerprint (simulator/about.py)."""

from __future__ import annotations

import hashlib
import re
import shutil
from importlib import metadata
from pathlib import Path

import pytest

import simulator
from simulator import about
from simulator.cli import main

PACKAGE = Path(simulator.__file__).resolve().parent


def test_version_flag_prints_the_installed_distribution(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    expected = metadata.version("adsim-budget")
    assert capsys.readouterr().out == f"adsim {expected} (adsim-budget)\n"


def test_fingerprint_is_version_plus_digest_of_the_engine_source() -> None:
    fingerprint = about.engine_fingerprint()
    assert re.fullmatch(r"[0-9][0-9a-z.]*\+[0-9a-f]{16}", fingerprint)
    assert fingerprint.split("+")[0] == about.version()
    # recomputed by hand: sorted relative paths and bytes, NUL separated
    digest = hashlib.sha256()
    for entry in ("model", "expected.py", "optimize", "simulate"):
        root = PACKAGE / entry
        for file in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(file.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    assert fingerprint.endswith("+" + digest.hexdigest()[:16])


def _copy_engine(target: Path) -> Path:
    for entry in (*about.ENGINE_SOURCES, "commands"):
        source = PACKAGE / entry
        if source.is_dir():
            shutil.copytree(source, target / entry, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, target / entry)
    return target


def test_digest_moves_with_an_engine_edit_and_not_with_other_code(tmp_path: Path) -> None:
    package = _copy_engine(tmp_path / "simulator")
    before = about.source_digest(package)
    assert before == about.source_digest(PACKAGE)  # location does not matter
    (package / "commands" / "optimize.py").write_text("# an interface edit\n")
    assert about.source_digest(package) == before
    curves = package / "model" / "curves.py"
    curves.write_bytes(curves.read_bytes() + b"\n# an engine edit\n")
    assert about.source_digest(package) != before
    (package / "simulate" / "extra.py").write_text("X = 1\n")  # a new engine file counts
    edited = about.source_digest(package)
    (package / "simulate" / "extra.py").unlink()
    assert edited != about.source_digest(package)
