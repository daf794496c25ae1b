"""Where the studio and the bundled scenarios live: the repo's root or the installed wheel.

The repo keeps ``app.py``, ``.streamlit/config.toml`` and ``scenarios/`` at its root, where
the README, the contract and the tests name them. The wheel cannot ship files outside its
packages, so the build (``setup.py``) copies them into ``simulator/_bundle/`` with the same
layout: the studio's relative paths hold in both places, and there is one source of truth
in the repo (nothing to drift). An editable install has no ``_bundle`` and reads the root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def bundle_root() -> Path:
    """The folder holding ``app.py``, ``.streamlit/`` and ``scenarios/``."""
    installed = _PACKAGE / "_bundle"
    return installed if installed.is_dir() else _PACKAGE.parent


def scenarios_dir() -> Path:
    return bundle_root() / "scenarios"


def bundled_scenarios() -> dict[str, Path]:
    """Every bundled scenario by name: ``ecommerce_q4``, ``batch/beauty_q4``, sorted."""
    root = scenarios_dir()
    found = sorted(root.rglob("*.yaml")) if root.is_dir() else []
    return {p.relative_to(root).with_suffix("").as_posix(): p for p in found}


def scenario_arg(text: str) -> str:
    """A FILE argument: the file when it exists, else the bundled scenario of that name.

    ``ecommerce_q4`` and ``ecommerce_q4.yaml`` both name the bundled one when no such file
    is here; anything else comes back unchanged, so a missing file fails as before.
    """
    if Path(text).exists():
        return text
    found = bundled_scenarios().get(text.removesuffix(".yaml").removesuffix(".yml"))
    return str(found) if found is not None else text


SCENARIO_HELP = "scenario YAML, or a bundled scenario's name (see `adsim scenarios`)"
