"""The wheel works outside the clone: build it, install it in a fresh venv, use it.

Offline-safe: the build and the install read uv's cache, which `make venv` filled with
every dependency; only when the cache lacks one does uv go to the index.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from simulator.about import engine_fingerprint, version

ROOT = Path(__file__).resolve().parents[1]
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
pytestmark = pytest.mark.slow


def _uv(*args: str, cwd: Path) -> None:
    """``uv ARGS`` offline first (the cache), then online if the cache lacks something."""
    assert UV, "uv is missing: run `make venv`"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run([UV, *args, "--offline"], cwd=cwd, env=env, capture_output=True)
    if done.returncode != 0:
        done = subprocess.run([UV, *args], cwd=cwd, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the repo with only the built wheel installed; its bin/."""
    work = tmp_path_factory.mktemp("wheel")
    # sdist first, then the wheel from it (uv's default): proves MANIFEST.in carries the
    # bundle, and no stale build/ folder of the clone can leak into the wheel
    _uv("build", "--out-dir", str(work / "dist"), str(ROOT), cwd=work)
    wheels = list((work / "dist").glob("adsim_budget-*-py3-none-any.whl"))
    assert len(wheels) == 1
    python = str(Path(sys.executable).resolve())
    _uv("venv", "-q", str(work / "venv"), "--python", python, cwd=work)
    _uv("pip", "install", "-q", "--python", str(work / "venv/bin/python"), str(wheels[0]), cwd=work)
    return work / "venv" / "bin"


def _run(bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command of the installed venv, from a folder that is not the repo."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    cwd = bin_dir.parent.parent
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_version_and_python_dash_m(installed: Path) -> None:
    assert _run(installed, "adsim", "--version").stdout == f"adsim {version()} (adsim-budget)\n"
    out = _run(installed, "python", "-m", "adsim", "--version").stdout
    assert out == f"adsim {version()} (adsim-budget)\n"


def test_the_wheel_carries_the_repo_files_unchanged(installed: Path) -> None:
    code = "import simulator, pathlib; print(pathlib.Path(simulator.__file__).parent)"
    package = Path(_run(installed, "python", "-c", code).stdout.strip())
    assert package.parent.name == "site-packages"  # not the clone
    bundle = package / "_bundle"
    for rel in ("app.py", ".streamlit/config.toml"):
        assert (bundle / rel).read_bytes() == (ROOT / rel).read_bytes()
    repo = sorted(p.relative_to(ROOT) for p in (ROOT / "scenarios").rglob("*.yaml"))
    shipped = sorted(p.relative_to(bundle) for p in (bundle / "scenarios").rglob("*.yaml"))
    assert shipped == repo
    assert all((bundle / p).read_bytes() == (ROOT / p).read_bytes() for p in repo)
    assert (package / "py.typed").is_file()
    for rel in ("studio/templates/report.html.j2", "studio/assets/plotly-basic.min.js"):
        assert (package / rel).read_bytes() == (ROOT / "simulator" / rel).read_bytes()
    code = "from simulator.about import engine_fingerprint as f; print(f())"
    assert _run(installed, "python", "-c", code).stdout.strip() == engine_fingerprint()


def test_validate_and_optimize_a_bundled_scenario_by_name(installed: Path) -> None:
    listed = _run(installed, "adsim", "scenarios", "--format", "json")
    assert "ecommerce_q4" in json.loads(listed.stdout)["scenarios"]
    checked = _run(installed, "adsim", "validate", "ecommerce_q4")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("ok ")
    assert "site-packages" in checked.stdout
    answer = _run(installed, "adsim", "optimize", "ecommerce_q4", "--format", "json")
    assert answer.returncode == 0, answer.stderr
    argv = ["optimize", "scenarios/ecommerce_q4.yaml", "--format", "json"]
    clone = subprocess.run(
        [sys.executable, "-m", "simulator", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert answer.stdout == clone.stdout  # the same bytes as from the clone
    missing = _run(installed, "adsim", "optimize", "no_such_scenario")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_studio_serves_from_the_wheel(installed: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    server = subprocess.Popen(
        [str(installed / "adsim"), "app", "--no-browser", "--port", str(port)],
        cwd=installed.parent.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        health = page = ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                base = f"http://127.0.0.1:{port}"
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    health = r.read().decode()
                with urllib.request.urlopen(base, timeout=5) as r:
                    page = r.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert server.poll() is None, server.stdout.read() if server.stdout else ""
        assert health == "ok"
        assert "<html" in page.lower()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
