"""Whether the regret says "my part" again, so the draft says it once.

Found trying Mend as a new user: "Looking back, I can see my part in it: i called you lazy in front of
your sister. I'm sorry I called you lazy, especially in front of your sister." reads as padding. When
most of the content words of "my part" come back in the regret, the draft keeps only the regret,
which owns the same act and apologises for it. Any language: words are compared after the screen's
folding (case, accents, Arabic letter variants).
"""
from __future__ import annotations

import re

from bot.understanding.normalise import base

RESTATED_SHARE = 0.6  # at least this share of "my part"'s content words is in the regret
# Content words: four letters or more in Latin script ("lazy", "sister", not "you", "the"), three or
# more in Arabic (its short function words are one or two letters).
CONTENT_WORD = re.compile(r"[^\W\d_\u0600-\u06ff]{4,}|[\u0621-\u064a]{3,}")


# Frequent four-letter-plus words that carry no act of their own.
FUNCTION_WORDS = frozenset("""
that this with from your when what were have been they them then just only about into over very will would
could should there their really because dans pour avec mais plus quand tout toute etait suis parce cette
""".split())


def content_words(text: str | None) -> set[str]:
    return set(CONTENT_WORD.findall(base(text or ""))) - FUNCTION_WORDS


def restates(my_part: str | None, regret: str | None) -> bool:
    """The regret carries most of "my part" (at least two content words of it)."""
    part = content_words(my_part)
    return len(part) >= 2 and len(part & content_words(regret)) / len(part) >= RESTATED_SHARE
