"""Streamlit's own file-uploader words, in the page's language.

Streamlit writes "Drag and drop a file here", "200MB per file" and "Upload" itself and
offers no way to change them, so in Chinese the words are hidden and written again by
CSS on the uploader's test ids (stable across Streamlit's releases since 1.30). English
needs nothing.
"""

from __future__ import annotations

from simulator.studio.i18n import t

_DROPZONE = '[data-testid="stFileUploaderDropzone"]'
_INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'


def uploader_css(lang: str) -> str:
    """A ``<style>`` block replacing the uploader's English words, or "" for English."""
    if lang == "en":
        return ""
    drop, limit, button = (t(k, lang) for k in ("upload_drop", "upload_limit", "upload_button"))
    return (
        "<style>"
        f"{_INSTRUCTIONS} span,{_INSTRUCTIONS} small{{font-size:0}}"
        f'{_INSTRUCTIONS} span::after{{content:"{drop}";font-size:1rem}}'
        f'{_INSTRUCTIONS} small::after{{content:"{limit}";font-size:0.875rem}}'
        f"{_DROPZONE} button{{font-size:0}}"
        f'{_DROPZONE} button::after{{content:"{button}";font-size:0.875rem}}'
        "</style>"
    )
