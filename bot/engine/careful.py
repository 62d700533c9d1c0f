"""Reading a typed answer at a safety question ("Are you safe right now?"): whole answers only.

The general reader (answers.py) lets a distinctive word or a near spelling decide, which is kind at
most questions and wrong at these: found by review, "no i am okay" and « non t'inquiète ça va »
chose "No, I'm not safe" (crisis numbers), "j'ai peur" chose "I'm okay, keep what I wrote", and at
/sos "i dont know" chose "I might hurt myself". A step marked `careful: true` is read here instead:

- the whole message is an option's label or alias, its number, or a pointed position ("the first
  one"); a yes or no in front keeps answers.py's rule ("no, I'm fine" is asked about beside the
  option that says no, never guessed);
- else the same, once everyday framing around the answer is set aside ("no worries", "lol",
  "thanks", « t'inquiète », "والله"): framing never says yes or no;
- a bare yes or no is the option whose label starts with it ("Yes, I'm in danger now"), when
  exactly one does and no alias says otherwise;
- anything else is asked again, with every answer on screen. A disclosure in those words is not
  lost: the screen reads every message before this does (bot/engine/safety.py).

CLINICIAN: the rule, these framing words and the aliases of the safety questions are for a
clinician to agree. Pure, like answers.py.
"""
from __future__ import annotations

from functools import lru_cache

from bot.engine import answers
from bot.engine.answers import OptionText, Reading

# Said around an answer without changing it (a hedge in front, "idk i might do something stupid",
# leaves the answer to what follows), folded as `answers.normalise` folds them. Longest first
# where one starts another ("dont worry about me" before "dont worry").
FRAMING_BEFORE = {
    "en": """no worries|no need to worry|dont worry|dont worry about me|lol|lmao|haha|hahaha|honestly|tbh|
well|um|umm|uh|oh|hey|ok so|okay so|sorry|thanks|thank you|thanks for asking|thank you for asking|
idk|i dont know|dunno|i guess|i think|maybe|probably""",
    "fr": """t inquiete|tinquiete|t inquiete pas|tinquiete pas|ne t inquiete pas|vous inquietez pas|
ne vous inquietez pas|inquiete toi pas|mdr|lol|haha|bah|ben|euh|bon|franchement|honnetement|oh|
desole|desolee|pardon|merci|merci de demander|je sais pas|je ne sais pas|jsp|je crois|je pense|peut etre""",
    "ar": """ما تقلقش|ماتقلقش|متقلقش|لا تقلق|لا تقلقي|ما تخافش|متخافش|لا تخف|لا تخافي|ههه|هههه|ههههه|
والله|صراحه|سمح ليا|سمحي ليا|عفوا|شكرا|ma t9l9ch|mat9l9ch|matkhafch|ma tkhafch|hhh|hhhh|hhhhh|wallah|
sra7a|sme7 lia|sm7 liya|choukran|shukran|merci|lol|ما عرفتش|ma3rftch|يمكن|ممكن|واقيلا|wa9ila""",
}
FRAMING_AFTER = {
    "en": """thanks|thank you|thx|ty|thanks for asking|thank you for asking|lol|haha|honestly|tbh|
dont worry|no worries|i promise|promise|really|right now|now|at the moment|atm|x|xx""",
    "fr": """merci|merci beaucoup|merci de demander|mdr|lol|t inquiete|tinquiete|t inquiete pas|
ne t inquiete pas|vous inquietez pas|ne vous inquietez pas|je te promets|je vous promets|promis|
franchement|vraiment|maintenant|la|en ce moment""",
    "ar": """شكرا|شكرا بزاف|الحمد لله|الحمدلله|والله|ما تقلقش|دابا|الان|حاليا|choukran|shukran|merci|
hamdullah|hamdoulah|l7amdolillah|lhamdulillah|wallah|ma t9l9ch|daba|db""",
}
MAX_FRAMING = 3  # phrases set aside at each end: enough for "lol no worries thanks", bounded
YES_OR_NO = {"en": ("yes", "no"), "fr": ("oui", "non"), "ar": ("نعم", "لا")}


def read(text: str, options: list[OptionText], locale: str) -> Reading:
    """Which option `text` is, as a whole answer; a tie to ask about; or nothing (ask again)."""
    language = answers.language_of(locale)
    whole = answers.read_exactly(text, options, language)
    if whole.kind != "none":
        return whole
    said = answers.normalise(text)
    core = _without_framing(said, language)
    lead, _, rest = core.partition(" ")
    if rest and lead in _leads(language) and answers.negated(rest.split()):
        core = rest  # "no, I'm not safe", "yes im not ok": the rest says it, in the same direction
    if core and core != said:
        framed = answers.read_exactly(core, options, language)
        if framed.kind != "none":
            return framed
    return _bare_yes_or_no(core or said, options, language) or Reading("none", unread=text.strip())


def _without_framing(said: str, language: str) -> str:
    words = said.split()
    before, after = _framing(language)
    # A yes or no run into framing is part of it: « non t'inquiète, ça va » is not a "no".
    if len(words) > 1 and words[0] in _leads(language) and _starts_with(words[1:], before):
        words = words[1:]
    for phrases, at_start in ((before, True), (after, False)):
        for _ in range(MAX_FRAMING):
            cut = next((p for p in phrases if len(p) < len(words) and
                        (words[:len(p)] if at_start else words[-len(p):]) == list(p)), None)
            if cut is None:
                break
            words = words[len(cut):] if at_start else words[:-len(cut)]
    return " ".join(words)


def _leads(language: str) -> frozenset[str]:
    return answers.LEAD_WORDS | (answers.ARABIC_NO if language == "ar" else frozenset())


def _starts_with(words: list[str], phrases: list[tuple[str, ...]]) -> bool:
    return any(len(p) < len(words) and tuple(words[:len(p)]) == p for p in phrases)


@lru_cache(maxsize=8)
def _framing(language: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The framing phrases as folded word tuples, longest first (so "dont worry about me" wins)."""
    def folded(spec: str) -> list[tuple[str, ...]]:
        found = {tuple(answers.normalise(p).split()) for p in spec.split("|") if p.strip()}
        return sorted((p for p in found if p), key=len, reverse=True)
    return folded(FRAMING_BEFORE.get(language, "")), folded(FRAMING_AFTER.get(language, ""))


def _bare_yes_or_no(said: str, options: list[OptionText], language: str) -> Reading | None:
    """"yes" at "Are you in danger right now?" is "Yes, I'm in danger now": the one option whose label
    starts with the same word. Darija's "la", "iyeh" and the like count as the word they mean."""
    word = answers.SAME_AS.get(language, {}).get(said, said)
    if word not in YES_OR_NO.get(language, ()):
        return None
    if word != said:  # "nope", "la": the word they stand for may be an alias ("no" at /sos)
        named = answers.read_exactly(word, options, language)
        if named.kind != "none":
            return named
    starting = [o.id for o in options if (answers.normalise(o.label).split() or [""])[0] == word]
    return Reading("picked", (starting[0],)) if len(starting) == 1 else None
