"""The plan for staying safe with a partner one is afraid of (content/flows/safety_plan_abuse.yaml;
CLINICIAN). Found trying Mend as a new user (eleventh trial): "I'm scared of him" led, through "Write my
safety plan", to the self-harm plan (reasons for living, surroundings), with no safe place, no go bag
and no abuse line. The engine over the real content, and a person on Telegram (the real screen)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.engine import CommandReceived, Frame, OptionChosen, OptionsChosen, Seat, SessionState, TextReceived, advance
from bot.engine.errors import InvalidInput
from bot.engine.events import Verdict
from tests.helpers import reach_my_part
from tests.test_support import ABUSE, texts

NOW = datetime(2026, 12, 4, 22, 40, tzinfo=timezone.utc)
IPV_URGENT = Verdict("ipv", ("ipv_physical",), "pattern", 1.0, urgent=True)
CRISIS_URGENT = Verdict("crisis", ("explicit",), "pattern", 1.0, urgent=True)
PLAN = "safety_plan_abuse"


def in_abuse_support(slots: dict[str, object] | None = None) -> SessionState:
    """After an abuse disclosure over the solo repair, at "what would you like instead?"."""
    seat = Seat(stack=[Frame("repair", "my_part", 1), Frame("ipv", "repair_choice", 1, interrupt=True)], turn=7,
                slots={"country": "us", "paused": "repair", **(slots or {})}, consented_at=NOW.isoformat(), adult=True,
                joint_exercises_off=True)
    return SessionState(seats={"a": seat})


def act(content, state: SessionState, event):
    t = advance(content, state, "a", event, NOW)
    return t, [getattr(e, "key", None) for e in t.effects]


def writing_the_plan(content):
    t, _ = act(content, in_abuse_support(), OptionChosen("safety_plan"))
    t, keys = act(content, t.state, OptionChosen("write_notes"))
    assert keys[-2:] == ["safety_plan_abuse.write_intro", "safety_plan_abuse.signs"]
    return t


def test_plan_for_staying_safe_is_offered_after_abuse_not_the_self_harm_plan(content):
    t, keys = act(content, in_abuse_support(), OptionChosen("safety_plan"))
    top = t.state.seats["a"].stack[-1]
    assert top.flow == PLAN and keys[-2:] == ["safety_plan_abuse.intro", "safety_plan_abuse.how"]
    assert not [k for k in keys if str(k).startswith("safety_plan.")]
    intro = content.catalog("en").text("safety_plan_abuse.intro")
    assert "can be read by someone who opens it" in intro  # the chat itself may be checked


def test_just_the_ideas_writes_nothing_and_ends_with_the_abuse_lines(content):
    t, _ = act(content, in_abuse_support(), OptionChosen("safety_plan"))
    t, keys = act(content, t.state, TextReceived("just show me the ideas"))
    assert keys[:3] == ["safety_plan_abuse.ideas", "safety_plan_abuse.in_the_moment", "safety_plan_abuse.read_end"]
    assert keys[-1] == "ipv.repair_choice"  # back to abuse support's own question
    written = [k for k in t.state.seats["a"].slots if k.startswith("safety_plan_abuse_")]
    assert written == ["safety_plan_abuse_how"]  # only the choice, which "Erase this plan" removes too
    read_end = next(e for e in t.effects if getattr(e, "key", None) == "safety_plan_abuse.read_end")
    assert "abuse_resources" in read_end.params


def test_the_partners_violence_written_in_the_plan_is_its_answer_not_a_new_alarm(content):
    """At "what comes before things become dangerous?" the person describes the violence they fear; the
    screen reads abuse, and restarting abuse support there would loop and lose the words."""
    t = writing_the_plan(content)
    t, keys = act(content, t.state, TextReceived("when he drinks he slams doors, last time he grabbed my arm", IPV_URGENT))
    seat = t.state.seats["a"]
    assert seat.slots["safety_plan_abuse_signs"] == "when he drinks he slams doors, last time he grabbed my arm"
    assert keys[-1] == "safety_plan_abuse.place" and "ipv.acknowledge" not in keys


def test_a_crisis_sign_in_the_plan_still_opens_support_and_the_words_are_not_kept_there(content):
    """No question of this plan asks for such words, so they are neither kept nor held to offer back."""
    t = writing_the_plan(content)
    t, keys = act(content, t.state, TextReceived("i want to die", CRISIS_URGENT))
    seat = t.state.seats["a"]
    assert seat.stack[-1].flow == "sos" and "safety_plan_abuse_signs" not in seat.slots
    assert seat.held_reason is None


@pytest.mark.parametrize("step, heard", [("place", "safety_plan_abuse.place_nothing"),
                                         ("person", "safety_plan_abuse.person_nothing")])
def test_no_one_and_nowhere_are_heard_never_kept(content, step, heard):
    state = in_abuse_support()
    state.seats["a"].stack.append(Frame(PLAN, step, 1))
    t, keys = act(content, state, TextReceived("no one"))
    assert keys[:2] == [heard, f"safety_plan_abuse.{step}"]
    assert f"safety_plan_abuse_{step}" not in t.state.seats["a"].slots


def test_a_written_plan_is_shown_with_the_lines_and_kept_for_next_time(content):
    t = writing_the_plan(content)
    for words in ("when he drinks", "my sister's, two streets away", "Dina; our word is 'pizza'"):
        t, keys = act(content, t.state, TextReceived(words))
    t, keys = act(content, t.state, OptionsChosen(("documents", "phone", "keys")))
    assert keys[:2] == ["safety_plan_abuse.in_the_moment", "safety_plan_abuse.show"]
    shown = next(e for e in t.effects if getattr(e, "key", None) == "safety_plan_abuse.show")
    assert "abuse_resources" in shown.params
    slots = t.state.seats["a"].slots
    assert slots["safety_plan_abuse_ready"] == ["documents", "phone", "keys"]
    # /plan then asks which plan, and this one opens to be read first
    t, keys = act(content, t.state, CommandReceived("plan"))
    assert keys[-1] == "plans.which"
    t, keys = act(content, t.state, OptionChosen("staying_safe"))
    assert keys[-2:] == ["safety_plan_abuse.show", "safety_plan_abuse.change_offer"]


def test_erasing_the_plan_removes_only_it(content):
    slots = {"safety_plan_abuse_signs": "when he drinks", "safety_plan_abuse_place_text": "x",
             "safety_plan_abuse_ready": ["keys"], "safety_plan_abuse_how": "write_notes", "plan_which": "staying_safe",
             "safety_plan_reasons": "my dog"}
    state = in_abuse_support(slots)
    state.seats["a"].stack.append(Frame(PLAN, "change_offer", 1))
    t, keys = act(content, state, TextReceived("erase this plan"))
    remaining = t.state.seats["a"].slots
    assert "safety_plan_abuse.erased" in keys
    assert [k for k in remaining if k.startswith("safety_plan_abuse_")] == ["safety_plan_abuse_erased"]
    assert "plan_which" not in remaining
    assert remaining["safety_plan_reasons"] == "my dog" and remaining["country"] == "us"


@pytest.mark.parametrize("disclosed, disputed", [(False, False), (True, True)])
def test_plan_without_a_standing_disclosure_opens_the_safety_plan_at_once(content, disclosed, disputed):
    """Nobody without a disclosure of their own is asked "which plan?" (a partner's never shows here),
    nor someone who answered "you misunderstood" to theirs."""
    seat = Seat(stack=[Frame("home", "menu", 1)], turn=3, consented_at=NOW.isoformat(), adult=True,
                joint_exercises_off=disclosed, disclosure_disputed=disputed)
    t, keys = act(content, SessionState(seats={"a": seat}), CommandReceived("plan"))
    assert t.state.seats["a"].stack[-1].flow == "safety_plan" and "plans.which" not in keys


def test_plan_after_only_reading_the_ideas_still_offers_the_plan_for_staying_safe(content):
    """Review: read_end says "/plan is here whenever you're ready", and /plan opened the self-harm plan."""
    t, _ = act(content, in_abuse_support(), OptionChosen("safety_plan"))
    t, _ = act(content, t.state, OptionChosen("just_read"))
    t, keys = act(content, t.state, CommandReceived("plan"))
    assert keys[-1] == "plans.which"
    t, keys = act(content, t.state, OptionChosen("staying_safe"))
    assert keys[-2:] == ["safety_plan_abuse.intro", "safety_plan_abuse.how"]


@pytest.mark.parametrize("words", ["help he is hurting me now", "he tried to strangle me tonight, I am hiding in the bathroom"])
def test_danger_written_in_the_plan_brings_the_emergency_number_before_the_next_question(content, words):
    """Review: acute danger typed at a question of the plan was kept and the next question followed, with
    no number shown. It is still the answer (never lost), but the lines come first; joint work goes off."""
    t = writing_the_plan(content)
    t.state.seats["a"].joint_exercises_off = False
    t, keys = act(content, t.state, TextReceived(words, IPV_URGENT))
    seat = t.state.seats["a"]
    assert keys[-2:] == ["safety_plan_abuse.danger_note", "safety_plan_abuse.place"]
    note = next(e for e in t.effects if getattr(e, "key", None) == "safety_plan_abuse.danger_note")
    assert "abuse_resources" in note.params and seat.joint_exercises_off
    assert seat.slots["safety_plan_abuse_signs"] == words


def test_a_crisis_sign_with_abuse_words_in_the_plan_opens_sos(content):
    """Review: "he pushed me down the stairs, i dont want to live anymore" reads as abuse and crisis; it was
    kept as the answer and /sos never opened."""
    mixed = Verdict("ipv", ("explicit", "ipv_physical"), "pattern", 1.0, urgent=True)
    t = writing_the_plan(content)
    t, _ = act(content, t.state, TextReceived("he pushed me down the stairs, i dont want to live anymore", mixed))
    seat = t.state.seats["a"]
    assert seat.stack[-1].flow == "sos" and "safety_plan_abuse_signs" not in seat.slots


def test_abuse_words_at_one_of_the_plans_cards_are_read_as_anywhere_else(content):
    """Review: at the "ready" card, "he took my passport and hides my keys" got "I'm not sure what you mean"."""
    state = in_abuse_support()
    state.seats["a"].stack.append(Frame(PLAN, "ready", 1))
    t, _ = act(content, state, TextReceived("he took my passport and hides my keys", IPV_URGENT))
    assert t.state.seats["a"].stack[-1].flow == "ipv"


def test_crisis_words_at_where_could_you_go_are_not_offered_to_keep_there(content):
    """Review: after /sos, "i want to die" came back as "keep it here, in these words?" at "where could you go?"."""
    state = in_abuse_support()
    state.seats["a"].stack.append(Frame(PLAN, "place", 1))
    t, _ = act(content, state, TextReceived("i want to die", CRISIS_URGENT))
    seat = t.state.seats["a"]
    assert seat.stack[-1].flow == "sos" and seat.held_reason is None and "safety_plan_abuse_place" not in seat.slots


def test_going_through_the_plan_again_skip_keeps_the_ticks_and_no_after_a_tick_keeps_them(content):
    state = in_abuse_support({"safety_plan_abuse_ready": ["keys", "phone"], "safety_plan_abuse_signs": "when he drinks"})
    state.seats["a"].stack.append(Frame(PLAN, "ready", 1))
    t, _ = act(content, state, OptionChosen("skip"))
    assert t.state.seats["a"].slots["safety_plan_abuse_ready"] == ["keys", "phone"]
    state = in_abuse_support()
    state.seats["a"].stack.append(Frame(PLAN, "ready", 1))
    state.seats["a"].picks = ["keys"]
    t, _ = act(content, state, TextReceived("no"))
    assert t.state.seats["a"].slots["safety_plan_abuse_ready"] == ["keys"]


def test_a_written_plan_with_every_question_skipped_ends_with_the_lines_not_blank_lines(content):
    t = writing_the_plan(content)
    for _ in range(3):
        t, _ = act(content, t.state, OptionChosen("skip"))
    t, keys = act(content, t.state, OptionChosen("skip"))
    assert "safety_plan_abuse.read_end" in keys and "safety_plan_abuse.show" not in keys


def test_after_a_positive_joint_screen_the_plan_offered_is_for_staying_safe(content):
    seat = Seat(stack=[Frame("together", "screen", 1), Frame("screen_support", "what_now", 1)], turn=5,
                slots={"country": "fr"}, consented_at=NOW.isoformat(), adult=True, joint_exercises_off=True)
    t, _ = act(content, SessionState(seats={"a": seat}), OptionChosen("safety_plan"))
    assert t.state.seats["a"].stack[-1].flow == PLAN


@pytest.mark.parametrize("typed", ["1, 2, 4", "3 et 5", "2 w 4"])
def test_picks_for_a_card_typed_at_a_question_for_words_are_not_kept(content, typed):
    """Found trying the plan in the console: "1, 2, 4", meant for the card after, became the person to tell."""
    state = in_abuse_support()
    state.seats["a"].stack.append(Frame(PLAN, "person", 1))
    with pytest.raises(InvalidInput) as refused:
        advance(content, state, "a", TextReceived(typed), NOW)
    assert refused.value.key == "system.numbers_for_a_card"


@pytest.mark.parametrize("typed", ["06 12 34 56 78", "15, 17", "Sam 07700 900123"])
def test_phone_and_emergency_numbers_are_kept_as_words(content, typed):
    state = in_abuse_support()
    state.seats["a"].stack.append(Frame(PLAN, "person", 1))
    t, _ = act(content, state, TextReceived(typed))
    assert t.state.seats["a"].slots["safety_plan_abuse_person"] == typed


async def test_on_telegram_the_plan_after_a_disclosure_is_private_and_in_export_then_erased(alice):
    await alice.onboard()
    await reach_my_part(alice)
    await alice.says(ABUSE)
    await alice.taps("tell_me_more")
    await alice.taps("fr")
    await alice.taps("safety_plan")
    await alice.taps("write_notes")
    await alice.says("quand il boit")
    await alice.says("chez ma soeur")
    await alice.taps("skip")
    await alice.picks("documents", "money")
    plan = texts(alice, ("safety_plan_abuse.show",))
    assert "quand il boit" in plan and "chez ma soeur" in plan and "ID or passport" in plan
    assert "3919" in plan  # France's abuse line inside the plan
    assert "text 114 if you can't speak" in plan  # help without being heard (the twelfth new-user trial)
    assert alice.last_prompt.key == "ipv.repair_choice"
    await alice.command("plan")
    await alice.taps("staying_safe")
    await alice.taps("erase_plan")
    assert "safety_plan_abuse.erased" in alice.keys()
    await alice.command("plan")  # erased: /plan no longer names it (her phone may be read)
    assert alice.last_prompt.key == "safety_plan.warning_signs"

