"""The optimiser's sentences for the page: each channel id followed by its label.

``simulator.optimize.explain.sentences`` writes English sentences that name channels by id
(``baidu_search: grows from ...``). A marketer knows the channels by their labels, so the
studio shows ``baidu_search [Baidu search (百度搜索)]`` wherever a label differs from its id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping


def _pattern(ids: list[str]) -> re.Pattern[str]:
    """Whole ids only: not inside a longer id (``kol`` in ``kol_posts``) or a number."""
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-.,])(?:{alternatives})(?![\w\-])")


def with_labels(text: str, labels: Mapping[str, str]) -> str:
    """``text`` with each labelled channel id written as ``id [label]``.

    Ids made only of digits (a channel called ``618``) are left alone: in a sentence they
    cannot be told from a number.
    """
    ids = [i for i, label in labels.items() if label and label != i and not i.isdigit()]
    if not ids:
        return text
    return _pattern(ids).sub(lambda m: f"{m.group(0)} [{labels[m.group(0)]}]", text)
