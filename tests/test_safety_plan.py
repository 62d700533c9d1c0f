"""The safety plan's "reason for living" (CLINICIAN): an answer that means "nothing" is heard, never a
silent skip. Found: a typed "no" there was taken as "Skip this", like "no" at any optional question, and
the plan moved on as if nothing had been said. Now Mend answers it gently once and asks again; a second
"nothing" skips, and such words are never kept as the reason. The engine over the real content, and the
console as a person types it (with the real screen)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.engine import Frame, OptionChosen, Seat, SessionState, TextReceived, advance
from bot.engine.events import Verdict
from tests.test_console import chat

NOW = datetime(2026, 12, 2, 23, 10, tzinfo=timezone.utc)
HEARD = "safety_plan.reasons_nothing"
REASONS = "safety_plan.reasons"


def at_reasons(locale: str = "en", earlier: str | None = None) -> SessionState:
    """Someone in /sos, writing their plan, at its last question ("a reason for living")."""
    slots = {"safety_plan_reasons": earlier} if earlier else {}
    seat = Seat(stack=[Frame("sos", "plan_now", 1), Frame("safety_plan", "reasons", 1)], turn=9, slots=slots,
                consented_at=NOW.isoformat(), adult=True, locale=locale)
    return SessionState(seats={"a": seat})


def say(content, state: SessionState, text: str, verdict: Verdict | None = None):
    event = TextReceived(text, verdict) if verdict else TextReceived(text)
    t = advance(content, state, "a", event, NOW)
    return t, [getattr(e, "key", None) for e in t.effects]


@pytest.mark.parametrize("locale, nothing", [("en", "no"), ("en", "Nothing."), ("en", "idk"), ("en", "cant think of anything"),
                                             ("fr", "rien"), ("fr", "je sais pas"), ("ar", "والو"), ("ar", "walou"),
                                             ("ar", "لا شيء")])
def test_nothing_is_heard_then_the_question_again(content, locale, nothing):
    t, keys = say(content, at_reasons(locale), nothing)
    assert keys[:2] == [HEARD, REASONS]
    seat = t.state.seats["a"]
    assert seat.stack[-1] == Frame("safety_plan", "reasons", 1) and "safety_plan_reasons" not in seat.slots


def test_a_second_nothing_skips_and_keeps_no_words(content):
    t, _ = say(content, at_reasons(), "nothing")
    t, keys = say(content, t.state, "no")
    seat = t.state.seats["a"]
    assert HEARD not in keys and "safety_plan.show" in keys
    assert "safety_plan_reasons" not in seat.slots and seat.draft is None


def test_a_reason_written_after_the_gentle_word_is_kept(content):
    t, _ = say(content, at_reasons(), "nah")
    t, keys = say(content, t.state, "my sister, and seeing the sea again")
    assert t.state.seats["a"].slots["safety_plan_reasons"] == "my sister, and seeing the sea again"
    assert "safety_plan.show" in keys and t.state.seats["a"].draft is None


def test_skip_pressed_or_typed_still_skips_at_once_and_keeps_the_earlier_reason(content):
    t = advance(content, at_reasons(earlier="my dog"), "a", OptionChosen("skip", 9), NOW)
    assert t.state.seats["a"].slots["safety_plan_reasons"] == "my dog"
    t, keys = say(content, at_reasons(earlier="my dog"), "skip")
    assert HEARD not in keys and t.state.seats["a"].slots["safety_plan_reasons"] == "my dog"


def test_nothing_never_replaces_an_earlier_reason(content):
    t, _ = say(content, at_reasons(earlier="my dog"), "nothing")
    t, _ = say(content, t.state, "nothing")
    assert t.state.seats["a"].slots["safety_plan_reasons"] == "my dog"


def test_skip_after_the_gentle_word_leaves_nothing_behind_for_next_time(content):
    t, _ = say(content, at_reasons(), "no")
    t = advance(content, t.state, "a", OptionChosen("skip", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].draft is None  # a later edit of the plan hears "no" again, not a silent skip


def test_a_weaker_sign_already_in_sos_is_heard_not_kept_as_the_reason(content):
    # In /sos a weaker signal doesn't restart support; at this question it must not become the plan's
    # "reason for living" either.
    gentle = Verdict("crisis", ("hopelessness",), "encoder", 0.4, urgent=False)
    t, keys = say(content, at_reasons(), "honestly there isnt one anymore", gentle)
    assert keys[:2] == [HEARD, REASONS] and "safety_plan_reasons" not in t.state.seats["a"].slots
    t, keys = say(content, t.state, "there really isnt", gentle)
    assert "safety_plan.show" in keys and "safety_plan_reasons" not in t.state.seats["a"].slots


def test_nothing_at_another_plan_question_is_still_a_plain_skip(content):
    state = at_reasons()
    state.seats["a"].stack[-1] = Frame("safety_plan", "surroundings", 1)
    t, keys = say(content, state, "nothing")
    assert HEARD not in keys and keys[-1] == REASONS


async def test_console_a_typed_nothing_at_the_reason_for_living_is_answered_gently(db, content, clock):
    typed = ["1", "1", "/sos", "3", "United Kingdom", "2", "2"] + ["skip"] * 6 + ["nothing", "my cat Miso"]
    output = await chat(db, content, clock, typed)
    assert output.count("it can be hard to find anything at all") == 1
    plan = output.split("Your safety plan:")[1]
    assert "My reason for living: my cat Miso" in plan
