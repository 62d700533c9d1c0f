"""/language: which of Mend's languages a person named, in any of them. Pure."""
from __future__ import annotations

from collections.abc import Container

LANGUAGE_WORDS = {  # what people type after /language, in any of the three languages
    "en": ("en", "english", "anglais", "إنجليزية", "الإنجليزية", "انجليزية", "الانجليزية"),
    "fr": ("fr", "french", "français", "francais", "فرنسية", "الفرنسية"),
    "ar": ("ar", "arabic", "arabe", "عربية", "العربية", "عربي", "darija", "الدارجة"),
}


def language_named(words: str, available: Container[str]) -> str | None:
    """The locale a person named after /language ('fr', 'français', 'العربية'), if Mend has it."""
    said = words.strip().lower()
    for locale, names in LANGUAGE_WORDS.items():
        if said in names and locale in available:
            return locale
    return None
