"""advance(content, state, seat, event, now) -> Transition: the whole conversation logic.

Pure: no I/O, no clock (`now` is passed in), no logging. The input state is never mutated; bad
input raises InvalidInput carrying the kind reply and the re-prompt, and changes nothing.

One event makes one `Turn` (turn.py), handed to plain functions, one module per concern:
frames.py (the frame stack), runner.py (running steps until a question), auto.py (each step that
runs by itself), questions.py (answers to a question), commands.py, timers.py, safety.py, couples.py.
"""
from __future__ import annotations

import copy
from datetime import datetime
from typing import assert_never

from bot.content.model import QUESTION_TYPES, AwaitPartnerStep, Content
from bot.engine import commands, couples, questions, runner, safety, timers
from bot.engine.effects import Effect, Transition
from bot.engine.errors import InvalidInput
from bot.engine.events import (
    CommandReceived,
    Event,
    InviteDeclined,
    InviteOpened,
    InviteRefused,
    OptionChosen,
    OptionsChosen,
    PartnerJoined,
    Resume,
    TextReceived,
    TimerFired,
    Unsupported,
)
from bot.engine.frames import current
from bot.engine.prompts import params_for, system_params
from bot.engine.state import SessionState
from bot.engine.text import clean_text  # noqa: F401  (re-exported: transports and tests use it)
from bot.engine.turn import Turn


def advance(content: Content, state: SessionState, seat_id: str, event: Event, now: datetime) -> Transition:
    turn = Turn(content, copy.deepcopy(state), seat_id, now)
    try:
        handle(turn, event)
        couples.settle(turn)
    except InvalidInput as exc:
        # Rebuild the reply from the untouched input state, so nothing of the attempt survives.
        clean = Turn(content, copy.deepcopy(state), seat_id, now)
        clean.send(exc.key, {**system_params(clean), **exc.params})
        runner.reprompt(clean)
        raise InvalidInput(exc.key, tuple(clean.effects)) from None
    return Transition(turn.state, tuple(turn.effects))


def prompt_effects(content: Content, state: SessionState, seat_id: str, now: datetime) -> tuple[Effect, ...]:
    """The effects that show the current prompt again, without changing anything."""
    turn = Turn(content, copy.deepcopy(state), seat_id, now)
    runner.reprompt(turn)
    return tuple(turn.effects)


def handle(t: Turn, event: Event) -> None:
    if isinstance(event, (TextReceived, CommandReceived)) and event.verdict.flagged:
        held = event.text if isinstance(event, TextReceived) else None
        # Words that plainly pick an option on screen are an answer: a weak signal on them is noise.
        plain_answer = held is not None and not event.verdict.urgent and questions.reads_as_an_option(t, held)
        if not plain_answer and safety.on_disclosure(t, event.verdict, held):
            return
    opens_door = not (isinstance(event, CommandReceived) and event.name.lower() in commands.NO_DOOR_COMMANDS)
    match event:
        case InviteOpened() | InviteRefused() | InviteDeclined() | PartnerJoined():
            couples.on_couple_event(t, event)
        case TimerFired():
            timers.on_timer(t, event)
        case _ if current(t) is None and opens_door:
            if isinstance(event, CommandReceived):
                runner.remember_request(t, event.name.lower())  # "/repair" as a first message: there after consent
            runner.start_home_or_welcome(t)  # nothing in progress (new person, or after declining): begin
        case CommandReceived():
            commands.on_command(t, event.name.lower(), event.args)
        case Resume():
            if current(t) is None:
                runner.start_home_or_welcome(t)
            else:
                t.send("system.welcome_back")
                here = current(t)
                if here is not None and isinstance(here[1], QUESTION_TYPES) and here[1].recap:
                    t.send(here[1].recap, params_for(t, here[1].recap))  # what the question is about
                runner.reprompt(t)
        case Unsupported():
            raise InvalidInput("system.edited" if event.kind == "edited_message" else "system.unsupported")
        case TextReceived() | OptionChosen() | OptionsChosen():
            answer(t, event)
        case _:
            assert_never(event)


def answer(t: Turn, event: TextReceived | OptionChosen | OptionsChosen) -> None:
    here = current(t)
    assert here is not None  # handle() started a flow otherwise
    frame, step = here
    if isinstance(event, OptionChosen) and event.turn is not None and event.turn != t.seat.turn:
        raise InvalidInput("system.stale_button")
    if isinstance(step, AwaitPartnerStep) and t.seat.waiting is not None:
        couples.answer_waiting(t, step, event)
    elif isinstance(step, QUESTION_TYPES):
        questions.answer(t, frame, step, event)
    else:  # defensive: a stored state should always rest on an interactive step
        runner.run(t)
