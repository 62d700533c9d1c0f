"""The message draft in French and Arabic: each answer in a frame that fits any form of words.

English has sentence rules (draft.py) that pick a frame from the answer's grammar. French and Arabic
answers were asked for in words to the partner, but people still answer with a bare noun ("être
écouté·e"), an adjective or a fragment, and a list of those read as a form, not a message (found
trying Mend as a new user). So each answer is either kept as said, when it already opens the way
a sentence of its kind does ("je suis désolé…", "la prochaine fois…", a question), or put after a
frame that ends in a colon ("Avec du recul, je vois ma part là-dedans : …"), which reads well
whatever follows. The openers below are language knowledge, like draft.py's English verb lists;
the frames themselves are copy and live in the catalog (`draft.*`).
"""
from __future__ import annotations

import re

from bot.compose.draft import Composed, DraftWords, Phrases, as_said, fill, join_words, lower_first, tidy
from bot.compose.overlap import restates
from bot.understanding.normalise import base

# Openers are written already folded the way `base()` folds text (lower case, no accents, one alef,
# ه for ة, ي for ى), so one entry covers the spellings people type.
REGRET_OPENERS = {
    "fr": ("desole", "desolee", "dsl", "pardon", "je suis desole", "je suis desolee", "je suis vraiment desole",
           "je suis vraiment desolee", "je m'excuse", "excuse moi", "excuse-moi", "je regrette", "j'aurais pas du",
           "j'aurais du", "je n'aurais pas du", "je n'aurais jamais du", "je te demande pardon", "pardonne moi",
           "pardonne-moi", "sorry"),
    "ar": ("اسف", "انا اسف", "اعتذر", "انا اعتذر", "سامحني", "سامحيني", "سمحلي", "سمحيلي", "سمح ليا", "ندمت",
           "انا نادم", "كان خاصني", "ما كانش خاصني", "ماكانش خاصني", "كان علي", "ما كان علي", "ليتني", "smhli",
           "sm7li", "smahli", "smhili", "sme7li", "sma7li", "pardon", "sorry", "asef", "ana asef", "ndemt",
           "kan khasni", "ma kanch khasni", "makanch khasni",
           # to a woman, and with "lia"/"liya" apart (found trying Mend as a new user: "Sme7li 3la hadchi: sm7ili…")
           "sm7ili", "sme7ili", "smhi", "sm7i", "sme7i", "sm7 lia", "sm7 liya", "sme7 lia", "sme7 liya", "smh lia",
           "smh liya", "sm7i lia", "sm7i liya", "smhi lia", "smhi liya", "sam7ini", "samhini", "sam7ni", "samhni",
           "سمحي ليا", "سمحي لي", "سمح لي", "سامحيني"),
}
VIEW_OPENERS = {
    "fr": ("j'imagine", "je pense", "je crois", "je sais", "peut-etre", "sans doute", "surement", "pour toi",
           "de ton cote", "de la ou tu", "tu as du", "t'as du", "ca a du", "ca t'a", "tu as surement", "tu t'es"),
    "ar": ("اتخيل", "اظن", "ربما", "يمكن", "اكيد", "لا بد", "لابد", "من جهتك", "بالنسبه ليك", "بالنسبه لك",
           "بالنسبه ليك", "كنتخيل", "كنظن", "ytkhayel", "kantkhayel", "kandon", "momkin", "ymkn", "akid"),
}
SENSE_OPENERS = {
    "fr": ("je comprends", "je comprend", "je te comprends", "je te comprend", "c'est normal", "ca se comprend", "c'est comprehensible",
           "c'est logique", "tu as raison", "t'as raison", "je vois", "evidemment", "bien sur", "ca a du sens",
           "normal que", "c'est sur"),
    "ar": ("افهم", "انا افهم", "فاهم", "فاهمه", "كنفهم", "كانفهم", "عندك الحق", "معاك الحق", "طبيعي", "من حقك",
           "مفهوم", "اتفهم", "fahem", "fahma", "kanfhem", "kanfham", "3ndk l7e9", "3andek l7a9", "m3ak l7e9",
           "tabi3i",
           # the past, "I understood why…" (the twelfth new-user trial: "W ana fahem hadchi: fhemt 3lach…")
           "فهمت", "fhemt", "fhmt", "fhamt", "kanfhm", "kanfahem", "ana fahem", "ana fahma"),
}
OFFER_OPENERS = {
    "fr": ("la prochaine fois", "a l'avenir", "desormais", "dorenavant", "a partir de maintenant",
           "a partir d'aujourd'hui", "je te promets", "je promets", "promis"),
    "ar": ("في المره القادمه", "المره القادمه", "المره الجايه", "المره الجايه", "من الان", "من دابا", "اعدك",
           "كنوعدك", "نوعدك", "كانوعدك", "lmerra jaya", "lmrra jaya", "mn daba", "men daba", "kanw3dek",
           "nw3dek"),
}
ASK_OPENERS = {
    "fr": ("j'aimerais", "je voudrais", "j'ai besoin", "est-ce que", "est ce que", "est-ce qu'", "est ce qu'", "peux-tu", "pourrais-tu",
           "tu peux", "tu pourrais", "s'il te plait", "stp", "ca m'aiderait", "ca m'aiderais", "je te demande"),
    "ar": ("هل", "واش", "ممكن", "اريد", "ابغي", "بغيت", "نتمنى", "اتمنى", "عافاك", "من فضلك", "ارجو", "wach",
           "wash", "momkin", "mumkin", "bghit", "3afak", "3fak", "bghitek"),
}
# Asks that open like a question and came without a mark get one (the ninth new-user trial: « Wach n9adro…
# b jouj. » and a French « tu pourrais… » ended with a full stop). Folded as `base` folds them.
QUESTION_OPENERS = {
    "fr": ("est-ce que", "est ce que", "est-ce qu'", "est ce qu'", "peux-tu", "pourrais-tu", "tu peux", "tu pourrais",
           "tu veux bien", "tu voudrais bien", "on peut", "on pourrait", "pourrait-on", "pourrions-nous"),
    "ar": ("هل", "واش", "wach", "wash", "wesh", "ach", "ممكن", "momkin", "mumkin", "mmkn"),
}
SPACED_MARK = re.compile(r"(?<=[\w»)])[ \u00a0\u202f]*([?!;]+)")
# Spoken French contractions of "je suis" (folded), read as "je suis" when an answer's opening is compared.
SPOKEN_JE_SUIS = re.compile(r"^(jsuis|j'suis|jsui|chui|chuis|shui|jss)\b")
# "je le ferai plus jamais" is a promise already; "La prochaine fois, je ferai plus jamais…" read badly.
NEVER_AGAIN_FR = re.compile(r"^(plus jamais|jamais plus)\b|^je (ne )?(\w+ ){0,2}(plus jamais|jamais plus)\b"
                            r"|^je (ne )?(le |la |te |l')?(re)?(ferai|dirai)s? plus\b")
# A French answer starting with a subject is already a sentence ("tu as dû te sentir seule").
FRENCH_SUBJECT = re.compile(r"^(je|j'|tu|t'|on|ca|c'|il|elle|ils|elles|nous|vous|ce|cela|moi|toi)\b")
FIRST_PERSON_FR = re.compile(r"^(je|j')")
# Third person about the partner ("il m'écoute jamais") stays as written in French: the note asks the
# person to check it. Impersonal "il" (il faut, il y a…) is not a person.
THIRD_PERSON_FR = re.compile(r"\b(elle|lui)\b|\bil\b(?!\s*(?:faut|fallait|faudrait|y\b|fait|semble|parait|"
                             r"s'agit|est temps|etait temps|vaut))")
THIRD_PERSON_AR = re.compile(r"(?<!\S)(هو|هي)(?!\S)")
THIRD_PERSON_LATN = re.compile(r"\b(howa|houwa|huwa|hiya|hia|hiyya)\b")  # Darija in Latin letters


def _opens(folded: str, openers: tuple[str, ...]) -> bool:
    return any(folded == o or folded.startswith(o + " ") or folded.startswith(o + ",") or
               (o.endswith("'") and folded.startswith(o)) for o in openers)


class _Framer:
    def __init__(self, phrases: Phrases, language: str, spaced_marks: bool, latin: bool = False):
        self.p = phrases
        self.language = "fr" if language == "fr" else "ar"  # the Arabic openers include Darija in Latin letters
        self.spaced = spaced_marks
        self.latin = latin
        self.third_person = False

    def _words(self, raw: str | None) -> tuple[str, str, str]:
        """Tidied words, their closing mark, and the folded form openers are compared with."""
        words, end = tidy(raw)
        if not words:
            return "", "", ""
        folded = base(words)
        if self.language == "fr":
            folded = SPOKEN_JE_SUIS.sub("je suis", folded)  # "jsuis vraiment désolé" opens like an apology
        pattern = THIRD_PERSON_FR if self.language == "fr" else THIRD_PERSON_LATN if self.latin else THIRD_PERSON_AR
        self.third_person = self.third_person or bool(pattern.search(folded))
        return words, end, folded

    def _said(self, raw: str | None) -> str:
        return as_said(raw, self.spaced)

    def _framed(self, phrase: str, words: str, end: str) -> str:
        text = fill(self.p[phrase], lower_first(words))
        if end and end in "?!؟" and text.endswith("."):
            text = text[:-1] + ("\u00a0" + end if self.spaced else end)
        return text

    @property
    def _comma(self) -> str:
        return "، " if self.language == "ar" and not self.latin else ", "  # the Arabic comma between picked feelings

    def _is_clause(self, folded: str) -> bool:
        return self.language == "fr" and bool(FRENCH_SUBJECT.match(folded))

    def _said_or_framed(self, raw: str | None, openers: tuple[str, ...], phrase: str, *,
                        clause_is_said: bool = False, question_is_said: bool = False) -> str:
        """Kept as said when it opens like a sentence of its kind (or, where asked, is a French clause
        or a question); otherwise after the colon frame `phrase`."""
        words, end, folded = self._words(raw)
        if not words:
            return ""
        if (_opens(folded, openers) or clause_is_said and self._is_clause(folded)
                or question_is_said and end in ("?", "؟")):
            return self._said(raw)
        return self._framed(phrase, words, end)

    def own(self, raw: str | None) -> str:
        return self._said_or_framed(raw, REGRET_OPENERS[self.language], "own")

    def regret(self, raw: str | None) -> str:
        return self._said_or_framed(raw, REGRET_OPENERS[self.language], "sorry_for")

    def view(self, raw: str | None) -> str:
        return self._said_or_framed(raw, VIEW_OPENERS[self.language], "view_said", clause_is_said=True)

    def felt(self, labels: tuple[str, ...], raw: str | None) -> str:
        words, _, folded = self._words(raw)
        if words and self._is_clause(folded):  # "tu t'es sentie seule": a sentence of its own
            picked = fill(self.p["felt"], join_words(list(labels), self.p["and"], self._comma)) if labels else ""
            return " ".join(p for p in (picked, self._said(raw)) if p)
        items = list(labels) + ([lower_first(words)] if words else [])
        return fill(self.p["felt"], join_words(items, self.p["and"], self._comma)) if items else ""

    def makes_sense(self, raw: str | None) -> str:
        return self._said_or_framed(raw, SENSE_OPENERS[self.language], "sense_said")

    def offer(self, raw: str | None) -> str:
        words, end, folded = self._words(raw)
        if not words:
            return ""
        if _opens(folded, OFFER_OPENERS[self.language]) or self.language == "fr" and NEVER_AGAIN_FR.search(folded):
            return self._said(raw)
        if self.language == "fr" and FIRST_PERSON_FR.match(folded):
            return self._framed("offer_next", words, end)  # "La prochaine fois, je dirai…"
        return self._framed("offer_what", words, end)

    def ask(self, raw: str | None) -> str:
        words, end, folded = self._words(raw)
        # A question with no mark gets one, unless its mark is already inside, before a reason: "est-ce que tu
        # pourrais … ? ça m'aiderait" (the thirteenth new-user trial: "…me sentir respecté ?" came out).
        if words and not end and "?" not in words and "؟" not in words and _opens(folded, QUESTION_OPENERS[self.language]):
            raw = words + ("؟" if self.language == "ar" and not self.latin else "?")
        return self._said_or_framed(raw, ASK_OPENERS[self.language], "ask_what", question_is_said=True)


def compose_draft_framed(words: DraftWords, phrases: Phrases, language: str,
                         spaced_marks: bool = False, latin: bool = False) -> Composed:
    """The whole message in French or Arabic, in the English draft's order: opening, what I own, my
    apology, their side, how it left them, why it makes sense, my offer, my ask, closing. `latin`:
    Darija written in Latin letters (the phrases are in the same letters)."""
    frame = _Framer(phrases, language, spaced_marks, latin)
    own = "" if restates(words.my_part, words.regret) else frame.own(words.my_part)
    parts = [
        phrases["opening"],
        own,
        frame.regret(words.regret),
        frame.view(words.their_view),
        frame.felt(tuple(words.their_feelings), words.their_feelings_text),
        frame.makes_sense(words.makes_sense),
        frame.offer(words.my_offer),
        frame.ask(words.my_ask),
        phrases["closing"],
    ]
    text = " ".join(p for p in parts if p)
    if spaced_marks:
        # French sets "?", "!" and ";" off with a no-break space, inside an answer too: tidying took the
        # space the person typed ("soirée ? ça" came out "soirée? ça", found trying Mend as a new user).
        text = SPACED_MARK.sub(lambda m: "\u00a0" + m.group(1), text)
    return Composed(text, frame.third_person)
