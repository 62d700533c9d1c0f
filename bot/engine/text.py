"""Cleaning of free text before it is stored or screened, and one reading of it. Pure."""
from __future__ import annotations

import re
import unicodedata

ARABIC_LETTER = re.compile("[\u0600-\u06ff]")  # the text is (partly) in Arabic script

# Words for another person (you, he, she, they) in the languages Mend speaks and Darija in both scripts.
_SOMEONE_ELSE = re.compile(
    r"(?<!\w)(you|your|yours|u|ur|he|him|his|she|her|they|them|their|tu|toi|te|ton|ta|tes|il|elle|lui|"
    r"nta|nti|ntia|howa|hiya|\u0627\u0646\u062a|\u0623\u0646\u062a|\u0627\u0646\u062a\u064a|\u0623\u0646\u062a\u064a|"
    r"\u0646\u062a\u0627|\u0646\u062a\u064a|\u0647\u0648|\u0647\u064a)(?!\w)|\bt'",
    re.IGNORECASE)


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


def mentions_someone_else(text: str) -> bool:
    """The words speak to or about another person ("he never listens", "tu m'écoutes jamais", "هو"),
    not only about the writer ("small and stupid")."""
    return bool(_SOMEONE_ELSE.search(text.replace("’", "'")))
