"""Reading a typed answer against the options on screen, in the person's own words.

Pure (no I/O, no clock): the engine hands in the options with their labels and aliases in the
person's language and gets back which option(s) the words point to, a tie to ask about, or nothing.

What counts as pointing at an option, strongest first:
- the option's label or one of its aliases, ignoring case, accents and punctuation;
- a number: on a scale whose labels show ranges ("7–8 · very worked up") the number is a point on
  the scale, otherwise it is the option's position in the list;
- the whole label with a small typo (rapidfuzz's normalised Indel similarity);
- words that only this option's label or aliases contain ("worked up"), typos allowed.
Function words ("I", "feel", "the") never decide, unless a label needs them to tell options apart.
For a multi-select, the text may name several options, separated by commas, "and", "&" or "/"
(and "et", "ou", و and Darija's "w").

Words are compared folded: case, accents and Arabic vowel marks off, أ/إ/آ as ا, ة as ه, the
Arabic article off, French inclusive forms ("blessé·e") read as both genders, Arabic-Indic digits
as digits. Words in one of Mend's other languages are tried when the person's own language finds
nothing (people in Morocco mix Darija, French and English): `loose=False` there, so only a
whole label or alias counts, never a lone word of another language.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.engine.text import ARABIC_LETTER

T = TypeVar("T")  # an option as the caller holds it (`at_place`)

# Words that turn a sentence around, in the languages Mend speaks (after `normalise`: "don't" is "dont",
# Arabic without hamza). Short Latin Darija "ma"/"la" are left out: they are also French "my"/"the".
NEGATIONS = frozenset("""not no never dont doesnt didnt isnt arent wasnt cant cannot wont nope hardly
pas jamais aucun aucune rien ni machi mashi mchi mach mashy walo
ما مش ماشي مو لا ليس لست لم لن ماكاين ماكانش والو""".split())
WHOLE_TYPO = 88  # similarity (0-100) above which a whole label with a slip still counts as that label
MIN_TYPO_WORD = 4  # one word with a slip ("frustated", "lonley"): 4+ letters, one edit (two from 8 letters)
MIN_ARABIC_TYPO_WORD = 7  # letters; vowels are not written, so a slip in a short word makes another word
# Everyday words (of any of Mend's languages: people mix them) one slip from an option's word and never
# that slip. Found trying Mend as a new user: "ana f aman" (Darija, "I'm safe") at the country question
# chose Jordan (Amman).
NOT_A_SLIP = frozenset("aman amane lamane".split())
RANGE_RE = re.compile(r"(\d+)\s*(?:[–—-]|إلى|الى)\s*(\d+)")  # "7–8 · …"; Arabic: "من 7 إلى 8 · …"
NUMBER_RE = re.compile(r"\d+")
NUMBERS_ONLY_RE = re.compile(r"^\s*\d+(\s*(,|،|and|et|&|\s)\s*\d+)*\s*$")
# "and"/"or" in the three languages: et, ou; و standing alone (Arabic) and w (Darija in Latin letters).
# "n" alone too, as typed on a phone for "and" ("hart racing n jaw tite": the twelfth new-user trial), never
# the "n'" of French ("je n'avais pas", review)
SPLIT_RE = re.compile(r"\s*(?:,|;|/|&|\+|\n|،|؛|\b(?:and|or|et|ou|w)\b|(?<!\S)[nو](?!\S))\s*", re.IGNORECASE)
WAW_RE = re.compile(r"\s+و(?=[\u0621-\u064a]{2})")  # "وقلق": an Arabic "and" joined to the next word
NUMBER_WORD_RE = re.compile(r"^\d+(?:ish)?$")  # "7", "7ish"; not the digits of Darija in Latin letters ("n9der")
INCLUSIVE_RE = re.compile(r"(\w+)·(\w+)")  # French inclusive forms: "blessé·e", "anxieux·se", "amer·ère"
# "cœur" typed as "coeur" on most phone keyboards (found trying Mend as a new user): NFKD keeps œ whole.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
ARABIC_LETTERS = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None})  # taa marbuta, alif maqsura, tatweel
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Words that carry no choice on their own. Kept small on purpose: a word that some label needs to
# tell two options apart (like "not" in "Not now") still counts there.
STOPWORDS = {
    "en": frozenset("""
        a an the i im i'm me my mine myself you your it its is am are was were be been being this that
        of to in on at for with about so just really quite pretty kind kinda sort sorta bit little
        feel feeling felt think guess maybe probably like um uh er well please pls plz pleez thanks thank thx
        right now okay oh hmm one option choice answer mean say d be would do does
    """.split()),
    # Folded as `normalise` folds them (no accents, no apostrophes: "c'est" -> "cest").
    "fr": frozenset("""
        je j me m moi mon ma mes tu te t toi ton ta tes vous votre vos il elle on ce c cest ca cela
        le la les l un une des de du d en au aux a et est suis es sommes etre ete
        sens sent ressens ressent crois pense trouve dirais peutetre peut etre plutot vraiment tres
        assez un peu bon ben bah euh hum heu genre quoi bien merci svp stp sil plait donc alors
        que qui quand option choix reponse celle celui ici
        pas ne n
    """.split()),
    # Modern Standard Arabic and Darija, in Arabic letters and in Latin letters with digits
    # ("ana", "kan7ess", "chwiya"), folded like the labels (أ -> ا, ة -> ه, no article).
    "ar": frozenset("""
        انا اني نحن انت انتي هو هي هذا هذه هاد هادا هادي ذلك في ف من على الى عن مع ب ل
        كان يكون اشعر احس كنحس حاس حاسه شعرت اظن ربما يمكن قليلا شويه شوي جدا بزاف غير
        يعني واش شي شكرا عافاك فضلك من فضلك ديال الخيار الجواب
        ana ani rani rah ra kan kanhess kan7ess kan7es kanhes 7ass hass kanchouf
        chi shi chwiya chwia bzaf bezzaf ghir ya3ni wach wech 3afak choukran shukran dyal dial
        f fi mn men 3la ala m3a
    """.split()),
}


# A yes or a no at the start of an answer that goes on to name an option ("no im fine"): `_led_by_yes_or_no`.
NO_WORDS = frozenset("no nope nah non nan لا".split())
ARABIC_NO = frozenset("la lla".split())  # Darija's "no" in Latin letters: only for Arabic readers (French "la" is "the")
LEAD_WORDS = NO_WORDS | frozenset("yes yeah yep oui ouais نعم ايه iyeh wakha".split())
# Positions said in words ("the second one", "la dernière", "الخيار الثاني"), folded as `normalise` folds
# them (the Arabic article off, ة as ه); 0 is the last. Found trying Mend as a new user: "the second one"
# at a choice was "not understood". Only when pointed at (`_by_position`): a bare "second" is a moment.
ORDINALS = {
    "first": 1, "1st": 1, "premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "اول": 1, "اولي": 1, "lwla": 1, "lwl": 1,
    "second": 2, "2nd": 2, "deuxieme": 2, "seconde": 2, "2e": 2, "2eme": 2, "ثاني": 2, "ثانيه": 2, "tania": 2,
    "third": 3, "3rd": 3, "troisieme": 3, "3e": 3, "3eme": 3, "ثالث": 3, "ثالثه": 3, "talta": 3,
    "fourth": 4, "4th": 4, "quatrieme": 4, "4e": 4, "4eme": 4, "رابع": 4, "رابعه": 4,
    "fifth": 5, "5th": 5, "cinquieme": 5, "5e": 5, "5eme": 5, "خامس": 5, "خامسه": 5,
    "last": 0, "dernier": 0, "derniere": 0, "اخير": 0, "اخيره": 0, "lakhra": 0, "lkhra": 0, "lekhra": 0,
}
# What points at a position: right before it ("the second", "la deuxième", "option 2", "الخيار الثاني", "رقم 2")
# or right after it ("second one", "first option"). The Arabic article is folded away, so Arabic needs a word.
POINT_BEFORE = frozenset("the option choice number le la l lkhiyar خيار اختيار رقم".split())
POINT_AFTER = frozenset("one option choice".split())
NUMBER_POINTERS = frozenset("option choice number no num nr numero رقم خيار".split())
POSITION_WORDS = frozenset("""number no num nr pick take choose go with ill id lets the one option choice
numero prends choisis prendrai je la le l ci
رقم خيار اختيار ناخد ناخذ نختار
nakhod nakhed nkhtar""".split())


# Everyday words for yes and no, read as the word labels use ("Yes, in 3 days" / "Yes, in a week":
# "iyeh" is as much a yes as "نعم", so both ask which one). Keys folded as `normalise` folds them.
SAME_AS = {
    "en": {"yeah": "yes", "yep": "yes", "yup": "yes", "yea": "yes", "nope": "no", "nah": "no"},
    "fr": {"ouais": "oui", "ouep": "oui", "ouaip": "oui", "nan": "non"},
    "ar": {"ايه": "نعم", "اه": "نعم", "اييه": "نعم", "واخا": "نعم", "iyeh": "نعم", "iyah": "نعم", "ayeh": "نعم",
           "ah": "نعم", "na3am": "نعم", "wakha": "نعم", "waxa": "نعم", "la": "لا", "lla": "لا", "لالا": "لا"},
}


@dataclass(frozen=True)
class OptionText:
    """One option as the person sees it: its id, label, and the other words that mean it."""

    id: str
    label: str
    aliases: tuple[str, ...] = ()
    # "Skip this" and "Done": only a one-word label or alias counts as a word of theirs ("idk", "pass"),
    # never a word out of a phrase: "know" (from "i don't know") in "to know i care" is an answer.
    whole_phrases_only: bool = False


@dataclass(frozen=True)
class Reading:
    """What typed words point to. kind: 'picked' (ids, one for a single choice), 'tie' (ids that fit
    equally well: ask which one), or 'none' (`unread` is the part that matched nothing)."""

    kind: str
    ids: tuple[str, ...] = ()
    unread: str = ""
    partial: tuple[str, ...] = field(default=())  # for a multi-select: the parts that did match


@lru_cache(maxsize=4096)  # labels and aliases are folded again for every typed answer; they rarely change
def normalise(text: str) -> str:
    """Case, accents, apostrophes and punctuation folded away: "Can't  THINK" -> "cant think"."""
    text = INCLUSIVE_RE.sub(_both_genders, text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())  # also takes the hamza off أ إ آ ؤ ئ
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))  # accents, Arabic vowel marks
    plain = plain.translate(ARABIC_LETTERS).translate(ARABIC_DIGITS).translate(LIGATURES)
    plain = re.sub(r"['’‘`´]", "", plain)
    plain = re.sub(r"[^\w]+", " ", plain)
    return " ".join(_without_article(w) for w in plain.split())


def _both_genders(m: re.Match[str]) -> str:
    """"blessé·e" -> "blessé blessée", "anxieux·se" -> "anxieux anxieuse", "amer·ère" -> "amer amère":
    a person types the form that is theirs, and either should count."""
    masculine, ending = m.group(1), m.group(2)
    feminine = masculine + ending if len(ending) == 1 else masculine[: 1 - len(ending)] + ending
    return f"{masculine} {feminine}"


def _without_article(word: str) -> str:
    """The Arabic article off ("القلق" -> "قلق"), so "قلق" typed bare still meets the label. Only
    when two letters or more remain: "الم" (pain) keeps its letters."""
    return word[2:] if word.startswith("ال") and len(word) >= 4 else word


def ranges(options: list[OptionText]) -> dict[str, tuple[int, int]]:
    """Options whose labels show a numeric range, when every option but at most one does."""
    found = {}
    for option in options:
        m = RANGE_RE.search(option.label)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            found[option.id] = (min(lo, hi), max(lo, hi))
    return found if len(found) >= 2 and len(found) >= len(options) - 1 else {}


def is_scale(labels: list[str]) -> bool:
    """Do these labels form a scale (numbers are points on it, not positions in the list)?"""
    return bool(ranges([OptionText(str(i), label) for i, label in enumerate(labels)]))


def read(text: str, options: list[OptionText], multi: bool = False, locale: str = "en",
         positions: bool = True, loose: bool = True) -> Reading:
    """Which option(s) `text` points to. `positions`: a bare number may be an option's position.
    `loose`: distinctive words count too (not only a whole label or alias, typos allowed)."""
    if not options or not text.strip():
        return Reading("none", unread=text.strip())
    whole = _read_one(text, options, locale, positions and not multi, loose)
    if multi and positions and whole.kind == "none" and not _lists_several(text):
        # "the third one" at a pick-several question that also takes own words: a position, not their words
        # (found trying Mend as a new user: the draft read "I can imagine how it left you: option 1").
        at = _by_position(normalise(text).split(), options, locale, True)
        whole = Reading("picked", (at,)) if at else whole
    if not multi or whole.kind != "none" and not _lists_several(text):
        return whole
    if NUMBERS_ONLY_RE.match(text) and positions:
        numbers = [int(n) for n in NUMBER_RE.findall(text)]
        scale = ranges(options)
        ids = []
        for n in numbers:
            single = _by_number(n, options, scale, positions)
            if single is None:
                return Reading("none", unread=str(n))
            ids.append(single)
        return Reading("picked", tuple(dict.fromkeys(ids)))
    picked: list[str] = []
    for part in (p for p in SPLIT_RE.split(text) if p and p.strip()):
        reading = _joined_by_waw(part, options, locale, positions, loose) or _read_one(part, options, locale,
                                                                                        positions, loose)
        if reading.kind == "picked":
            picked.extend(reading.ids)
        elif reading.kind == "tie":
            return Reading("tie", reading.ids, partial=tuple(dict.fromkeys(picked)))
        else:
            return Reading("none", unread=part.strip(), partial=tuple(dict.fromkeys(picked)))
    return Reading("picked", tuple(dict.fromkeys(picked))) if picked else whole


def _lists_several(text: str) -> bool:
    return len([p for p in SPLIT_RE.split(text) if p and p.strip()]) > 1 or bool(WAW_RE.search(text))


def _joined_by_waw(part: str, options: list[OptionText], locale: str, positions: bool,
                   loose: bool) -> Reading | None:
    """Arabic writes "and" as و joined to the next word ("ألم وقلق"): read the words split before
    each و, and take that only if every piece names an option ("أشعر وحيد" is one thought)."""
    pieces = [p for p in WAW_RE.split(part) if p.strip()]
    if len(pieces) < 2:
        return None
    ids: list[str] = []
    for piece in pieces:
        reading = _read_one(piece, options, locale, positions, loose)
        if reading.kind != "picked":
            return None
        ids.extend(reading.ids)
    return Reading("picked", tuple(dict.fromkeys(ids)))


def _by_number(n: int, options: list[OptionText], scale: dict[str, tuple[int, int]], positions: bool) -> str | None:
    if scale:
        inside = [oid for oid, (lo, hi) in scale.items() if lo <= n <= hi]
        return inside[0] if len(inside) == 1 else None
    if positions and 1 <= n <= len(options):
        return options[n - 1].id
    return None


def read_exactly(text: str, options: list[OptionText], locale: str = "en", positions: bool = True) -> Reading:
    """A single choice read as whole answers only: a label or alias, a number or a pointed position; no
    yes/no in front, no typos, no distinctive words. For safety questions (careful.py reads the rest)."""
    return _read_one(text, options, locale, positions=positions, loose=False, typos=False, led=False)


def _read_one(text: str, options: list[OptionText], locale: str, positions: bool, loose: bool = True,
              typos: bool = True, led: bool = True) -> Reading:
    said = normalise(text)
    if not said:
        return Reading("none", unread=text.strip())
    phrases = {o.id: [normalise(p) for p in (o.label, *o.aliases)] for o in options}
    # 1. The label or an alias, exactly (after folding case, accents and punctuation).
    exact = [o.id for o in options if said in phrases[o.id]]
    if len(exact) == 1:
        return Reading("picked", (exact[0],))
    if len(exact) > 1:
        return Reading("tie", tuple(exact))
    by_lead = _led_by_yes_or_no(said, options, phrases, locale) if led else None
    if by_lead is not None:
        return by_lead
    # 2. Numbers: a point on a scale, or a position in the list.
    scale = ranges(options)
    words = said.split()
    numbers = [int(w.removesuffix("ish")) for w in words if NUMBER_WORD_RE.match(w)]
    if numbers and (scale or said.isdigit()):
        found = [_by_number(n, options, scale, positions) for n in numbers]
        hits = list(dict.fromkeys(h for h in found if h))
        only_numbers = all(w.isdigit() or w in stopwords(locale) or w in ("out", "10", "about", "around") for w in words)
        if len(hits) == 1 and (only_numbers or scale):
            return Reading("picked", (hits[0],))
        if len(hits) > 1:
            return Reading("tie", tuple(hits))
    by_position = _by_position(words, options, locale, positions and not scale)
    if by_position:
        return Reading("picked", (by_position,))
    # Past here the match is by likeness: a "not" the person wrote must be in the option's wording too.
    # Found by review: "not better", "pas mieux", "ماشي أحسن" chose "A bit calmer" by its alias "better".
    if negated(words):
        phrases = {oid: forms for oid, forms in phrases.items() if any(negated(f.split()) for f in forms)}
        options = [o for o in options if o.id in phrases]
        if not options:
            return Reading("none", unread=text.strip())
    if not typos or said in NOT_A_SLIP:
        return Reading("none", unread=text.strip())
    # 3. The whole label (or alias) with a slip of the keyboard.
    best: dict[str, float] = {}
    for oid, forms in phrases.items():
        best[oid] = max(fuzz.ratio(said, form) for form in forms if form)
    top = max(best.values())
    if top >= WHOLE_TYPO:
        near = [oid for oid, score in best.items() if score >= top - 2]
        return Reading("picked", (near[0],)) if len(near) == 1 else Reading("tie", tuple(near))
    # 4. Distinctive words: words of the person's text that only one option's wording contains.
    if not loose:
        return Reading("none", unread=text.strip())
    return _by_words(words, options, phrases, locale, text)


def _led_by_yes_or_no(said: str, options: list[OptionText], phrases: dict[str, list[str]],
                      locale: str) -> Reading | None:
    """"no im fine", "non ça va", "لا، أنا بخير": a yes or no, then an option's whole label or alias. Found
    trying Mend as a new user: at "Are you safe right now?" the "no" chose "No, I'm not safe" and crisis
    numbers followed. The words after it name the answer; a "no" in front may still mean an option whose
    own label begins with no, so those are asked about together, never guessed. Only a label's first
    word counts (review: at /sos, "no i dont trust myself" must not tie with "I'm okay, you
    misunderstood" for its alias "i didnt mean it like that"), and words that say no themselves ("no im
    not ok") are read as usual."""
    first, _, rest = said.partition(" ")
    no_words = said_no(locale)
    if first not in LEAD_WORDS | no_words or not rest or negated(rest.split()):
        return None
    named = [o.id for o in options if rest in phrases[o.id]]
    if not named:
        return None
    # phrases[id][0] is the label, folded: only its first word counts, or a bare "no" as an alias (at
    # /sos "no" is "I'm in danger" or "I might hurt myself": "no im fine" there is asked about too)
    saying_no = [o.id for o in options if o.id not in named and first in no_words
                 and ((phrases[o.id][0].split() or [""])[0] in no_words or first in phrases[o.id])]
    ids = tuple(dict.fromkeys(named + saying_no))
    return Reading("picked", ids) if len(ids) == 1 else Reading("tie", ids)


def _by_position(words: list[str], options: list[OptionText], locale: str, positions: bool) -> str | None:
    """The option at a position said in words: "the second one", "option 2", "la dernière", "le
    premier", "الخيار الثاني". The word must be pointed at: "the"/"le"/"la"/"option"/"number" right
    before it, or "one"/"option" right after ("second one"); never a bare "second" or "first", which
    also mean a moment and an order (the review found "one second", "just a second", "at first", "me
    first", "i was last" picking options at "Are you safe right now?"), and never beside a "not"
    ("pas la première")."""
    if not positions or _says_no(words, locale):
        return None
    said = pointed_position(words, locale)
    if said is None:
        return None
    # "the last one" is never "Skip this"; "option 2" is counted as a bare "2" is, over everything on screen
    found = at_place(said, options, [o for o in options if not o.whole_phrases_only])
    return found.id if found else None


def at_place(said: tuple[int, bool], everything: Sequence[T], answers_only: Sequence[T]) -> T | None:
    """What a `pointed_position` names: a number counts over everything on screen, a word like "second"
    or "last" over the answers only (not "Done" or "Skip this")."""
    place, counted_as_a_number = said
    pool = everything if counted_as_a_number else answers_only
    at = len(pool) if place == 0 else place
    return pool[at - 1] if 1 <= at <= len(pool) else None


def pointed_position(words: list[str], locale: str) -> tuple[int, bool] | None:
    """The place a message points at, if that is all it says: ("the second one") -> (2, False), ("option
    2") -> (2, True: a number, counted over everything on screen), ("the last one") -> (0, False)."""
    said = [w for w in words if w not in POSITION_WORDS and w not in stopwords(locale)]
    if len(said) != 1:
        return None
    word = said[0]
    at = words.index(word)
    before = words[at - 1] if at > 0 else ""
    after = words[at + 1] if at + 1 < len(words) else ""
    if word.isdigit():
        return (int(word), True) if before in NUMBER_POINTERS else None
    place = ORDINALS.get(word)
    if place is None or not (before in POINT_BEFORE or after in POINT_AFTER):
        return None
    return place, False


def pointed_positions(text: str, locale: str) -> list[tuple[int, bool]] | None:
    """Several places in one message ("the first and the third", "option 1 and 3", "la première et la
    dernière"): the first must be pointed at; those after it may be bare ("and third", "and 3"), read
    the way the first was. None unless every part is a place."""
    parts = [normalise(p).split() for p in SPLIT_RE.split(text) if p and p.strip()]
    if any(_says_no(words, locale) for words in parts):
        return None  # "pas la première", "not the last one": never a pick (review, session 25)
    first = pointed_position(parts[0], locale) if parts and parts[0] else None
    if first is None:
        return None
    places = [first]
    for words in parts[1:]:
        said = pointed_position(words, locale)
        if said is None and len(words) == 1:
            word = words[0]
            if first[1] and word.isdigit():
                said = (int(word), True)
            elif not first[1] and word in ORDINALS:
                said = (ORDINALS[word], False)
        if said is None:
            return None
        places.append(said)
    return places


def language_of(locale: str) -> str:
    """"ar-f" -> "ar": the language a locale is written in (the engine may not import bot.locales)."""
    return locale.split("-")[0]


def negated(words: list[str]) -> bool:
    return any(w in NEGATIONS for w in words)


def said_no(locale: str) -> frozenset[str]:
    """The words for "no" a reader of `locale` hears: Darija's "la"/"lla" only for Arabic (French "la" is "the")."""
    return NO_WORDS | (ARABIC_NO if language_of(locale) == "ar" else frozenset())


def _says_no(words: list[str], locale: str) -> bool:
    """A "not", or (for an Arabic reader) Darija's "la": never beside a position that picks an option."""
    return negated(words) or language_of(locale) == "ar" and any(w in ARABIC_NO for w in words)


def stopwords(locale: str) -> frozenset[str]:
    """Words that carry no choice on their own, in the reader's language."""
    return STOPWORDS.get(language_of(locale), STOPWORDS["en"])



def _by_words(words: list[str], options: list[OptionText], phrases: dict[str, list[str]], locale: str,
              original: str) -> Reading:
    vocab = {oid: {w for form in forms for w in form.split()} for oid, forms in phrases.items()}
    for option in options:
        if option.whole_phrases_only:
            vocab[option.id] = {form for form in phrases[option.id] if form and " " not in form}
    owners: dict[str, set[str]] = {}
    for oid, ws in vocab.items():
        for w in ws:
            owners.setdefault(w, set()).add(oid)
    same = SAME_AS.get(language_of(locale), {})
    words = [same.get(w, w) for w in words]
    stop = stopwords(locale)
    content = [w for w in words if w not in stop]
    # A function word only counts where it is distinctive (it is the only thing telling options
    # apart), and only when the person's other words don't decide: "to" (of "freedom to choose")
    # must not pick freedom for "to feel like she matters to me", or tie with "heard" in "to be heard".
    function = [w for w in words if w in stop and len(owners.get(w, ())) == 1]
    # Words typed with a taa marbuta (ة), read before normalising folds it to ه: the feminine of a label's
    # word, never the pronoun ending ه of "عليه" (found by review: "كنخاف عليه" read as "على ما يرام").
    feminine = {normalise(w) for w in re.findall(r"[\u0621-\u064a]+", original) if w.endswith("ة")}
    named = {w: _owners_of(w, owners, w in feminine) for w in content + function}  # each word looked up once
    if content:
        decided = _tally([named[w] for w in content], options, original)
        if decided.kind == "picked" or not function or not all(named[w] for w in content):
            return decided
    if not content and not function:
        return Reading("none", unread=original.strip())
    return _tally([named[w] for w in content + function], options, original)


def _tally(named: list[set[str]], options: list[OptionText], original: str) -> Reading:
    """The option most of the person's words belong to (`named`: the options each word names; a
    word counts for an option when it names that one alone)."""
    support = {o.id: 0 for o in options}
    explained = 0
    shared: set[str] | None = None  # the options every word of theirs belongs to
    for matched in named:
        if matched:
            explained += 1
        shared = set(matched) if shared is None else shared & matched
        if len(matched) == 1:
            support[next(iter(matched))] += 1
    top = max(support.values())
    if top == 0 and shared and 1 < len(shared) < len(options):  # "yes" to "Yes, in 3 days" / "Yes, in a week"
        return Reading("tie", tuple(o.id for o in options if o.id in shared))
    if top == 0 or explained * 2 < len(named):  # most of what they said isn't about any option
        return Reading("none", unread=original.strip())
    leaders = [oid for oid, n in support.items() if n == top]
    return Reading("picked", (leaders[0],)) if len(leaders) == 1 else Reading("tie", tuple(leaders))


def _owners_of(word: str, owners: dict[str, set[str]], feminine: bool = False) -> set[str]:
    if word in owners:
        return owners[word]
    if feminine and len(word) >= 4 and word[:-1] in owners:
        # The feminine of a label's word ("متوترة" for "متوتر"): Arabic labels are written in the
        # masculine, and a woman types her own form (found trying Mend as a new user).
        return owners[word[:-1]]
    if len(word) < MIN_TYPO_WORD or word.isdigit() or word in NOT_A_SLIP:
        return set()
    if ARABIC_LETTER.search(word) and len(word) < MIN_ARABIC_TYPO_WORD:
        # Short Arabic words one letter apart are often different words: حزين (sad) is not حنين
        # (longing), found trying Mend as a new user. Only longer words get a slip forgiven.
        return set()
    found: set[str] = set()
    # OSA counts a swapped pair of letters as one slip; a different word ("misunderstood" for
    # "understood") is several edits away and doesn't count.
    for known, distance, _ in process.extract(word, list(owners), scorer=OSA.distance, score_cutoff=2, limit=None):
        if len(known) >= MIN_TYPO_WORD and distance <= (1 if len(known) < 8 else 2):
            found |= owners[known]
    return found


# "I can see why you'd feel…" in the words of each language Mend speaks, after `normalise` ("that makes
# sense", never "nothing I say makes sense to her": a subject before it, found by review).
SEES_WHY = re.compile(
    r"\b(i can see why|i see why|i get why|i understand why|i can understand why|"
    r"(it|that|this|which) (totally |really |completely )?makes (total |complete |so much |perfect )?sense|no wonder you|"
    r"je comprends pourquoi|je vois pourquoi|ca se comprend|je comprends que tu|ca a du sens|cest normal que tu|"
    r"fahem 3lach|fahma 3lach|fhemt 3lach|kanfhem 3lach|kanfhm 3lach|"
    r"افهم لماذا|افهم لم|اتفهم|فاهم علاش|فاهمه علاش|فهمت علاش|كنفهم علاش)\b")


def sees_why(text: str | None) -> bool:
    """The answer already says why the partner's feelings make sense (the twelfth new-user trial: a
    "their view" written on the rewrite's "I can see why you'd feel ___, given ___" was asked for again
    two questions later, and the person's "i literally just wrote that" was then flagged)."""
    return bool(SEES_WHY.search(normalise(text or "")))
