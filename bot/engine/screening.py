"""Safety screening of free text (S3): which crisis or abuse categories a message matches. Pure."""
from __future__ import annotations

import re

from bot.content.model import Lexicon

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
CRISIS_ORDER = ("explicit", "coded", "indirect", "third_party", "hopelessness")


def normalise(text: str) -> str:
    """Undo what hides a phrase from a pattern: zero-width characters, curly quotes, odd spacing."""
    text = _INVISIBLE.sub("", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def screen(lexicon: Lexicon | None, text: str) -> list[str]:
    """Matched categories, crisis categories first (at most one of them), then 'ipv'."""
    if lexicon is None or not text:
        return []
    plain = normalise(text)
    found = []
    for category in CRISIS_ORDER:
        if any(p.search(plain) for p in lexicon.crisis.get(category, ())):
            found.append(category)
            break
    if any(p.search(plain) for p in lexicon.ipv):
        found.append("ipv")
    return found


def coach(lexicon: Lexicon | None, text: str) -> str | None:
    """The first coaching pattern a draft matches (criticism, contempt, ...), or None."""
    if lexicon is None or not text:
        return None
    plain = normalise(text)
    for category, patterns in lexicon.coaching.items():
        if any(p.search(plain) for p in patterns):
            return category
    return None
