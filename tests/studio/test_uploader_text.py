"""Streamlit's uploader words are rewritten in Chinese and left alone in English."""

from __future__ import annotations

import re

from simulator.studio.uploader_text import uploader_css


def test_english_needs_no_css() -> None:
    assert uploader_css("en") == ""


def test_chinese_replaces_every_english_word_of_the_uploader() -> None:
    css = uploader_css("zh")
    written = re.findall(r'content:"([^"]*)"', css)
    assert written == ["单个文件不超过 200MB", "上传"]
    assert not re.search(r"[A-Za-z]{3,}", "".join(written).replace("MB", ""))
    # each replaced word is hidden first, so the English never shows beside the Chinese
    assert css.count("font-size:0}") == 1  # one rule hides both
