"""Owning what one said: "i told him he always ruins everything", « je lui ai reproché de jamais m'aider ».

At a repair step the person names their part, and often their part is something they said. The words
they said are criticism or contempt, so the checker finds them and the hint told the person they were
criticising, when they were owning it (found trying Mend as a new user, nine trials running). Here: a
message, or one of its clauses after words that own it, that opens with the person saying something to
or about the partner (after an optional "sorry" or "because"), and the words said, up to the end of that
clause. The checker reads the message again with those words replaced by "something" and keeps a
problem only where that reading still has it (`checker.owning`); words that stand by what was said
("…, but you really are", "and it's true") keep the message as it is. Pure, no I/O; the word lists are
about grammar (verbs of saying), not about what counts as a problem, so they live here, not in content.
"""
from __future__ import annotations

import re

from bot.understanding.normalise import base

_SORRY = (r"(?:(?:i'?m |i am |im )?(?:so |really |truly )?sorry,? (?:that |for |because )?|"
          r"(?:je suis |j'suis )?(?:desolee?|navree?),? (?:d'avoir |que |parce que )?|pardon,? |"
          r"(?:smhli|sm7li|smehli|smhili|سمحلي|سمحيلي|سامحني|انا اسف|انا اسفه|اسف|اسفه),? (?:hit |7it |حيت |لاني |لانني )?)?")
# "i" + a verb of saying, addressed to or about the partner; the words said follow.
_SAID = re.compile(
    _SORRY + r"(?:"
    r"(?:and |then |so )?i (?:(?:told|said to|called|yelled at|shouted at|screamed at|snapped at|texted|accused)"
    r"(?: (?:him|her|them|you|my (?:partner|husband|wife|boyfriend|girlfriend|bf|gf)))?"
    r"|said|yelled|shouted|screamed|wrote|basically said|literally said)(?: that)?"
    r"|(?:je lui ai|je t'ai|j'ai) (?:dit|reproche|crie|balance|ecrit|lance|traitee? (?:de|d'))(?: que| qu'| de| d')?"
    r"|je l'ai traitee? (?:de|d')|je t'ai traitee? (?:de|d')"
    r"|(?:gtlha|gtlo|gtlih|glt(?:ha|o| lik| liha| lih| lo)|9lt(?:ha|o| lik| liha| lih)|gelt(?: lik| liha| lih)|qolt(?: lik| liha| lih))(?: bli)?"
    r"|(?:قلت|گلت|قلتلها|قلتلو|قلتليها|قلتليه|قلتليك)(?: ليك| ليها| ليه| لك| له| لها)?(?: بلي| ان| انه| انها| انك| بان| بانه| بانها| بانك)?"
    r"|(?:وصفته|وصفتها|نعته|نعتها|اتهمته|اتهمتها|اخبرته|اخبرتها)(?: ب| بان| انه| انها)?"
    r")(?:\s+|(?<=\bd')|(?<=\bqu'))")
# Where the words said may begin: the message's start, or a clause's ("i get why you're hurt, because i told you
# you never listen"; "nfhm 3lach t7ssi b dakchi, hit glt lik nti dima…", found in the tenth new-user trial).
_CLAUSE_START = re.compile(r"^|[,.;:!?]\s*|\b(?:hit|7it|because|bc|cause|since|parce que|pcq|car|حيت|لاني|لانني|لان)\s+")
# A later clause counts only after words that own or understand ("i get why you're hurt, because i told you…"):
# after "whatever, i said you're lazy", "you're only upset because i told you…" or "sorry you feel that way. i told
# you…" the words said are said again (found by review).
_OWNING_BEFORE = re.compile(r"\b(i'?m sorry (i|for|that i)|sorry (i|for)\b|i was (out of line|wrong|unfair|mean|harsh)|my fault|"
                            r"i (get|understand|see|know|can see) why|i hear (you|that)|je comprends|je suis desolee? d|pardon d|"
                            r"nfhm|fhmt|kanfhm|fhemt|smhli|sm7li|smh liya|سمحلي|سمحيلي|فهمت|كنفهم|نفهم|افهم|انا اسف)")
# A "but" or a reason: it ends the words said, and after them it defends them ("sorry i said you're lazy but you
# really are").
_TURN = r"but|because|cause|cuz|bc|mais|parce que|pcq|walakin|7it"
_TURN_ARABIC = r"ولكن|لكن|حيت"  # after the words said, found inside a word too (« لكنه »)
# Where the words said end: the end of their clause.
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?…\n—–\U0001F300-\U0001FAFF\u2600-\u27BF]|\s-\s|\b(?:and that|which|" + _TURN
                         + r"|et c'etait|et c'est|ce qui|w hadchi|w dak|وهذا|و هذا|وكان|وهادشي|" + _TURN_ARABIC + r")\b)")
_JUSTIFIED = re.compile(r"\b(" + _TURN + r"|which (you|he|she) (are|is)|(you|he|she) (still |really |actually |truly )(are|is))\b|"
                        + _TURN_ARABIC)
# Words in or after the words said that stand by them: the criticism is meant, not owned.
_STANDS_BY_IT = re.compile(r"\b(it'?s true|its true|that'?s true|i meant it|i mean it|not taking it back|so what|"
                           r"stand by|keep saying|proved it|nothing (has )?changed|c'est la verite|sadqa|sad9a|sade9|"
                           r"(and|since) (you|he|she) (really |actually |still )?"  # "because…" is a _TURN
                           r"(do|does|did|are|is|don'?t|doesn'?t|didn'?t|aren'?t|isn'?t)(?=\s*(?:[.,;!?]|$))|"
                           r"et c'est vrai|je le pense|je le maintiens|w hiya l7e?9|w howa l7e?9|وهذا صحيح|وهي الحق|وهو الحق)\b")
SOMETHING = "something"
# What follows a verb of saying that is not words said: a count, a time, a place.
_NOT_WORDS = re.compile(r"(at|on|about|back|again|twice|once|\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|"
                        r"many|so many|and|to|from|when|after|before|yesterday|this|last|all)\b")
# The words said must be about the partner ("he always…", « qu'il était nul », "nti dima…"): "i told you i was
# busy", "i said sorry already", "i snapped at her bc she started it", "i texted you at 6:45" are not owning.
_ABOUT_THEM = re.compile(r"(you|you'?re|youre|u|ur|your|he|he'?s|hes|she|she'?s|shes|his|her|they|they'?re|theyre|"
                         r"tu|t'|il|elle|qu'il|qu'elle|que tu|qu't|que t'|de jamais|de toujours|de ne|d'etre|de pas|"
                         r"nti|nta|nty|ntia|ntiya|rak|raki|howa|hiya|bli nti|bli nta|bli howa|bli hiya|"
                         r"نتي|نتا|انت|انتي|راك|راكي|هو|هي|بلي)\b")
# A lead that already says who: "i called him…", « je l'ai traité de… », "قلت لها إنها…".
_NAMED_IN_LEAD = re.compile(r"(\bcalled (him|her|them|you|my \w+)|traitee? (de|d')|reproche (de|d')|accusee? (de|d')|انها|انه|انك|بانها|بانه|بانك|وصفته|وصفتها|نعته|نعتها|"
                            r"اتهمته|اتهمتها|\baccused (him|her|them|you))\s*$")
# Blame verbs read as blame on their own (« je lui ai reproché quelque chose »): with the words set aside
# they are plain saying.
_BLAMED = re.compile(r"\b(reproche|accuse|accused)( de| d'| of)?\b")


def without_owned_quote(text: str) -> str | None:
    """The message with the words the person owns having said replaced by "something" ("i told him
    something"), or None when it doesn't open with them or stands by them afterwards. Read on the
    normalised form the checker's patterns read (`normalise.base`)."""
    reading = base(text).strip()
    opened = next((m for m in (_SAID.match(reading, start.end()) for start in _CLAUSE_START.finditer(reading)
                               if start.start() == 0 or _OWNING_BEFORE.search(reading, 0, start.start())) if m), None)
    if not opened:
        return None
    quote_start = opened.end()
    if _NOT_WORDS.match(reading, quote_start):  # "i called you five times", "i told you on tuesday"
        return None
    if not (_NAMED_IN_LEAD.search(reading[:quote_start]) or _ABOUT_THEM.match(reading, quote_start)):
        return None
    end = _CLAUSE_END.search(reading, quote_start)
    quote_end = end.start() if end else len(reading)
    if quote_end - quote_start < 2:
        return None
    rest = reading[quote_end:]
    if _STANDS_BY_IT.search(reading, quote_start) or _JUSTIFIED.search(rest):  # "… and it's true", "…, but you are"
        return None
    said = _BLAMED.sub(lambda m: "told" if m.group(1) == "accused" else "dit", reading[:quote_start])
    return said + SOMETHING + rest
