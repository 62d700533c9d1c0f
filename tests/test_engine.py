"""Engine tests: synchronous, pure, asserting whole states (h11 style)."""
from __future__ import annotations

import ast
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.engine import (
    CancelTimer,
    CommandReceived,
    Frame,
    InvalidInput,
    OptionChosen,
    OptionsChosen,
    Record,
    Resume,
    Schedule,
    Seat,
    Send,
    SessionState,
    TextReceived,
    TimerFired,
    Unsupported,
    advance,
)

NOW = datetime(2026, 11, 25, 21, 0, tzinfo=timezone.utc)
ENGINE_DIR = Path(__file__).resolve().parent.parent / "bot" / "engine"


def consented(stack: list[Frame], turn: int = 5, **slots) -> SessionState:
    return SessionState(seats={"a": Seat(stack=stack, slots=dict(slots), turn=turn, consented_at=NOW.isoformat(), adult=True)})


def at(flow: str, step: str, interrupt: bool = False) -> Frame:
    return Frame(flow, step, 1, interrupt)


def step(content, state, event):
    return advance(content, state, "a", event, NOW)


def sends(transition) -> list[str]:
    return [e.key for e in transition.effects if isinstance(e, Send)]


def test_engine_imports_nothing_impure():
    banned = {"telegram", "aiosqlite", "sqlite3", "asyncio", "os", "logging", "time", "socket", "httpx", "random"}
    for path in ENGINE_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                assert root not in banned, f"{path.name} imports {name}"
                if root == "bot":
                    assert name.startswith(("bot.engine", "bot.content.model", "bot.content.conditions")), name


def test_new_person_gets_onboarding_before_anything_emotional(content):
    t = step(content, SessionState(), CommandReceived("start"))
    seat = t.state.seats["a"]
    assert seat.stack == [Frame("welcome", "age", 1)]
    assert sends(t) == ["welcome.intro", "welcome.age"]
    assert seat.consented_at is None and seat.turn == 1


def test_repair_command_before_consent_is_remembered_for_after_it(content):
    state = step(content, SessionState(), CommandReceived("start")).state
    t = step(content, state, CommandReceived("repair"))
    assert sends(t) == ["system.consent_first_remembered", "welcome.age"]
    state = step(content, t.state, OptionChosen("adult", 1)).state
    t = step(content, state, OptionChosen("agree", 2))
    assert t.state.seats["a"].stack[0].flow == "repair" and t.state.seats["a"].deferred == []
    with pytest.raises(InvalidInput) as exc:  # a command that isn't a flow still waits for consent
        step(content, step(content, SessionState(), CommandReceived("start")).state, CommandReceived("reminders"))
    assert [e.key for e in exc.value.effects] == ["system.consent_first", "welcome.age"]


def test_consent_is_recorded_with_its_time_then_home(content):
    state = step(content, SessionState(), CommandReceived("start")).state
    state = step(content, state, OptionChosen("adult", 1)).state
    t = step(content, state, OptionChosen("agree", 2))
    seat = t.state.seats["a"]
    assert seat.consented_at == NOW.isoformat()
    assert seat.adult is True
    assert seat.stack == [Frame("home", "menu", 1)]
    assert Record("a", "consent", NOW) in t.effects
    assert sends(t) == ["welcome.thanks", "home.menu"]


def test_under_18_is_declined_and_nothing_continues(content):
    state = step(content, SessionState(), CommandReceived("start")).state
    t = step(content, state, OptionChosen("under_18", 1))
    seat = t.state.seats["a"]
    assert seat.stack == [] and seat.consented_at is None and seat.adult is False
    assert sends(t) == ["welcome.too_young"]
    # Any later message starts onboarding again rather than an exercise.
    again = step(content, t.state, TextReceived("hello?"))
    assert again.state.seats["a"].stack == [Frame("welcome", "age", 1)]


GATE = [at("repair", "intention"), at("calm", "gate")]  # the repair's calm gate is a call of calm.yaml


def test_flooded_at_calm_gate_offers_a_break(content):
    state = consented(GATE)
    state = step(content, state, OptionChosen("flooded", 5)).state
    t = step(content, state, OptionChosen("skip", 6))
    assert t.state.seats["a"].stack == [at("repair", "intention"), at("calm", "break_offer")]
    assert t.state.seats["a"].slots == {"activation": "flooded"}
    assert sends(t) == ["repair.break_offer"]


def test_cant_think_cue_alone_also_offers_a_break(content):
    state = consented([at("repair", "intention"), at("calm", "body_cues")], activation="calm")
    t = step(content, state, OptionsChosen(("hot", "cant_think")))
    assert t.state.seats["a"].stack[-1].step == "break_offer"
    assert t.state.seats["a"].slots["body_cues"] == ["hot", "cant_think"]


def test_break_schedules_a_return_and_resumes_the_calm_gate(content):
    state = consented([at("repair", "intention"), at("calm", "break_offer")], activation="high")
    state = step(content, state, OptionChosen("take_break", 5)).state
    assert state.seats["a"].stack == [at("repair", "intention"), at("calm", "again"), at("take_break", "how_long")]
    t = step(content, state, OptionChosen("m20", 6))
    assert Schedule("a", "break_return", NOW + timedelta(minutes=20), {"flow": "take_break", "step": "waiting"}) in t.effects
    assert t.state.seats["a"].stack[-1] == at("take_break", "waiting")
    assert sends(t) == ["take_break.tips", "take_break.waiting"]
    # The return nudge only speaks when the person is still waiting at that step.
    timer = next(e for e in t.effects if isinstance(e, Schedule))
    nudge = step(content, t.state, TimerFired(timer.timer, timer.payload))
    assert sends(nudge) == ["system.nudge"]
    assert nudge.state.seats["a"].stack == t.state.seats["a"].stack
    back = step(content, t.state, OptionChosen("back", t.state.seats["a"].turn))
    assert CancelTimer("a", "break_return") in back.effects
    assert back.state.seats["a"].stack == [at("repair", "intention"), at("calm", "again")]
    assert sends(back) == ["take_break.welcome_back", "repair.calm_again"]  # a second look, said as one


def test_break_timer_payload_points_at_the_waiting_step(content):
    state = consented([at("repair", "calm_gate"), at("take_break", "how_long")], break_length=None)
    t = step(content, state, OptionChosen("h1", 5))
    (timer,) = [e for e in t.effects if isinstance(e, Schedule)]
    assert timer.payload == {"flow": "take_break", "step": "waiting"}
    assert timer.due_at == NOW + timedelta(hours=1)


def test_stale_button_changes_nothing_and_shows_the_current_step(content):
    state = consented([at("repair", "my_part")], turn=9)
    with pytest.raises(InvalidInput) as exc:
        step(content, state, OptionChosen("calm", 3))
    assert [e.key for e in exc.value.effects] == ["system.stale_button", "repair.my_part"]
    assert state == consented([at("repair", "my_part")], turn=9)  # input untouched


@pytest.mark.parametrize("event, key", [
    (TextReceived(""), "system.empty_text"),
    (TextReceived("   \n\t "), "system.empty_text"),
    (TextReceived("\x00\x07\x1b"), "system.empty_text"),
    (TextReceived("x" * 10_000), "system.too_long"),
    (OptionChosen("calm"), "system.type_answer"),
    (Unsupported("sticker"), "system.unsupported"),
    (CommandReceived("frobnicate"), "system.unknown_command"),
])
def test_bad_input_at_a_text_step_gets_a_kind_reply_and_changes_nothing(content, event, key):
    state = consented([at("repair", "my_part")], feelings=["hurt"])
    before = SessionState.from_dict(state.to_dict())
    with pytest.raises(InvalidInput) as exc:
        step(content, state, event)
    assert [e.key for e in exc.value.effects] == [key, "repair.my_part"]
    assert state == before


def test_too_long_reply_says_how_long_and_the_limit(content):
    state = consented([at("repair", "my_part")])
    with pytest.raises(InvalidInput) as exc:
        step(content, state, TextReceived("é" * 10_000))
    assert exc.value.effects[0].params["length"] == 10_000
    assert exc.value.effects[0].params["limit"] == 2000


def test_text_is_cleaned_of_control_characters_but_keeps_every_script(content):
    state = consented([at("repair", "my_part")])
    t = step(content, state, TextReceived("  I \x07shouted — صرخت 😔\x1b  "))
    assert t.state.seats["a"].slots["my_part"] == "I shouted — صرخت 😔"


@pytest.mark.parametrize("event", [TextReceived("kinda tense"), OptionChosen("nope", 5), OptionsChosen(("calm", "flooded"))])
def test_choice_step_rejects_anything_but_one_of_its_options(content, event):
    state = consented(GATE)
    with pytest.raises(InvalidInput) as exc:
        step(content, state, event)
    assert exc.value.effects[-1].key == "repair.calm_gate"


def test_multi_select_toggles_then_done(content):
    state = consented([at("repair", "feelings")])
    s1 = step(content, state, OptionChosen("hurt", 5))
    assert s1.state.seats["a"].picks == ["hurt"] and s1.effects[-1].selected == ("hurt",)
    s2 = step(content, s1.state, OptionChosen("lonely", 5))
    s3 = step(content, s2.state, OptionChosen("hurt", 5))  # untick
    assert s3.state.seats["a"].picks == ["lonely"]
    done = step(content, s3.state, OptionChosen("done", 5))
    seat = done.state.seats["a"]
    assert seat.slots["feelings"] == ["lonely"] and seat.picks == []
    assert seat.stack[-1].step == "set_up"
    assert sends(done) == ["repair.feelings_ack", "repair.step1_intro", "repair.set_up"]


def test_multi_select_enforces_its_limits(content):
    state = consented([at("repair", "feelings")])
    with pytest.raises(InvalidInput) as exc:
        step(content, state, OptionsChosen(("hurt", "lonely", "numb", "small")))
    assert exc.value.effects[0].key == "system.pick_count"
    assert exc.value.effects[0].params["max"] == 3
    with pytest.raises(InvalidInput):
        step(content, state, OptionChosen("done", 5))  # nothing picked, not optional


def test_multi_select_takes_own_words(content):
    state = consented([at("repair", "feelings")])
    t = step(content, state, TextReceived("kind of invisible"))
    slots = t.state.seats["a"].slots
    assert slots["feelings"] == [] and slots["feelings_text"] == "kind of invisible"
    ack = next(e for e in t.effects if isinstance(e, Send) and e.key == "repair.feelings_ack")
    assert ack.params["feelings"] == {"labels": [], "text": "kind of invisible"}


def test_sos_interrupts_any_step_and_returns_to_it(content):
    state = consented([at("repair", "their_view")], my_part="x")
    t = step(content, state, CommandReceived("sos"))
    assert t.state.seats["a"].stack == [at("repair", "their_view"), at("sos", "ask_safety", True)]
    assert sends(t) == ["sos.ask_safety"]
    t2 = step(content, t.state, OptionChosen("struggling", t.state.seats["a"].turn))
    t2 = step(content, t2.state, OptionChosen("nl", t2.state.seats["a"].turn))
    t2 = step(content, t2.state, OptionChosen("no_thanks", t2.state.seats["a"].turn))  # no check-in tomorrow
    t3 = step(content, t2.state, OptionChosen("back", t2.state.seats["a"].turn))
    assert t3.state.seats["a"].stack == [at("repair", "their_view")]
    assert t3.state.seats["a"].slots["my_part"] == "x"
    assert sends(t3) == ["sos.back", "system.back_to_step", "repair.their_view"]


def test_sos_works_before_consent(content):
    state = step(content, SessionState(), CommandReceived("start")).state
    t = step(content, state, CommandReceived("sos"))
    assert t.state.seats["a"].stack[-1] == at("sos", "ask_safety", True)


def test_help_says_which_step_of_three(content):
    state = consented([at("repair", "their_view")])
    t = step(content, state, CommandReceived("help"))
    help_send = t.effects[0]
    assert help_send.key == "system.help"
    assert help_send.params["stage"] == 2 and help_send.params["stages"] == 3
    assert t.state == state  # help changes nothing
    assert sends(t) == ["system.help", "repair.their_view"]


def test_cancel_parks_the_repair_and_the_menu_resumes_it(content):
    state = consented([at("repair", "my_offer")], my_part="mine", my_ask="ask")
    t = step(content, state, CommandReceived("cancel"))
    assert sends(t) == ["cancel.confirm"]
    t = step(content, t.state, OptionChosen("stop_keep", t.state.seats["a"].turn))
    seat = t.state.seats["a"]
    assert seat.stack == [at("home", "menu")]
    assert seat.parked == [at("repair", "my_offer")]
    assert seat.slots["my_part"] == "mine"
    t = step(content, t.state, OptionChosen("repair", seat.turn))
    seat = t.state.seats["a"]
    assert seat.stack == [at("repair", "my_offer")] and seat.parked == []
    assert sends(t) == ["system.resumed", "repair.my_offer"]


def test_cancel_and_clear_forgets_the_answers(content):
    state = consented([at("repair", "my_offer")], my_part="mine")
    t = step(content, state, CommandReceived("cancel"))
    t = step(content, t.state, OptionChosen("stop_clear", t.state.seats["a"].turn))
    seat = t.state.seats["a"]
    assert seat.slots == {}
    assert seat.parked == [] and seat.stack == [at("home", "menu")]
    assert CancelTimer("a", "*") in t.effects


def test_cancel_then_keep_going_returns_to_the_same_step(content):
    state = consented([at("repair", "my_offer")])
    t = step(content, state, CommandReceived("cancel"))
    t = step(content, t.state, OptionChosen("keep_going", t.state.seats["a"].turn))
    assert t.state.seats["a"].stack == [at("repair", "my_offer")]


def test_pause_pushes_a_break_over_any_step(content):
    state = consented([at("repair", "my_ask")])
    t = step(content, state, CommandReceived("pause"))
    assert t.state.seats["a"].stack == [at("repair", "my_ask"), at("take_break", "how_long", True)]


def test_starting_another_flow_mid_repair_is_refused_kindly(content):
    state = consented([at("repair", "my_ask")])
    with pytest.raises(InvalidInput) as exc:
        step(content, state, CommandReceived("checkin"))
    assert [e.key for e in exc.value.effects] == ["system.busy_elsewhere", "repair.my_ask"]


def test_removed_step_lands_on_the_flows_resume_step(content):
    state = consented([Frame("repair", "a_step_that_was_deleted", 0)])
    t = step(content, state, Resume())
    assert t.state.seats["a"].stack == [Frame("repair", "intention", 1), Frame("calm", "gate", 1)]
    assert sends(t)[-1] == "repair.calm_gate"


def test_removed_flow_lands_on_home(content):
    state = consented([Frame("old_flow", "x", 1)])
    t = step(content, state, TextReceived("hi"))
    assert t.state.seats["a"].stack == [at("home", "menu")]


def test_followup_timer_starts_the_followup_when_idle_and_waits_when_busy(content):
    idle = consented([at("home", "menu")])
    t = step(content, idle, TimerFired("plan_followup", {"flow": "plan_followup"}))
    assert t.state.seats["a"].stack == [at("home", "menu"), at("nudge", "card", True)]
    assert sends(t) == ["nudge.card"]
    t = step(content, t.state, OptionChosen("start", t.state.seats["a"].turn))
    assert t.state.seats["a"].stack == [at("plan_followup", "how_did_it_go")]
    busy = consented([at("checkin", "intensity")])
    t = step(content, busy, TimerFired("plan_followup", {"flow": "plan_followup"}))
    assert t.state.seats["a"].deferred == ["plan_followup"] and sends(t) == []


def test_summary_and_draft_carry_the_persons_own_words(content):
    state = consented([at("repair", "move_on")], feelings=["hurt"], my_part="I slammed the door",
                      their_view="scared", their_feelings=["anxious"], my_offer="pause first", my_ask="tell me")
    t = step(content, state, OptionChosen("skip", 5))
    summary = next(e for e in t.effects if isinstance(e, Send) and e.key == "repair.summary")
    answers = summary.params["repair_summary"]["answers"]
    assert answers["my_part"] == "I slammed the door"
    assert answers["feelings"] == {"labels": ["pickers.feelings.hurt"]}
    assert answers["move_on"] is None
    draft = next(e for e in t.effects if isinstance(e, Send) and e.key == "repair.draft")
    assert draft.params["draft_message"]["answers"]["my_offer"] == "pause first"
    assert sends(t) == ["repair.summary", "repair.draft", "repair.draft_choice"]


def test_followup_choice_schedules_in_three_days(content):
    state = consented([at("repair", "followup")], reminder_tz="utc")
    t = step(content, state, OptionChosen("d3", 5))
    (timer,) = [e for e in t.effects if isinstance(e, Schedule)]
    assert timer.timer == "plan_followup" and timer.due_at == NOW + timedelta(days=3)
    assert timer.payload == {"flow": "plan_followup"}
    assert t.state.seats["a"].stack == [at("home", "menu")]


def test_no_followup_schedules_nothing(content):
    state = consented([at("repair", "followup")])
    t = step(content, state, OptionChosen("none", 5))
    assert not [e for e in t.effects if isinstance(e, Schedule)]


def test_state_round_trips_through_json(content):
    state = consented([at("repair", "calm_gate"), at("sos", "ask_safety", True)], feelings=["hurt"], x="y")
    state.seats["a"].parked = [at("checkin", "helps")]
    assert SessionState.from_dict(state.to_dict()) == state


def test_break_nudge_is_silent_once_the_person_is_back(content):
    state = consented([at("repair", "my_part")])
    t = step(content, state, TimerFired("break_return", {"flow": "take_break", "step": "waiting"}))
    assert t.effects == () and t.state == state


def test_menu_mid_repair_asks_to_stop_first_and_keeps_the_answers(content):
    """Found trying Mend as a new user: /menu in the middle of a repair was refused ("finish it, or /cancel")."""
    state = consented([at("repair", "my_ask")])
    t = step(content, state, CommandReceived("menu"))
    assert [e.key for e in t.effects if hasattr(e, "key")][-2:] == ["system.menu_asks_to_stop", "cancel.confirm"]
    t = step(content, t.state, OptionChosen("stop_keep", t.state.seats["a"].turn))
    seat = t.state.seats["a"]
    assert [f.flow for f in seat.parked] == ["repair"] and seat.stack[-1].flow == content.home_flow
    t = step(content, consented([at("repair", "my_ask")]), CommandReceived("menu"))
    t = step(content, t.state, OptionChosen("keep_going", t.state.seats["a"].turn))
    assert t.state.seats["a"].stack == [at("repair", "my_ask")]


def test_menu_with_nothing_in_progress_just_shows_the_menu(content):
    t = step(content, consented([]), CommandReceived("menu"))
    assert t.state.seats["a"].stack[-1].flow == content.home_flow
    assert "system.menu_asks_to_stop" not in [getattr(e, "key", None) for e in t.effects]


def test_menu_again_on_the_stop_card_shows_the_card_again(content):
    t = step(content, consented([at("repair", "my_ask")]), CommandReceived("menu"))
    t = step(content, t.state, CommandReceived("menu"))
    assert sends(t)[-2:] == ["system.menu_asks_to_stop", "cancel.confirm"]
    assert [f.flow for f in t.state.seats["a"].stack] == ["repair", "cancel"]


@pytest.mark.parametrize("flow", ["together", "safety_checkin"])
def test_menu_is_still_refused_where_stopping_cannot_be_picked_up_again(content, flow):
    """Session 25's review: in a shared repair "keep my answers" ends it for both partners; the next-day
    safety check-in is not on the menu to pick up again."""
    first = content.flows[flow].steps[0].id
    with pytest.raises(InvalidInput) as refused:
        step(content, consented([at(flow, first)]), CommandReceived("menu"))
    assert refused.value.key == "system.busy_elsewhere"


@pytest.mark.parametrize("locale", ["en", "fr", "ar", "ar-f"])
def test_help_mid_flow_names_the_language_command(locale):
    """The tenth new-user trial: someone answered « oui » to English questions and never found /language; the
    help shown mid-flow listed every other command."""
    import yaml

    from tests.conftest import CONTENT_DIR
    system = yaml.safe_load((CONTENT_DIR / "messages" / f"{locale}.yaml").read_text(encoding="utf-8"))["system"]
    for key in ("help", "help_flow"):
        assert "/language" in str(system[key]), (locale, key)
