"""Properties of the engine over all content: interrupts work at every step, and random event
sequences never crash it, never strand a person, and only ever send keys that exist."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.loader import validate_content
from bot.content.model import DONE, SKIP
from bot.engine import (
    CommandReceived,
    Frame,
    InvalidInput,
    OptionChosen,
    OptionsChosen,
    Resume,
    Seat,
    Send,
    SessionState,
    TextReceived,
    TimerFired,
    Unsupported,
    advance,
)
from bot.presenter import render
from tests.conftest import CONTENT_DIR

NOW = datetime(2026, 11, 25, 23, 30, tzinfo=timezone.utc)


def interactive_steps(content):
    return [(f.id, s.id) for f in content.flows.values() for s in f.steps if s.interactive and f.kind == "main"]


def state_at(content, flow_id: str, step_id: str) -> SessionState:
    frame = Frame(flow_id, step_id, content.flows[flow_id].version)
    return SessionState(seats={"a": Seat(stack=[frame], turn=3, consented_at=NOW.isoformat(), adult=True)})


def test_every_main_step_is_covered(content):
    assert len(interactive_steps(content)) >= 25  # guards against the property tests silently covering nothing


@pytest.mark.parametrize("command", ["help", "about", "privacy"])
def test_info_commands_at_every_step_change_nothing(content, command):
    for flow_id, step_id in interactive_steps(content):
        state = state_at(content, flow_id, step_id)
        t = advance(content, state, "a", CommandReceived(command), NOW)
        assert t.state == state, (flow_id, step_id)
        assert t.effects[-1].key == content.flows[flow_id].step(step_id).key


def test_sos_at_every_step_returns_to_that_step(content):
    for flow_id, step_id in interactive_steps(content):
        state = state_at(content, flow_id, step_id)
        t = advance(content, state, "a", CommandReceived("sos"), NOW)
        assert t.state.seats["a"].stack[-1] == Frame("sos", "ask_safety", 1, True)
        t = advance(content, t.state, "a", OptionChosen("misunderstood", t.state.seats["a"].turn), NOW)
        assert t.state.seats["a"].stack == [Frame(flow_id, step_id, 1)], (flow_id, step_id)
        assert t.effects[-1].key == content.flows[flow_id].step(step_id).key


def test_cancel_at_every_step_keeps_going_or_parks(content):
    for flow_id, step_id in interactive_steps(content):
        state = state_at(content, flow_id, step_id)
        t = advance(content, state, "a", CommandReceived("cancel"), NOW)
        if flow_id == "home":
            assert t.state == state  # nothing to cancel at the menu
            continue
        keep = advance(content, t.state, "a", OptionChosen("keep_going", t.state.seats["a"].turn), NOW)
        assert keep.state.seats["a"].stack == [Frame(flow_id, step_id, 1)], (flow_id, step_id)
        park = advance(content, t.state, "a", OptionChosen("stop_keep", t.state.seats["a"].turn), NOW)
        assert park.state.seats["a"].parked == [Frame(flow_id, step_id, 1)]
        assert park.state.seats["a"].stack == [Frame("home", "menu", 1)]


def test_pause_at_every_step_comes_back_to_it(content):
    for flow_id, step_id in interactive_steps(content):
        if flow_id == "home":
            continue
        state = state_at(content, flow_id, step_id)
        t = advance(content, state, "a", CommandReceived("pause"), NOW)
        t = advance(content, t.state, "a", OptionChosen("m20", t.state.seats["a"].turn), NOW)
        t = advance(content, t.state, "a", OptionChosen("back", t.state.seats["a"].turn), NOW)
        assert t.state.seats["a"].stack == [Frame(flow_id, step_id, 1)], (flow_id, step_id)


# -- fuzz: random event sequences -----------------------------------------------------------

OPTION_IDS = ["calm", "flooded", "repair", "checkin", "gratitude", "about", "adult", "agree", "not_now", "under_18",
              "take_break", "breathe", "continue", "ready", "m20", "back", "hurt", "lonely", "rest", "d3", "none",
              "keep_going", "stop_keep", "stop_clear", "struggling", "misunderstood", DONE, SKIP, "#99", ""]
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\u202e\u200bRTL", "😔" * 5, "x" * 2001, "/not-a-command", "1"]),
)
events = st.one_of(
    st.builds(TextReceived, texts),
    st.builds(OptionChosen, st.sampled_from(OPTION_IDS), st.one_of(st.none(), st.integers(0, 60))),
    st.builds(OptionsChosen, st.lists(st.sampled_from(OPTION_IDS), max_size=4).map(tuple)),
    st.builds(CommandReceived, st.sampled_from(["start", "help", "sos", "cancel", "pause", "repair", "checkin",
                                                "gratitude", "menu", "about", "privacy", "followup", "zzz"])),
    st.builds(TimerFired, st.sampled_from(["break_return", "plan_followup"]),
              st.sampled_from([{}, {"flow": "plan_followup"}, {"flow": "take_break", "step": "waiting"}])),
    st.just(Resume()),
    st.builds(Unsupported, st.sampled_from(["sticker", "photo", "voice", "edited_message"])),
)


@given(st.lists(events, max_size=40))
def test_random_event_sequences_never_break_the_engine(content, sequence):
    state = SessionState()
    now = NOW
    catalog = content.catalogs["en"]
    for event in sequence:
        now += timedelta(minutes=7)
        before = SessionState.from_dict(state.to_dict())
        try:
            t = advance(content, state, "a", event, now)
            effects, state = t.effects, t.state
        except InvalidInput as exc:
            effects = exc.effects
            assert state == before  # bad input changes nothing
        seat = state.seats["a"]
        for frame in seat.stack:  # never stranded in a missing step
            assert content.flows[frame.flow].step(frame.step) is not None
        if seat.stack:
            top = content.flows[seat.stack[-1].flow].step(seat.stack[-1].step)
            assert top.interactive  # at rest, a person is always being asked something
        if seat.consented_at is None:  # S1: nothing emotional before consent
            assert all(f.flow in ("welcome", "sos", "grounding") for f in seat.stack)
        for effect in effects:
            if isinstance(effect, Send):
                assert effect.key in catalog.messages
                rendered = render(content, effect, "en")
                assert rendered.text.strip()
                for choice in effect.choices:
                    assert len(f"o:{effect.turn}:{choice.id}".encode()) <= 64
        assert SessionState.from_dict(state.to_dict()) == state


def test_a_second_locale_needs_no_flow_changes_and_missing_keys_are_listed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # problems name files relative to the current directory
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    en = (target / "messages" / "en.yaml").read_text()
    (target / "messages" / "de.yaml").write_text(en)
    _, problems = validate_content(target)
    assert "content/lexicons/de.yaml:1: no safety lexicon for locale 'de'" in [str(p) for p in problems]  # S3
    # a crisis line's wording is shown inside the reader's message, so a new locale writes it too
    assert all("has no text in de" in p.message for p in problems if "lexicon" not in p.message)
    shutil.copy(target / "lexicons" / "en.yaml", target / "lexicons" / "de.yaml")
    resources = (target / "resources.yaml").read_text()
    (target / "resources.yaml").write_text(re.sub(r'en: ("[^"]*")', r'en: \1, de: \1', resources))
    content, problems = validate_content(target)
    assert problems == [] and set(content.catalogs) == {"en", "fr", "ar", "de"}
    (target / "messages" / "de.yaml").write_text(en.replace('  nudge: "A gentle nudge from Mend 🌱"\n', ""))
    _, problems = validate_content(target)
    assert [str(p) for p in problems] == [
        "content/messages/de.yaml:1: missing message key 'system.nudge' (used at the engine)"]
