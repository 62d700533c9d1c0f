"""Coaching feedback on drafts that may reach a partner: one kind hint, a rewrite scaffold, and
the person's words kept after one confirmation. Never blocks or routes."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bot.engine import Frame, OptionChosen, Seat, SessionState, TextReceived, advance
from bot.presenter import render
from bot.understanding.screen import screen_for
from tests.conftest import CONTENT_DIR

NOW = datetime(2026, 11, 25, 21, 0, tzinfo=timezone.utc)


def at_my_part() -> SessionState:
    return SessionState(seats={"a": Seat(stack=[Frame("repair", "my_part", 1)], turn=9, consented_at=NOW.isoformat(),
                                         adult=True, slots={"feelings": ["hurt", "lonely"]})})


def go(content, state, event):
    return advance(content, state, "a", event, NOW)


def press(content, t, option):
    return go(content, t.state, OptionChosen(option, t.state.seats["a"].turn))


def test_targets_on_the_labelled_set():
    import importlib.util
    spec = importlib.util.spec_from_file_location("coaching_report", Path(__file__).parent.parent / "scripts" / "coaching_report.py")
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    rows = report.measure(CONTENT_DIR)
    for category in ("criticism", "contempt", "non_apology"):
        assert rows[category]["recall"] >= 0.9, (category, rows[category])
        assert rows[category]["precision"] >= 0.85, (category, rows[category])


def test_a_blaming_draft_gets_one_kind_hint_and_nothing_is_saved_yet(content):
    t = go(content, at_my_part(), TextReceived("You always leave me to clean up."))
    seat = t.state.seats["a"]
    assert [e.key for e in t.effects] == ["coaching.hint.criticism"]
    assert [c.id for c in t.effects[0].choices] == ["lint_rewrite", "lint_edit", "lint_keep"]
    assert "my_part" not in seat.slots and seat.stack == [Frame("repair", "my_part", 1)]


def test_help_me_rewrite_offers_a_scaffold_with_their_feelings_then_takes_the_new_version(content):
    t = go(content, at_my_part(), TextReceived("You always leave me to clean up."))
    t = press(content, t, "lint_rewrite")
    scaffold = t.effects[-1]
    assert scaffold.key == "coaching.scaffold"
    assert "hurt, lonely" in render(content, scaffold, "en").text
    t = go(content, t.state, TextReceived("I felt hurt when I cleaned up alone, and I'd like us to share it."))
    seat = t.state.seats["a"]
    assert seat.slots["my_part"].startswith("I felt hurt") and seat.draft is None
    assert seat.stack[-1].step == "regret"


def test_keep_my_words_asks_once_then_keeps_them_exactly(content):
    words = "Sorry if you felt hurt, but you started it."
    t = go(content, at_my_part(), TextReceived(words))
    t = press(content, t, "lint_keep")
    assert t.effects[-1].key == "coaching.keep_confirm"
    t = press(content, t, "lint_keep_yes")
    assert t.state.seats["a"].slots["my_part"] == words
    assert t.state.seats["a"].stack[-1].step == "regret"


def test_no_second_nag_after_two_hints(content):
    t = go(content, at_my_part(), TextReceived("You never help."))
    t = press(content, t, "lint_edit")
    assert t.effects[-1].key == "repair.my_part"
    t = go(content, t.state, TextReceived("You never ever help."))
    assert t.effects[-1].key == "coaching.hint.criticism"
    t = press(content, t, "lint_edit")
    t = go(content, t.state, TextReceived("You never help, honestly."))
    assert t.state.seats["a"].slots["my_part"] == "You never help, honestly."  # the third version is taken as is


def test_kind_drafts_and_unchecked_steps_pass_straight_through(content):
    t = go(content, at_my_part(), TextReceived("I raised my voice and that wasn't fair to you."))
    assert t.state.seats["a"].stack[-1].step == "regret"
    state = SessionState(seats={"a": Seat(stack=[Frame("repair", "their_view", 1)], turn=3,
                                          consented_at=NOW.isoformat(), adult=True)})
    t = go(content, state, TextReceived("They thought I always ignore them."))  # their view: not a draft to send
    assert t.state.seats["a"].stack[-1].step == "their_feelings"


def test_crisis_screening_comes_before_coaching(content):
    text = "You always say it, and honestly I want to die."
    t = go(content, at_my_part(), TextReceived(text, screen_for(content).verdict(text)))
    assert t.state.seats["a"].stack[-1].flow == "sos"
    assert t.state.seats["a"].draft is None
