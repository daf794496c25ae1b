"""Share links: encode then decode gives the same comparison; bad parts are reported."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.studio.share import ShareState, decode, encode, number_text
from simulator.studio.variants import SCALE_PERCENT, SHIFT_PERCENT, Variant, plan_variant

ids = st.from_regex(r"[a-z0-9_]{1,12}", fullmatch=True)
money = st.floats(0, 1e9, allow_nan=False, allow_infinity=False)
shift_pct = st.floats(*SHIFT_PERCENT)  # the ranges the variant form offers
scale_pct = st.floats(*SCALE_PERCENT)
variant = st.one_of(
    st.builds(lambda a, b, p: Variant("shift", a, b, p), ids, ids, shift_pct),
    st.builds(lambda p: Variant("scale", percent=p), scale_pct),
    st.just(Variant("optimize")),
    st.builds(plan_variant, st.dictionaries(ids, money, max_size=4)),
)


@given(
    plan=st.dictionaries(ids, money, max_size=6),
    variants=st.lists(variant, max_size=4),
    edits=st.dictionaries(st.sampled_from(["budget.total", "targets.roi_min"]), money),
    lang=st.sampled_from(["en", "zh"]),
)
def test_round_trip(plan, variants, edits, lang) -> None:
    state = ShareState("ecommerce_q4", plan, tuple(variants), edits, lang)
    back = decode(encode(state))
    assert back == state


def test_readable_form() -> None:
    state = ShareState(
        "ecommerce_q4",
        {"baidu_search": 1_200_000.0, "douyin_feed": 0.5},
        (Variant("shift", "baidu_search", "douyin_feed", 20), Variant("optimize")),
        {"targets.cac_max": None},
        "zh",
    )
    assert encode(state) == {
        "scenario": "ecommerce_q4",
        "lang": "zh",
        "plan": "baidu_search:1200000,douyin_feed:0.5",
        "v": "shift:baidu_search:douyin_feed:20;optimize",
        "edit": "targets.cac_max:none",
    }
    assert number_text(1.2e6) == "1200000"


def test_bad_parts_are_skipped_and_named() -> None:
    state = decode({"plan": "a:1,b:x,:3", "v": "shift:a:b;scale:nan;warp;scale:10", "lang": "fr"})
    assert state.plan == {"a": 1.0}
    assert state.variants == (Variant("scale", percent=10.0),)
    assert state.lang == "en"
    assert any(p.part == "b:x" for p in state.problems)
    assert any(p.part == "warp" for p in state.problems)
    assert any(p.part == "fr" and p.param == "lang" for p in state.problems)
    assert len(state.problems) == 6


def test_at_most_four_variants() -> None:
    state = decode({"v": ";".join(["optimize"] * 6)})
    assert len(state.variants) == 4
    assert state.problems
