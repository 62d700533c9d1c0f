"""The message a person could send at the end of a repair, built from their own answers without
seams, and the clear request of the communication practice. English sentence rules; the phrases
themselves come from the locale's catalog (`draft.*`), so the copy stays in content.

Each answer becomes one sentence whose frame depends on the answer's form: a first-person clause
("I'll tell you when…") is used as it is, a bare verb ("tell you when…") gets "I'll", a question
keeps its question mark. A skipped answer leaves its sentence out; punctuation is never doubled;
answers about the partner in the third person are turned toward "you" where that is safe
(person.py), and otherwise left exactly as written with a note asking the person to check them.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.compose.overlap import restates
from bot.compose.person import toward_you

Phrases = Mapping[str, str]  # phrase name -> template with one `{words}`; see DRAFT_PHRASES

DRAFT_PHRASES = (
    "opening", "own", "sorry_that", "sorry_for", "view", "view_felt", "felt", "sense_why", "sense_because",
    "sense_that", "offer_next", "offer_do", "offer_work", "offer_what", "ask_question", "ask_could", "ask_that",
    "ask_what", "closing", "and", "third_person_note", "request_felt", "request_felt_when", "request_felt_at", "request_when",
    "request_need", "view_said", "sense_said",
)
QUOTES = "\"'“”‘’«»"
END_MARKS = ".!?…؟"  # ؟: the Arabic question mark
QUESTION_MARKS = "?!؟"  # a closing mark worth keeping
SUBJECTS = ("you", "your", "u", "ur", "it", "it's", "that", "that's", "this", "there", "we", "we're", "our", "the", "my", "i")
DETERMINERS = ("a", "an", "the", "more", "less", "some", "my", "our", "no", "fewer", "any", "one", "two", "less")
IRREGULAR_PAST = frozenset("""
said told was were got made left took went shouted yelled snapped forgot ignored raised walked stormed slammed
brought kept let put spoke thought felt gave came ran hung blamed called interrupted dismissed rolled sighed
laughed mocked refused missed lost broke hid lied
""".split())
# Verbs a bare request or offer tends to start with ("text me when…", "tell you sooner"): only these
# get "Could you" / "I'll" in front; anything else is framed as a thing asked for or offered.
COMMON_VERBS = frozenset("""
text tell call let give help put keep ask come check take spend try be do make say listen wait send stop sit plan
leave pick remind turn hug switch go talk share join clean wash cook hear hold slow pause walk book show write
answer agree accept warn plan start finish look sleep eat read bring get set avoid use leave mention message ring
phone count breathe step own apologise apologize notice remember think consider reply respond speak stay choose
thank praise support hug kiss cuddle cook fix plan drive collect buy hold
""".split())
# A situation starting like this already says when: "I felt lonely on Sunday…", not "when on Sunday".
TIME_WORDS = frozenset("on at in last yesterday today tonight this earlier during after before every".split())
FIRST_PERSON = re.compile(r"^i(?:\b|['’])", re.IGNORECASE)
# "i" typed on a phone, alone or in "i'm", "i've", "i'll", "i'd": a capital in the message (new-user trial 4)
LONE_I = re.compile(r"(?<![\w'’])i(?=(?:['’](?:m|ve|ll|d))?(?![\w'’]))")
# Contractions typed without the apostrophe ("im sorry", "i dont", "ill do the dishes"): the eighth new-user
# trial's draft kept "Im". Only words that are nothing else in a message ("its", "lets", "id" are left, and "ill":
# the review found "I'm ill", "you were ill", "fall ill" turned into "I'll" whatever list of exceptions guarded it).
APOSTROPHE_LESS = {
    "im": "I'm", "ive": "I've", "dont": "don't", "didnt": "didn't", "doesnt": "doesn't", "isnt": "isn't",
    "wasnt": "wasn't", "werent": "weren't", "arent": "aren't", "cant": "can't", "couldnt": "couldn't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't",
    "thats": "that's", "youre": "you're", "youve": "you've", "youll": "you'll", "theyre": "they're",
    "whats": "what's", "wont": "won't",
}
APOSTROPHE_LESS_RE = re.compile(r"(?<![\w'’])(" + "|".join(APOSTROPHE_LESS) + r")(?![\w'’])", re.IGNORECASE)

@dataclass(frozen=True)
class DraftWords:
    """The answers that go into the message (None or empty: skipped)."""

    my_part: str | None = None
    regret: str | None = None
    their_view: str | None = None
    their_feelings: Sequence[str] = ()  # picked labels, already in the reader's words
    their_feelings_text: str | None = None
    makes_sense: str | None = None
    my_offer: str | None = None
    my_ask: str | None = None


@dataclass(frozen=True)
class Composed:
    text: str
    third_person: bool  # some words still speak of the partner as she/he/they: ask the person to check


# -- small text tools ---------------------------------------------------------------------------
def tidy(text: str | None) -> tuple[str, str]:
    """The words without wrapping quotes, extra spaces or closing punctuation, and that punctuation
    ("?" matters: a question stays a question)."""
    if not text:
        return "", ""
    words = " ".join(text.split()).strip()
    while len(words) >= 2 and words[0] in QUOTES and words[-1] in QUOTES:
        words = words[1:-1].strip()
    if len(words) >= 2 and words[0] in QUOTES and words[0] not in words[1:] and words[-1] not in QUOTES:
        words = words[1:].lstrip()  # an opening quote that never closes
    if not any(ch.isalnum() for ch in words):
        return "", ""  # only emoji or marks: nothing a sentence could carry
    words = words.lstrip(".,;:!?…-–— ")
    words = mend_marks(words)
    end = ""
    while words and words[-1] in END_MARKS + ",;: ":
        if words[-1] in QUESTION_MARKS and not end:
            end = words[-1]
        words = words[:-1].rstrip()
    return words, end


def with_apostrophes(text: str) -> str:
    """ "im sorry i dont know" -> "I'm sorry i don't know" (the lone "i" is LONE_I's), keeping a capital the
    person typed ("Dont" -> "Don't"); "ill" stays: it also means sick."""
    def put_back(m: re.Match[str]) -> str:
        word = m.group(1)
        lower = word.lower()
        full = APOSTROPHE_LESS[lower]
        return full if full.startswith("I") or not word[0].isupper() else full[0].upper() + full[1:]
    return APOSTROPHE_LESS_RE.sub(put_back, text)


def mend_marks(words: str) -> str:
    """Marks the person typed that would read as seams once in a sentence: "walked ." -> "walked.",
    ".." -> "." (an ellipsis stays), "?." -> "?", ",." -> "."."""
    for _ in range(3):  # each rule can expose another; three rounds reach a fixed point
        before = words
        words = re.sub(r"\s+([.,;:!?…؟])", r"\1", words)
        words = re.sub(r"\.{2,}", lambda m: "..." if len(m.group()) >= 3 else ".", words)
        words = re.sub(r"([?!؟])[.,;:]+(?!\.\.)", r"\1", words)
        words = re.sub(r"[,;:]+([.?!])", r"\1", words)
        words = re.sub(r"(?<!\.)\.[,;:]+", ".", words)
        if words == before:
            break
    return words


def first_word(text: str) -> str:
    match = re.match(r"[A-Za-z]+(?:['’][A-Za-z]+)?", text)
    return match.group(0).lower().replace("’", "'") if match else ""


def starts(text: str, *prefixes: str) -> bool:
    """The text begins with one of the prefixes, as typed on a phone too ("im sorry", "i’m sorry")."""
    low = _PHONE_SPELLING.sub(lambda m: _AS_WRITTEN[m.group(0)], text.lower().replace("’", "'"))
    return any(low == p or low.startswith(p + " ") or low.startswith(p + ",") for p in prefixes)


# Found trying Mend as a new user: "im sorry if…" got "I'm sorry for" in front of it.
_AS_WRITTEN = {"im ": "i'm ", "sry": "sorry", "soz": "sorry"}
_PHONE_SPELLING = re.compile(r"^(im |sry\b|soz\b)")


def strip_prefix(text: str, *prefixes: str) -> str:
    low = text.lower().replace("’", "'")
    for p in prefixes:
        if low == p:
            return ""
        if low.startswith(p + " ") or low.startswith(p + ":") or low.startswith(p + ","):
            return text[len(p) + 1:].lstrip(" :,")
    return text


def lower_first(text: str) -> str:
    """Lower-case the first letter inside a sentence, except "I", "I'm", names in capitals ("ASAP")."""
    if not text or FIRST_PERSON.match(text) or (len(text) > 1 and text[1].isupper()):
        return text
    return text[0].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def sentence(text: str, end: str = "") -> str:
    """A whole sentence: capital letter, one closing mark."""
    return mark_before_emoji(upper_first(text) + (end or "."))


def fill(phrase: str, words: str, when: str = "") -> str:
    """Put the words into a phrase (plain replacement: braces in people's words stay as typed).
    Nothing left once a prefix like "that" or "my part was" is taken off: no sentence."""
    if not any(ch.isalnum() for ch in words):
        return ""
    return mark_before_emoji(re.sub(r"\{(words|when)\}", lambda m: words if m.group(1) == "words" else when,
                                    phrase))


# Emoji and pictographs (with their joiners and variation selectors) closing a person's words.
_TRAILING_EMOJI = re.compile("(\\s*[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]+)(\u00a0?[.?!\u061f])$")


def mark_before_emoji(text: str) -> str:
    """'…w work rn 😅?' -> '…w work rn? 😅': the closing mark belongs to the words, the emoji after it."""
    return _TRAILING_EMOJI.sub(lambda m: m.group(2) + " " + m.group(1).strip(), text)


def join_words(items: Sequence[str], and_word: str, comma: str = ", ") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    if and_word.endswith(GLUED_AND) and not ARABIC_START.match(items[-1]):
        and_word += " "  # Arabic's "و" joins the next word, but never a Latin one ("وkont": the eleventh trial)
    return comma.join(items[:-1]) + and_word + items[-1]


GLUED_AND = "و"
ARABIC_START = re.compile(r"[\u0600-\u06FF]")


def is_subject(word: str) -> bool:
    """Starts a clause: "you", "you'd", "it's", "we"… (so the answer is a whole statement)."""
    return word in SUBJECTS or word.split("'")[0] in SUBJECTS


def is_first_person(text: str) -> bool:
    return bool(FIRST_PERSON.match(text))


def looks_past(word: str) -> bool:
    return word in IRREGULAR_PAST or (len(word) > 4 and word.endswith("ed"))


def looks_gerund(word: str) -> bool:
    return len(word) > 4 and word.endswith("ing") or word == "not"


# -- one sentence per answer --------------------------------------------------------------------
class _Builder:
    def __init__(self, phrases: Phrases):
        self.p = phrases
        self.third_person = False

    def words(self, raw: str | None) -> tuple[str, str]:
        """Tidied words, turned toward "you" when that is safe."""
        words, end = tidy(raw)
        if not words:
            return "", ""
        turned = toward_you(words)
        self.third_person = self.third_person or turned.third_person
        return LONE_I.sub("I", with_apostrophes(turned.text)), end

    def own(self, raw: str | None) -> str:
        words, end = self.words(raw)
        words = strip_prefix(words, "my part in it was", "my part was", "my part is", "my part")
        if not words:
            return ""
        if starts(words, "sorry", "i'm sorry", "i am sorry", "i apologise", "i apologize"):
            return sentence(words, end if end == "!" else "")
        if looks_past(first_word(words)):
            words = "I " + lower_first(words)  # "raised my voice" -> "I raised my voice"
        return fill(self.p["own"], lower_first(words))

    def regret(self, raw: str | None) -> str:
        words, end = self.words(raw)
        if not words:
            return ""
        if starts(words, "sorry", "i'm sorry", "i am sorry", "i apologise", "i apologize", "i regret", "i wish",
                  "i feel bad", "i feel terrible", "i shouldn't", "i should have", "i should've", "i really regret",
                  "i'm so sorry", "i'm really sorry"):
            return sentence(words, "!" if end == "!" else "")
        head = first_word(words)
        if is_first_person(words) or head == "that":
            return fill(self.p["sorry_that"], words)  # "I'm sorry I raised my voice."
        if looks_past(head):
            return fill(self.p["sorry_that"], "I " + lower_first(words))
        return fill(self.p["sorry_for"], lower_first(words))  # "I'm sorry for walking out."

    def view(self, raw: str | None) -> str:
        words, end = self.words(raw)
        if not words:
            return ""
        if starts(words, "i imagine", "i think", "i guess", "i can imagine", "i can see", "i understand", "maybe",
                  "perhaps", "probably", "from where you", "from your side", "to you", "i know", "i bet"):
            return sentence(words, end)
        if starts(words, "like"):
            return fill(self.p["view_felt"], lower_first(words))
        # "he prob felt like…" left in the third person (it names his mom too) has its own subject and
        # verb: "I imagine he prob felt…", never "I imagine it felt he prob felt…" (new-user trial 4).
        head = first_word(words)
        if is_subject(head) or head.split("'")[0] in ("he", "she", "they") or is_first_person(words):
            return fill(self.p["view"], lower_first(words))
        return fill(self.p["view_felt"], lower_first(words))

    def felt(self, labels: Sequence[str], raw: str | None) -> str:
        own, _ = self.words(raw)
        own = strip_prefix(own, "you felt", "you were feeling", "you probably felt", "felt", "you might have felt",
                           "you may have felt")
        items = list(labels) + ([lower_first(own)] if own else [])
        if not items:
            return ""
        return fill(self.p["felt"], join_words(items, self.p["and"]))

    def makes_sense(self, raw: str | None) -> str:
        words, end = self.words(raw)
        if not words:
            return ""
        if starts(words, "i can see", "i understand", "i get", "it makes sense", "that makes sense", "of course",
                  "i see", "no wonder", "it's understandable", "i can understand"):
            return sentence(words, end)
        if starts(words, "why"):
            return sentence("I can see " + lower_first(words), end)
        if starts(words, "because", "given", "since", "as"):
            return fill(self.p["sense_because"], lower_first(words))
        if is_subject(first_word(words)) or is_first_person(words):
            return fill(self.p["sense_that"], lower_first(words))
        words = strip_prefix(words, "you'd feel", "you would feel", "feel")
        return fill(self.p["sense_why"], lower_first(words))

    def offer(self, raw: str | None) -> str:
        words, end = self.words(raw)
        if not words:
            return ""
        if "next time" in words.lower() or starts(words, "from now on", "in future", "in the future"):
            return sentence(words, "!" if end == "!" else "")
        if is_first_person(words):
            return fill(self.p["offer_next"], words)  # "Next time, I'll tell you when…" (never "I'll I'll")
        head = first_word(words)
        if looks_gerund(head):
            return fill(self.p["offer_work"], lower_first(words))
        if head in DETERMINERS:
            return fill(self.p["offer_what"], lower_first(words))
        words = strip_prefix(words, "will", "to")
        if first_word(words) in COMMON_VERBS or first_word(words) in ("try", "always", "never", "not"):
            return fill(self.p["offer_do"], lower_first(words))
        return fill(self.p["offer_what"], lower_first(words))

    def ask(self, raw: str | None) -> str:
        words, end = self.words(raw)
        if not words:
            return ""
        head = first_word(words)
        if end == "?" or head in ("could", "can", "would", "will", "might", "may", "is", "do", "does", "are"):
            return fill(self.p["ask_question"], lower_first(words))  # keeps its "?" (never "?.")
        if starts(words, "i'd like", "i would like", "i need", "i'd love", "i would love", "i'd appreciate",
                  "i would appreciate", "i want", "i ask", "i'm asking", "it would help", "it would mean",
                  "i'd really like", "my ask"):
            return sentence(words, "!" if end == "!" else "")
        if head == "please":
            return fill(self.p["ask_could"], words[0].lower() + words[1:])  # "Could you please text me…?"
        if starts(words, "for you to"):
            words = strip_prefix(words, "for you to")  # "for you to text me" -> "could you text me?"
            head = first_word(words)
        elif head == "for":
            return fill(self.p["ask_what"], lower_first(strip_prefix(words, "for")))
        if head in ("you", "that"):
            return fill(self.p["ask_that"], lower_first(strip_prefix(words, "that")))
        if head in DETERMINERS or looks_gerund(head):
            return fill(self.p["ask_what"], lower_first(words))
        words = strip_prefix(words, "to")
        if first_word(words) in COMMON_VERBS or first_word(words) in ("always", "not", "try"):
            return fill(self.p["ask_could"], lower_first(words))
        return fill(self.p["ask_what"], lower_first(words))


def compose_draft(words: DraftWords, phrases: Phrases) -> Composed:
    """The whole message: opening, what I own, my apology, their side, my offer, my ask, closing."""
    build = _Builder(phrases)
    parts = [
        phrases["opening"],
        "" if restates(words.my_part, words.regret) else build.own(words.my_part),
        build.regret(words.regret),
        build.view(words.their_view),
        build.felt(words.their_feelings, words.their_feelings_text),
        build.makes_sense(words.makes_sense),
        build.offer(words.my_offer),
        build.ask(words.my_ask),
        phrases["closing"],
    ]
    return Composed(" ".join(p for p in parts if p), build.third_person)


def as_said(raw: str | None, spaced_marks: bool = False) -> str:
    """An answer as a sentence of its own, exactly the person's words: tidied, a capital letter and
    one closing mark ("?" kept; French sets it off with a no-break space)."""
    words, end = tidy(raw)
    if not words:
        return ""
    end = end or "."
    return upper_first(words) + ("\u00a0" + end if spaced_marks and end in QUESTION_MARKS else end)


# Who a moment's clause is about: where "on friday you forgot…" turns from its time to what happened.
# Never right after a preposition ("at your mom's house") or a conjunction ("and you", "as i was").
PRONOUNS = frozenset("you u he she they we i".split())
CLAUSE_SUBJECTS = PRONOUNS | frozenset("my your ur his her their our".split())
NOT_BEFORE_WHEN = frozenset("at in on of with to for from by about and as but so because or while when".split())
# A time word that starts a clause of its own when a pronoun follows ("after you left I cried").
CLAUSE_TIMES = frozenset("after before until since while".split())


def _when_after_the_time(where: str) -> str:
    """English only, and only after a time word: "on friday you forgot the kids" -> "on friday, when you
    forgot the kids", joined the way the request's "I felt … on Sunday, when you…" reads (found trying
    Mend as a new user: "I felt overwhelmed on friday you forgot…"). As it was when there is no clause
    after the time, or the time is itself a clause ("after you left I cried", "every time you…"), or it has
    its "when" already."""
    if " when " in f" {where.lower()} ":
        return where
    words = where.split()
    first, second = words[0].lower(), (words[1].lower() if len(words) > 1 else "")
    if first == "every" or first in CLAUSE_TIMES and second in PRONOUNS:
        return where
    for i, word in enumerate(words[1:], start=1):
        if word.lower().strip(",") in CLAUSE_SUBJECTS and words[i - 1].lower().strip(",-–—:") not in NOT_BEFORE_WHEN:
            head = " ".join(words[:i]).rstrip(",-–—: ")
            if head:
                return head + ", when " + " ".join(words[i:])
    return where


def compose_request(feelings: Sequence[str], situation: str | None, needs: Sequence[str], ask: str | None,
                    phrases: Phrases, english: bool = True, spaced_marks: bool = False) -> Composed:
    """The communication practice's result: "I felt … when …. What I need is …. Could you …?".
    Other languages: the moment follows the feeling as written, and the ask stands as said."""
    build = _Builder(phrases)
    parts = []
    if english:
        where, _ = build.words(situation)
        where = lower_first(strip_prefix(where, "it was when", "when"))
    else:
        where = lower_first(tidy(situation)[0])
    felt = join_words(list(feelings), phrases["and"])
    if english and first_word(where) in TIME_WORDS:
        where = _when_after_the_time(where)
    if felt and where and (not english or " when " in f" {where.lower()} " or first_word(where) in TIME_WORDS):
        parts.append(fill(phrases["request_felt_at"], felt, when=where))  # "on Sunday, when you…": no second "when"
    elif felt and where:
        parts.append(fill(phrases["request_felt_when"], felt, when=where))
    elif felt:
        parts.append(fill(phrases["request_felt"], felt))
    elif where:
        parts.append(fill(phrases["request_when"], where))
    if needs:
        parts.append(fill(phrases["request_need"], join_words(list(needs), phrases["and"])))
    parts.append(build.ask(ask) if english else as_said(ask, spaced_marks))
    return Composed(" ".join(p for p in parts if p), build.third_person)
