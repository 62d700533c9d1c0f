"""The frame stack of a seat: where it is, which flow is its main one, and moving a frame to its next
step or off the stack. Nothing here runs a step or sends a prompt (see runner.py for that)."""
from __future__ import annotations

from typing import Any

from bot.content.model import PARTNER_PREFIX, PERSISTENT_SLOT_PREFIXES, QUESTION_TYPES, Step
from bot.engine import support
from bot.engine.answers import sees_why
from bot.engine.state import SAID, Frame
from bot.engine.turn import Turn, joint_on


def current(t: Turn) -> tuple[Frame, Step] | None:
    """Top frame and its step, repairing frames whose flow or step no longer exists (C3)."""
    seat = t.seat
    while seat.stack:
        frame = seat.stack[-1]
        flow = t.content.flows.get(frame.flow)
        if flow is None:  # flow removed from content: drop the frame, land on what is below
            seat.stack.pop()
            continue
        step = flow.step(frame.step)
        if step is None:  # step removed in a content edit: the flow's safe resume step
            frame.step, frame.version = flow.resume_step, flow.version
            step = flow.step(frame.step)
            assert step is not None  # the loader checks that the resume step exists
        return frame, step
    return None


def main_frame(t: Turn) -> Frame | None:
    for frame in reversed(t.seat.stack):
        flow = t.content.flows.get(frame.flow)
        if flow is not None and not frame.interrupt and flow.kind == "main":
            return frame
    return None


def in_interrupt(t: Turn) -> bool:
    return any(f.interrupt for f in t.seat.stack)


def in_flow(t: Turn, flow_id: str) -> bool:
    return any(f.flow == flow_id for f in t.seat.stack)


def idle(t: Turn) -> bool:
    """At the menu (or nowhere), with no /sos, break or card open: free to start something."""
    main = main_frame(t)
    return (main is None or main.flow == t.content.home_flow) and not in_interrupt(t)


def new_frame(t: Turn, flow_id: str, interrupt: bool = False) -> Frame:
    flow = t.content.flows[flow_id]
    return Frame(flow_id, flow.first, flow.version, interrupt)


def finish_frame(t: Turn, frame: Frame, announce: bool = True) -> None:
    """Pop `frame` (and anything above it); leaving an interrupt says "back to where you were"."""
    stack = t.seat.stack
    while stack:
        popped = stack.pop()
        leave(t, popped)
        if popped is frame:
            break
    if announce and frame.interrupt and stack:
        t.send("system.back_to_step")


def pop_interrupts(t: Turn) -> None:
    while t.seat.stack and in_interrupt(t):
        leave(t, t.seat.stack.pop())


def leave(t: Turn, frame: Frame) -> None:
    """An interrupt's answers (what someone said in /sos or abuse support) are used there and then,
    and not kept once they leave it; only persistent slots (country, safety plan) stay."""
    # Not while the same flow is still open below (/sos asked again over the safety plan, inside /sos):
    # its answers are that run's too ("no check-in tomorrow" was asked a second and a third time).
    if frame.interrupt and frame.flow in t.content.flows and not in_flow(t, frame.flow):
        forget_answers(t, frame.flow)
    if frame.flow == "safety_check":
        # Words a check-in set aside are kept only by its explicit "keep" answer; however the check-in
        # is left (its answer, /cancel, a pop of interrupts), they go with it (found by review).
        t.seat.held_text = None


def condition_slots(t: Turn) -> dict[str, Any]:
    """What a route's condition can test: the seat's slots plus the couple facts (SYSTEM_SLOTS)."""
    slots: dict[str, Any] = dict(t.seat.slots)
    slots["couple"] = "linked" if t.linked else "solo"
    slots["joint"] = "on" if joint_on(t) else "off"
    slots["safety"] = "concern" if t.seat.joint_exercises_off else "none"
    # A repair for oneself only (no partner's side, no message) after an abuse disclosure, unless the
    # person said it was misread: found trying Mend as a new user, "قلبي كيضرب بزاف" (my heart is pounding)
    # was read as fear of the partner, and "you misunderstood" still locked every later repair. Only the
    # repair's own scope: joint exercises, the invitation hold and the abuse lines stay as `safety` says
    # (S8: denial is common), and an earlier disclosure that stood is never undone by a later dispute.
    seat = t.seat
    disputed = seat.disclosure_disputed and not seat.disclosure_confirmed
    slots["own_repair"] = "only" if seat.joint_exercises_off and not disputed else "whole"
    main = main_frame(t)
    slots["paused"] = support.paused_over(t.content, main.flow if main else None)
    slots["past_repairs"] = "some" if t.seat.history else "none"
    slots["language"] = seat.locale
    kept = seat.slots.get(HINT_KEPT)
    if isinstance(kept, list) and seat.stack:
        # Only this flow's answers kept after a hint (its own from an earlier run go when it starts afresh,
        # `forget_answers`): a practice finished or parked with one must not make a new repair's draft say
        # some of its words were kept (found by review).
        asked = saved_by(t, seat.stack[-1].flow)
        slots[HINT_KEPT] = [name for name in kept if name in asked]
    view = seat.slots.get("their_view")
    slots["view_sees_why"] = "yes" if isinstance(view, str) and sees_why(view) else "no"
    # co-regulation side by side (calm_together): off after this seat's disclosure, or joint work off
    slots["in_person"] = "off" if t.seat.joint_exercises_off or (t.linked and not joint_on(t)) else "ok"
    speaker = slots.get("speaker")
    if speaker:
        slots["role"] = "speaker" if speaker == t.seat_id else "listener"
    return slots


def route(t: Turn, frame: Frame, step: Step) -> str | None:
    """The step after `step`: the first route whose condition holds, else the next one listed."""
    slots = condition_slots(t) if any(r.condition for r in step.routes) else {}
    for r in step.routes:
        if r.condition is None or r.condition.holds(slots):
            return r.target
    if step.routes:
        return None
    return t.flow(frame).following(step.id)


def advance_past(t: Turn, frame: Frame, step: Step) -> None:
    target = route(t, frame, step)
    if target is None:
        finish_frame(t, frame)
    else:
        frame.step = target


# The answers kept as written after a coaching hint (their slot names): before the draft is offered,
# Mend says once that some lines may still blame (`if: hint_kept is set` in the repair flow).
HINT_KEPT = "hint_kept"
# The positive note given at the last checked answer ("flow:label"): the same note isn't said again
# at the very next one. Found trying Mend as a new user: "that's honestly owning your part" twice in
# a row, after "my part" and after "regret", read as a script.
NOTED = "coaching_noted"


def saved_by(t: Turn, flow_id: str) -> set[str | None]:
    """The slot names a flow's questions save their answers in."""
    flow = t.content.flows.get(flow_id)
    return {s.save_as for s in flow.steps if isinstance(s, QUESTION_TYPES)} if flow else set()


def forget_answers(t: Turn, flow_id: str) -> None:
    """A fresh run of a flow: last time's answers must not reappear in its summary."""
    seat = t.seat
    kept = seat.slots.get(HINT_KEPT)
    if isinstance(kept, list):  # nor be pointed out as kept after a hint
        asked = saved_by(t, flow_id)
        seat.slots[HINT_KEPT] = [name for name in kept if name not in asked]
    if str(seat.slots.get(NOTED, "")).startswith(f"{flow_id}:"):  # a new run may praise again
        seat.slots.pop(NOTED)
    for step in t.content.flows[flow_id].steps:
        if not isinstance(step, QUESTION_TYPES):
            continue
        if step.save_as and not step.save_as.startswith(PERSISTENT_SLOT_PREFIXES):
            for name in (step.save_as, PARTNER_PREFIX + step.save_as):
                seat.slots.pop(name, None)
                seat.slots.pop(f"{name}_text", None)
                seat.slots.pop(f"{name}{SAID}", None)
            if step.save_as in seat.consents:
                seat.consents = [c for c in seat.consents if c != step.save_as]
