"""Turning the coaching checker's labels into what the person sees (pure, no IO): which one hint to
give, which positive note, and the "situation" a rewrite scaffold quotes back, made from the
person's own words with the absolutes, labels and apology hedges taken out."""
from __future__ import annotations

import re

# Most corrosive first: one hint names one thing, the one most worth changing.
HINT_ORDER = ("contempt", "criticism", "defensiveness", "non_apology")
POSITIVE_ORDER = ("good_apology", "gentle_startup")
MAX_SITUATION = 160

_LEAD_INS = re.compile(r"^(honestly|seriously|look|listen|ok(ay)?|well|so|fine|yes|yeah|no)\b[,.!]*\s*"
                       r"|^(i (feel|felt) (like|that)|i think|i'?m sorry (if|that|but)|sorry (if|that|but)"
                       r"|i apologi[sz]e (if|but))\b[,.]*\s*", re.IGNORECASE)
_ABSOLUTES = re.compile(r"\s*\b(always|constantly|every single time|every time|ever|just|even|literally)\b",
                        re.IGNORECASE)
_NEVER = re.compile(r"\bnever\b", re.IGNORECASE)
_TAIL_HEDGE = re.compile(r",?\s*\b(but|and yet|because you)\b.*$", re.IGNORECASE)
_VERDICTS = re.compile(r"\b(what'?s wrong with you|what is wrong with you|you'?re (so |such an? |just )?"
                       r"(selfish|lazy|useless|careless|pathetic|stupid|an idiot|ridiculous|childish))\b[?!.,]*",
                       re.IGNORECASE)
_EMOJI_AND_MARKS = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]|[!?]{2,}")


def hint_label(labels: tuple[str, ...] | list[str]) -> str | None:
    """The one problem a hint names, or None when the draft has none."""
    return next((label for label in HINT_ORDER if label in labels), None)


def positive_label(labels: tuple[str, ...] | list[str]) -> str | None:
    """The positive note for a draft with no problem label (a real apology first)."""
    if hint_label(labels):
        return None
    return next((label for label in POSITIVE_ORDER if label in labels), None)


def scaffold_label(category: object) -> str:
    """The scaffold for a stored draft's category (older drafts may carry retired categories)."""
    return category if isinstance(category, str) and category in HINT_ORDER else "criticism"


def situation(text: str) -> str:
    """The person's words, softened into the moment they describe: lead-ins ("I feel like", "sorry
    if"), absolutes and verdicts out, "never" read as "didn't", trailing "but…" dropped. Falls
    back to "___" when nothing of theirs is left to build on."""
    words = _EMOJI_AND_MARKS.sub("", " ".join(text.split()))
    words = _VERDICTS.sub("", words)
    for _ in range(3):
        words = _LEAD_INS.sub("", words.strip())
    words = _TAIL_HEDGE.sub("", words)
    words = _ABSOLUTES.sub("", words)
    words = _NEVER.sub("didn't", words)
    words = re.sub(r"\s+", " ", words).strip(" ,.;:!?-")
    if len(re.findall(r"\w+", words)) < 2:
        return "___"
    if len(words) > MAX_SITUATION:
        words = words[:MAX_SITUATION].rsplit(" ", 1)[0] + "…"
    return words[0].lower() + words[1:] if words[:2] != "I " else words
