"""The bundled default scenario, compiled once for the studio's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.io.yaml_loader import LineMap, read_yaml
from simulator.model.compiled import CompiledScenario
from simulator.model.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "scenarios" / "ecommerce_q4.yaml"


@pytest.fixture(scope="session")
def q4() -> CompiledScenario:
    return load_scenario(DEFAULT)


@pytest.fixture(scope="session")
def q4_data() -> tuple[dict, LineMap]:
    data, lines = read_yaml(DEFAULT)
    return data, lines


@pytest.fixture
def q4_plan(q4: CompiledScenario) -> dict[str, float]:
    return {
        "baidu_search": 1_200_000.0,
        "douyin_feed": 900_000.0,
        "xiaohongshu_notes": 400_000.0,
        "affiliate": 180_000.0,
        "kol_posts": 320_000.0,
    }
