"""Times said in French, Arabic or Darija, rewritten into the English phrases times.py reads.

"dans 20 minutes" -> "in 20 minutes", "demain matin" -> "tomorrow morning", "21h30" -> "21:30",
"بعد ساعة ونصف" -> "in 1 hour and a half", "غدا فالصباح" -> "tomorrow morning",
"3la 9 w nss" -> "at half past 9". Pure, and small on purpose: one grammar (times.py) decides what
a time is; this only maps the other languages' words onto it, so the limits, the am/pm guess and
the timezone rule stay the same in every language.

The phrases of every language are read for everyone (people in Morocco mix Darija, French and
English in one message); the one phrase that means different things is "2h": a duration in English
("in 2h"), a clock time in French and in Morocco ("à 21h"). It is a clock time for people who
read Mend in French or Arabic unless a delay word comes before it ("dans 2h", "بعد 2h").
"""
from __future__ import annotations

import re
import unicodedata

# Arabic letters as people vary them: hamza forms, taa marbuta, alif maqsura, tatweel; Arabic-Indic digits.
ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ـ": None, "،": ",", "؛": ";",
                             **{d: str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
                             **{d: str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")}})
ARABIC_MARKS = re.compile(r"[\u064b-\u0652\u0670]")  # vowel marks: "بَعْدَ" is "بعد"

_W = r"(?<![\w])"  # word edges that also work next to Arabic letters and digits
_E = r"(?![\w])"


def _words(*forms: str) -> str:
    return _W + "(?:" + "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True)) + ")" + _E


NUMBERS = {  # number words, to digits
    "1": ("un", "une", "واحد", "وحده", "wa7ed", "wahed"),
    "2": ("deux", "اثنين", "اثنان", "جوج", "زوج", "jouj", "jooj", "zouj"),
    "3": ("trois", "ثلاث", "ثلاثه", "تلاته", "tlata"),
    "4": ("quatre", "اربع", "اربعه", "ربعه", "rb3a", "reb3a"),
    "5": ("cinq", "خمس", "خمسه", "khamsa", "khmsa"),
    "6": ("six", "ست", "سته", "setta"),
    "7": ("sept", "سبع", "سبعه", "seb3a"),
    "8": ("huit", "ثمان", "ثمانيه", "تمنيه", "tmnya", "tmenya"),
    "9": ("neuf", "تسع", "تسعه", "tes3od", "ts3ud", "tes3a"),
    "10": ("dix", "عشر", "عشره", "3achra", "3echra"),
    "11": ("onze", "حداش", "7dach"),
    "12": ("douze", "طناش", "tnach"),
    "15": ("quinze",),
    "20": ("vingt", "عشرين", "عشرون", "3ichrin", "3echrin"),
    "30": ("trente", "ثلاثين", "تلاتين", "tlatin"),
    "40": ("quarante", "اربعين", "ربعين", "rb3in", "reb3in"),
    "45": ("quarante-cinq", "quarante cinq"),
    "50": ("cinquante", "خمسين", "khamsin"),
}
# MSA says the hour as an ordinal: "التاسعة والنصف" is half past nine (folded: ة -> ه)
ORDINAL_HOURS = {"1": ("الواحده",), "2": ("الثانيه",), "3": ("الثالثه",), "4": ("الرابعه",), "5": ("الخامسه",),
                 "6": ("السادسه",), "7": ("السابعه",), "8": ("الثامنه",), "9": ("التاسعه",), "10": ("العاشره",),
                 "11": ("الحاديه عشره",), "12": ("الثانيه عشره",)}

HALF = ("et demie", "et demi", "ونصف", "ونص", "و نصف", "و نص", "والنصف", "و النصف", "w nss", "w ness", "w nos")
QUARTER_PAST = ("et quart", "وربع", "و ربع", "والربع", "و الربع", "w rb3", "w reb3", "w rbe3")
QUARTER_TO = ("moins le quart", "moins quart", "الا ربع", "الا الربع", "الا ربعا", "قل ربع", "غير ربع", "ghir rb3", "9el rb3",
              "qel rbe3")

# (pattern, replacement), in order: phrases, then days and parts of the day, delay words, units.
PHRASES: list[tuple[str, str]] = [
    (_words("une demi-heure", "une demi heure", "demi-heure", "demi heure", "نصف ساعه", "نص ساعه", "nss sa3a",
            "ness sa3a", "nos sa3a"), "half an hour"),
    # Second (after the half hour, before « à » is read): hedges and politeness around a time ("vers 23h peut-être",
    # "9h stp"): English drops "maybe" and "please" (the thirteenth new-user trial: « vers 23h peut-être » was not read as a time).
    (_words("peut-être", "peut être", "peut etre", "peut-etre", "peutetre", "si possible", "merci", "ptet", "p'tet",
            "je pense", "je crois", "à peu près", "a peu pres",
            "environ", "stp", "svp", "s'il te plaît", "s'il te plait", "s'il vous plaît", "s'il vous plait", "ربما",
            "تقريبا", "عافاك", "mumkin", "momkin", "t9riban", "ta9riban", "3afak"), "maybe"),
    (_words("ساعتين", "ساعتان", "sa3tin", "sa3tayn"), "2 hours"),
    (_words("دقيقتين", "دقيقتان", "d9i9tin", "dqiqtin"), "2 minutes"),
    # the half of the day a clock time belongs to: "9h du soir", "9 ديال الليل", "9 f lil"
    (r"(\d+(?::\d\d)?)\s*(?:h|heures?)?\s*" + _words("du matin", "ديال الصباح", "الصباح", "صباحا", "فالصباح",
                                                   "dial sba7", "dyal sba7", "dyal sbah", "dial sbah", "d sba7",
                                                   "f sba7", "sba7"), r"\1 am"),
    (r"(\d+(?::\d\d)?)\s*(?:h|heures?)?\s*" + _words(
        "du soir", "de l'après-midi", "de l'apres-midi", "de la nuit", "ديال الليل", "ديال العشيه", "الليل",
        "فالليل", "بالليل", "ليلا", "مساء", "مساءا", "فالعشيه", "العشيه", "dial lil", "dyal lil", "dyal lill", "d lil",
        "f lil", "flil", "dyal l3chiya", "dial l3chiya", "d l3chiya", "f l3chiya", "l3chiya"), r"\1 pm"),
    (_words("aujourd'hui", "aujourdhui", "اليوم", "ليوما", "lyoum", "lyouma", "lyoma"), "today"),
    (_words("demain", "غدا", "غدوه", "ghda", "ghedda", "ghedwa", "ghdwa", "ghadan"), "tomorrow"),
    (_words("ce soir", "cette nuit", "الليله", "هاد الليله", "had lil", "had lila", "lila"), "tonight"),
    (_words("ce matin", "هاد الصباح", "had sba7"), "this morning"),
    (_words("cet après-midi", "cet apres-midi", "cet aprem", "هاد العشيه", "had l3chiya"), "this afternoon"),
    (_words("le matin", "du matin", "matin", "الصباح", "صباحا", "فالصباح", "ف الصباح", "صباح", "f sba7", "fsba7",
            "sba7", "sbah"), "morning"),
    (_words("l'après-midi", "après-midi", "apres-midi", "aprem", "العشيه", "فالعشيه", "عشيه", "l3chiya",
            "3chiya", "f l3chiya"), "afternoon"),
    (_words("le soir", "soir", "soirée", "soiree", "المساء", "مساء", "مساءا", "فالليل", "بالليل", "ليلا", "f lil",
            "flil"), "evening"),
    (_words("midi", "الظهر", "فالظهر", "الزوال", "فالزوال", "zwal", "f zwal", "dohr"), "noon"),
    (_words("minuit", "منتصف الليل", "نص الليل", "ness lil", "nss lil"), "midnight"),
    (_words("dans", "d'ici", "dici", "بعد", "من بعد", "من دابا", "في غضون", "خلال", "mn b3d", "men b3d", "b3d",
            "mn daba", "men daba"), "in"),
    (_words("pendant", "durant", "pour", "لمده", "مده", "lmoda"), "for"),
    (_words("à", "vers", "الساعه", "على", "علي", "مع", "حوالي", "فحدود", "في", "3la", "m3a", "f", "fi"), "at"),
    (r"(?<![\w])a(?=\s*\d)", "at"),  # "a 21h": à without its accent
    (_words("minutes", "minute", "mn", "دقيقه", "دقائق", "دقايق", "د", "d9i9a", "d9aye9", "d9ay9", "dqiqa",
            "dqayeq"), "minutes"),
    (_words("heures", "heure", "ساعات", "سوايع", "sa3at", "swaye3", "swaya3"), "hours"),
    (_words("ساعه", "sa3a"), "hour"),
    (_words("jours", "jour", "يوم", "ايام", "nhar", "iyam"), "days"),
    (_words("quelques", "شي"), "a few"),
]
_PHRASES = [(re.compile(p), r) for p, r in PHRASES]
_NUMBERS = re.compile(_words(*(form for forms in NUMBERS.values() for form in forms)))
_DIGITS_OF = {form: digits for digits, forms in NUMBERS.items() for form in forms}
_ORDINALS = re.compile(_words(*(form for forms in ORDINAL_HOURS.values() for form in forms)))
_HOUR_OF = {form: hour for hour, forms in ORDINAL_HOURS.items() for form in forms}
_CLOCK_H = re.compile(r"(?<![\w:])(\d{1,2})\s*h\s*(\d{2})?(?![\w])")  # "21h", "21h30", "21 h 30"
_AFTER_UNIT_HALF = re.compile(r"\b(hours?|h)\s*" + _words(*HALF))
_CLOCK_HALF = re.compile(r"(\d+)\s*(?:h|hours?)?\s*" + _words(*HALF))
_CLOCK_QUARTER_PAST = re.compile(r"(\d+)\s*(?:h|hours?)?\s*" + _words(*QUARTER_PAST))
_CLOCK_QUARTER_TO = re.compile(r"(\d+)\s*(?:h|hours?)?\s*" + _words(*QUARTER_TO))
_CLOCK_MINUS = re.compile(r"(\d+)\s*(?:h|hours?)?\s*moins\s+(\d+)")
_PART_FIRST = re.compile(r"^((?:tomorrow|today) )?(tonight|morning|afternoon|evening|this morning|this afternoon)"
                         r"\s+(.+)$")


def in_english(text: str, clock_h: bool) -> str:
    """The time phrase with French, Arabic and Darija words put into the English ones times.py reads.
    `clock_h`: "21h" is a clock time (French, Moroccan usage), not a duration."""
    said = unicodedata.normalize("NFC", text.casefold()).translate(ARABIC_FOLD)
    said = " ".join(ARABIC_MARKS.sub("", said).replace("’", "'").split())
    said = _PHRASES[0][0].sub(_PHRASES[0][1], said)  # "une demi-heure" before "une" becomes 1
    said = _ORDINALS.sub(lambda m: "at " + _HOUR_OF[m.group()], said)  # "التاسعة": nine o'clock
    said = _NUMBERS.sub(lambda m: _DIGITS_OF[m.group()], said)
    for pattern, replacement in _PHRASES[1:]:
        said = pattern.sub(replacement, said)
    if re.match(r"^(?:in|for|hours?|an hour)\b", said):  # a duration: "in an hour and a half"
        said = _AFTER_UNIT_HALF.sub(r"\1 and a half", said)
    else:  # a clock time: "9 heures et demie", "10 qel rbe3", "3la 9 w nss"
        said = _CLOCK_HALF.sub(r"half past \1", said)
        said = _CLOCK_QUARTER_PAST.sub(r"quarter past \1", said)
        said = _CLOCK_QUARTER_TO.sub(r"quarter to \1", said)
        said = _CLOCK_MINUS.sub(r"\2 to \1", said)
        said = re.sub(r"\bat (\d+) hours?\b", r"at \1:00", said)  # "à 9 heures"
    said = re.sub(r"(^|\b(?:in|for|at) )hour\b", r"\1an hour", said)  # "بعد ساعة": in an hour
    said = re.sub(r"\s*\b(?:et|و|w)\b\s*", " and ", said).strip()
    if clock_h and not re.match(r"^(?:in|for)\b", said):
        said = _CLOCK_H.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", said)
    said = _PART_FIRST.sub(r"\1\3 \2", said)  # "demain matin à 8h" -> "tomorrow at 8:00 morning"
    return " ".join(said.split())
