"""Streamlit's own file-uploader words, in the page's language.

Streamlit writes "200MB per file" and "Upload" itself and
offers no way to change them, so in Chinese the words are hidden and written again by
CSS on the uploader's test ids (stable across Streamlit's releases since 1.30). English
needs nothing.
"""

from __future__ import annotations

from simulator.studio.i18n import t

_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'


def uploader_css(lang: str) -> str:
    """A ``<style>`` block replacing the uploader's English words, or "" for English.

    Streamlit 1.67's uploader: the button's label is a markdown paragraph beside its icon
    (kept), and the instructions are one span ("200MB per file • YAML"; the accepted types
    are named in each uploader's own label)."""
    if lang == "en":
        return ""
    limit, button = (t(k, lang) for k in ("upload_limit", "upload_button"))
    label = f'{_DROPZONE} button [data-testid="stMarkdownContainer"] p'
    return (
        "<style>"
        f"{_INSTRUCTIONS} span,{label}{{font-size:0}}"
        f'{_INSTRUCTIONS} span::after{{content:"{limit}";font-size:0.875rem}}'
        f'{label}::after{{content:"{button}";font-size:0.875rem}}'
        "</style>"
    )
