"""Darija written in Latin letters and digits ("Arabizi": bghit nmout, 3lach, 7ta wa7ed) rewritten in
Arabic script, so the sentence encoder, which reads Arabic script well and Arabizi barely at all,
can read it too. A rough, rule-based transliteration: good enough for meaning, not for display.
Only messages that look like Arabizi are rewritten (`looks_like_arabizi`)."""
from __future__ import annotations

import re

# Frequent Darija words in Latin script; two of them (or one digit-letter word) mark a message.
_MARKERS = frozenset("""
ana nta nti howa hiya hna ntouma homa wach wech ach chno chnou chnowa 3lach 3lash kifach kifash fin fen
bghit bghiti bgha bghat baghi bghina mabghitch ma machi mchi walo wala 7ta hta daba dyal dial diali dyali
li lli bzaf bezzaf chi shi kayn kayna kaydir kaydrbni kaydreb kanbghi kanhes kan7es kanmout nmout nmot
mout moute 3ayit 3yit tbarkellah safi wa9ila 9alb 9lbi khayf khayfa kheyfa mno mnha m3ah m3aha 3ndi
3andi fiya liya lik 3lik rah raha rani 7it hit 7na 7yati hyati 3ichti n3ich n3ich ghadi ghad gha
""".split())
_DIGIT_IN_WORD = re.compile(r"[a-z][2356789]|[2356789][a-z]")
_TOKEN = re.compile(r"[a-z0-9']+")

# Longest first: digraphs before single letters.
_RULES = [
    ("ch", "ش"), ("sh", "ش"), ("kh", "خ"), ("gh", "غ"), ("th", "ث"), ("dh", "ذ"), ("ou", "و"), ("oo", "و"),
    ("ee", "ي"), ("ai", "اي"), ("ay", "اي"),
    ("2", "ء"), ("3", "ع"), ("5", "خ"), ("7", "ح"), ("8", "غ"), ("9", "ق"), ("6", "ط"),
    ("b", "ب"), ("t", "ت"), ("j", "ج"), ("d", "د"), ("r", "ر"), ("z", "ز"), ("s", "س"), ("f", "ف"),
    ("q", "ق"), ("k", "ك"), ("l", "ل"), ("m", "م"), ("n", "ن"), ("h", "ه"), ("w", "و"), ("y", "ي"),
    ("g", "ك"), ("v", "ف"), ("p", "ب"), ("x", "كس"), ("c", "ك"),
    ("a", "ا"), ("i", "ي"), ("u", "و"), ("o", "و"), ("e", ""),
]
_PATTERN = re.compile("|".join(re.escape(src) for src, _ in _RULES))
_TABLE = dict(_RULES)


def looks_like_arabizi(text: str) -> bool:
    tokens = _TOKEN.findall(text.lower())
    if not tokens:
        return False
    markers = sum(t in _MARKERS for t in tokens)
    digit_words = sum(bool(_DIGIT_IN_WORD.search(t)) and not t.isdigit() for t in tokens)
    return digit_words >= 1 and markers >= 1 or markers >= 2


# "nsla7", "nsali7", "tsala7na" (to make up, to fix: the root ص ل ح) written with an s read as س make
# "سلاح" (a weapon): found trying Mend as a new user, "bghit nsla7 m3a mrati" ("I want to make up with my
# wife") asked whether they were safe. With a verb's prefix it is the verb; "sla7" alone stays a weapon.
_MAKE_UP = re.compile(r"^(?:ghan|ghat|ghay|kan|kat|kay|n|t|y)t?sa?l[aei]?7")
_MAKE_UP_STEM = re.compile("سالاح|ساليح|سالح|سلاح|سليح|سلح")
_MAKE_UP_SPELLING = {"سالاح": "صالح", "ساليح": "صالح", "سالح": "صالح", "سلاح": "صلح", "سليح": "صلح", "سلح": "صلح"}


def _word(token: str) -> str:
    # A leading vowel is an alef; inside a word short vowels are mostly unwritten, long ones kept.
    head = "ا" if token[:1] in "aeiou" else ""
    body = token[1:] if head else token
    out = _PATTERN.sub(lambda m: _TABLE[m.group(0)], body)
    if _MAKE_UP.match(token):
        out = _MAKE_UP_STEM.sub(lambda m: _MAKE_UP_SPELLING[m.group(0)], out, count=1)
    return head + out


def to_arabic_script(text: str) -> str:
    return _TOKEN.sub(lambda m: _word(m.group(0)), text.lower())
