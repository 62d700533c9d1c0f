"""A crisis or abuse disclosure (S3/S4/S8): whatever step this is pauses (the words are not kept as its
answer) and the private support flow opens. Screening stays on for every message."""
from __future__ import annotations

from bot.engine import runner
from bot.engine.effects import SafetyEvent
from bot.engine.frames import in_flow
from bot.engine.turn import Turn

SUPPORT_FLOWS = ("sos", "ipv")


def on_disclosure(t: Turn, categories: list[str]) -> bool:
    """True when `categories` (from screening) called for the support flow, which is now open."""
    if not categories:
        return False
    for kind in categories:
        t.emit(SafetyEvent(kind, t.now))
    if "ipv" in categories:
        t.seat.joint_exercises_off = True
    target = "sos" if categories[0] != "ipv" else "ipv"
    if any(in_flow(t, flow) for flow in SUPPORT_FLOWS):
        restart_support(t, target)
    else:
        runner.push_interrupt(t, target)
    return True


def restart_support(t: Turn, flow_id: str) -> None:
    """Already in a support flow: start it again from its first question rather than nest."""
    stack = t.seat.stack
    while stack and stack[-1].flow not in SUPPORT_FLOWS:
        stack.pop()
    if stack:
        stack.pop()
    runner.push_interrupt(t, flow_id)
