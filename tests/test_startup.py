"""What `adsim validate` and `adsim evaluate` import (issue 20 item 4: start-up < 0.4 s).

Wall time is too noisy on a shared machine to test; the imports are not. Each command
runs in a fresh interpreter and must not load the heavy libraries it does not use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios" / "ecommerce_q4.yaml")
HEAVY = ("scipy", "optuna", "dask", "plotly", "streamlit", "pandas", "simpy", "rich")
PROBE = """
import contextlib, io, json, sys
from simulator.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
print(json.dumps({"code": code, "heavy": heavy}))
"""


def _imports(*argv: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,), *argv],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    result: dict[str, object] = json.loads(out.splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "argv", [("validate", SCENARIO), ("evaluate", SCENARIO, "--format", "json")]
)
def test_light_commands_leave_the_heavy_libraries_unloaded(argv: tuple[str, ...]) -> None:
    assert _imports(*argv) == {"code": 0, "heavy": []}


def test_version_is_read_only_when_asked() -> None:
    probe = subprocess.run(
        [sys.executable, "-m", "simulator", "--version"], capture_output=True, text=True
    )
    assert probe.returncode == 0
    assert probe.stdout.startswith("adsim ")
    assert probe.stdout.endswith(" (adsim-budget)\n")


def test_the_public_names_still_load_on_demand() -> None:
    import simulator

    assert callable(simulator.load_scenario)
    assert issubclass(simulator.ScenarioError, ValueError)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = simulator.nope  # type: ignore[attr-defined]  # the unknown name under test
