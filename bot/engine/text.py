"""Cleaning of free text before it is stored or screened. Pure."""
from __future__ import annotations

import unicodedata


def clean_text(text: str) -> str:
    """Drop control and format characters that break terminals and storage; keep newlines, tabs and
    every script (including RTL text and emoji)."""
    kept = []
    for ch in text:
        if ch in "\n\t":
            kept.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            continue
        else:
            kept.append(ch)
    return "".join(kept).strip()
