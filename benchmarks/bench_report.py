"""The HTML report: its size and how long headless Chromium takes to draw every figure.

Usage: .venv/bin/python benchmarks/bench_report.py [SCENARIO] [--shots DIR]

Builds the report of the optimiser's daily plan with a 500-run simulation in English and
Chinese, opens each from disk (file://, no network) and times navigation until the first
screen's figures are drawn (opened), then until every figure is; ``--shots`` writes
full-page PNGs (docs/report_en.png, ...).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from simulator import load_scenario, optimize, simulate
from simulator.model.split import as_split
from simulator.studio.compare import compare
from simulator.studio.report import build_report
from simulator.studio.variants import Variant

CHROMIUM = Path("/usr/bin/chromium")
VISIBLE_DRAWN = """() => Array.from(document.querySelectorAll('.fig'))
  .filter(el => el.getBoundingClientRect().top < window.innerHeight)
  .every(el => el.querySelector('.main-svg'))"""


def pages(path: str) -> dict[str, str]:
    cs = load_scenario(path)
    rec = optimize(cs, plan="daily")
    sim = simulate(cs, rec.split, runs=500, seed=7)
    spend = cs.channel_sum(as_split(cs, None).spend)
    base = {cid: float(spend[j]) for j, cid in enumerate(cs.channel_ids)}
    columns = compare(cs, base, [Variant("optimize")], rec)
    return {lang: build_report(cs, columns, lang, rec, sim) for lang in ("en", "zh")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?", default="scenarios/ecommerce_q4.yaml")
    ap.add_argument("--shots", metavar="DIR")
    args = ap.parse_args()
    built = pages(args.scenario)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        for lang, html in built.items():
            path = Path(tmp) / f"report_{lang}.html"
            path.write_text(html, "utf-8")
            figures = html.count('class="fig"')
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            start = time.perf_counter()
            page.goto(path.as_uri())
            # opened: the text laid out and the figures in the first screen drawn
            page.wait_for_function(VISIBLE_DRAWN, polling=20)
            opened = time.perf_counter() - start
            page.evaluate("window.adsimDrawAll()")
            page.wait_for_function(
                f"document.querySelectorAll('.fig .main-svg').length >= {figures}", polling=20
            )
            drawn = time.perf_counter() - start
            size = len(html.encode()) / 1e6
            print(
                f"{lang}: {size:.2f} MB; opened in {opened:.2f} s;"
                f" all {figures} figures drawn in {drawn:.2f} s"
            )
            if args.shots:
                page.screenshot(path=str(Path(args.shots) / f"report_{lang}.png"), full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
