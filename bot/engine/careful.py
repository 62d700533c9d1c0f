"""Reading a typed answer at a safety question ("Are you safe right now?"): whole answers only.

The general reader (answers.py) lets a distinctive word or a near spelling decide, which is kind at
most questions and wrong at these: found by review, "no i am okay" and « non t'inquiète ça va »
chose "No, I'm not safe" (crisis numbers), "j'ai peur" chose "I'm okay, keep what I wrote", and at
/sos "i dont know" chose "I might hurt myself". A step marked `careful: true` is read here instead.
Its answers are listed from the most urgent to the least (the content's convention for these steps).

- The whole message is an option's label or alias, its number or a pointed position ("the first one").
- Else the same once everyday framing is set aside ("lol", "thanks", "sorry", "والله"): framing
  never answers. Reassurance ("no worries", « t'inquiète », "ما تقلقش") takes a "no" in front with it:
  « non t'inquiète, ça va » is not a "no".
- A yes or no, or a hedge ("idk", "maybe", « je crois »), in front of an answer is kept in view: when
  it alone would mean a more urgent answer than the rest ("nah im fine" at "are you safe?", "yes im
  fine" at "are you in danger?", "i guess im ok"), Mend asks between them rather than choosing the
  safer one, even when the words after it have a "not" of their own ("no never mind", "yes im not in
  danger"); "no, I'm not safe" stays the rest's answer, as nothing is more urgent.
- A bare yes or no is the option whose label starts with it ("Yes, I'm in danger now"), unless an
  alias says otherwise.
- Anything else is asked again, never guessed. A disclosure in those words is not lost: the screen
  reads every message before this does (bot/engine/safety.py).
Words of another of Mend's languages count only as a whole label or alias (`other_language`): "la"
is Darija's no but French "there", "ah" Darija's yes.

CLINICIAN: the rule, these word lists and the safety questions' aliases are for a clinician to agree.
Pure, like answers.py.
"""
from __future__ import annotations

from functools import lru_cache

from bot.engine import answers
from bot.engine.answers import OptionText, Reading

# Folded as `answers.normalise` folds them; several phrases may be set aside at each end.
REASSURANCE = {
    "en": "no worries|no need to worry|dont worry|dont worry about me",
    "fr": """t inquiete|tinquiete|t inquiete pas|tinquiete pas|ne t inquiete pas|vous inquietez pas|
ne vous inquietez pas|inquiete toi pas""",
    "ar": """ما تقلقش|ماتقلقش|متقلقش|لا تقلق|لا تقلقي|ما تخافش|متخافش|لا تخف|لا تخافي|ma t9l9ch|mat9l9ch|
matkhafch|ma tkhafch""",
}
FRAMING_BEFORE = {
    "en": """lol|lmao|haha|hahaha|honestly|tbh|well|um|umm|uh|oh|hey|ok so|okay so|sorry|thanks|thank you|
thanks for asking|thank you for asking""",
    "fr": "mdr|lol|haha|bah|ben|euh|bon|franchement|honnetement|oh|desole|desolee|pardon|merci|merci de demander",
    "ar": """ههه|هههه|ههههه|والله|صراحه|سمح ليا|سمحي ليا|عفوا|شكرا|hhh|hhhh|hhhhh|wallah|sra7a|sme7 lia|sm7 liya|
choukran|shukran|merci|lol""",
}
FRAMING_AFTER = {
    "en": """thanks|thank you|thx|ty|thanks for asking|thank you for asking|lol|haha|honestly|tbh|
dont worry|no worries|i promise|promise|really|right now|now|at the moment|atm|tonight|x|xx""",
    "fr": """merci|merci beaucoup|merci de demander|mdr|lol|t inquiete|tinquiete|t inquiete pas|
ne t inquiete pas|vous inquietez pas|ne vous inquietez pas|je te promets|je vous promets|promis|
franchement|vraiment|maintenant|en ce moment|ce soir""",
    "ar": """شكرا|شكرا بزاف|الحمد لله|الحمدلله|والله|ما تقلقش|دابا|الان|حاليا|choukran|shukran|merci|
hamdullah|hamdoulah|l7amdolillah|lhamdulillah|wallah|ma t9l9ch|daba|db""",
}
# Doubt in front of an answer. Each means what the language's first one means at the question
# (its aliases: "maybe" is "I'm safe, but struggling" at "are you safe?").
HEDGES = {
    "en": "maybe|idk|i dont know|dunno|i guess|i think|probably|not sure|im not sure|kinda|kind of|sort of",
    "fr": "peut etre|je sais pas|je ne sais pas|jsp|chais pas|je crois|je pense|pas sur|pas sure|un peu",
    "ar": "ممكن|يمكن|ما عرفتش|ماعرفتش|ma3rftch|ma3raftch|واقيلا|wa9ila|كنظن|kandon|اظن|ربما",
}
MAX_FRAMING = 3  # phrases set aside at each end: enough for "lol sorry thanks", bounded
YES_OR_NO = {"en": ("yes", "no"), "fr": ("oui", "non"), "ar": ("نعم", "لا")}


def read(text: str, options: list[OptionText], locale: str, other_language: bool = False) -> Reading:
    """Which option `text` is, as a whole answer; a tie to ask about; or nothing (ask again)."""
    language = answers.language_of(locale)
    said = answers.normalise(text)
    whole = answers.read_exactly(said, options, language, positions=not other_language)
    if whole.kind != "none" or not said:
        return _in_order(whole, options)
    lead, rest = _lead_and_rest(said, language)
    if other_language:  # a whole label or alias only, framing aside
        if lead or not rest or rest == said:
            return Reading("none", unread=text.strip())
        return _in_order(answers.read_exactly(rest, options, language, positions=False), options)
    if rest and rest != said:
        reading = answers.read_exactly(rest, options, language)
        if reading.kind != "none":
            return _in_order(_with_lead(reading, lead, options, language), options)
    bare = _bare_yes_or_no(lead if lead and not rest else said, options, language)
    return _in_order(bare, options) if bare else Reading("none", unread=text.strip())


def _lead_and_rest(said: str, language: str) -> tuple[str, str]:
    """("no", "im fine") from "lol no sorry im fine thanks"; ("", "im fine") from "no worries im fine";
    ("i guess", "im ok") from "i guess im ok"."""
    framing, reassurance, after, hedges = _phrases(language)
    words = _cut(said.split(), framing + reassurance, at_start=True)
    lead: tuple[str, ...] = ()
    word = answers.SAME_AS.get(language, {}).get(words[0], words[0]) if words else ""
    if word in _yes_no_words(language):
        if word in _no_words(language) and _leading(words[1:], reassurance):
            words = words[1:]  # « non t'inquiète » is reassurance, not a no; "yes, dont worry" is still a yes
        else:  # "no i think im fine": the no is kept in view; a hedge after it adds nothing more
            lead, words = (words[0],), _cut(_cut(words[1:], framing, at_start=True), hedges, at_start=True)
    if not lead:
        hedge = _leading(words, hedges)
        if hedge:
            lead, words = hedge, words[len(hedge):]
    words = _cut(_cut(words, framing + reassurance, at_start=True), after, at_start=False)
    return " ".join(lead), " ".join(words)


def _with_lead(reading: Reading, lead: str, options: list[OptionText], language: str) -> Reading:
    """The rest's answer, asked about beside what the lead alone means when that is more urgent."""
    if not lead:
        return reading
    word = answers.SAME_AS.get(language, {}).get(lead, lead)
    if word in _yes_no_words(language):
        # Even when the rest has a "not" of its own: "no, I'm not safe" is the rest's answer (nothing more
        # urgent), but "no never mind", "no im not ok", "yes im not in danger" are asked about (review).
        meant = _saying(word, options, language)
    else:  # a hedge means what the language's first hedge means here ("maybe")
        meant = answers.read_exactly(" ".join(_first_hedge(language)), options, language, positions=False).ids
    place = {o.id: i for i, o in enumerate(options)}
    most_urgent = min(place[i] for i in reading.ids)
    more_urgent = [i for i in meant if place[i] < most_urgent]
    return Reading("tie", (*reading.ids, *more_urgent)) if more_urgent else reading


def _saying(word: str, options: list[OptionText], language: str) -> tuple[str, ...]:
    """The options a bare yes or no means: an alias that is the word, else a label that starts with it."""
    named = answers.read_exactly(word, options, language, positions=False)
    if named.kind != "none":
        return named.ids
    return tuple(o.id for o in options if (answers.normalise(o.label).split() or [""])[0] == word)


def _bare_yes_or_no(said: str, options: list[OptionText], language: str) -> Reading | None:
    """"yes" at "Are you in danger right now?" is "Yes, I'm in danger now". Darija's "la", "iyeh" and
    the like count as the word they mean."""
    word = answers.SAME_AS.get(language, {}).get(said, said)
    if word not in YES_OR_NO.get(language, ()):
        return None
    meant = _saying(word, options, language)
    if not meant:
        return None
    return Reading("picked", meant) if len(meant) == 1 else Reading("tie", meant)


def _in_order(reading: Reading, options: list[OptionText]) -> Reading:
    """A tie's answers in the question's own order (most urgent first), as its card shows them."""
    if reading.kind != "tie":
        return reading
    place = {o.id: i for i, o in enumerate(options)}
    return Reading("tie", tuple(sorted(dict.fromkeys(reading.ids), key=lambda i: place.get(i, len(place)))))


def _no_words(language: str) -> frozenset[str]:
    return _with_meanings(answers.said_no(language), language)


def _yes_no_words(language: str) -> frozenset[str]:
    return _with_meanings(answers.LEAD_WORDS | answers.said_no(language), language)


def _with_meanings(words: frozenset[str], language: str) -> frozenset[str]:
    """The words and the word each stands for ("nah" and "no", "la" and "لا")."""
    return frozenset(answers.SAME_AS.get(language, {}).get(w, w) for w in words) | words


def _leading(words: list[str], phrases: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The phrase `words` open with (longest first), when something follows it."""
    return next((p for p in phrases if len(p) < len(words) and tuple(words[:len(p)]) == p), None)


def _cut(words: list[str], phrases: list[tuple[str, ...]], at_start: bool) -> list[str]:
    """Framing phrases off one end, longest first, never the whole message."""
    for _ in range(MAX_FRAMING):
        cut = next((p for p in phrases if len(p) < len(words) and
                    tuple(words[:len(p)] if at_start else words[-len(p):]) == p), None)
        if cut is None:
            break
        words = words[len(cut):] if at_start else words[:-len(cut)]
    return words


def _first_hedge(language: str) -> tuple[str, ...]:
    return tuple(answers.normalise(HEDGES.get(language, "maybe").split("|")[0]).split())


@lru_cache(maxsize=8)
def _phrases(language: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[tuple[str, ...]],
                                     list[tuple[str, ...]]]:
    """Framing before, reassurance, framing after and hedges, as folded word tuples, longest first."""
    def folded(spec: str) -> list[tuple[str, ...]]:
        found = {tuple(answers.normalise(p).split()) for p in spec.split("|") if p.strip()}
        return sorted((p for p in found if p), key=len, reverse=True)
    return (folded(FRAMING_BEFORE.get(language, "")), folded(REASSURANCE.get(language, "")),
            folded(FRAMING_AFTER.get(language, "")), folded(HEDGES.get(language, "")))
