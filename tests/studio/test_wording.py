"""Channel labels beside ids in the optimiser's sentences, and nowhere else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.studio.wording import with_labels

LABELS = {
    "kol": "KOL",
    "kol_posts": "KOL posts (达人种草)",
    "baidu_search": "Baidu search (百度搜索)",
    "affiliate": "affiliate",  # same as its id: nothing to add
    "618": "618 sale channel",  # digits only: cannot be told from a number
}


def test_ids_get_their_labels() -> None:
    text = "kol_posts: grows from 1,000 to 2,000; baidu_search, kol and affiliate kept."
    assert with_labels(text, LABELS) == (
        "kol_posts [KOL posts (达人种草)]: grows from 1,000 to 2,000; "
        "baidu_search [Baidu search (百度搜索)], kol [KOL] and affiliate kept."
    )


def test_only_whole_ids_and_never_numbers() -> None:
    assert with_labels("kol-x kolx xkol kol_posts2", LABELS) == "kol-x kolx xkol kol_posts2"
    assert with_labels("spends 618 of 1,618 or 0.618", LABELS) == "spends 618 of 1,618 or 0.618"
    assert with_labels("Spends 900 of the 1,000 budget.", {}) == "Spends 900 of the 1,000 budget."


@given(st.text(alphabet="abc ,.:_-0123456789", max_size=40))
def test_removing_the_labels_gives_the_sentence_back(text: str) -> None:
    labels = {"ab": "Label AB", "c_1": "Label C"}
    shown = with_labels(text, labels)
    assert shown.replace(" [Label AB]", "").replace(" [Label C]", "") == text
