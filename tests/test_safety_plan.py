"""The safety plan's "reason for living" (CLINICIAN): an answer that means "nothing" is heard, never a
silent skip. Found: a typed "no" there was taken as "Skip this", like "no" at any optional question, and
the plan moved on as if nothing had been said. Now Mend answers it gently once and asks again; a second
"nothing" skips, and such words are never kept as the reason. Any other words are the reason. The engine over the real content, and the
console as a person types it (with the real screen)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.engine import CommandReceived, Frame, InvalidInput, OptionChosen, Seat, SessionState, TextReceived, advance
from bot.engine.events import Verdict
from bot.presenter import format_param
from bot.understanding.screen import screen_for
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


def say_flagged(content, state: SessionState, text: str):
    """As the service hands it in when the screen read a weaker sign in the words."""
    t = advance(content, state, "a", TextReceived(text, GENTLE), NOW)
    return t, [getattr(e, "key", None) for e in t.effects]


def say(content, state: SessionState, text: str):
    t = advance(content, state, "a", TextReceived(text), NOW)
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
    assert "safety_plan_reasons" not in seat.slots


@pytest.mark.parametrize("locale, nothing", [("en", "rien"), ("en", "walou"), ("fr", "walou"), ("ar", "nothing"),
                                             ("fr", "لا شيء")])
def test_nothing_is_heard_in_any_language_mend_speaks(content, locale, nothing):
    """People write in the language they think in: Darija under a French phone, French under English."""
    t, keys = say(content, at_reasons(locale), nothing)
    assert keys[:2] == [HEARD, REASONS] and "safety_plan_reasons" not in t.state.seats["a"].slots


def test_a_reason_written_after_the_gentle_word_is_kept(content):
    t, _ = say(content, at_reasons(), "nah")
    t, keys = say(content, t.state, "my sister, and seeing the sea again")
    assert t.state.seats["a"].slots["safety_plan_reasons"] == "my sister, and seeing the sea again"
    assert "safety_plan.show" in keys


def test_skip_pressed_or_typed_still_skips_at_once_and_keeps_the_earlier_reason(content):
    t = advance(content, at_reasons(earlier="my dog"), "a", OptionChosen("skip", 9), NOW)
    assert t.state.seats["a"].slots["safety_plan_reasons"] == "my dog"
    t, keys = say(content, at_reasons(earlier="my dog"), "skip")
    assert HEARD not in keys and t.state.seats["a"].slots["safety_plan_reasons"] == "my dog"


def test_editing_a_plan_no_keeps_the_earlier_reason_without_the_gentle_word(content):
    """With a reason already written, "no" at this question means "no change" (skip keeps it)."""
    t, keys = say(content, at_reasons(earlier="my dog"), "no")
    assert HEARD not in keys and t.state.seats["a"].slots["safety_plan_reasons"] == "my dog"


@pytest.mark.parametrize("locale, typed", [("en", "keep it"), ("en", "Keep what I wrote"), ("fr", "pareil"),
                                           ("ar", "خليه")])
def test_reopening_the_plan_shows_what_was_written_and_keep_keeps_it(content, locale, typed):
    """Found trying Mend as a new user: the plan reopened at its first question with nothing on screen
    saying what was already there. The earlier answer is shown above the question, Skip reads "Keep
    what I wrote", and typing that keeps it (never saved as the new answer)."""
    state = at_reasons(locale, earlier="my dog, Biscuit")
    state.seats["a"].stack[-1] = Frame("safety_plan", "surroundings", 1)
    state.seats["a"].slots["safety_plan_surroundings"] = "pills at my sister's"
    t = advance(content, state, "a", CommandReceived("help"), NOW)
    shown = [e for e in t.effects if getattr(e, "key", None) == "system.written_before"]
    assert [e.params["heard"] for e in shown] == ["pills at my sister's"]
    (asked,) = [e for e in t.effects if getattr(e, "key", None) == "safety_plan.surroundings"]
    assert [c.label for c in asked.choices] == ["system.skip_keep"]
    t, keys = say(content, t.state, typed)
    assert t.state.seats["a"].slots["safety_plan_surroundings"] == "pills at my sister's"
    assert keys[-2:] == ["system.written_before", REASONS]


def test_a_first_plan_says_skip_and_shows_nothing_written_before(content):
    t = advance(content, at_reasons(), "a", CommandReceived("help"), NOW)
    assert "system.written_before" not in [getattr(e, "key", None) for e in t.effects]
    (asked,) = [e for e in t.effects if getattr(e, "key", None) == REASONS]
    assert [c.label for c in asked.choices] == ["system.skip"]
    t, _ = say(content, t.state, "keep it")  # with nothing written before, "keep it" is an answer
    assert t.state.seats["a"].slots["safety_plan_reasons"] == "keep it"


def test_the_second_nothing_counts_only_right_after_the_first(content):
    """After the gentle word, anything that asks again (/help, a restart) makes the next "nothing" heard
    again, never a silent skip; and a later visit to the plan starts afresh."""
    t, _ = say(content, at_reasons(), "no")
    t = advance(content, t.state, "a", OptionChosen("skip", t.state.seats["a"].turn), NOW)
    assert "safety_plan.show" in [getattr(e, "key", None) for e in t.effects]
    later = at_reasons()
    later.seats["a"].nothing_heard_turn = t.state.seats["a"].nothing_heard_turn
    later.seats["a"].turn = t.state.seats["a"].turn + 5
    t, keys = say(content, later, "no")
    assert keys[:2] == [HEARD, REASONS]


GENTLE = Verdict("crisis", ("hopelessness",), "encoder", 0.4, urgent=False)


PLAN_ANSWERS = [("warning_signs", "when i start feeling like a burden to everyone"),
                ("warning_signs", "quand je me sens un poids pour tout le monde"),
                ("surroundings", "give my pills to my sister to keep")]


@pytest.mark.parametrize("below", ["sos", "safety_checkin"])
@pytest.mark.parametrize("step, words", PLAN_ANSWERS)
def test_heavy_words_at_the_plans_other_questions_are_its_answers_once_the_person_says_so(content, below, step, words):
    """Found by review: a warning sign ("when i start feeling like a burden") reads as a clear sign to
    the real screen, and was lost when support asked again; from the next-day check-in, a weaker sign
    opened "are you safe?" and set the words aside. A warning sign or a way to make the place safer is
    heavy by nature and is what the question asks for (CLINICIAN). A weaker sign is kept as the answer.
    A clear sign asks "are you safe?" over the plan, and coming back asks whether to keep the words here
    (found trying Mend as a new user: kept silently, "everyone would be better off without me" came back
    as "You wrote before" at "making your surroundings safer", with only "Keep what I wrote" under it)."""
    below_frame = Frame("sos", "plan_now", 1) if below == "sos" else Frame("safety_checkin", "what_now", 1)
    state = SessionState(seats={"a": Seat(stack=[below_frame, Frame("safety_plan", step, 1)], turn=9,
                                          consented_at=NOW.isoformat(), adult=True)})
    verdict = screen_for(content).verdict(words)
    assert verdict.flagged  # the real screen reads these as signs: the test is about what follows
    t = advance(content, state, "a", TextReceived(words, verdict), NOW)
    seat = t.state.seats["a"]
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "safety_check.ask" not in keys and "system.keep_plan_words" not in keys and seat.held_text is None
    if not verdict.urgent:
        assert seat.slots[f"safety_plan_{step}"] == words and seat.held_reason is None
        assert [f.flow for f in seat.stack] == [below, "safety_plan"]
        return
    assert f"safety_plan_{step}" not in seat.slots and seat.held_reason is not None
    assert [f.flow for f in seat.stack] == [below, "safety_plan", verdict.route if verdict.route == "ipv" else "sos"]
    if seat.stack[-1].flow == "sos":
        t = advance(content, t.state, "a", OptionChosen("misunderstood", seat.turn), NOW)
        asked = [e for e in t.effects if getattr(e, "key", None) == "system.keep_plan_words"]
        assert [e.params["heard"] for e in asked] == [words] and t.state.seats["a"].stack[-1] == Frame("safety_plan", step, 1)
        # back from /sos, "keep it here?" would not say where: the part is named, in the person's language
        part = asked[0].params["part"]
        assert part == {"labels": [f"safety_plan.which_part.options.{step}"]}
        assert format_param(part, content.catalog("fr"), 0, content) == content.catalog("fr").text(part["labels"][0])
        t = advance(content, t.state, "a", TextReceived("yes"), NOW)
        assert t.state.seats["a"].slots[f"safety_plan_{step}"] == words and t.state.seats["a"].held_reason is None
        assert t.state.seats["a"].stack[-1].step != step  # kept, and on to the next question


def test_a_clear_sign_at_an_edited_question_is_asked_about_and_keeping_it_never_loops(content):
    """Found by review: keeping the earlier answer ("music, shower, walking the dog") lost the new words,
    and typing them again asked "are you safe?" again, in a loop. The new words are held, asked about
    when the plan resumes, and "Yes, keep it" makes them the answer and moves on; "No" keeps the
    earlier answer on offer."""
    state = SessionState(seats={"a": Seat(stack=[Frame("sos", "what_now", 1), Frame("safety_plan", "calming", 1)],
                                          turn=9, consented_at=NOW.isoformat(), adult=True,
                                          slots={"safety_plan_calming": "music, shower, walking the dog"})})
    urgent = Verdict("crisis", ("indirect",), "pattern", 1.0, urgent=True)
    words = "music. but honestly sometimes i just want to disappear"
    t = advance(content, state, "a", TextReceived(words, urgent), NOW)
    assert t.state.seats["a"].slots["safety_plan_calming"] == "music, shower, walking the dog"
    assert t.state.seats["a"].stack[-1].flow == "sos"
    back = advance(content, t.state, "a", OptionChosen("misunderstood", t.state.seats["a"].turn), NOW)
    assert [e.params["heard"] for e in back.effects if getattr(e, "key", None) == "system.keep_plan_words"] == [words]
    kept = advance(content, back.state, "a", OptionChosen("reason_keep", back.state.seats["a"].turn), NOW)
    assert kept.state.seats["a"].slots["safety_plan_calming"] == words
    assert kept.state.seats["a"].stack[-1] == Frame("safety_plan", "people_places", 1)
    again = advance(content, back.state, "a", OptionChosen("reason_change", back.state.seats["a"].turn), NOW)
    shown = [e.params["heard"] for e in again.effects if getattr(e, "key", None) == "system.written_before"]
    assert shown == ["music, shower, walking the dog"] and again.state.seats["a"].held_reason is None
    kept_earlier = advance(content, again.state, "a", OptionChosen("skip", again.state.seats["a"].turn), NOW)
    assert kept_earlier.state.seats["a"].slots["safety_plan_calming"] == "music, shower, walking the dog"
    assert kept_earlier.state.seats["a"].stack[-1] == Frame("safety_plan", "people_places", 1)


def test_a_check_in_answered_inside_the_plan_is_not_offered_again_when_it_ends(content):
    """Found by review: "Yes, check on me tomorrow" inside /sos asked again over the plan, then the same
    question once the plan (opened from the plan offer) ended."""
    state = at_reasons()
    state.seats["a"].stack = [Frame("sos", "after_plan", 1), Frame("safety_plan", "reasons", 1)]
    state.seats["a"].slots.update(country="gb", sos_answer="might_hurt_self", sos_plan="open_plan",
                                  sos_checkin="yes_tomorrow")
    t, keys = say(content, state, "my dog")
    assert "safety_plan.show" in keys and "sos.checkin_offer" not in keys and keys[-1] == "sos.what_now"


def test_abuse_words_typed_in_the_plan_are_never_kept_in_it(content):
    """Found by review: "when he hits me again" became a warning sign, stored and shown first whenever the
    plan opened; abuse support's words are used there and then."""
    state = at_reasons()
    state.seats["a"].stack[-1] = Frame("safety_plan", "warning_signs", 1)
    urgent = Verdict("ipv", ("ipv_physical",), "pattern", 1.0, urgent=True)
    t = advance(content, state, "a", TextReceived("when he hits me again", urgent), NOW)
    assert "safety_plan_warning_signs" not in t.state.seats["a"].slots and t.state.seats["a"].stack[-1].flow == "ipv"


def test_a_second_sign_inside_the_inner_asking_keeps_the_first_runs_answers(content):
    """Found by review: with /sos open twice, a second clear sign wiped the first run's answers, and the
    plan (open below) was offered again."""
    state = at_reasons()
    state.seats["a"].stack = [Frame("sos", "what_now", 1), Frame("safety_plan", "warning_signs", 1)]
    state.seats["a"].slots.update(country="gb", sos_answer="might_hurt_self", sos_plan="open_plan", sos_checkin="no_thanks")
    urgent = Verdict("crisis", ("indirect",), "pattern", 1.0, urgent=True)
    t = advance(content, state, "a", TextReceived("i want to die", urgent), NOW)
    assert [f.flow for f in t.state.seats["a"].stack] == ["sos", "safety_plan", "sos"]
    t = advance(content, t.state, "a", TextReceived("i really want to die", urgent), NOW)  # answers "are you safe?"
    keys = [getattr(e, "key", None) for e in t.effects]
    assert t.state.seats["a"].slots["sos_answer"] == "might_hurt_self"
    assert "sos.plan_offer" not in keys and "sos.checkin_offer" not in keys


@pytest.mark.parametrize("reason", ["my children need me", "my daughter is the only thing keeping me alive",
                                    "ma fille, elle a besoin de moi"])
async def test_a_reason_that_sounds_heavy_is_kept_as_the_reason(db, content, clock, reason):
    """Reasons for living can sound like crisis words to the screen ("the only thing keeping me alive");
    in the plan they are the answer, not "nothing" (found by review: they were thrown away). When the
    screen does flag them, Mend asks whether to keep them, and "yes" keeps them."""
    typed = ["1", "1", "/sos", "3", "United Kingdom", "2", "2"] + ["skip"] * 6 + [reason, "yes"]
    output = await chat(db, content, clock, typed)
    assert "it can be hard to find anything at all" not in output
    assert f"My reason for living: {reason}" in output.split("Your safety plan:")[1]


def test_heavy_words_are_asked_about_not_kept_or_dropped(content):
    """Found trying Mend as a new user: "nothing matters" was kept as the plan's reason for living.
    Words the screen read a weaker sign in (already in /sos, so nothing else opens) are held, shown
    back, and the person is asked whether to keep them here."""
    t, keys = say_flagged(content, at_reasons(), "honestly what would even be the point")
    assert keys == ["system.keep_plan_words"] and "safety_plan_reasons" not in t.state.seats["a"].slots
    assert "honestly what would even be the point" in str(t.effects[-1].params)
    t, keys = say(content, t.state, "no")  # "no, let me write it again": the question, plainly
    assert keys[:2] == ["system.reason_again", REASONS] and "safety_plan_reasons" not in t.state.seats["a"].slots
    t, keys = say(content, t.state, "nothing")  # then "nothing" is heard like any "nothing"
    assert keys[:2] == [HEARD, REASONS]
    t, keys = say(content, t.state, "no")
    assert "safety_plan.show" in keys and "safety_plan_reasons" not in t.state.seats["a"].slots


@pytest.mark.parametrize("then", ["no, nothing", "nothing", "plus rien"])
def test_nothing_after_the_keep_question_is_heard_and_the_held_words_are_dropped(content, then):
    """Found by review: "no, nothing" at the keep question became the reason, and a "nothing" there
    left the held words behind for a later "yes" to keep."""
    t, _ = say_flagged(content, at_reasons(), "honestly what would even be the point")
    t, keys = say(content, t.state, then)
    assert keys[:2] == [HEARD, REASONS] and t.state.seats["a"].held_reason is None
    with pytest.raises(InvalidInput) as exc:  # a "yes" now keeps nothing: "go ahead, in your own words"
        say(content, t.state, "yes")
    assert exc.value.key == "system.yes_words"


def test_heavy_words_never_replace_an_earlier_reason_unasked(content):
    """Found by review: editing a plan, "nothing matters" or flagged words replaced "my dog" silently."""
    t, keys = say(content, at_reasons(earlier="my dog"), "nothing matters")
    assert keys[:3] == [HEARD, "system.written_before", REASONS]
    t, keys = say_flagged(content, at_reasons(earlier="my dog"), "whats the point of any of it")
    assert keys == ["system.keep_plan_words"] and t.state.seats["a"].slots["safety_plan_reasons"] == "my dog"


@pytest.mark.parametrize("answer", ["yes", "Yes, keep it", "keep my words"])
def test_heavy_words_kept_when_the_person_says_so(content, answer):
    t, _ = say_flagged(content, at_reasons(), "my son. hes the only reason im still here")
    t = advance(content, t.state, "a", TextReceived(answer), NOW)
    assert t.state.seats["a"].slots["safety_plan_reasons"] == "my son. hes the only reason im still here"


def test_the_keep_question_comes_back_after_help_and_a_restart(content):
    t, _ = say_flagged(content, at_reasons(), "my son. hes the only reason im still here")
    restored = SessionState.from_dict(json.loads(json.dumps(t.state.to_dict())))  # as stored in SQLite
    t = advance(content, restored, "a", CommandReceived("help"), NOW)
    assert [getattr(e, "key", None) for e in t.effects][-1] == "system.keep_plan_words"
    t = advance(content, t.state, "a", OptionChosen("reason_keep", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].slots["safety_plan_reasons"] == "my son. hes the only reason im still here"


@pytest.mark.parametrize("locale, typed", [("en", "nothing matters"), ("en", "honestly nothing anymore"),
                                           ("fr", "plus rien"), ("ar", "ma bqa walou"), ("ar", "ما عندي والو")])
def test_despair_that_means_nothing_is_heard_as_nothing(content, locale, typed):
    t, keys = say(content, at_reasons(locale), typed)
    assert keys[:2] == [HEARD, REASONS] and "safety_plan_reasons" not in t.state.seats["a"].slots


async def test_a_hinted_draft_below_sos_survives_a_nothing_in_the_plan(alice):
    """Found by review: the "heard" marker shared the one draft field and erased a coaching hint waiting
    below /sos; back in the repair the plain question came and "keep my words" became the answer."""
    from tests.helpers import reach_my_part
    await alice.onboard()
    await reach_my_part(alice)
    await alice.says("You never listen, what is wrong with you?")
    assert alice.last_prompt.key == "coaching.hint.criticism"
    await alice.command("sos")
    await alice.taps("might_hurt_self")
    await alice.taps("gb")
    await alice.taps("open_plan")
    for _ in range(6):
        await alice.taps("skip")
    assert alice.last_prompt.key == REASONS
    sends = await alice.says("no")
    assert alice.keys(sends)[:2] == [HEARD, REASONS]
    await alice.says("my cat")
    await alice.taps("no_thanks")
    await alice.taps("back")
    assert alice.last_prompt.key == "coaching.hint.criticism"


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


def test_heavy_words_held_in_the_plan_leave_a_hinted_draft_below_sos_alone(content):
    """Found by review: the held words shared the one draft field and erased the repair's hint waiting
    below /sos; "keep my words" typed back in the repair then became the person's part."""
    from bot.engine.state import Draft
    state = at_reasons()
    state.seats["a"].stack.insert(0, Frame("repair", "my_part", 1))
    state.seats["a"].draft = Draft(("repair", "my_part"), "You never listen", "criticism", 1)
    t, _ = say_flagged(content, state, "my son is the only thing keeping me here")
    t = advance(content, t.state, "a", TextReceived("yes"), NOW)
    seat = t.state.seats["a"]
    assert seat.slots["safety_plan_reasons"] == "my son is the only thing keeping me here"
    assert seat.draft == Draft(("repair", "my_part"), "You never listen", "criticism", 1)


def test_a_clear_sign_inside_the_plan_asks_again_without_the_greeting(content):
    """Found trying Mend as a new user: "no one would miss me" typed in the plan restarted /sos with "I'm
    glad you reached out… What we were doing is paused and saved", which read like a loop. The question
    comes again in words for someone already here; the answers written so far stay in the plan."""
    urgent = Verdict("crisis", ("indirect",), "pattern", 1.0, urgent=True)
    state = at_reasons(earlier="my dog")
    t = advance(content, state, "a", TextReceived("no one would miss me", urgent), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    seat = t.state.seats["a"]
    assert "sos.again" in keys and "sos.ask_safety" not in keys
    assert [f.flow for f in seat.stack] == ["sos", "safety_plan", "sos"] and seat.slots["safety_plan_reasons"] == "my dog"
    assert "no one would miss me" not in str(seat.slots)


def test_misunderstood_after_a_clear_sign_in_the_plan_comes_back_to_the_plans_question(content):
    """Found trying Mend as a new user: after "I'm okay, you misunderstood" the plan was gone and the menu
    came back. The new asking goes over the plan once (a second clear sign typed at its "are you safe?"
    answers it: tests/test_safety.py), so the stack never grows."""
    urgent = Verdict("crisis", ("indirect",), "pattern", 1.0, urgent=True)
    t = advance(content, at_reasons(), "a", TextReceived("no one would miss me", urgent), NOW)
    assert [f.flow for f in t.state.seats["a"].stack] == ["sos", "safety_plan", "sos"]
    t = advance(content, t.state, "a", OptionChosen("misunderstood", t.state.seats["a"].turn), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert keys[-3:] == ["sos.misunderstood", "system.back_to_step", REASONS]
    assert [f.flow for f in t.state.seats["a"].stack] == ["sos", "safety_plan"]


def test_asked_again_over_the_plan_the_offers_already_answered_are_not_made_again(content):
    """Found trying Mend as a new user: after a clear sign in the plan and "safe, but struggling", the
    check-in offer declined a minute before came back, and again once the plan was done."""
    state = at_reasons()  # opened from "what would help?", as a real call leaves it: the caller past its call step
    state.seats["a"].stack = [Frame("sos", "what_now", 1), Frame("safety_plan", "warning_signs", 1)]
    state.seats["a"].slots.update(country="gb", sos_answer="struggling", sos_plan="open_plan", sos_checkin="no_thanks")
    urgent = Verdict("crisis", ("indirect",), "pattern", 1.0, urgent=True)
    t = advance(content, state, "a", TextReceived("when i feel like a burden to everyone", urgent), NOW)
    t = advance(content, t.state, "a", OptionChosen("struggling", t.state.seats["a"].turn), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "sos.checkin_offer" not in keys and keys[-1] == "sos.what_now"
    t = advance(content, t.state, "a", OptionChosen("back", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].stack[-1] == Frame("safety_plan", "warning_signs", 1)
    assert t.state.seats["a"].slots["sos_checkin"] == "no_thanks"  # the run below still knows
    for _ in range(7):
        t = advance(content, t.state, "a", OptionChosen("skip", t.state.seats["a"].turn), NOW)
        if t.state.seats["a"].stack[-1].flow != "safety_plan":
            break
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "safety_plan.show" in keys and "sos.checkin_offer" not in keys and keys[-1] == "sos.what_now"


def test_a_clear_sign_in_a_plan_opened_again_restarts_the_inner_asking_in_place(content):
    urgent = Verdict("crisis", ("indirect",), "pattern", 1.0, urgent=True)
    state = at_reasons()
    state.seats["a"].stack += [Frame("sos", "plan_now", 1, interrupt=True), Frame("safety_plan", "calming", 1)]
    t = advance(content, state, "a", TextReceived("no one would miss me", urgent), NOW)
    assert [(f.flow, f.step) for f in t.state.seats["a"].stack] == [
        ("sos", "plan_now"), ("safety_plan", "reasons"), ("sos", "ask_safety")]


@pytest.mark.parametrize("typed", ["no nothing", "nope nothing", "no - nothing", "no\nnothing", "nothing tbh", "nothing lol",
                                   "nothing, honestly", "nothing right now", "none tbh", "nothing :(", "non rien",
                                   "rien, franchement", "walou daba"])
def test_nothing_with_filler_around_it_is_still_nothing(content, typed):
    """Found by review: only exact phrases counted, so "no nothing" became the reason for living."""
    t, keys = say(content, at_reasons(), typed)
    assert keys[:2] == [HEARD, REASONS] and "safety_plan_reasons" not in t.state.seats["a"].slots


@pytest.mark.parametrize("reason", ["Nan", "no one but my mum, honestly", "Nan and Grandad", "La Rochelle, the sea"])
def test_a_short_word_from_another_language_is_not_read_as_nothing(content, reason):
    """Found by review: "Nan" (a grandmother) was heard as the French "nan", then skipped."""
    t, keys = say(content, at_reasons("en"), reason)
    assert HEARD not in keys and t.state.seats["a"].slots["safety_plan_reasons"] == reason


def test_held_words_are_dropped_when_the_plan_is_left_and_kept_over_language(content):
    """Found by review: after /cancel the held crisis-adjacent words stayed in the stored session; and
    /language (an interrupt over the question) dropped them silently."""
    t, _ = say_flagged(content, at_reasons(), "my son is the only thing keeping me here")
    t = advance(content, t.state, "a", CommandReceived("language"), NOW)
    assert t.state.seats["a"].held_reason is not None  # the question waits below /language
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    assert t.state.seats["a"].held_reason is None or any(
        t.state.seats["a"].held_reason.at == f.at for f in t.state.seats["a"].stack)


def test_a_flagged_reason_too_long_to_keep_is_not_held(content):
    """Found by review: words over the step's limit were held, and "yes" then failed on every try."""
    with pytest.raises(InvalidInput) as exc:
        say_flagged(content, at_reasons(), "what is the point " * 200)
    assert exc.value.key == "system.too_long"


def test_hmm_at_the_keep_question_asks_it_again_and_keeps_nothing(content):
    t, _ = say_flagged(content, at_reasons(), "my son is the only thing keeping me here")
    t, keys = say(content, t.state, "hmm")
    assert keys == ["system.keep_plan_words"] and "safety_plan_reasons" not in t.state.seats["a"].slots
    t, _ = say(content, t.state, "yes")
    assert t.state.seats["a"].slots["safety_plan_reasons"] == "my son is the only thing keeping me here"


@pytest.mark.parametrize("locale, typed", [("en", "i dont see the point"), ("en", "hmm"), ("en", "not really"),
                                           ("fr", "j'en peux plus"), ("fr", "à quoi bon"), ("fr", "bof"),
                                           ("ar", "ma bqit 9ad"), ("ar", "ma3ndi hta sbab"), ("ar", "ما عندي حتى سبب")])
def test_despair_the_screen_may_miss_is_heard_not_kept_as_the_reason(content, locale, typed):
    """Found trying Mend as a new user: "j'en peux plus", "ma bqit 9ad", "hmm" were saved as the reason
    for living, with no word said (the screen reads some of them as ordinary tiredness)."""
    t, keys = say(content, at_reasons(locale), typed)
    assert keys[:2] == [HEARD, REASONS] and "safety_plan_reasons" not in t.state.seats["a"].slots


def test_the_second_nothing_says_it_can_be_added_later(content):
    """Found trying Mend as a new user: a second "no" blanked the answer without a word."""
    t, _ = say(content, at_reasons(), "no")
    t, keys = say(content, t.state, "no")
    assert keys[0] == "system.reason_later" and "safety_plan.show" in keys


@pytest.mark.parametrize("second", ["nothing matters", "nothing", "no", "skip"])
def test_the_second_nothing_when_editing_names_the_reason_kept(content, second):
    """Found by review: editing a plan that already held "my kids", "nothing matters" twice said "you
    can add one next time", as if there were none; "nothing matters" then "no" said nothing of it. The
    reason kept is named instead."""
    t, _ = say(content, at_reasons(earlier="my kids"), "nothing matters")
    t, keys = say(content, t.state, second)
    assert keys[0] == "system.reason_kept" and t.effects[0].params["heard"] == "my kids"
    assert "safety_plan.show" in keys and t.state.seats["a"].slots["safety_plan_reasons"] == "my kids"


def test_a_long_reason_is_shown_back_whole_or_cut_at_a_word(content):
    """Found trying Mend as a new user: a paragraph about a daughter came back as "…she still c…"."""
    long = "My daughter Lina. She's seven and she still climbs into my bed when it thunders, " * 3
    t, _ = say_flagged(content, at_reasons(), long.strip())
    assert long.strip() in str(t.effects[-1].params)
    longer = "she still climbs into my bed when it thunders and " * 20
    t, _ = say_flagged(content, at_reasons(), longer.strip())
    heard = t.effects[-1].params["heard"]
    assert heard.endswith("…") and heard[:-1].split()[-1] in longer.split()


def test_my_safety_plan_chosen_in_sos_over_the_plan_goes_back_to_its_question(content):
    """Found trying Mend as a new user: after a clear sign in the plan and "safe, but struggling", "My
    safety plan" started the plan over from its first page; the person wanted the question they were on.
    The plan below is resumed, not copied on top, and its answers so far stay."""
    state = at_reasons(earlier="my dog")
    state.seats["a"].stack = [Frame("sos", "what_now", 1), Frame("safety_plan", "surroundings", 1)]
    state.seats["a"].slots.update(country="gb", sos_answer="struggling", sos_plan="open_plan", sos_checkin="no_thanks",
                                  safety_plan_warning_signs="racing thoughts")
    urgent = Verdict("crisis", ("indirect",), "pattern", 1.0, urgent=True)
    t = advance(content, state, "a", TextReceived("i keep thinking everyone would be better off", urgent), NOW)
    t = advance(content, t.state, "a", OptionChosen("struggling", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].stack[-1].step == "what_now"
    t = advance(content, t.state, "a", OptionChosen("safety_plan", t.state.seats["a"].turn), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "system.back_to_step" in keys and keys[-1] == "system.keep_plan_words"  # the held words: keep them?
    assert "safety_plan.show" not in keys and "safety_plan.intro" not in keys
    t = advance(content, t.state, "a", OptionChosen("reason_change", t.state.seats["a"].turn), NOW)
    assert [getattr(e, "key", None) for e in t.effects][-1] == "safety_plan.surroundings"
    seat = t.state.seats["a"]
    assert [f.flow for f in seat.stack] == ["sos", "sos", "safety_plan"]  # the plan brought up, /sos kept below
    assert seat.slots["safety_plan_warning_signs"] == "racing thoughts" and seat.slots["safety_plan_reasons"] == "my dog"
    t = advance(content, t.state, "a", TextReceived("ask Ana to keep the pills"), NOW)
    t = advance(content, t.state, "a", TextReceived("my dog and my niece"), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "safety_plan.show" in keys and keys[-1] == "sos.what_now"  # the /sos that asked carries on


def test_open_my_plan_in_sos_asked_over_plan_keeps_sos_going_after_it(content):
    """Found by review: /plan, a clear sign, "I might hurt myself", then "Open my safety plan" dropped the
    unfinished /sos; once the plan was done the person landed on the menu, without the offers /sos
    makes after the plan."""
    urgent = Verdict("crisis", ("explicit",), "pattern", 1.0, urgent=True)
    state = SessionState(seats={"a": Seat(stack=[Frame("home", "menu", 1), Frame("safety_plan", "calming", 1, True)],
                                          turn=9, consented_at=NOW.isoformat(), adult=True,
                                          slots={"country": "gb", "safety_plan_warning_signs": "racing thoughts"})})
    t = advance(content, state, "a", TextReceived("i want to kill myself tonight", urgent), NOW)
    assert [f.flow for f in t.state.seats["a"].stack] == ["home", "safety_plan", "sos"]
    asked = [getattr(e, "key", None) for e in t.effects]
    assert "sos.ask_safety" in asked and "sos.fresh" not in asked  # the plan is paused: the words say so
    t = advance(content, t.state, "a", OptionChosen("might_hurt_self", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].stack[-1] == Frame("sos", "plan_offer", 1, True)
    t = advance(content, t.state, "a", OptionChosen("open_plan", t.state.seats["a"].turn), NOW)
    seat = t.state.seats["a"]
    assert [f.flow for f in seat.stack] == ["home", "sos", "safety_plan"], [(f.flow, f.step) for f in seat.stack]
    assert seat.stack[-1].step == "calming"  # where the person was, not the plan from its start
    t = advance(content, t.state, "a", TextReceived("a walk with the dog"), NOW)
    for _ in range(5):
        t = advance(content, t.state, "a", OptionChosen("skip", t.state.seats["a"].turn), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "safety_plan.show" in keys and keys[-1] == "sos.checkin_offer"  # /sos goes on after the plan


async def test_plan_opens_the_safety_plan_without_saying_youre_in_trouble(alice):
    """Found trying Mend as a new user: the only way into the plan was /sos, then "I'm safe, but
    struggling" (helplines and the check-in offer again); "im ok, i just want to update my safety plan"
    wasn't understood there. /plan opens it over any step, and the step comes back after it."""
    await alice.onboard()
    await alice.taps("repair")
    where = alice.last_prompt.key
    await alice.command("plan")
    assert alice.last_prompt.key == "safety_plan.warning_signs"
    for answer in ("racing thoughts", "a walk", "skip", "my sister 0777", "skip", "skip", "my dog"):
        await alice.says(answer)
    sent = [s.key for s in alice.inbox]
    assert "safety_plan.show" in sent and "sos.ask_safety" not in sent
    assert alice.last_prompt.key == where  # back to the repair's step
    await alice.command("plan")  # a written plan opens to be read first
    assert [s.key for s in alice.inbox[-2:]] == ["safety_plan.show", "safety_plan.change_offer"]


def at_help_people(locale: str = "en") -> SessionState:
    state = at_reasons(locale)
    state.seats["a"].stack[-1] = Frame("safety_plan", "help_people", 1)
    return state


@pytest.mark.parametrize("locale, no_one", [("en", "not really anyone"), ("en", "no one tbh"), ("en", "i dont have anyone"),
                                            ("fr", "personne"), ("fr", "j'ai personne"), ("ar", "حتى واحد"),
                                            ("ar", "ma3ndi hta wa7ed")])
def test_no_one_at_people_to_ask_is_heard_and_never_kept_as_a_name(content, locale, no_one):
    """Ninth new-user trial: the plan read "People I can ask for help: not really anyone"."""
    t, keys = say(content, at_help_people(locale), no_one)
    assert keys[:2] == ["safety_plan.help_people_nothing", "safety_plan.help_people"]
    assert "safety_plan_help_people" not in t.state.seats["a"].slots
    t, keys = say(content, t.state, "nobody")  # a second one moves on, still keeping nothing
    assert "safety_plan.help_people_nothing" not in keys and keys[-1] == "safety_plan.professionals"
    assert "safety_plan_help_people" not in t.state.seats["a"].slots


def test_skip_typed_at_people_to_ask_is_a_plain_skip_and_a_name_is_kept(content):
    t, keys = say(content, at_help_people(), "skip")
    assert "safety_plan.help_people_nothing" not in keys and keys[-1] == "safety_plan.professionals"
    t, keys = say(content, at_help_people(), "my sister Nora 0612345678")
    assert t.state.seats["a"].slots["safety_plan_help_people"] == "my sister Nora 0612345678"


@pytest.mark.parametrize("typed", ["no one, skip", "personne, passer", "no one at all", "literally no one",
                                   "i have no one to ask", "none"])
def test_no_one_with_a_skip_or_in_other_words_is_still_heard(content, typed):
    """Found by review: "no one, skip" was kept as the person to call."""
    locale = "fr" if typed.startswith("personne") else "en"
    t, keys = say(content, at_help_people(locale), typed)
    assert keys[:2] == ["safety_plan.help_people_nothing", "safety_plan.help_people"]
    assert "safety_plan_help_people" not in t.state.seats["a"].slots


def test_the_emoji_for_a_hug_is_no_answer_in_the_safety_plan(content):
    """Found by review: "a hug 🤗" was kept as a warning sign; only "what would help you move on" reads it."""
    state = at_reasons()
    state.seats["a"].stack[-1] = Frame("safety_plan", "warning_signs", 1)
    with pytest.raises(InvalidInput) as refused:
        say(content, state, "🤗")
    assert refused.value.key == "system.needs_words"


def test_no_one_at_people_and_places_is_heard_and_places_are_suggested(content):
    """Eleventh new-user trial: "no one" was kept at "people and places that take your mind off things"."""
    state = at_reasons()
    state.seats["a"].stack[-1] = Frame("safety_plan", "people_places", 1)
    t, keys = say(content, state, "no one")
    assert keys[:2] == ["safety_plan.people_places_nothing", "safety_plan.people_places"]
    assert "safety_plan_people_places" not in t.state.seats["a"].slots
