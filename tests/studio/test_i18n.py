"""Both languages hold the same labels and the same placeholders."""

from __future__ import annotations

import re

from simulator.studio.i18n import EN, ZH, t


def test_same_keys_and_placeholders() -> None:
    assert set(EN) == set(ZH)
    for key in EN:
        assert set(re.findall(r"{(\w+)}", EN[key])) == set(re.findall(r"{(\w+)}", ZH[key])), key


def test_lookup_and_fallback() -> None:
    assert t("revenue", "zh") == "GMV"
    assert t("max_variants", "en", n=4) == "Up to 4 variants."
    assert t("revenue", "fr") == "Revenue"
    assert t("no_such_key", "zh") == "no_such_key"
