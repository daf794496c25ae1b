"""Slider-to-numbers time of the what-if studio on the default scenario.

Two figures, each the median of repeats:
- library path: what one slider move costs the app's Python (cached compiled scenario ->
  compare() of the baseline and two variants -> the numbers on the KPI cards);
- page rerun: AppTest sets the slider and reruns the whole page (widgets, cards and the
  open chart tab): the script's own time (what the server spends before the browser
  has every new element) and AppTest's wall time (its own overhead included).
Then the mean time of each page section per rerun (``app_pages/sections.py``).
The target is 100 ms for the numbers to update. The machine's load is printed: on a
shared machine the figures move with it.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from simulator.app_pages.sections import SECTIONS_KEY
from simulator.model.load import load_scenario
from simulator.studio.compare import compare
from simulator.studio.variants import Variant

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "ecommerce_q4.yaml"
REPEATS, TARGET_MS = 21, 100.0


def library_ms() -> float:
    cs = load_scenario(DEFAULT)  # the app caches this; a slider move does not recompile
    plan = {
        cid: float(s)
        for cid, s in zip(cs.channel_ids, cs.channel_sum(cs.current.spend), strict=True)
    }
    variants = [Variant("shift", "baidu_search", "douyin_feed", 20), Variant("scale", percent=30)]
    times = []
    for i in range(REPEATS):
        plan["baidu_search"] = 1_000_000.0 + 1_000.0 * i
        t0 = time.perf_counter()
        compare(cs, plan, variants)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def page_ms() -> tuple[float, float, dict[str, float]]:
    """Script and wall medians of a slider rerun; each section's mean ms per rerun."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.button(key="v_add").click().run()  # one variant, as a user comparing would have
    at.session_state[SECTIONS_KEY] = {}
    times, script = [], []
    for i in range(REPEATS):
        slider = at.slider(key="sl_baidu_search").set_value(1_000_000.0 + 1_000.0 * (i % 2))
        t0 = time.perf_counter()
        slider.run()
        times.append((time.perf_counter() - t0) * 1e3)
        assert not at.exception
        script.append(float(at.session_state["_run_ms"]))
    runs = at.session_state[SECTIONS_KEY]
    sections = {path: r.ms / REPEATS for path, r in runs.items()}
    return statistics.median(script), statistics.median(times), sections


def main() -> None:
    lib, (script, wall, sections) = library_ms(), page_ms()
    load = os.getloadavg()[0]
    print(f"studio slider -> numbers, default scenario, median of {REPEATS} (load {load:.1f}):")
    print(f"  library path (compare baseline + 2 variants): {lib:8.2f} ms")
    print(f"  page script rerun (1 variant, curves tab):    {script:8.1f} ms")
    print(f"  AppTest wall time of the same rerun:          {wall:8.1f} ms")
    verdict = "met" if script < TARGET_MS else "MISSED"
    print(f"  target {TARGET_MS:.0f} ms for the page script: {verdict}")
    print("  where a rerun's time goes (mean ms; AppTest reruns the whole page, a browser's")
    print("  slider move only the whatif fragment):")
    for path, ms in sorted(sections.items(), key=lambda kv: -kv[1]):
        print(f"    {path:45s} {ms:7.1f}")


if __name__ == "__main__":
    main()
