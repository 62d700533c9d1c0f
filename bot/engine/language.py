"""/language: the command, the question's answer, and which of Mend's languages a person named
(in any of them). Pure, like the rest of the engine; the service saves the seat's new locale."""
from __future__ import annotations

from collections.abc import Container

from bot.content.model import ActionStep
from bot.engine import runner
from bot.engine.frames import advance_past
from bot.engine.state import Frame
from bot.engine.turn import CONTINUE, Next, Turn

LANGUAGE_WORDS = {  # what people type after /language, in any of the three languages
    "en": ("en", "english", "anglais", "إنجليزية", "الإنجليزية", "انجليزية", "الانجليزية"),
    "fr": ("fr", "french", "français", "francais", "فرنسية", "الفرنسية"),
    "ar": ("ar", "arabic", "arabe", "عربية", "العربية", "عربي", "darija", "الدارجة"),
}
CHOICE_SLOT = "language_choice"  # the language question's answer (content/flows/language.yaml)
ADDRESS_FLOW = "address"  # how Mend's copy should say "you" (content/flows/address.yaml)
ADDRESS_SLOT = "address_choice"
ADDRESS_FORMS = {"feminine": "f", "masculine": None}  # the address question's options -> Seat.address


def language_named(words: str, available: Container[str]) -> str | None:
    """The locale a person named after /language ('fr', 'français', 'العربية'), if Mend has it."""
    said = words.strip().lower()
    for locale, names in LANGUAGE_WORDS.items():
        if said in names and locale in available:
            return locale
    return None


def set_language(t: Turn, locale: object) -> None:
    if isinstance(locale, str) and locale in t.content.catalogs:
        t.seat.locale = locale


def on_command(t: Turn, name: str, args: str) -> None:
    """Every state, even before consent: a person must be able to read what they agree to.
    "/language fr" switches at once; bare, it asks which language."""
    chosen = language_named(args, t.content.catalogs)
    if chosen is None:
        runner.open_interrupt(t, "language")
        return
    set_language(t, chosen)
    t.send("language.changed")
    if t.content.addresses_otherwise(chosen) and ADDRESS_FLOW in t.content.flows:
        # Arabic says "you" to a man or to a woman: asked each time Arabic is chosen, then the step
        # they were on, in the new language
        runner.push_interrupt(t, ADDRESS_FLOW)
        return
    runner.reprompt(t)  # the step they were on, again, in the new language


def address_chosen(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """Action set_address: Mend's copy says "you" as asked from here on (the service stamps each
    message with the matching locale, "ar-f", and renders it from that overlay)."""
    answer = t.seat.slots.pop(ADDRESS_SLOT, None)
    if isinstance(answer, str) and answer in ADDRESS_FORMS:
        t.seat.address = ADDRESS_FORMS[answer]
    advance_past(t, frame, step)
    return CONTINUE


def chosen(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """Action set_language: everything from here on is in the language picked at the question."""
    set_language(t, t.seat.slots.pop(CHOICE_SLOT, None))
    advance_past(t, frame, step)
    return CONTINUE
