"""A registered kind reaches every writer: the batch's run files and the studio's buttons."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulator import evaluate, load_scenario
from simulator.cli import main
from simulator.exports import PLAN_KINDS, ExportKind, PlanExport, Registry
from simulator.exports.studio import export
from simulator.io.yaml_loader import read_yaml
from simulator.studio.i18n import t
from tests.batch.conftest import scenario_text
from tests.exports.test_plan_kinds import read_csv, read_parquet
from tests.studio.conftest import DEFAULT
from tests.studio.test_app_links import APP


def test_the_batch_writes_every_kind_per_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "brand.yaml"
    scenario.write_text(scenario_text("brand") + "sweep:\n  budget.total: [200000, 300000]\n")
    out = tmp_path / "out"
    assert main(["batch", str(scenario), "--out", str(out), "--runs", "5", "--quiet"]) == 0
    capsys.readouterr()
    stems = sorted({p.stem for p in (out / "runs").iterdir()})
    assert len(stems) == 2
    for stem in stems:
        files = sorted(p.suffix for p in (out / "runs").glob(f"{stem}.*"))
        assert files == sorted(k.suffix for k in PLAN_KINDS)
        data = {s: (out / "runs" / f"{stem}{s}").read_bytes() for s in (".csv", ".parquet")}
        assert read_parquet(data[".parquet"], out) == read_csv(data[".csv"], out)
    assert not list(out.rglob("*.adsim-tmp"))


def test_the_studios_parquet_download_is_its_csv() -> None:
    q4 = load_scenario(DEFAULT)
    data, _lines = read_yaml(DEFAULT)
    result = evaluate(q4, {"baidu_search": 0.2, "douyin_feed": 9e5})  # ROI shown as "–"
    parquet = read_parquet(export(q4, result, "parquet", "", data, {}), Path())
    assert parquet == read_csv(export(q4, result, "csv", "", data, {}), Path())
    assert parquet["baidu_search"]["roi"] is None  # as the card shows it


def _labels(app: AppTest) -> list[str]:
    return [b.proto.label for b in app.get("download_button")]


def test_the_studio_lays_out_one_button_per_registered_kind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception
    assert _labels(app) == [*(t(k.name) for k in PLAN_KINDS), t("report")]

    def render(plan: PlanExport) -> bytes:
        return plan.result.scenario.encode()

    more = Registry("plan", [*PLAN_KINDS, ExportKind("txt", (".txt",), "text/plain", "", render)])
    monkeypatch.setattr("simulator.app_pages.downloads.PLAN_KINDS", more)
    app.run()
    assert not app.exception
    assert _labels(app)[-2:] == ["txt", t("report")]  # a fifth kind: no strict zip to break
    assert len(_labels(app)) == len(PLAN_KINDS) + 2
