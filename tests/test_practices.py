"""The practices from the source material (issue 12 §4), as conversations: communication practice
(with the coaching checker), boundary reflection, calm together (co-regulation, touch by consent,
never together after an abuse disclosure) and a kind line for today (opt-in daily)."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest

from tests.helpers import Persona, walk_repair


def checker_labels(p: Persona, text: str) -> tuple[str, ...]:
    from bot.understanding.checker import checker_for
    return checker_for(p.conversation.content).labels(text)


def last_text(p: Persona, key: str) -> str:
    return p.text_of(next(s for s in reversed(p.inbox) if s.key == key))


def timers(db, user: str) -> list[str]:
    with sqlite3.connect(db.path) as raw:
        return [k for (k,) in raw.execute(
            "SELECT t.kind FROM timers t JOIN users u ON u.session_id = t.session_id "
            "WHERE u.id = ? AND t.status = 'scheduled' ORDER BY t.kind", (user,))]


async def fire(p: Persona, conversation) -> list[str]:
    due = await conversation.fire_due_timers(p.user_id)
    p.inbox.extend(o.send for o in due if o.send)
    return [o.send.key for o in due if o.send]


# -- communication practice --------------------------------------------------------------------
PHONE_AT_DINNER = ("You're glued to your phone every evening.", "lonely",
                   "on Sunday, when you were on your phone through dinner", "closeness")


async def up_to_the_ask(p: Persona, complaint: str, feeling: str, situation: str, need: str) -> None:
    """From onboarding through the communication practice's complaint, feeling, moment and need."""
    await p.onboard()
    await p.taps("request")
    assert p.last_prompt.key == "request.complaint"
    await p.says(complaint)
    await p.picks(feeling)
    assert p.last_prompt.key == "request.situation"
    await p.says(situation)
    await p.picks(need)
    assert p.last_prompt.key == "request.the_ask"


async def test_a_complaint_becomes_a_clear_kind_request(alice):
    await up_to_the_ask(alice, *PHONE_AT_DINNER)
    await alice.says("Could we keep phones away at dinner twice this week?")
    result = last_text(alice, "request.result")
    assert "“I felt lonely on Sunday, when you were on your phone through dinner." in result  # one "when"
    assert "What I need is closeness." in result
    assert "could we keep phones away at dinner twice this week?" in result
    assert "“You're glued to your phone every evening.”" in result  # where they started, to compare
    assert alice.last_prompt.key == "request.own"
    await alice.taps("skip")
    assert alice.last_prompt.key == "home.menu"


async def test_the_request_and_the_own_version_get_the_checkers_feedback(alice):
    await up_to_the_ask(alice, "You never do the dishes.", "drained",
                        "last night, when the dishes were still in the sink at ten", "practical_help")
    sends = await alice.says("You always leave me to clean up.")
    assert alice.last_prompt.key.startswith("coaching.hint."), alice.keys(sends)  # the checker's hook
    await alice.taps("lint_edit")
    await alice.says("Could you do the dishes on the evenings I cook?")
    assert "“I felt drained last night, when the dishes were still" in last_text(alice, "request.result")
    assert "could you do the dishes on the evenings I cook?" in last_text(alice, "request.result")
    sends = await alice.says("You never help and it's so typical of you.")
    assert alice.last_prompt.key.startswith("coaching.hint."), alice.keys(sends)
    await alice.taps("lint_keep")  # never blocks: their words, kept at once
    assert "“You never help and it's so typical of you.”" in last_text(alice, "request.own_kept")
    assert alice.last_prompt.key == "home.menu"


async def test_a_gentle_own_version_of_the_request_gets_the_positive_note(alice):
    await up_to_the_ask(alice, *PHONE_AT_DINNER)
    await alice.says("Could we keep phones away at dinner twice this week?")
    assert alice.last_prompt.key == "request.own"
    sends = await alice.says("I feel lonely when we eat with our phones out. Could we keep them away at dinner?")
    keys = alice.keys(sends)
    assert "coaching.note.gentle_startup" in keys and not any(k.startswith("coaching.hint.") for k in keys), keys
    assert keys.index("coaching.note.gentle_startup") < keys.index("request.own_kept")
    assert alice.last_prompt.key == "home.menu"


async def to_the_moment(p: Persona, complaint: str = "You never listen.", feeling: str = "hurt") -> None:
    """From onboarding through the communication practice's complaint and feeling to "one specific moment"."""
    await p.onboard()
    await p.taps("request")
    await p.says(complaint)
    await p.picks(feeling)
    assert p.last_prompt.key == "request.situation"


VERDICT_MOMENT = "every dinner you're on your phone, you're so selfish"


async def keep_a_hinted_moment(p: Persona) -> None:
    """A moment with a verdict in it, kept as written after the hint."""
    await to_the_moment(p)
    await p.says(VERDICT_MOMENT)
    assert p.last_prompt.key == "coaching.hint.criticism"
    await p.taps("lint_keep")


async def test_the_moment_is_told_about_a_verdict_in_it_and_offered_a_camera_shape(alice):
    """The moment step hears only about a verdict or a put-down: "every dinner" or "selfish" is what a
    camera wouldn't have seen (found trying Mend as a new user: a rant there went into the request)."""
    await to_the_moment(alice)
    sends = await alice.says(VERDICT_MOMENT)
    assert alice.last_prompt.key == "coaching.hint.criticism", alice.keys(sends)
    await alice.taps("lint_rewrite")
    assert alice.last_prompt.key == "coaching.scaffold.moment"
    assert "“On ___, when ___.”" in alice.text_of(alice.last_prompt)
    await alice.says("on Sunday, when you were on your phone through dinner")
    assert alice.last_prompt.key == "request.need"


async def test_a_moment_kept_after_a_hint_is_not_pointed_out_in_the_next_repair(alice):
    """Found by review: a moment kept as written after a hint made the next repair's draft say "some of these
    words are ones you kept after I'd noticed something in them", though none of its words were."""
    await keep_a_hinted_moment(alice)
    await alice.picks("closeness")
    await alice.says("Could we keep phones away at dinner twice this week?")
    await alice.taps("skip")
    assert alice.last_prompt.key == "home.menu"
    await walk_repair(alice)
    assert "repair.kept_note" not in alice.keys()


async def test_a_practice_parked_with_a_kept_moment_does_not_mark_a_new_repair(alice):
    """Found by review: /cancel, "stop and keep" parks the practice without leaving it, and its kept moment
    still made the next repair's draft say some words were kept after a hint."""
    await keep_a_hinted_moment(alice)
    await alice.command("cancel")
    await alice.taps("stop_keep")
    assert alice.last_prompt.key == "home.menu"
    await walk_repair(alice)
    assert "repair.kept_note" not in alice.keys()


async def test_a_plain_moment_hears_no_note_even_where_the_model_reads_an_apology(alice):
    await to_the_moment(alice, "You never think about my work.", "lonely")
    # The model reads this as owning an act ("I asked you"); a moment is neither praised nor told (found by
    # review: the first example here read as nothing, so the test could not fail).
    assert checker_labels(alice, "yesterday I asked you to help and you said later") == ("good_apology",)
    sends = await alice.says("yesterday I asked you to help and you said later")
    assert not any(k.startswith("coaching.") for k in alice.keys(sends)), alice.keys(sends)
    assert alice.last_prompt.key == "request.need", alice.keys(sends)


# -- boundary reflection -----------------------------------------------------------------------
async def test_boundary_reflection_is_private_and_ends_with_my_own_boundary(alice):
    await alice.onboard()
    await alice.taps("boundaries")
    assert alice.last_prompt.key == "boundaries.respected"
    await alice.taps("sometimes")
    await alice.taps("mostly")
    await alice.picks("own_needs", "their_moods")
    assert "boundaries.safety_note" not in alice.keys() and "boundaries.signs_ack" in alice.keys()
    assert alice.last_prompt.key == "boundaries.mine_theirs"
    await alice.says("My part is saying what I need; their mood is theirs.")
    await alice.says("If we start shouting, I will say I need twenty minutes and go for a walk.")
    assert "step back" in last_text(alice, "boundaries.step_back")
    assert "“If we start shouting, I will say I need twenty minutes and go for a walk.”" in last_text(
        alice, "boundaries.plan_back")  # their own boundary, said back to them last
    assert alice.last_prompt.key == "home.menu"


async def reach_the_boundary_question(alice) -> None:
    """From onboarding through the reflection's questions, "what is yours" skipped, to the boundary."""
    await alice.onboard()
    await alice.taps("boundaries")
    await alice.taps("sometimes")
    await alice.taps("mostly")
    await alice.picks("own_needs")
    await alice.taps("skip")
    assert alice.last_prompt.key == "boundaries.builder"


async def test_a_rule_for_the_partner_gets_one_hint_toward_an_action_of_my_own(alice):
    """Found trying Mend as a new user: "he has to go cool off" passed at "a boundary about your own
    action, not a rule for them", and the reflection ended flat."""
    await reach_the_boundary_question(alice)
    # (the trial's own words, "…he has to go cool off before he talks to me", draw the screen's gentle
    # check-in first: fear of a partner can sound like that, and a false alarm costs one kind question)
    await alice.says("if she leaves her dishes in the sink again she needs to wash them before bed")
    assert alice.last_prompt.key == "coaching.hint.rule_for_them"
    await alice.taps("lint_rewrite")
    assert "If ___ happens again, I will ___" in last_text(alice, "coaching.scaffold.boundary")
    await alice.says("if the dishes are left again, i'll leave hers and wash only mine")
    assert "i'll leave hers and wash only mine" in last_text(alice, "boundaries.plan_back")


async def test_a_boundary_of_my_own_gets_no_hint_even_when_it_answers_back(alice):
    """Found by review: "si tu me parles mal, je quitte la pièce", a textbook boundary, got the
    defensiveness hint."""
    await reach_the_boundary_question(alice)
    await alice.says("si tu me parles mal, je quitte la pièce")
    assert "boundaries.plan_back" in alice.keys() and alice.last_prompt.key == "home.menu"


async def test_putting_up_with_hurt_points_to_private_support(alice, content):
    await alice.onboard()
    await alice.taps("boundaries")
    await alice.taps("rarely")
    await alice.taps("unsure")
    await alice.picks("put_up_with_hurt")
    assert "/sos" in last_text(alice, "boundaries.safety_note")
    assert content.catalogs["en"].messages["boundaries.safety_note"].review == "clinician"
    await alice.taps("skip")
    await alice.says("I'm scared of how he reacts")  # fear is not a boundary question: private support
    assert alice.last_prompt.key.startswith("ipv.")


# -- calm together -----------------------------------------------------------------------------
async def test_calm_together_asks_both_and_touch_only_by_consent(alice, clock, db):
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
    await alice.onboard()
    await alice.taps("calm")
    await alice.taps("together")
    assert alice.last_prompt.key == "calm.both_agree"
    await alice.taps("both_yes")
    assert "breathe slowly together" in last_text(alice, "calm.breathe_together").lower()
    assert alice.last_prompt.key == "calm.touch"
    await alice.taps("no_touch")
    assert "calm.touch_ok" not in alice.keys()  # no touch unless both want it
    assert "same side" in last_text(alice, "calm.steady_words") and "walk" in last_text(alice, "calm.ideas")
    await alice.taps("calmer")
    assert alice.last_prompt.key == "calm.daily"
    await alice.taps("at_2100")
    await alice.taps("europe_london")
    assert alice.last_prompt.key == "home.menu"
    assert timers(db, alice.user_id) == ["daily_calm"]
    await alice.taps("calm")  # next time: the daily question isn't asked again
    await alice.taps("together")
    await alice.taps("both_yes")
    await alice.taps("both_want")
    assert "either of you can stop" in last_text(alice, "calm.touch_ok").lower()
    await alice.taps("still_tense")
    assert "/pause" in last_text(alice, "calm.still_tense")
    assert alice.last_prompt.key == "home.menu"


async def test_not_yet_both_gets_a_way_to_ask_and_something_alone(alice):
    await alice.onboard()
    await alice.taps("calm")
    await alice.taps("together")
    await alice.taps("not_yet")
    assert "No pressure" in last_text(alice, "calm.how_to_ask")
    assert alice.last_prompt.key == "calm.alone"
    await alice.taps("breathe")
    assert alice.last_prompt.key == "grounding.which"


async def test_after_an_abuse_disclosure_calm_is_never_offered_together(alice):
    await alice.onboard()
    await alice.taps("gratitude")
    await alice.says("He won't let me see my friends")
    assert alice.last_prompt.key.startswith("ipv.")
    await alice.command("cancel")  # leaves the support flow, back to the gratitude note
    await alice.command("cancel")
    await alice.taps("stop_clear")
    assert alice.last_prompt.key == "home.menu"
    await alice.command("calm")
    await alice.taps("together")
    keys = alice.keys()
    assert "calm.not_available" in keys and "calm.both_agree" not in keys
    assert alice.last_prompt.key == "calm.alone"


# -- a kind line for today ---------------------------------------------------------------------
async def test_a_kind_line_is_short_opt_in_and_can_come_daily(alice, clock, conversation, db):
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
    await alice.onboard()
    await alice.taps("affirm")
    assert alice.last_prompt.key == "affirm.pick"
    await alice.taps("worth")
    assert "“A rough day doesn't change my worth.”" in last_text(alice, "affirm.show")
    assert alice.last_prompt.key == "affirm.daily"  # offered, not assumed
    await alice.taps("at_0800")
    await alice.taps("europe_london")
    assert timers(db, alice.user_id) == ["daily_affirm"]
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc))
    assert await fire(alice, conversation) == ["nudge.card"]
    await alice.taps("start")
    assert alice.last_prompt.key == "affirm.pick"
    await alice.taps("own_words")
    sends = await alice.says("🌱")
    assert alice.keys(sends)[0] == "system.needs_words"
    await alice.says("I'm allowed to take up space.")
    assert "“I'm allowed to take up space.”" in last_text(alice, "affirm.show_own")
    assert alice.last_prompt.key == "home.menu"  # the daily question was answered once already
    assert timers(db, alice.user_id) == ["daily_affirm"]


async def test_a_kind_line_typed_straight_at_the_first_question_is_taken_as_their_own(alice):
    """New-user trial, session 22: a line typed at "pick one" was asked about as a try at an option."""
    await alice.onboard()
    await alice.taps("affirm")
    # a bare yes, a number that names nothing, a slip, a word for Mend (review, session 23)
    for not_a_line in ("ok", "9", "asdfghjkl", "back"):
        sends = await alice.says(not_a_line)
        assert alice.last_prompt.key == "affirm.pick", (not_a_line, alice.keys(sends))
    await alice.says("my needs matter and so do theirs")  # an option's whole line still chooses it
    assert "“My needs matter, and so do theirs.”" in last_text(alice, "affirm.show")
    await alice.taps("no_daily")
    await alice.taps("affirm")
    await alice.says("worth")  # a word or three is a try at an option (review, session 23)
    assert "“A rough day doesn't change my worth.”" in last_text(alice, "affirm.show")
    await alice.taps("no_daily")
    await alice.taps("affirm")
    # shares "hard" with one option and "day" with another: still their own line, never ours
    await alice.says("I am enough, even on a hard day")
    assert "“I am enough, even on a hard day”" in last_text(alice, "affirm.show_own")
    assert alice.last_prompt.key == "home.menu"  # "no daily line" was answered once already
    await alice.taps("affirm")
    await alice.says("i'm learning to be patient with myself")  # not "I'm learning to ask for what I need."
    assert "“i'm learning to be patient with myself”" in last_text(alice, "affirm.show_own")
    await alice.taps("affirm")  # the typed line is this time's answer only: the button asks again
    await alice.taps("own_words")
    assert alice.last_prompt.key == "affirm.own"


async def test_a_daily_kind_line_takes_a_time_typed_the_way_it_is_said(alice, clock, conversation, db):
    """New-user trial, session 22: "9pm" at the daily kind-line question was "not sure which one you mean"."""
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
    await alice.onboard()
    await alice.taps("affirm")
    await alice.taps("worth")
    sends = await alice.says("9:15pm")
    assert "answers.daily_set" in alice.keys(sends), alice.keys(sends)
    await alice.taps("europe_london")
    assert timers(db, alice.user_id) == ["daily_affirm"]
    clock.set(datetime(2026, 12, 1, 21, 15, tzinfo=timezone.utc))
    assert await fire(alice, conversation) == ["nudge.card"]


async def test_no_daily_kind_line_means_no_reminder(alice, db):
    await alice.onboard()
    await alice.taps("affirm")
    await alice.taps("repair")
    await alice.taps("no_daily")
    assert timers(db, alice.user_id) == []
    assert alice.last_prompt.key == "home.menu"


async def test_the_new_daily_practices_are_in_reminders(alice, db):
    await alice.onboard()
    await alice.command("reminders")
    await alice.taps("affirm")
    await alice.taps("at_1230")
    await alice.taps("europe_paris")
    await alice.taps("calm")
    await alice.taps("at_2100")
    overview = last_text(alice, "reminders.overview")
    assert "Daily kind line" in overview and "Daily calm moment" in overview
    assert timers(db, alice.user_id) == ["daily_affirm", "daily_calm"]


@pytest.mark.parametrize("locale, typed", [("fr", "un peu mieux oui"), ("en", "a bit better"), ("ar", "أحسن شوية"),
                                           ("ar", "7sen chwiya")])
def test_how_is_your_body_now_hears_plain_words_for_calmer(content, locale, typed):
    """Found trying Mend as a new user: "un peu mieux oui" at "Et votre corps, maintenant ?" got "I'm not
    sure which one you mean", though "Un peu plus calme" was on screen."""
    from bot.engine import Frame, Seat, SessionState, TextReceived, advance
    now = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    state = SessionState(seats={"a": Seat(stack=[Frame("grounding", "check", 1)], turn=4, consented_at=now.isoformat(),
                                          adult=True, locale=locale)})
    t = advance(content, state, "a", TextReceived(typed), now)
    assert t.state.seats["a"].slots.get("grounding_check") == "calmer"


@pytest.mark.parametrize("locale, typed", [("en", "not better"), ("en", "not calmer"), ("fr", "pas mieux"),
                                           ("fr", "toujours pas"), ("ar", "ماشي أحسن"), ("ar", "mashi 7sen")])
def test_not_better_is_another_round_never_calmer(content, locale, typed):
    """Found by review: with "better" among calmer's words, "not better" chose it and the grounding
    ended with a thank-you; then a new-user trial found "not better" answered with "I'm not sure which
    one you mean", cold for someone still shaking. It means: another round."""
    from bot.engine import Frame, Seat, SessionState, TextReceived, advance
    now = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    state = SessionState(seats={"a": Seat(stack=[Frame("grounding", "check", 1)], turn=4, consented_at=now.isoformat(),
                                          adult=True, locale=locale)})
    t = advance(content, state, "a", TextReceived(typed), now)
    assert t.state.seats["a"].slots.get("grounding_check") == "again"


async def test_a_shrug_at_the_moment_is_asked_again_kindly(alice):
    """The thirteenth new-user trial: « bof » was kept as "a precise moment", and the request read « …vidé·e bof. »."""
    await alice.onboard()
    await alice.taps("request")
    await alice.says("you never help")
    await alice.picks("drained")
    assert alice.last_prompt.key == "request.situation"
    for shrug in ("meh", "Bof.", "hmm"):
        sends = await alice.says(shrug)
        assert [s.key for s in sends][0] == "system.shrug_words"
        assert alice.last_prompt.key == "request.situation"
    await alice.says("last night, when the dishes were still in the sink")
    assert alice.last_prompt.key != "request.situation"


async def test_an_ask_that_only_says_what_should_stop_gets_a_hint_toward_what_they_d_like(alice):
    """The thirteenth new-user trial: « est-ce que tu pourrais arrêter de me crier dessus… » passed with no hint, and
    the draft ended on it. The ask's own shape is offered; the words can be kept as they are."""
    await up_to_the_ask(alice, *PHONE_AT_DINNER)
    await alice.says("could you stop scrolling your phone at dinner")
    assert alice.last_prompt.key == "coaching.hint.stop_ask"
    await alice.taps("lint_rewrite")
    assert "Could you ___? It would help me feel ___." in last_text(alice, "coaching.scaffold.ask")
    await alice.says("Could we keep phones away at dinner twice this week?")
    assert "could we keep phones away at dinner twice this week?" in last_text(alice, "request.result")


@pytest.mark.parametrize("ask", [
    "could you stop by the bakery on your way home?", "could you text me when you're running late?",
    "pourrais-tu me prévenir quand tu rentres tard ?",
    # the review's: the reason after the ask, and an ask that goes on to say what they'd like
    "Could you text me when you leave work? It would help me stop worrying.", "could you hug me so I can stop feeling so alone",
    "pourrais-tu m'appeler quand tu pars du travail, pour que je ne m'inquiète plus ?",
    "could you stop judging me and just listen", "j'aimerais qu'on arrête de se disputer et qu'on parle calmement le soir",
    "wach tqder tjib m3ak lkhobz mli trje3 bla ma tnsa", "a hug, no more no less",
    "tu pourrais me dire bonne nuit ? tu ne le fais jamais",
])
def test_an_ask_for_something_is_not_a_stop_ask(ask):
    from bot.engine.text import stop_ask
    assert not stop_ask(ask)


@pytest.mark.parametrize("ask", ["don’t yell at me", "ne m’ignore plus", "est-ce que tu pourrais ne pas crier ?",
                                 "tu peux arrêter avec tes remarques ?", "Can you not yell at me?", "ma tghwetch 3liya",
                                 "هل يمكنك أن تتوقف عن الصراخ؟"])
def test_a_stop_ask_in_each_language(ask):
    from bot.engine.text import stop_ask
    assert stop_ask(ask)
