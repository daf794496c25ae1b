"""Scenario text to compiled arrays, cached on the text's bytes and the assumption edits."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import streamlit as st

from simulator.app_pages.state import lang, show_error, show_issues
from simulator.io.errors import ScenarioError
from simulator.io.yaml_loader import LineMap, parse_yaml
from simulator.model.compiled import CompiledScenario
from simulator.studio.edits import compile_edited
from simulator.studio.i18n import t

Loaded = tuple[Any, LineMap, CompiledScenario]


@st.cache_resource(show_spinner=False, max_entries=16)
def parsed(text: str, file: str) -> tuple[Any, LineMap]:
    """Plain data and line map of a scenario text, cached on its bytes."""
    return parse_yaml(text, file)


@st.cache_resource(show_spinner=False, max_entries=64)
def compiled(text: str, file: str, edits_json: str) -> CompiledScenario:
    """The compiled scenario for a text and its assumption edits (read-only, shared)."""
    data, lines = parsed(text, file)
    return compile_edited(data, lines, file, json.loads(edits_json))


def bundled(folder: Path) -> dict[str, Path]:
    """The scenarios shipped in ``folder``, by file stem."""
    return {p.stem: p for p in sorted(folder.glob("*.y*ml"))}


def default_file(folder: Path) -> Path | None:
    """The FILE given after ``--`` to ``streamlit run``, else the first bundled scenario."""
    for arg in sys.argv[1:]:
        if arg.endswith((".yaml", ".yml")) and Path(arg).is_file():
            return Path(arg).resolve()
    files = bundled(folder)
    return files.get("ecommerce_q4") or next(iter(files.values()), None)


def load(text: str, file: str, uploaded: bool, edits: dict[str, Any]) -> Loaded | None:
    """Parse and compile (cached); a bad file or edit shows its located errors instead."""
    header = t("upload_error" if uploaded else "scenario_error", lang())
    try:
        data, lines = parsed(text, file)
        cs = compiled(text, file, json.dumps(edits, sort_keys=True))
    except ScenarioError as exc:
        show_error(header, exc)
        return None
    except RecursionError:  # an alias that contains itself (a: &a [*a]), or absurd nesting
        show_issues(header, [f"{file}: {t('too_deep', lang())}"])
        return None
    return data, lines, cs
