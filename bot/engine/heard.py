"""A question with `if_nothing` (the safety plan's "a reason for living"; CLINICIAN), and heavy words held
at any question of the plan (safety.hold_plan_words) until the person says whether to keep them. An answer that
means "nothing" ("no", "nothing matters", "rien", "ma bqa walou", in any language Mend speaks) is
heard, not taken as a silent skip: the step's gentle message and the question once more; a second
one right after skips, and its words are never kept. Words the screen read a weaker sign in (already
inside /sos, so nothing else opens; elsewhere the gentle check-in comes first) are neither kept nor
dropped by guess: the person is asked whether to keep them ("my son is the only reason I'm still
here" is a reason; "nothing matters" is not; only they can say which). Its state (`Seat.nothing_heard_turn`, `Seat.held_reason`) lives apart
from the coaching draft, which a repair paused below /sos may still be waiting on."""
from __future__ import annotations

import re
from typing import Literal

from bot.content.model import TextStep
from bot.engine import reading
from bot.engine.effects import Choice
from bot.engine.events import Event, OptionChosen, TextReceived
from bot.engine.prompts import prompt
from bot.engine.state import Frame, HeldReason, Seat
from bot.engine.text import shown_back
from bot.engine.turn import Turn

KEEP, CHANGE = "reason_keep", "reason_change"
PLAN_PARTS = "safety_plan.which_part.options"  # the plan parts' names, as "Change one part" lists them
HOLD_CHOICES = (Choice(KEEP, "system.reason_keep"), Choice(CHANGE, "system.reason_change"))
NOTHING = (Choice("nothing", "system.nothing_words"), Choice("skip", "system.skip"))
_PARTS = re.compile(r"[,.;:!?…،\n/]+|\s[-–—]+\s")
# Words around a "nothing" that don't change it ("nothing tbh", "walou daba", "rien, franchement").
_FILLER = frozenset("""tbh honestly honest lol really rn now right just atm anymore tho though sorry hmm um uh ugh
euh bah ben bon franchement vraiment juste maintenant daba wallah wlah wellah bsah 3la rasi""".split())
_ASCII_WORD = re.compile(r"^[a-z]{1,3}$")

Outcome = Literal["keep", "skip", "handled"] | None


def read(t: Turn, frame: Frame, step: TextStep, event: Event) -> tuple[Outcome, str | None]:
    """What this message does at the step: "keep" these words (returned), "skip" it, "handled" here
    (something was said and asked), or None: read it as any answer."""
    seat = t.seat
    held = seat.held_reason
    if held is not None and (held.at != frame.at or held.turn != seat.turn):
        held = seat.held_reason = None  # asked at another prompt: gone with it
    if held is not None:
        seat.held_reason = None
        choice = event.option if isinstance(event, OptionChosen) else \
            reading.typed_choice(t.content, seat.locale, event.text, HOLD_CHOICES) if isinstance(event, TextReceived) \
            else None
        if choice == KEEP:
            return "keep", held.text
        if choice == CHANGE:  # "no, let me write it again": the question, plainly (not the "nothing" words)
            seat.turn += 1
            t.send("system.reason_again")
            prompt(t, step)
            return "handled", None
        if isinstance(event, TextReceived) and not _words(event.text):  # "hmm", "um…": still deciding
            seat.held_reason = held
            ask_to_keep(t)
            return "handled", None
        # anything else typed is a new answer, read below
    heard_key = step.if_nothing or step.if_no_one
    if not isinstance(event, TextReceived) or not heard_key:  # held at another plan question: only the ask
        return None, None
    earlier = seat.slots.get(step.save_as) if step.skip_keeps and step.save_as else None
    kept = str(earlier) if earlier else None  # editing a plan: the reason written before stays
    heard_just_before = seat.nothing_heard_turn == seat.turn  # a "nothing" at this very prompt
    if kept and reading.typed_choice(t.content, seat.locale, event.text, NOTHING[1:]):
        # "no", "skip" keep it: quietly, or named right after a "nothing" was heard ("nothing matters",
        # then "no"; found by review: it said nothing of it).
        if heard_just_before:
            seat.nothing_heard_turn = None
            t.send("system.reason_kept", {"heard": shown_back(kept)})
        return None, None
    # At a "no one" question a message that is only "skip" or "pass" is a skip; "no one, skip" and "none" are still
    # heard (found by review: "no one, skip" was kept as the person to call).
    only_a_skip = (step.if_no_one is not None and reading.typed_choice(t.content, seat.locale, event.text, NOTHING[1:])
                   and not reading.typed_choice(t.content, seat.locale, event.text, NOTHING[:1]))
    if not only_a_skip and means_nothing(t, event.text):
        if heard_just_before:  # skipped now, and said so: the reason kept named, or "add one later"
            seat.nothing_heard_turn = None
            if kept:
                t.send("system.reason_kept", {"heard": shown_back(kept)})
            else:
                t.send("system.reason_later")
            return "skip", None
        seat.turn += 1  # the question comes again: buttons of the first asking are stale
        seat.nothing_heard_turn = seat.turn
        t.send(heard_key)
        prompt(t, step)
        return "handled", None
    if event.verdict.route == "crisis" and len(event.text.strip()) <= step.max_len:  # too long: asked to shorten first
        seat.turn += 1
        seat.held_reason = HeldReason(frame.at, event.text.strip(), seat.turn)
        ask_to_keep(t)
        return "handled", None
    return None, None


def means_nothing(t: Turn, text: str) -> bool:
    """Every part of the message ("no, nothing", "nope nothing", "rien. walou", "nothing tbh") is a
    word or phrase for nothing or a skip, in any language Mend speaks (people write in the language
    they think in), filler and emoticons aside. In another language than the person's, a word of three
    letters or fewer doesn't count: "Nan" is a grandmother in English before it is "no" in French."""
    if _nothing(t, text.strip(), strict=len(text.split()) == 1):  # a whole phrase ("not really", "à quoi bon")
        return True
    parts = _words(text)
    if not parts:  # "hmm", "um…": only filler, nothing written
        return any(ch.isalnum() for ch in text)
    alone = sum(map(len, parts)) == 1  # one short word alone may be a name ("Nan"); beside others it isn't
    return all(_nothing(t, " ".join(words), alone) or all(_nothing(t, w, alone) for w in words) for words in parts)


def _words(text: str) -> list[list[str]]:
    """The message's parts, each as its words, filler and emoticons aside; empty parts dropped."""
    parts = [[w for w in part.split() if any(ch.isalnum() for ch in w) and w not in _FILLER]
             for part in _PARTS.split(text.lower())]
    return [words for words in parts if words]


def _nothing(t: Turn, words: str, strict: bool) -> bool:
    own = t.seat.locale
    return any(reading.typed_choice(t.content, locale, words, (choice,))
               for locale in t.content.catalogs if locale == own or not (strict and _ASCII_WORD.match(words.lower()))
               for choice in NOTHING)


def forget_if_left(seat: Seat) -> None:
    """Held words go once their question is no longer anywhere on the stack (/cancel, the plan ended);
    an interrupt over it (/language) keeps them."""
    if seat.held_reason and all(seat.held_reason.at != f.at for f in seat.stack):
        seat.held_reason = None


def ask_to_keep(t: Turn) -> bool:
    """ "Keep it here, in these words?" for the words held at the current prompt (again after /help or
    a restart, with the words shown); False when none are held."""
    held = t.seat.held_reason
    if held is None:
        return False
    held.turn = t.seat.turn
    key = "system.keep_heavy_words"
    params: dict[str, object] = {"heard": shown_back(held.text)}
    part = f"{PLAN_PARTS}.{held.at[1]}"
    if held.at[0] == "safety_plan" and part in t.content.catalog(t.seat.locale).messages:
        # "Keep it here?" read oddly after a /sos detour: the person is asked where "here" is (found
        # trying Mend as a new user); the plan's part is named as "Change one part" names it.
        key, params["part"] = "system.keep_plan_words", {"labels": [part]}
    t.send(key, params, choices=HOLD_CHOICES, prompt=True)
    return True
