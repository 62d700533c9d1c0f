"""A flagged message (S3/S4/S8): the safety screen runs in the service and hands its verdict in on
the event. The message's words are not kept as the step's answer. An urgent sign opens the private
support flow at once; a weaker one asks a gentle check-in first, holding the words aside in case the
person says they are okay and wants them kept. Screening stays on for every later message."""
from __future__ import annotations

from bot.engine import runner
from bot.engine.effects import SafetyEvent
from bot.engine.events import Verdict
from bot.engine.frames import finish_frame, in_flow, new_frame
from bot.engine.state import Frame
from bot.engine.turn import Turn

SUPPORT_FLOWS = ("sos", "ipv", "safety_check")
CHECK_IN_FLOW = "safety_check"
# Where support opens after a gentle check-in, by its answer: past the flow's own safety question.
CHECK_IN_ENTRY = {"sos": {"not_safe": "emergency", "struggling": "acknowledge"},
                  "ipv": {"not_safe": "emergency", "struggling": "support"}}


def on_disclosure(t: Turn, verdict: Verdict, text: str | None) -> bool:
    """True when the verdict opened support (or the check-in); False when it changes nothing."""
    seat = t.seat
    if not verdict.urgent:
        if any(in_flow(t, f) for f in SUPPORT_FLOWS):
            return False  # already in support: a weaker signal doesn't restart it
        t.emit(SafetyEvent("check_in", t.now))
        seat.held_text = text
        seat.slots["check_route"] = verdict.route
        runner.push_interrupt(t, CHECK_IN_FLOW)
        return True
    for kind in verdict.categories or (verdict.route,):
        t.emit(SafetyEvent(kind, t.now))
    if verdict.route == "ipv" or any(c.startswith("ipv") for c in verdict.categories):
        seat.joint_exercises_off = True
    seat.held_text = None
    target = "ipv" if verdict.route == "ipv" else "sos"
    if any(in_flow(t, f) for f in SUPPORT_FLOWS):
        restart_support(t, target)
    else:
        runner.push_interrupt(t, target)
    return True


def open_support(t: Turn, check_frame: Frame) -> None:
    """After a gentle check-in answered "not safe" or "struggling": open /sos (or the private abuse
    support) past its own "are you safe?" question, which was just answered."""
    seat = t.seat
    answer = seat.slots.get("safety_check_answer")
    route = seat.slots.get("check_route", "crisis")
    seat.held_text = None
    finish_frame(t, check_frame, announce=False)
    flow_id = "ipv" if route == "ipv" else "sos"
    if flow_id == "ipv":
        seat.joint_exercises_off = True
    t.emit(SafetyEvent(flow_id, t.now))
    first = CHECK_IN_ENTRY[flow_id].get(str(answer), "")
    frame = new_frame(t, flow_id, interrupt=True)
    if t.content.flows[flow_id].step(first) is not None:
        frame.step = first
    seat.picks = []
    seat.stack.append(frame)
    runner.run(t)


def restart_support(t: Turn, flow_id: str) -> None:
    """Already in a support flow: start it again from its first question rather than nest."""
    stack = t.seat.stack
    while any(f.flow in SUPPORT_FLOWS for f in stack):
        stack.pop()
    runner.push_interrupt(t, flow_id)
