"""Coaching hints for drafts (CONTENT_GUIDE §3.5): the first coaching pattern a draft matches.
Pure. (Safety screening is no longer here: it runs in the service, see bot/understanding.)"""
from __future__ import annotations

import re

from bot.content.model import Lexicon

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Undo what hides a phrase from a pattern: zero-width characters, curly quotes, odd spacing."""
    text = _INVISIBLE.sub("", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def coach(lexicon: Lexicon | None, text: str) -> str | None:
    """The first coaching pattern a draft matches (criticism, contempt, ...), or None."""
    if lexicon is None or not text:
        return None
    plain = normalise(text)
    for category, patterns in lexicon.coaching.items():
        if any(p.search(plain) for p in patterns):
            return category
    return None
