"""Running a seat's flows: start a flow, push an interrupt, move on after an answer, and run the steps
that don't wait until one does (then prompt it). Each step kind's own work is in auto.py."""
from __future__ import annotations

from bot.content.model import QUESTION_TYPES, Step
from bot.engine import auto, couples, heard
from bot.engine.frames import current, finish_frame, forget_answers, in_flow, new_frame, route
from bot.engine.prompts import prompt, show_waiting_hint, which_again
from bot.engine.state import Frame
from bot.engine.turn import PAUSE, Turn

MAX_AUTO_STEPS = 200  # validation forbids loops that never wait; this only guards against bugs


def run(t: Turn, key: str | None = None) -> None:
    """Execute steps that don't wait for the person until one does, then prompt it (with `key`'s
    words instead of the step's own, when given)."""
    couples.show_held_reveals(t)
    for _ in range(MAX_AUTO_STEPS):
        seat = t.seat  # looked up each time: erasing data replaces the seat mid-run
        here = current(t)
        if here is None:
            if seat.consented_at is None:
                return  # declined onboarding: wait quietly; any message starts it again
            start_home_or_welcome(t)
            return
        frame, step = here
        if isinstance(step, QUESTION_TYPES):
            seat.turn += 1  # a new prompt: buttons of earlier prompts become stale (R3)
            seat.picks = []
            seat.family = None
            seat.typed_group = None
            seat.asked_which = []
            if seat.draft and all(seat.draft.at != f.at for f in seat.stack):
                seat.draft = None  # the hinted draft belonged to a step left behind
            heard.forget_if_left(seat)  # so do heavy words held at a reason for living
            if held_here(t, frame) and heard.ask_to_keep(t):  # back from /language: asked again
                return
            # Back from an interrupt (/language, /pause) to a hinted draft: the hint and its buttons
            # come back, not the bare question (the draft being decided on would be out of sight).
            if show_waiting_hint(t):
                return
            prompt(t, step, key or fresh_key(t, frame, step))
            return
        if auto.run_step(t, frame, step) is PAUSE:
            return
    raise RuntimeError("flow ran too many steps without waiting for the person")


def fresh_key(t: Turn, frame: Frame, step: Step) -> str | None:
    """An interrupt's first question when nothing is paused below it (/sos from the menu) is asked in
    the words of `<flow>.fresh` where the catalog has them: "what we were doing is paused and saved"
    isn't true there (found trying Mend as a new user)."""
    flow = t.content.flows.get(frame.flow)
    if not frame.interrupt or flow is None or flow.steps[0] is not step:
        return None
    below = t.seat.stack[:next(i for i, f in enumerate(t.seat.stack) if f is frame)]
    if any(f.flow != t.content.home_flow for f in below):  # something is paused (found by review: /plan)
        return None
    fresh = f"{frame.flow}.fresh"
    return fresh if fresh in t.content.catalog(t.seat.locale).messages else None


def held_here(t: Turn, frame: Frame) -> bool:
    held = t.seat.held_reason
    return held is not None and held.at == frame.at


def reprompt(t: Turn, key: str | None = None) -> None:
    """Show where the person is again (after a command, an info message, or a kind error)."""
    couples.show_held_reveals(t)
    here = current(t)
    if here is None:
        start_home_or_welcome(t)
        return
    frame, step = here
    heard.forget_if_left(t.seat)  # left with /cancel: crisis-adjacent words are not kept a moment longer
    if isinstance(step, QUESTION_TYPES):
        if key is None and (show_waiting_hint(t) or (held_here(t, frame) and heard.ask_to_keep(t)) or which_again(t, step)):
            return
        prompt(t, step, key or fresh_key(t, frame, step))
    elif couples.is_waiting(t, step):
        couples.prompt_waiting(t, step)
    else:
        run(t)


def move_on(t: Turn, frame: Frame, step: Step) -> None:
    """After an answer: to the next step, and run until the next question."""
    target = route(t, frame, step)
    if target is None:
        finish_frame(t, frame)
    else:
        frame.step = target
    run(t)


def start_flow(t: Turn, flow_id: str) -> None:
    seat = t.seat
    if seat.parked and seat.parked[0].flow == flow_id:
        seat.stack = seat.parked
        seat.parked = []
        t.send("system.resumed")
        reprompt(t)
        return
    forget_answers(t, flow_id)
    if flow_id in t.content.shared_flows:
        seat.barriers = {}
    seat.stack = [new_frame(t, flow_id)]
    if flow_id == t.content.home_flow and seat.invite and couples.JOIN_FLOW in t.content.flows:
        seat.stack.append(new_frame(t, couples.JOIN_FLOW, interrupt=True))  # opened before agreeing to the basics
    run(t)


def start_home_or_welcome(t: Turn) -> None:
    seat = t.seat
    if seat.consented_at is None:
        seat.stack = [new_frame(t, t.content.welcome_flow)]
    elif seat.deferred and not seat.invite:  # an open invitation comes first (join)
        seat.stack = [new_frame(t, seat.deferred.pop(0))]
    else:
        start_flow(t, t.content.home_flow)  # (which also opens an invitation waiting for consent)
        return
    run(t)


def remember_request(t: Turn, command: str) -> bool:
    """A flow asked for before consent (/repair, /invite, /checkin...) starts right after it."""
    target = t.content.commands.get(command)
    if t.seat.consented_at is not None or target is None or target in (t.content.home_flow, t.content.welcome_flow):
        return False
    t.seat.deferred = [target]  # the latest request wins; nothing else is deferred before consent
    return True


def push_interrupt(t: Turn, flow_id: str, key: str | None = None) -> None:
    t.seat.picks = []
    # /sos twice: last time's answers don't steer this time. But while the same flow is still open
    # below (/sos asked again over the safety plan), they are this run's answers and stay, as they do
    # in frames.leave ("no check-in tomorrow" was asked again and again: new-user trial and review).
    if not in_flow(t, flow_id):
        forget_answers(t, flow_id)
    t.seat.stack.append(new_frame(t, flow_id, interrupt=True))
    run(t, key)


def open_interrupt(t: Turn, flow_id: str) -> None:
    """/sos, /delete, /reminders: open it over the current step, or show it again if already open."""
    if any(f.flow == flow_id for f in t.seat.stack):
        reprompt(t)
    else:
        push_interrupt(t, flow_id)
