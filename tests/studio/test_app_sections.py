"""What a slider move reruns and recomputes: the page's sections and the engine's calls.

AppTest reruns the whole script on every interaction, so these tests check what the
browser relies on: every section that reads the plan runs inside the ``whatif`` fragment
(a browser's slider move reruns only that; ``tests/e2e`` checks it on a real server) and
the sidebar's sections outside it; a slider move recompiles nothing and samples only the
moved channel's curve; and the cards still show the engine's numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulator.api import evaluate
from simulator.app_pages import charts, loading
from simulator.app_pages.sections import SECTIONS_KEY, SectionRuns
from simulator.model.load import load_scenario
from simulator.studio import format as fmt

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PLAN_SECTIONS = {"variants", "recommendation", "comparison", "plan", "table", "charts"}
PLAN_SECTIONS |= {"downloads", "share"}


def _runs(app: AppTest) -> dict[str, SectionRuns]:
    runs: dict[str, SectionRuns] = app.session_state[SECTIONS_KEY]
    return runs


def test_what_reads_the_plan_runs_inside_the_fragment(at: AppTest) -> None:
    runs = _runs(at)
    inside = {path.split("/")[-1] for path in runs if "/whatif/" in path}
    assert inside >= PLAN_SECTIONS, PLAN_SECTIONS - inside
    # the sidebar's edits and the calibration rerun the whole page, outside the fragment
    assert "section_page/assumptions" in runs
    assert "section_page/history" in runs
    assert not any("whatif" in path for path in runs if path.endswith(("assumptions", "history")))
    assert runs["section_page/whatif/plan"].runs == 1
    assert runs["section_page/whatif"].ms <= runs["section_page"].ms


def test_a_slider_move_recomputes_only_what_it_changes(
    at: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No recompile, and one sampled curve (the moved channel's grid may grow); the cards
    are the engine's numbers for the new plan, and the page drew on to the charts."""
    compiled, sampled = [], []
    real_compile, real_sample = loading.compile_edited, charts.sample_alone
    monkeypatch.setattr(
        loading, "compile_edited", lambda *a: compiled.append(a) or real_compile(*a)
    )
    monkeypatch.setattr(
        charts, "sample_alone", lambda cs, cid, up: sampled.append(cid) or real_sample(cs, cid, up)
    )
    before = {path: r.runs for path, r in _runs(at).items()}
    at.slider(key="sl_affiliate").set_value(170_000.0).run()
    assert not at.exception, [e.value for e in at.exception]
    assert compiled == []
    assert set(sampled) <= {"affiliate"}
    after = _runs(at)
    for section in ("table", "charts", "downloads", "share"):
        path = next(p for p in after if p.endswith(f"whatif/{section}") or p.endswith(section))
        assert after[path].runs == before[path] + 1, section
    q4 = load_scenario(ROOT / "scenarios" / "ecommerce_q4.yaml")
    plan = {**evaluate(q4).allocation, "affiliate": 170_000.0}
    assert at.metric[1].value == fmt.metric("revenue", evaluate(q4, plan).totals["revenue"])
