"""Share links: encode then decode gives the same comparison; bad parts are reported."""

from __future__ import annotations

import math

import pytest
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


# Each bad part alone: (query, parameter, the part as written, why, what survives).
BAD_PARTS = [
    ({"v": "shift:nope"}, "v", "shift:nope", "link_shift_form"),
    ({"v": "shift::b:20"}, "v", "shift::b:20", "link_shift_form"),
    ({"v": "shift:a:b:150"}, "v", "shift:a:b:150", "link_range"),
    ({"v": "shift:a:b:-5"}, "v", "shift:a:b:-5", "link_range"),
    ({"v": "scale:1e308"}, "v", "scale:1e308", "link_range"),
    ({"v": "scale:-95"}, "v", "scale:-95", "link_range"),
    ({"v": "scale:nan"}, "v", "scale:nan", "link_range"),
    ({"v": "scale:inf"}, "v", "scale:inf", "link_range"),
    ({"v": "scale:ten"}, "v", "scale:ten", "link_not_number"),
    ({"v": "warp"}, "v", "warp", "link_variant"),
    ({"v": "optimize:3"}, "v", "optimize:3", "link_variant"),
    ({"v": "plan:a=-5"}, "v", "plan:a=-5", "link_range"),
    ({"v": "plan:a=1|b"}, "v", "plan:a=1|b", "link_not_pair"),
    ({"plan": "baidu_search:-5"}, "plan", "baidu_search:-5", "link_range"),
    ({"plan": "baidu_search:1e308"}, "plan", "baidu_search:1e308", "link_range"),
    ({"plan": "baidu_search:"}, "plan", "baidu_search:", "link_not_number"),
    ({"plan": ":3"}, "plan", ":3", "link_not_pair"),
    ({"plan": "a:x"}, "plan", "a:x", "link_not_number"),
    ({"edit": "budget.total:inf"}, "edit", "budget.total:inf", "link_range"),
    ({"edit": "budget.total"}, "edit", "budget.total", "link_not_pair"),
    ({"lang": "fr"}, "lang", "fr", "link_lang"),
]


@pytest.mark.parametrize(("query", "param", "part", "why"), BAD_PARTS)
def test_each_bad_part_is_named_and_left_out(query, param, part, why) -> None:
    state = decode(query)
    assert [(p.param, p.part, p.why) for p in state.problems] == [(param, part, why)]
    assert (state.plan, state.variants, state.edits, state.lang) == ({}, (), {}, "en")
    text = state.problems[0].text("en")
    assert text.startswith(f"{param}: '{part}': ")
    assert state.problems[0].text("zh").startswith(f"{param}：「{part}」：")


def test_the_good_parts_of_a_link_survive_its_bad_ones() -> None:
    state = decode(
        {
            "plan": "baidu_search:-5,douyin_feed:900000",
            "v": "scale:1e308;shift:baidu_search:douyin_feed:20",
            "edit": "budget.total:x,targets.roi_min:3",
            "lang": "zh",
        }
    )
    assert state.plan == {"douyin_feed": 900_000.0}
    assert state.variants == (Variant("shift", "baidu_search", "douyin_feed", 20.0),)
    assert state.edits == {"targets.roi_min": 3.0}
    assert state.lang == "zh"
    assert [p.part for p in state.problems] == ["baidu_search:-5", "scale:1e308", "budget.total:x"]


def test_problem_wording_in_both_languages() -> None:
    (bad,) = decode({"v": "scale:1e308"}).problems
    assert bad.text("en") == "v: 'scale:1e308': must be a number from -90 to 500 (got 1e308)"
    assert bad.text("zh") == "v：「scale:1e308」：应为 -90 到 500 之间的数（实际为 1e308）"
    (long,) = decode({"v": "x" * 500}).problems
    assert len(long.part) == 500
    assert len(long.text("en")) < 200  # the warning names the start of a long part


def test_too_many_variants_names_the_ones_left_out() -> None:
    state = decode({"v": "optimize;scale:10;scale:20;scale:30;scale:40;scale:50"})
    assert len(state.variants) == 4
    (bad,) = state.problems
    assert (bad.param, bad.part, bad.why) == ("v", "scale:40;scale:50", "link_too_many")


garbage = st.text(max_size=60) | st.text(alphabet=":;,=|.-e0123456789nonaf_x ", max_size=60)


@given(
    st.fixed_dictionaries(
        {},
        optional={k: garbage for k in ("scenario", "lang", "plan", "v", "edit", "utm_source")},
    )
)
def test_any_text_decodes_to_a_valid_state(params) -> None:
    state = decode(params)  # never raises
    assert state.lang in ("en", "zh")
    assert all(0 <= s <= 1e15 for s in state.plan.values())
    assert all(v is None or math.isfinite(v) for v in state.edits.values())
    for v in state.variants:
        if v.kind == "shift":
            assert 0 <= v.percent <= 100
            assert v.source
            assert v.target
        if v.kind == "scale":
            assert -90 <= v.percent <= 500
    for p in state.problems:
        assert p.param in params
        assert p.text("en").startswith(p.param + ": ")
        assert p.text("zh").startswith(p.param + "：")
    assert decode(encode(state)).problems == ()  # what a link keeps, it writes back readably


def test_the_open_tab_round_trips_and_an_unknown_one_is_a_problem() -> None:
    from simulator.studio.share import ShareState, decode, encode

    state = ShareState(scenario="ecommerce_q4", tab="tab_fan", lang="zh")
    params = encode(state)
    assert params["tab"] == "tab_fan"
    assert decode(params).tab == "tab_fan"
    assert "tab" not in encode(ShareState(tab="tab_curves"))  # the first tab is the default
    bad = decode({"tab": "tab_nope"})
    assert bad.tab == ""
    assert bad.problems[0].param == "tab"
    assert bad.problems[0].text("en").startswith("tab: 'tab_nope': unknown chart; use tab_curves")
