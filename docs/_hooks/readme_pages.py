"""MkDocs hook: the site's pages are cut from README.md at build time, never copied.

The README stays the one source of the text (it is also the package's front page on the
index); each page below takes whole ``## `` sections from it, and two pages add reference
generated from the code: the scenario fields from the pydantic schema and each command's
``--help`` from the CLI's parser. ``tests/test_docs.py`` fails when a README section lands
on no page, and builds the site with ``--strict``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

README = Path(__file__).resolve().parents[2] / "README.md"
INTRO = ""  # the README's text before its first section

# page -> (title, README sections in page order, generated reference or None)
PAGES: dict[str, tuple[str, list[str], str | None]] = {
    "index.md": ("adsim", [INTRO], None),
    "quick-start.md": (
        "Quick start",
        [
            "Two commands",
            "Install without the clone",
            "Ten lines of scenario, one command",
            "Bundled scenarios",
        ],
        None,
    ),
    "scenario-format.md": (
        "Scenario format",
        ["Definitions", "Response families", "What the scenario reader accepts"],
        "schema",
    ),
    "cli.md": ("Command line", ["Commands", "Splits and exports", "Replanning mid-flight"], "cli"),
    "python-api.md": ("Python API", ["Python"], None),
    "studio.md": ("Studio", ["The what-if studio"], None),
    "simulation.md": ("Simulation", ["Simulation"], None),
    "batch.md": ("Batch at scale", ["Batch runs"], None),
    "proof.md": (
        "How the optimiser proves its answer",
        ["How it works", "What is proven, what is bounded, and how it is checked", "Speed"],
        None,
    ),
}


def readme_sections(text: str) -> dict[str, str]:
    """``{heading: body}`` for each ``## `` section; the intro (title dropped) under ``""``."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    intro = re.sub(r"\A# .*\n", "", parts[0]).strip()
    sections = {INTRO: intro}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[heading.strip()] = body.strip()
    return sections


def _relink(markdown: str) -> str:
    """README links into docs/ become links within the site."""
    return markdown.replace("](docs/", "](")


def page_text(page: str, sections: dict[str, str]) -> str:
    """The page's markdown: its title, its README sections, then any generated reference."""
    title, wanted, generated = PAGES[page]
    body = [f"# {title}"]
    for heading in wanted:
        if heading == INTRO:
            body.append(sections[INTRO])
        else:
            body.append(f"## {heading}\n\n{sections[heading]}")
    if generated:
        body.append(GENERATORS[generated]())
    return _relink("\n\n".join(body)) + "\n"


def _type_of(prop: dict[str, Any]) -> str:
    """A JSON-schema property as a short type: ``number``, ``list of ChannelSpec``, ..."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "anyOf" in prop or "oneOf" in prop:
        options = [p for p in prop.get("anyOf", prop.get("oneOf", [])) if p.get("type") != "null"]
        return " or ".join(_type_of(p) for p in options)
    if prop.get("type") == "array":
        return f"list of {_type_of(prop.get('items', {}))}"
    if prop.get("type") == "object" and "additionalProperties" in prop:
        return f"map to {_type_of(prop['additionalProperties'] or {})}"
    return str(prop.get("type", "any"))


BOUNDS = {
    "ge": "≥",
    "gt": ">",
    "le": "≤",
    "lt": "<",
    "minimum": "≥",
    "maximum": "≤",
    "exclusiveMinimum": ">",
    "exclusiveMaximum": "<",
    "minLength": "length ≥",
    "maxLength": "length ≤",
    "minItems": "items ≥",
    "maxItems": "items ≤",
}


def _rules(prop: dict[str, Any], required: bool) -> str:
    rules = ["required"] if required else [f"default `{prop.get('default')!r}`"]
    rules += [f"{sign} {prop[key]}" for key, sign in BOUNDS.items() if key in prop]
    if "pattern" in prop:
        rules.append(f"matches `{prop['pattern']}`")
    return ", ".join(rules)


def _table(name: str, model: dict[str, Any]) -> str:
    rows = [f"### {name}", "", "| field | type | rules |", "| --- | --- | --- |"]
    required = set(model.get("required", []))
    for field, prop in model.get("properties", {}).items():
        rows.append(f"| `{field}` | {_type_of(prop)} | {_rules(prop, field in required)} |")
    return "\n".join(rows)


def schema_reference() -> str:
    """Every field the reader accepts, from ``ScenarioSpec``'s JSON schema (so it cannot drift)."""
    from simulator.model.schema import ScenarioSpec

    schema = ScenarioSpec.model_json_schema()
    tables = [_table("ScenarioSpec", schema)]
    tables += [_table(name, model) for name, model in sorted(schema.get("$defs", {}).items())]
    intro = "## Every field\n\nGenerated from the reader's schema (`simulator/model/schema.py`)."
    return "\n\n".join([intro, *tables])


def cli_reference() -> str:
    """Each command's ``--help``, from the parser ``adsim`` itself uses."""
    from simulator.cli import build_parser

    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: fix it for the page
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]  # argparse has no public way
    blocks = ["## Every command's help", "", "```text", parser.format_help().rstrip(), "```"]
    for name, sub in getattr(actions[0], "choices", {}).items():
        blocks += ["", f"### adsim {name}", "", "```text", sub.format_help().rstrip(), "```"]
    return "\n".join(blocks)


GENERATORS: dict[str, Callable[[], str]] = {"schema": schema_reference, "cli": cli_reference}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the pages cut from the README to the site's files (nothing is written to docs/)."""
    sections = readme_sections(README.read_text(encoding="utf-8"))
    for page in PAGES:
        files.append(File.generated(config, page, content=page_text(page, sections)))
    return files
