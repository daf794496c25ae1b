"""The JSON Schema of scenarios (issue 18.5): complete, valid, and as strict as it can be."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from simulator.cli import main
from simulator.io.yaml_loader import read_yaml
from simulator.model.json_schema import DIALECT, scenario_schema, undescribed
from simulator.model.schema_docs import DESCRIPTIONS
from tests.conftest import CORE_SCENARIO, ROOT
from tests.model.test_validate import CASES, with_line

SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))
# Rules across fields or outside JSON: only `adsim validate` (checks.py) can state them.
ONLY_VALIDATE = {"nan", "min above max", "minimums above budget", "duplicate id"}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_every_field_has_a_description() -> None:
    schema = scenario_schema()
    assert schema["$schema"] == DIALECT
    assert undescribed(schema) == []
    assert schema["properties"]["channels"]["description"]


def test_every_description_names_a_field_that_exists() -> None:
    schema = scenario_schema()
    models = {"ScenarioSpec": schema, **schema["$defs"]}
    for model, fields in DESCRIPTIONS.items():
        assert model in models, model
        assert set(fields) <= set(models[model]["properties"]), model


def test_a_missing_description_is_found() -> None:
    schema = scenario_schema()
    del schema["$defs"]["HillSpec"]["properties"]["shape"]["description"]
    assert undescribed(schema) == ["HillSpec.shape"]


def test_ranges_reach_the_schema() -> None:
    budget = scenario_schema()["$defs"]["BudgetSpec"]["properties"]["total"]
    assert (budget["minimum"], budget["maximum"]) == (1e-6, 1e12)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_bundled_scenario_is_valid(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    data, _ = read_yaml(path)  # dates stay text, as an editor's YAML reads them
    assert [e.message for e in validator.iter_errors(data)] == []


def test_the_scenario_set_is_not_empty() -> None:
    assert len(SCENARIOS) >= 9


@pytest.mark.parametrize(("what", "old", "new", "expected"), CASES, ids=[c[0] for c in CASES])
def test_located_error_cases_are_rejected(
    what: str,
    old: str,
    new: str,
    expected: str,
    validator: jsonschema.Draft202012Validator,
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(with_line(CORE_SCENARIO, old, new), "utf-8")
    data, _ = read_yaml(path)
    errors = list(validator.iter_errors(data))
    if what in ONLY_VALIDATE:
        assert errors == []  # shape is fine; adsim validate reports the rule
    else:
        assert errors, f"{what}: {expected}"
        # the editor points at the same field validate names (or the mapping holding it)
        where = ".".join(str(p) for p in errors[0].absolute_path)
        field = re.sub(r"\[(\d+)\]", r".\1", expected.split(": ")[1])
        assert field.startswith(where), (where, field)


def test_the_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == json.loads(json.dumps(scenario_schema()))


SCHEMA_FILE = ROOT / "scenarios" / "adsim.schema.json"
MODELINE = "# yaml-language-server: $schema="


def test_the_shipped_schema_file_is_what_adsim_schema_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Editors read scenarios/adsim.schema.json; it must not drift from the model.

    After changing the scenario model: `adsim schema > scenarios/adsim.schema.json`.
    """
    assert main(["schema"]) == 0
    assert SCHEMA_FILE.read_text(encoding="utf-8") == capsys.readouterr().out


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_bundled_scenario_names_the_schema_on_its_first_line(path: Path) -> None:
    """The modeline resolves (relative to the scenario, as the YAML extension reads it) to
    the shipped schema, which validates the scenario."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE), first
    target = (path.parent / first.removeprefix(MODELINE).strip()).resolve()
    assert target == SCHEMA_FILE.resolve()
    schema = json.loads(target.read_text(encoding="utf-8"))
    data, _ = read_yaml(path)  # dates stay text, as an editor reads them
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors == []
