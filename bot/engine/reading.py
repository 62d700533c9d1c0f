"""A typed answer at a question with options: which option, which time, or what to ask back.

The engine's one hook for words typed where buttons are offered (inputs.py calls `read_typed`).
Pure: the content, the seat and `now` come in; an `Outcome` goes out and the engine acts on it.
Matching words to options is answers.py, reading times is times.py; this module only puts the
step's options in the person's language and decides which of the two applies.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.content.model import DONE, SKIP, Catalog, ChoiceStep, Content, MultiStep, OptionStep
from bot.engine import answers, careful, families, times
from bot.engine.effects import Choice
from bot.engine.state import Seat

OWN_TIME = "own_time"  # slot value of a time question answered with a typed moment (its `_at` slot has it)
CLOCK_H_LOCALES = ("fr", "ar")  # where "21h" is written for a clock time, not a duration
HEARD_MAX = 60  # characters of the person's words quoted back in a reply
DEFAULT_MIN = timedelta(minutes=5)
DEFAULT_MAX = timedelta(hours=24)


@dataclass(frozen=True)
class Outcome:
    """kind: 'picked' (ids), 'tie' (ids to ask about), 'moment' (due, saved as `value`), 'daily'
    (`value` is an at_HHMM id), or 'unread' (`reply` is the message key, `params` its values)."""

    kind: str
    ids: tuple[str, ...] = ()
    value: str | None = None
    due: datetime | None = None
    partial: tuple[str, ...] = ()
    reply: str = ""
    params: dict[str, Any] | None = None


def option_texts(content: Content, locale: str, step: OptionStep) -> list[answers.OptionText]:
    """The step's options in the person's language, then "Done" and "Skip this" where they are offered."""
    catalog = content.catalog(locale)
    keys = [(oid, step.option_labels[oid]) for oid in step.options]
    if isinstance(step, MultiStep):
        keys.append((DONE, "system.done_picking"))
    if step.optional:
        keys.append((SKIP, "system.skip"))
    return [option_text(catalog, oid, key, whole_phrases_only=oid in (DONE, SKIP)) for oid, key in keys]


def option_text(catalog: Catalog, option_id: str, key: str, whole_phrases_only: bool = False) -> answers.OptionText:
    """One option as the person reads it (its label in their language) with its aliases."""
    return answers.OptionText(option_id, catalog.text(key) if key in catalog.messages else option_id,
                              catalog.aliases.get(key, ()), whole_phrases_only)


def answer_kind(content: Content, locale: str, step: OptionStep) -> str:
    """How the options read: 'time' (the options are times), 'scale' (ranges on a scale), or ''."""
    if step.time_kind and not step.time_option:
        return "time"
    if isinstance(step, ChoiceStep) and answers.is_scale([o.label for o in option_texts(content, locale, step) if o.id != SKIP]):
        return "scale"
    return ""


def heard(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= HEARD_MAX else text[: HEARD_MAX - 1].rstrip() + "…"


# A hello typed where options wait (the ninth new-user trial: "bonsoir", "hey" and "salam" at the menu got
# "I'm not sure which one you mean"), folded as `answers.normalise` folds them.
GREETINGS = frozenset(answers.normalise(g) for g in """hi|hey|hello|hiya|heya|yo|hi there|hey there|hello there|
good evening|good morning|good afternoon|evening|bonjour|bonsoir|salut|coucou|slt|bjr|bsr|cc|salam|slm|salam alaykoum|
salam alikoum|salamo alaykom|السلام عليكم|سلام|مرحبا|اهلا|أهلا|مساء الخير|صباح الخير|مسا الخير""".split("|"))
# Words that may come with a hello when someone comes back ("hey im back", « re bonsoir, me revoilà »): a
# message of only these and a greeting is a hello, never an answer (is_greeting).
BACK_WORDS = frozenset(answers.normalise(w) for w in """i im i'm am back bak again here its it's me hey hi hello re
me revoila revoilà rebonjour rebonsoir je suis de retour rje3t rj3t ana hani hana""".split())
# ...of which these say the coming back itself: with one of them, "im back" is a hello without a "hi"
COMING_BACK = frozenset(answers.normalise(w) for w in "back bak revoila revoilà retour rje3t rj3t".split())


def is_greeting(text: str) -> bool:
    """A hello, perhaps with "I'm back" ("hey im bak 🙃", "hi again", « re bonsoir »): the twelfth new-user
    trial came back with "hey im bak" at "is there something you regret?", and the draft read "I'm sorry
    for hey I'm bak."."""
    said = answers.normalise(text)
    if said in GREETINGS:
        return True
    words = said.split()
    # a bare "back" is "go back" (a word for Mend); "im back" is a hello
    hello = any(w in GREETINGS for w in words) or len(words) > 1 and any(w in COMING_BACK for w in words)
    return bool(words) and hello and all(w in GREETINGS or w in BACK_WORDS for w in words)


SHORT_TRY = 3  # words: at a choice that takes own words, this short is a try at an option (review, session 23)


def read_typed(content: Content, seat: Seat, step: OptionStep, text: str, now: datetime, tz: str | None) -> Outcome:
    """What typed `text` means at `step` (a single choice or a multi-select). At a single choice that
    takes own words (`allow_text`), a sentence picks an option only by its whole label, an alias or a
    number: "I'm learning to be patient with myself" is their own line, not "I'm learning to ask for
    what I need"; a word or three ("worth", "steady please") is still read as a try at an option."""
    if not text.strip():  # an empty line: the same gentle reply as at a question that takes words
        return Outcome("unread", reply="system.empty_text")
    options = option_texts(content, seat.locale, step)
    if step.careful:
        return _read_carefully(content, seat.locale, step, text, options)
    if step.time_kind:
        timed = _read_time(step, text, now, tz, options, seat.locale)
        if timed is not None:
            return timed
    # "3" at a time question is 3 o'clock. At a grouped question the card shows groups or one group's
    # words, never the whole list in order, so a typed number can't be a position in it (found trying
    # Mend as a new user: "3 and 5", meaning Angry and Overloaded, saved "lonely, anxious"); the
    # console maps numbers to what is on screen itself.
    positions = answer_kind(content, seat.locale, step) != "time" and not families.grouped(step)
    multi = isinstance(step, MultiStep)
    loose = multi or not step.allow_text or len(text.split()) <= SHORT_TRY
    reading = answers.read(text, options, multi=multi, locale=seat.locale, positions=positions, loose=loose)
    if reading.kind == "none":
        reading = _in_other_languages(content, seat.locale, step, text, multi, positions) or reading
    if reading.kind == "picked":
        return Outcome("picked", reading.ids)
    if reading.kind == "tie":
        return Outcome("tie", reading.ids, partial=reading.partial)
    key = "answers.not_a_time" if step.time_kind and not step.time_option else "answers.not_understood"
    if answers.normalise(text) in GREETINGS:  # "bonsoir", "hey", "salam": a hello back, not "which one?"
        key = "answers.greeting"
    return Outcome("unread", partial=reading.partial, reply=key, params={"heard": heard(reading.unread or text)})


def _read_carefully(content: Content, locale: str, step: OptionStep, text: str,
                    options: list[answers.OptionText]) -> Outcome:
    """A safety question: whole answers only, in the person's language or, when exactly one other
    language reads it one way, in that one ("ça va" typed to an English question); else ask again."""
    reading = careful.read(text, options, locale)
    if reading.kind == "none":
        reading = _agreed_elsewhere(content, locale, step, ("picked", "tie"), lambda options, other: careful.read(
            text, options, other, other_language=True)) or reading
    if reading.kind == "picked":
        return Outcome("picked", reading.ids)
    if reading.kind == "tie":
        return Outcome("tie", reading.ids)
    return Outcome("unread", reply="answers.careful_unread", params={"heard": heard(text)})


def _in_other_languages(content: Content, locale: str, step: OptionStep, text: str, multi: bool,
                        positions: bool) -> answers.Reading | None:
    """Words from another of Mend's languages ("oui" to an English question, "wakha" to a French
    one): a whole label or alias only, and only when one language reads them one way."""
    return _agreed_elsewhere(content, locale, step, ("picked",), lambda options, other: answers.read(
        text, options, multi=multi, locale=other, positions=positions, loose=False))


def _agreed_elsewhere(content: Content, locale: str, step: OptionStep, kinds: tuple[str, ...],
                      read: Callable[[list[answers.OptionText], str], answers.Reading]) -> answers.Reading | None:
    """What the step's options in Mend's other languages make of the words, when every language that
    reads them (as one of `kinds`) reads them the same way."""
    found = [r for other in sorted(content.catalogs) if other != locale
             for r in (read(option_texts(content, other, step), other),) if r.kind in kinds]
    return found[0] if found and all((r.kind, r.ids) == (found[0].kind, found[0].ids) for r in found) else None


def _read_time(step: OptionStep, text: str, now: datetime, tz: str | None, options: list[answers.OptionText],
               locale: str) -> Outcome | None:
    # A label typed as it stands ("In an hour", "No daily check-in") is that option, not a time.
    said = answers.normalise(text)
    for option in options:
        if said in [answers.normalise(p) for p in (option.label, *option.aliases)]:
            return Outcome("picked", (option.id,))
    if step.time_option and said.isdigit():
        return None  # "1" at a card with a time option is the first option
    when = times.parse(text, clock_h=locale in CLOCK_H_LOCALES)
    if when is None:
        return None
    if step.time_kind == "daily":
        at = times.daily_clock(when)
        if at is None:  # "in 20 minutes" as a daily time: ask for a time of day
            return Outcome("unread", reply="answers.daily_needs_clock", params={"heard": heard(text)})
        value = f"at_{at.hour:02d}{at.minute:02d}"
        return Outcome("daily", (value,), value=value)
    due = times.moment(when, now, tz)
    if due is None:  # a clock time, and we don't know their timezone: never guess
        return Outcome("unread", reply="answers.need_timezone", params={"heard": heard(text)})
    shortest, longest = step.time_min or DEFAULT_MIN, step.time_max or DEFAULT_MAX
    params = {"heard": heard(text), "shortest": {"span": _minutes(shortest)}, "longest": {"span": _minutes(longest)},
              "due": times.describe(due, now, tz)}
    if due - now < shortest - timedelta(seconds=30):
        return Outcome("unread", reply="answers.time_too_soon", params=params)
    if due - now > longest + timedelta(seconds=30):
        return Outcome("unread", reply="answers.time_too_late", params=params)
    return Outcome("moment", value=step.time_option or OWN_TIME, due=due)


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def typed_choice(content: Content, locale: str, text: str, choices: tuple[Choice, ...], positions: bool = False) -> str | None:
    """The one choice whose label or alias in `locale` is the whole message, if any; with `positions`
    (buttons on screen in this order), also "option 2" or "the second one"."""
    catalog = content.catalog(locale)
    options = [option_text(catalog, c.id, c.label) for c in choices]
    found = answers.read(text, options, positions=positions, locale=locale, loose=False)
    return found.ids[0] if found.kind == "picked" and len(found.ids) == 1 else None
