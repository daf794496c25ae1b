"""The docs site: every README section lands on a page, and ``mkdocs build --strict`` passes."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from simulator.model.schema import ScenarioSpec

ROOT = Path(__file__).resolve().parents[1]


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "readme_pages", ROOT / "docs/_hooks/readme_pages.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_readme_section_lands_on_exactly_one_page() -> None:
    hook = _hook()
    headings = re.findall(r"^## (.+)$", (ROOT / "README.md").read_text(), flags=re.MULTILINE)
    placed = [h for _, wanted, _ in hook.PAGES.values() for h in wanted if h != hook.INTRO]
    assert sorted(placed) == sorted(h.strip() for h in headings)


def test_the_nav_lists_every_page_and_the_architecture() -> None:
    hook = _hook()
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    in_nav = {next(iter(item.values())) for item in config["nav"]}
    assert in_nav == {*hook.PAGES, "architecture.md"}
    # the pages are generated, so no copy of README text sits in docs/
    assert not (set(hook.PAGES) & {p.name for p in (ROOT / "docs").glob("*.md")})


def test_the_schema_reference_names_every_field() -> None:
    text = _hook().schema_reference()
    schema = ScenarioSpec.model_json_schema()
    for name, model in [("ScenarioSpec", schema), *schema["$defs"].items()]:
        assert f"### {name}\n" in text
        for field in model["properties"]:
            assert f"| `{field}` |" in text, f"{name}.{field}"
    assert "| `horizon_days` | integer | default `30`, ≥ 1, ≤ 3660 |" in text
    assert "| `channels` | list of [ChannelSpec](#channelspec) | required, items ≥ 1 |" in text


def test_a_page_keeps_its_readme_sections_in_order() -> None:
    hook = _hook()
    sections = {"": "intro", "Batch runs": "see ![x](docs/studio.png)"}
    text = hook.page_text("batch.md", sections)
    assert text == "# Batch at scale\n\n## Batch runs\n\nsee ![x](studio.png)\n"


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="needs the [docs] extra")
def test_the_site_builds_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    done = subprocess.run(mkdocs, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    batch = (site / "batch/index.html").read_text()
    assert "--scheduler" in batch
    cli = (site / "cli/index.html").read_text()
    assert "adsim batch" in cli
    assert "--search-trials" in cli
    assert (site / "architecture/index.html").exists()
    assert (site / "studio.png").exists()
