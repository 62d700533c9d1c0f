"""Safety (T6): every category of the corpus at every kind of step pauses the exercise, opens
private support, keeps the words out of the answers and stores only (kind, time)."""
from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import date, datetime, timezone

import pytest

from bot.content.loader import validate_content
from bot.engine import CommandReceived, Frame, OptionChosen, SafetyEvent, Seat, SessionState, TextReceived, advance
from bot.understanding.screen import screen_for
from bot.render import render
from tests.conftest import CONTENT_DIR
from tests.helpers import reach_my_part

NOW = datetime(2026, 11, 25, 23, 40, tzinfo=timezone.utc)

# Messages the screen must route (our own, in several languages); the held-out split in
# tests/data/screen gates recall as a whole (tests/test_screen.py).
CRISIS_ITEMS = [("explicit", "I want to die."), ("coded", "honestly kms"),
                ("indirect", "how many pills would it take"), ("hopelessness", "There's no point to anything anymore."),
                ("farewell", "Thanks for everything, this is goodbye."), ("explicit", "je veux mourir"),
                ("explicit", "بغيت نموت")]
IPV_ITEMS = [("ipv_control", "She goes through my phone every night"), ("ipv_physical", "il me frappe quand il boit")]
NEGATIVE_CONTROLS = ["this commute is killing me", "I nearly died laughing", "my phone is dead",
                     "I could kill for a coffee", "we killed it at the quiz", "I'm dying to see you",
                     "he hit me up on WhatsApp last night", "I hurt my back moving the sofa"]

# Every kind of place a message can arrive: a free-text step, a button step, a multi-select that
# takes words, onboarding before consent, a break (replying to a nudge), a sub-flow, and /sos itself.
PLACES = [
    ("repair", "my_part", True),
    ("repair", "calm_gate", True),
    ("repair", "feelings", True),
    ("welcome", "age", False),
    ("take_break", "waiting", True),
    ("checkin", "story", True),
    ("home", "menu", True),
]


@pytest.fixture(scope="module")
def screen(content):
    return screen_for(content)  # the real encoder and the shipped model


def said(screen, text: str) -> TextReceived:
    """A message as the service hands it to the engine: with the real screen's verdict."""
    return TextReceived(text, screen.verdict(text))


def at_place(flow: str, step: str, consented: bool) -> SessionState:
    stack = [Frame(flow, step, 1)] if flow != "take_break" else [Frame("repair", "calm_gate", 1), Frame(flow, step, 1, True)]
    return SessionState(seats={"a": Seat(stack=stack, turn=4, consented_at=NOW.isoformat() if consented else None,
                                         adult=consented, slots={"my_part": "earlier answer"})})


@pytest.mark.parametrize("category, text", CRISIS_ITEMS + IPV_ITEMS)
def test_clear_disclosures_open_support_at_once(screen, category, text):
    verdict = screen.verdict(text)
    assert verdict.route == ("ipv" if category.startswith("ipv") else "crisis"), text
    assert verdict.urgent, text


@pytest.mark.parametrize("flow, step, consented", PLACES)
@pytest.mark.parametrize("category, text", [CRISIS_ITEMS[0], CRISIS_ITEMS[1], CRISIS_ITEMS[2], CRISIS_ITEMS[3],
                                            CRISIS_ITEMS[5], IPV_ITEMS[0]])
def test_disclosure_at_any_step_pauses_it_and_opens_private_support(content, screen, flow, step, consented,
                                                                    category, text):
    state = at_place(flow, step, consented)
    t = advance(content, state, "a", said(screen, text), NOW)
    seat = t.state.seats["a"]
    support = "ipv" if category.startswith("ipv") else "sos"
    assert seat.stack[-1] == Frame(support, seat.stack[-1].step, seat.stack[-1].version, True)
    assert seat.stack[:-1] == state.seats["a"].stack  # the interrupted step is kept, paused
    assert text not in str(seat.slots) and seat.held_text is None  # the words are not stored as an answer
    assert seat.slots["my_part"] == "earlier answer"
    events = [e for e in t.effects if isinstance(e, SafetyEvent)]
    assert events and events[0].at == NOW
    assert seat.joint_exercises_off == category.startswith("ipv")
    assert all(e.seat == "a" for e in t.effects if hasattr(e, "seat"))  # nothing addressed to anyone else


@pytest.mark.parametrize("text", NEGATIVE_CONTROLS)
def test_everyday_phrases_never_open_support_at_once(screen, text):
    """At most a gentle check-in (tracked in scripts/safety_report.py), never the crisis flow."""
    assert not screen.verdict(text).urgent, text


def test_screening_sees_through_zero_width_characters_curly_quotes_and_disguises(screen):
    for text in ("I want to d\u200bie", "I don\u2019t want to be alive", "k1ll mys3lf", "s.u.i.c.i.d.e",
                 "un-aliving myself", "i wanna dieeeee"):
        assert screen.verdict(text).urgent, text


def test_im_fine_does_not_switch_screening_off(content, screen):
    state = at_place("repair", "my_part", True)
    t = advance(content, state, "a", said(screen, "I want to die."), NOW)
    t = advance(content, t.state, "a", OptionChosen("misunderstood", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].stack == [Frame("repair", "my_part", 1)]
    again = advance(content, t.state, "a", said(screen, "there's no point to anything anymore"), NOW)
    assert again.state.seats["a"].stack[-1].flow == "sos"


def test_safe_and_continue_returns_to_the_same_step(content, screen):
    state = at_place("repair", "my_part", True)
    t = advance(content, state, "a", said(screen, "honestly kms"), NOW)
    t = advance(content, t.state, "a", OptionChosen("struggling", t.state.seats["a"].turn), NOW)
    assert t.effects[-1].key == "sos.ask_country"
    t = advance(content, t.state, "a", OptionChosen("de", t.state.seats["a"].turn), NOW)
    t = advance(content, t.state, "a", OptionChosen("back", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].stack == [Frame("repair", "my_part", 1)]
    assert t.effects[-1].key == "repair.my_part"
    assert t.state.seats["a"].slots["country"] == "de"


def resources_text(content, state) -> str:
    t = advance(content, state, "a", CommandReceived("sos"), NOW)
    t = advance(content, t.state, "a", OptionChosen("struggling", t.state.seats["a"].turn), NOW)
    send = next(e for e in t.effects if getattr(e, "key", "") == "sos.resources")
    return render(content, send, "en").text


def test_resources_match_the_chosen_country_and_hide_unverified_lines(content):
    state = at_place("repair", "my_part", True)
    state.seats["a"].slots["country"] = "de"
    text = resources_text(content, state)
    assert "112" in text and "findahelpline.com" in text
    assert "TelefonSeelsorge" not in text  # shipped lines are unverified until a clinician signs them off
    state.seats["a"].slots["country"] = "gb"
    assert "999" in resources_text(content, state)
    state.seats["a"].slots["country"] = "other"
    text = resources_text(content, state)
    assert "local emergency number" in text and "911 in North America" in text


def test_a_verified_line_shows_and_goes_stale_after_six_months(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    res = copy / "resources.yaml"
    res.write_text(re.sub(r'(name: "TelefonSeelsorge".*verified_on: )""', r"\g<1>2026-10-01", res.read_text()))
    content, problems = validate_content(copy)
    assert problems == []
    state = at_place("repair", "my_part", True)
    state.seats["a"].slots["country"] = "de"
    assert "TelefonSeelsorge: call 0800 111 0 111" in resources_text(content, state)
    later = datetime(2027, 6, 1, tzinfo=timezone.utc)
    t = advance(content, state, "a", CommandReceived("sos"), later)
    t = advance(content, t.state, "a", OptionChosen("struggling", t.state.seats["a"].turn), later)
    send = next(e for e in t.effects if getattr(e, "key", "") == "sos.resources")
    assert "TelefonSeelsorge" not in render(content, send, "en").text


def test_release_validation_lists_unverified_crisis_lines():
    _, problems = validate_content(CONTENT_DIR, release=True, today=date(2026, 11, 25))
    assert any("line 'Samaritans' is unverified" in str(p) for p in problems)
    assert any("lexicon awaiting clinician sign-off" in str(p) for p in problems)


def test_safety_plan_is_private_kept_and_editable(content):
    state = at_place("repair", "my_part", True)
    t = advance(content, state, "a", CommandReceived("sos"), NOW)
    for option in ("struggling", "de", "safety_plan"):
        t = advance(content, t.state, "a", OptionChosen(option, t.state.seats["a"].turn), NOW)
    for answer in ("racing thoughts at night", "a walk", "my sister Ana", "my dog", "Dr. Lee"):
        t = advance(content, t.state, "a", TextReceived(answer), NOW)
    shown = next(e for e in t.effects if getattr(e, "key", "") == "safety_plan.show")
    assert "my sister Ana" in render(content, shown, "en").text
    t = advance(content, t.state, "a", OptionChosen("safety_plan", t.state.seats["a"].turn), NOW)  # edit it
    t = advance(content, t.state, "a", TextReceived("arguing late at night"), NOW)
    for _ in range(4):
        t = advance(content, t.state, "a", OptionChosen("skip", t.state.seats["a"].turn), NOW)
    slots = t.state.seats["a"].slots
    assert slots["safety_plan_warning_signs"] == "arguing late at night"
    assert slots["safety_plan_people_places"] == "my sister Ana"  # skipping kept it
    # Clearing an exercise's answers keeps the plan and the country.
    t = advance(content, t.state, "a", OptionChosen("back", t.state.seats["a"].turn), NOW)
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    t = advance(content, t.state, "a", OptionChosen("stop_clear", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].slots["safety_plan_calming"] == "a walk" and t.state.seats["a"].slots["country"] == "de"
    assert "my_part" not in t.state.seats["a"].slots


async def test_only_kind_and_time_are_stored(alice, db):
    await alice.onboard()
    await reach_my_part(alice)
    await alice.says("Thanks for everything, this is goodbye.")
    assert alice.last_prompt.key == "sos.ask_safety"
    with sqlite3.connect(db.path) as raw:
        columns = [r[1] for r in raw.execute("PRAGMA table_info(safety_events)")]
        rows = raw.execute("SELECT kind, at FROM safety_events").fetchall()
        everything = "\n".join(str(r) for t in ("sessions", "outbox", "records") for r in raw.execute(f"SELECT * FROM {t}"))
    assert columns == ["id", "kind", "at"]
    assert rows == [("farewell", "2026-11-25T20:00:00+00:00")]
    assert "this is goodbye" not in everything  # the words are not kept anywhere


def test_a_second_disclosure_inside_support_restarts_it_rather_than_nesting(content, screen):
    state = at_place("repair", "my_part", True)
    t = advance(content, state, "a", said(screen, "I want to die."), NOW)
    t = advance(content, t.state, "a", said(screen, "she shoved me"), NOW)
    stack = t.state.seats["a"].stack
    assert [f.flow for f in stack] == ["repair", "ipv"]


def test_release_validation_accepts_fresh_lines_and_flags_stale_ones(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    res = copy / "resources.yaml"
    text = re.sub(r'(name: "Samaritans".*verified_on: )""', r"\g<1>2026-10-01", res.read_text(), count=1)
    text = re.sub(r'(name: "Lifeline".*verified_on: )""', r"\g<1>2025-01-01", text)
    res.write_text(text)
    _, problems = validate_content(copy, release=True, today=date(2026, 11, 25))
    found = [str(p) for p in problems]
    assert not any("'Samaritans' is" in p and "gb" in p for p in found)  # verified in October: fresh
    assert any("line 'Lifeline' is last verified 2025-01-01" in p for p in found)
