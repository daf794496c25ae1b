"""Every registered response family runs the shared suite (``curve_suite.py``).

Parametrised over the registry, so a new family is tested without editing this file.
"""

from __future__ import annotations

import pytest

from simulator.model.family import Family, family_names, register
from simulator.model.schema import FAMILIES
from tests.model.curve_suite import CurveFamilySuite


class TestEveryFamily(CurveFamilySuite):
    @pytest.fixture(params=sorted(FAMILIES))
    def family(self, request: pytest.FixtureRequest) -> type[Family]:
        return FAMILIES[request.param]


def test_the_registry_holds_the_contract_families() -> None:
    assert {"hill", "exponential", "logistic", "linear", "funnel"} <= set(FAMILIES)
    for kind, family in FAMILIES.items():
        assert family.kind == kind


def test_a_family_name_is_registered_once() -> None:
    with pytest.raises(TypeError, match="'funnel' is registered twice"):
        register("funnel", FAMILIES["funnel"])
    assert family_names() == sorted(FAMILIES)
