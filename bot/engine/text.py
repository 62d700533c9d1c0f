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


_MYSELF = re.compile(r"\b(i|i'm|im|i've|ive|i'd|i'll)\b|(?<!\w)i['’]", re.IGNORECASE)


def speaks_of_myself(text: str) -> bool:
    """An "I" in English words ("she felt I didn't care…"): the writer is in the sentence too."""
    return bool(_MYSELF.search(text))


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


# Letter rows of the QWERTY and AZERTY keyboards: a "word" that only steps along one of them is a
# slip or a mash ("asdfghjkl", "qwerty", "jkjkjkjk"), not an answer.
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn")
_NEIGHBOURS = frozenset(pair for row in _KEY_ROWS for a, b in zip(row, row[1:]) for pair in (a + b, b + a))


def keyboard_run(text: str) -> bool:
    """The whole message is one run of neighbouring keys on a keyboard row, five letters or more with
    at least four different ones (so "were" or "tree" never count)."""
    letters = text.strip().lower()
    if not letters.isascii() or not letters.isalpha() or len(letters) < 5 or len(set(letters)) < 4:
        return False
    return all(a + b in _NEIGHBOURS for a, b in zip(letters, letters[1:]))
