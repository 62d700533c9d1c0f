"""Text normalisation for reading what people write: the forms a pattern is matched against.

People hide or vary words without meaning to (or on purpose, to dodge filters): curly quotes,
zero-width characters, accents, Arabic letter variants and diacritics, Arabizi digits (3 for ع,
7 for ح, 9 for ق), leetspeak (k1ll), separators (s.u.i.c.i.d.e, un-alive, k*ll) and stretched
letters (nooooo). `views()` returns every reading of a message worth matching; a pattern that
matches any of them matches the message. Pure and deterministic: no I/O, no state.
"""
from __future__ import annotations

import functools
import re
import unicodedata

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad\u061c]")
_PUNCT_MAP = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u060c": ",", "\u061b": ";", "\u061f": "?", "\u066a": "%",
    "\u2013": "-", "\u2014": "-",
})
# Arabic: hamza-carrying and final forms folded to one letter each, so one pattern covers the
# spellings people actually type (أنا / انا, مدرسة / مدرسه, على / علي), plus Persian/Moroccan
# letter shapes that keyboards produce (ک ی ڭ).
_ARABIC_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    "ی": "ي", "ک": "ك", "ڭ": "ك", "گ": "ك", "ڤ": "ف", "پ": "ب", "ﻻ": "لا",
})
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # tashkeel, tatweel
_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_STRETCH = re.compile(r"(\D)\1{2,}")  # three or more of the same letter: "sooo" -> "so"
_SPACES = re.compile(r"\s+")
# Single letters separated by dots, dashes, stars, underscores or spaces, at least four of them:
# "s.u.i.c.i.d.e", "k i l l". (Four, so "i a m" style fragments of normal text are left alone.)
_SPACED_OUT = re.compile(r"(?<!\w)(?:\w[.\-_*\s·•]+){3,}\w(?!\w)")
_SEPARATOR = re.compile(r"[.\-_*\s·•]+")
_IN_WORD_SEPARATOR = re.compile(r"(?<=[^\W\d_])[-_·•](?=[^\W\d_])")  # "un-alive" -> "unalive"
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b",
                       "@": "a", "$": "s", "!": "i", "*": "i", "€": "e", "|": "i"})
_LEET_TOKEN = re.compile(r"\S*[a-z]\S*")
_ARABIZI_SPELLING = ((re.compile("sh"), "ch"), (re.compile("ou"), "u"), (re.compile("oo"), "u"),
                     (re.compile("ee"), "i"), (re.compile("dj"), "j"))


def fold_arabic_letters(text: str) -> str:
    """Arabic letter variants folded as in every message's reading (ى -> ي, ة -> ه, أ -> ا…): the
    lexicons' patterns are folded the same way when compiled, so "على" in a pattern matches."""
    return text.translate(_ARABIC_MAP)


def _strip_latin_accents(text: str) -> str:
    """é -> e, ç -> c; Arabic letters are left to their own folding (NFD would split some)."""
    if text.isascii():  # most messages: nothing to fold
        return text
    return "".join(_without_accents(ch) for ch in text)


@functools.lru_cache(maxsize=4096)  # a few hundred distinct letters in practice
def _without_accents(ch: str) -> str:
    if "\u0600" <= ch <= "\u06ff":
        return ch
    return "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")


@functools.lru_cache(maxsize=128)  # the screen, its context reading and the checker fold the same text
def base(text: str) -> str:
    """The common reading: NFKC, case folded, accents and Arabic variants folded, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_PUNCT_MAP).translate(_EASTERN_DIGITS)
    text = text.casefold()
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_MAP)
    text = _strip_latin_accents(text)
    text = _STRETCH.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def _join_spaced_out(text: str) -> str:
    return _SPACED_OUT.sub(lambda m: _SEPARATOR.sub("", m.group(0)), text)


def _unleet(text: str) -> str:
    """Digits and symbols read as letters, but only inside words that have letters too
    ("k1ll", "d!e"), so times, counts and phone numbers stay as they are."""
    return _LEET_TOKEN.sub(lambda m: m.group(0).translate(_LEET), text)


def arabizi(text: str) -> str:
    """Latin-script Darija with its spelling variants folded (sh/ch, ou/u, ee/i); the digits
    3, 7, 9, 5, 2 stay, since they are letters there and patterns are written with them."""
    for pattern, repl in _ARABIZI_SPELLING:
        text = pattern.sub(repl, text)
    return text


def views(text: str) -> tuple[str, ...]:
    """The plain, joined (separators undone) and leetspeak readings of `text`, in that order,
    repeated when equal, so callers can index them. (`arabizi()` adds Darija's own reading.)"""
    plain = base(text)
    joined = _IN_WORD_SEPARATOR.sub("", _join_spaced_out(plain))
    out = [plain, joined, _STRETCH.sub(r"\1", _unleet(joined))]
    return tuple(out)
