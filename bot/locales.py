"""The languages Mend speaks, and how text in each is formatted: which locale a Telegram client
asks for, dates, times and plural forms through Babel (CLDR data), and direction marks so that
Arabic lines mixing in numbers, times, names or emoji display right to left as written. Pure."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

DEFAULT = "en"
SUPPORTED = ("en", "fr", "ar")
RTL = frozenset({"ar"})
# Babel's locale for each language. English and French as written in Europe (24-hour clock);
# Arabic as in Morocco: Latin digits and the month names Moroccan readers use ("نونبر").
BABEL = {"en": "en_GB", "fr": "fr_FR", "ar": "ar_MA"}
NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}  # each in its own language

# A way of addressing the reader, written as a variant of its language's locale: "ar-f" is Arabic
# addressed to a woman (Arabic conjugates "you"; the plain "ar" copy uses the generic masculine). Only the
# copy differs (content/messages/ar-f.yaml, an overlay of ar.yaml): reading, dates and direction are the
# language's own, and the engine works in the language (`normalise`).
ADDRESSED = {"ar-f": ("ar", "f")}

RLM = "\u200f"  # right-to-left mark: a strong RTL character that is never displayed
LRM = "\u200e"  # left-to-right mark: keeps the slash of "/sos" on the left of its word in Arabic
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate
_PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


def from_language_code(code: str | None) -> str:
    """Telegram's `language_code` (an IETF tag such as 'fr-CA' or 'ar'): fr* and ar*, else English."""
    tag = (code or "").strip().lower()
    for locale in SUPPORTED:
        if tag == locale or tag.startswith(locale + "-") or tag.startswith(locale + "_"):
            return locale
    return DEFAULT


def language(locale: str) -> str:
    """The language of a locale, whatever the address: "ar-f" -> "ar"."""
    return ADDRESSED[locale][0] if locale in ADDRESSED else locale


def address_of(locale: str | None) -> str | None:
    """"f" for a locale addressed to a woman, else None (the language's generic form)."""
    return ADDRESSED[locale][1] if locale in ADDRESSED else None


def addressed(locale: str, address: str | None) -> str:
    """The locale that writes `locale`'s language to the reader as they asked ("ar" + "f" -> "ar-f");
    the language itself where it has no such variant."""
    base = language(locale)
    return next((name for name, (lang, form) in ADDRESSED.items() if lang == base and form == address), base)


def normalise(locale: str | None) -> str:
    """The language the engine works in for a stored locale ("ar-f" is Arabic); English for one Mend lacks."""
    base = language(locale or "")
    return base if base in SUPPORTED else DEFAULT


def separators(locale: str) -> tuple[str, str]:
    """Comma and semicolon between listed items (Arabic has its own: '،' and '؛')."""
    return ("، ", "؛ ") if language(locale) == "ar" else (", ", "; ")


def pick(value: str | Mapping[str, str], locale: str) -> str:
    """Content text that may be written once (a number) or per language ({en: …, fr: …, ar: …})."""
    if isinstance(value, str):
        return value
    return value.get(language(locale)) or value.get(DEFAULT) or next(iter(value.values()), "")


def needs_translation(value: object) -> bool:
    """Text with words in it (not just a number like '112') has to be written in every language."""
    return isinstance(value, str) and re.search(r"[^\W\d_]", value) is not None


def babel_locale(locale: str) -> Locale:
    return Locale.parse(BABEL.get(language(locale), BABEL[DEFAULT]))


def format_clock(moment: datetime, locale: str) -> str:
    """A wall-clock time, like 21:15, as the locale writes it."""
    return format_skeleton("Hm", moment, locale=babel_locale(locale))


def format_day_time(moment: datetime, locale: str) -> str:
    """A weekday, date and time: 'Mon 30 Nov, 21:15' / 'lun. 30 nov., 21:15' / 'الاثنين، 30 نونبر، 21:15'."""
    where = babel_locale(locale)
    sep = "، " if language(locale) in RTL else ", "
    return format_skeleton("MMMEd", moment, locale=where) + sep + format_clock(moment, locale)


def format_day_date(moment: datetime, locale: str) -> str:
    """A weekday and full date: 'Wed 2 Dec 2026' / 'mer. 2 déc. 2026' / 'الأربعاء، 2 دجنبر 2026'."""
    return format_skeleton("yMMMEd", moment, locale=babel_locale(locale))


def format_date(day: date, locale: str) -> str:
    """A date such as '30 Nov 2026' / '30 nov. 2026' / '30 نونبر 2026'."""
    return format_skeleton("yMMMd", day, locale=babel_locale(locale))


def format_number(value: int | float, locale: str) -> str:
    """Whole numbers as plain digits (1200, like every other number in Mend's messages); others with
    the locale's decimal sign."""
    if float(value).is_integer():
        return str(int(value))
    return format_decimal(value, locale=babel_locale(locale))


def plural_category(count: int | float, locale: str) -> str:
    """CLDR plural category of a count: 'one', 'other', and for Arabic also 'zero', 'two', 'few', 'many'."""
    return babel_locale(locale).plural_form(abs(count))


def parse_plural_spec(spec: str) -> dict[str, str] | None:
    """`one=# message|other=# messages` -> {'one': '# message', 'other': '# messages'}; None if malformed."""
    forms: dict[str, str] = {}
    for part in spec.split("|"):
        name, sep, text = part.partition("=")
        if not sep or name.strip() not in _PLURAL_FORMS:
            return None
        forms[name.strip()] = text
    return forms if "other" in forms else None


def choose_plural(count: int | float, spec: str, locale: str) -> str:
    """The form of `spec` for this count, with '#' replaced by the number as the locale writes it."""
    forms = parse_plural_spec(spec) or {"other": "#"}
    text = forms.get(plural_category(count, locale), forms["other"])
    return text.replace("#", format_number(count, locale))


def isolate(value: str, locale: str) -> str:
    """Text inserted into a right-to-left message (a name, a time, the person's own words) is
    wrapped in an isolate, so its own direction can't reorder the Arabic around it."""
    if language(locale) not in RTL or not value:
        return value
    # A line break ends an isolate (it ends the paragraph), so each line is isolated on its own.
    return "\n".join(FSI + line + PDI if line else line for line in value.split("\n"))


_STRONG_RTL = ("R", "AL")
_STRONG = ("L", "R", "AL")


def first_strong(line: str) -> str | None:
    """Bidi class of the first strongly directional character, skipping isolated runs."""
    depth = 0
    for ch in line:
        if ch in (FSI, "\u2066", "\u2067"):
            depth += 1
        elif ch == PDI:
            depth = max(0, depth - 1)
        elif depth == 0:
            kind = unicodedata.bidirectional(ch)
            if kind in _STRONG:
                return kind
    return None


def set_direction(text: str, locale: str) -> str:
    """In a right-to-left locale, every line that doesn't begin with an Arabic letter (it starts
    with a number, a time, an emoji, a bullet and a name, a Latin word) gets a right-to-left mark
    in front, so Telegram lays that line out right to left like the rest of the message."""
    if language(locale) not in RTL:
        return text
    text = _COMMAND.sub(LRM + r"\1", text)
    lines = text.split("\n")
    return "\n".join(line if not line.strip() or _starts_rtl(line) else RLM + line for line in lines)


def _starts_rtl(line: str) -> bool:
    # Stricter than the Unicode rule (first strong character, skipping isolates): some clients
    # guess a paragraph's direction more crudely, so anything but an Arabic letter first gets a mark.
    return unicodedata.bidirectional(line.lstrip()[0]) in _STRONG_RTL


_COMMAND = re.compile(r"(?<![\w\u200e/])(/[a-z_]+)")
_MARKS = re.compile("[\u200e\u200f\u2066-\u2069\u061c]")


def strip_marks(text: str) -> str:
    """Text without direction marks (for tests and comparisons)."""
    return _MARKS.sub("", text)
