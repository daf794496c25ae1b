"""``--storage`` text -> Optuna storage (simulator/optimize/search/storage.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import optuna
import pytest
from optuna.storages import InMemoryStorage, JournalStorage, RDBStorage

from simulator.cli import main
from simulator.optimize.search import storage as storage_module
from simulator.optimize.search.storage import database_url, journal_path, open_storage


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("journal:/tmp/a.log", "/tmp/a.log"),
        ("journal:studies.jsonl", "studies.jsonl"),  # the prefix wins over the suffix
        ("runs/studies.log", "runs/studies.log"),
        ("sqlite:///x.log", None),  # a URL is a database even when it ends .log
        ("sqlite:///x.db", None),
        ("postgresql://u@h/db", None),
        ("studies.db", None),
    ],
)
def test_journal_path(text: str, path: str | None) -> None:
    assert journal_path(text) == path


def test_postgresql_gets_the_psycopg_driver() -> None:
    assert database_url("postgresql://u:p@h:5432/db") == "postgresql+psycopg://u:p@h:5432/db"
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_postgresql_without_the_driver_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        storage_module.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "psycopg" else real(name, *a),
    )
    with pytest.raises(ValueError, match=r"adsim-budget\[postgres\]"):
        database_url("postgresql://u@h/db")


def test_each_kind_opens_its_backend(tmp_path: Path) -> None:
    assert isinstance(open_storage(None), InMemoryStorage)
    assert isinstance(open_storage(f"sqlite:///{tmp_path / 'a.db'}"), RDBStorage)
    journal = open_storage(str(tmp_path / "a.log"))
    assert isinstance(journal, JournalStorage)
    study = optuna.create_study(storage=journal, study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    again = optuna.load_study(study_name="s", storage=open_storage(f"journal:{tmp_path}/a.log"))
    assert len(again.trials) == 2  # the file holds the study


def test_search_with_a_storage_that_will_not_open_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://ads:secret@127.0.0.1:1/adsim"  # nothing listens on port 1
    argv = ["search", "ecommerce_q4", "--trials", "1", "--storage", url]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("adsim: error: --storage postgresql://ads:***@127.0.0.1:1/adsim: ")
    assert "cannot open" in err
    assert "secret" not in err
    assert "Traceback" not in err
    assert main([*argv[:-1], "journal:" + str(tmp_path / "no_dir" / "x.log")]) == 2
    assert "cannot open" in capsys.readouterr().err
