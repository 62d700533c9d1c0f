"""Turning words written *about* the partner ("I snapped at her") toward the partner ("I snapped at
you"), for a message addressed to them. English only, and only where it is safe.

Safe means: the words speak of one person in the third person (not "he" and "she" together), name
nobody else (a mother, a friend, the kids: "her" might then be them), and every pronoun can be
turned without guessing. Otherwise the words are left exactly as written and the caller frames
them, so a message never says "you" about the wrong person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Words that mean somebody else is in the sentence, so "she", "her" or "they" may not be the partner.
OTHER_PEOPLE = frozenset("""
mother mom mum mommy mummy father dad daddy parent parents mother-in-law father-in-law in-laws sister brother
sibling siblings son daughter kid kids child children baby friend friends boss colleague colleagues coworker
coworkers neighbour neighbor neighbours neighbors ex aunt uncle cousin grandma grandmother grandpa grandfather
family teacher doctor roommate flatmate guest guests everyone everybody people someone somebody
""".split())
SINGULAR = {"she": "he", "he": "she"}
# After "her": words that show it is the object ("I told her the truth", "I let her down"), not "her plans".
OBJECT_FOLLOWERS = frozenset("""
a an the that this these those some any no what how why when where whether if because so and or but nor
about again too also for to at in on with off out up down over back away first enough anything everything
nothing something all alone just really much more less like as while after before until since today tonight
yesterday last every by from into through feel think wait cry do go sit listen believe look come leave worry
know see hear talk speak finish explain stop try be get have make take feel feels felt i you it we
""".split())
IRREGULAR_THIRD = {"is": "are", "was": "were", "has": "have", "does": "do", "doesn't": "don't", "isn't": "aren't",
                   "wasn't": "weren't", "hasn't": "haven't", "says": "say", "goes": "go"}
ADVERBS = frozenset("always never often just really usually sometimes also still only even probably".split())
CONTRACTIONS = {"she's": "you're", "he's": "you're", "she'd": "you'd", "he'd": "you'd", "she'll": "you'll",
                "he'll": "you'll", "they're": "you're", "they've": "you've", "they'd": "you'd", "they'll": "you'll",
                # typed on a phone without the apostrophe (the ninth new-user trial: "I think shes bad with money"
                # stayed in a message to her); not "shed", "hed", "shell", "hell", words of their own
                "shes": "you're", "hes": "you're", "theyre": "you're", "theyve": "you've", "theyd": "you'd"}
PERFECT_AFTER_S = frozenset("been had got gotten done said told asked made seen gone tried".split())
SIMPLE = {"him": "you", "his": "your", "himself": "yourself", "hers": "yours", "herself": "yourself",
          "them": "you", "their": "your", "theirs": "yours", "themselves": "yourself", "themself": "yourself",
          "they": "you"}
THEY = frozenset({"they", "them", "their", "theirs", "themselves", "themself", "they're", "they've", "they'd",
                  "they'll"})
# "they"/"them" may be things rather than the partner ("twenty minutes when I ask for them", "the
# dishes… I ignored them", "she leaves her dishes… she needs to wash them"): a plural noun (after a
# determiner, a possessive or a number) before it makes turning unsafe.
PLURAL_CUE = re.compile(r"\b(the|my|your|our|his|her|some|those|these|all|many|few|several|\d+|two|three|four|five|six|"
                        r"ten|twenty|thirty|a few|a couple of)\s+(\w+\s+)?\w{2,}s\b", re.IGNORECASE)
THEY_WORD = re.compile(r"\b(they|them|their|theirs|themselves|themself)\b", re.IGNORECASE)
TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|[^A-Za-z]+")


@dataclass(frozen=True)
class Turned:
    text: str
    changed: bool  # pronouns were turned toward "you"
    third_person: bool  # the words still speak of someone as she/he/they (not safe to turn)


def mentions_third_person(text: str) -> bool:
    words = {w.lower().replace("’", "'") for w in re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)?", text)}
    return bool(words & ({"she", "he", "her", "him", "his", "hers", "herself", "himself", "they", "them", "their",
                          "theirs", "themselves", "themself"} | set(CONTRACTIONS)))


def _safe(words: list[str], text: str) -> bool:
    lowered = [w.lower() for w in words]
    if set(lowered) & OTHER_PEOPLE:
        return False
    cue = PLURAL_CUE.search(text)
    if cue and any(m.start() > cue.start() for m in THEY_WORD.finditer(text)):
        return False  # a plural thing comes first: a later "them" may be it
    female = any(w in ("she", "her", "hers", "herself", "she's", "she'd", "she'll", "shes") for w in lowered)
    male = any(w in ("he", "him", "his", "himself", "he's", "he'd", "he'll", "hes") for w in lowered)
    return not (female and male)


def _verb_for_you(word: str) -> str:
    """The verb after a singular "she"/"he", agreeing with "you" instead ("texts" -> "text")."""
    low = word.lower()
    if low in IRREGULAR_THIRD:
        return _same_case(word, IRREGULAR_THIRD[low])
    if len(low) > 3 and low.endswith("ies"):
        return word[:-3] + "y"
    if len(low) > 3 and low.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _same_case(original: str, new: str) -> str:
    return new[0].upper() + new[1:] if original[:1].isupper() else new


def toward_you(text: str) -> Turned:
    """"I snapped at her" -> "I snapped at you"; "she felt I didn't care about her plans" -> "you felt
    I didn't care about your plans". Unsafe cases come back unchanged with `third_person` set."""
    if not mentions_third_person(text):
        return Turned(text, False, False)
    tokens = TOKEN.findall(text)
    words = [t for t in tokens if t[0].isalpha()]
    if not _safe([w.replace("’", "'") for w in words], text):
        return Turned(text, False, True)
    positions = [i for i, t in enumerate(tokens) if t[0].isalpha()]
    after_subject = False  # the previous word was a singular she/he: the next verb must agree with "you"
    for n, i in enumerate(positions):
        tok = tokens[i]
        low = tok.lower().replace("’", "'")
        nxt = tokens[positions[n + 1]].lower() if n + 1 < len(positions) else None
        gap = "".join(tokens[i + 1:positions[n + 1]]) if n + 1 < len(positions) else ""
        if low in ("she", "he"):
            new, after_subject = "you", True
        elif after_subject:
            if low in ADVERBS:
                continue  # "she always texts": the verb comes after the adverb
            new, after_subject = _verb_for_you(tok), False
        elif low in ("she's", "he's", "shes", "hes"):
            new = "you've" if nxt in PERFECT_AFTER_S else "you're"
        elif low in CONTRACTIONS:
            new = CONTRACTIONS[low]
        elif low == "her":
            ends_clause = nxt is None or any(c in gap for c in ".,;:!?") or nxt in OBJECT_FOLLOWERS
            new = "you" if ends_clause else "your"
        elif low in SIMPLE:
            new = SIMPLE[low]
        else:
            continue
        tokens[i] = _same_case(tok, new)
    result = "".join(tokens)
    return Turned(result, result != text, False)
