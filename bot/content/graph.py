"""Whole-flow checks: targets exist, every step is reachable and can reach an end, no loop
runs without waiting, conditions name real slots and options."""
from __future__ import annotations

from bot.content.checks import Checks
from bot.content.model import (
    PARTNER_PREFIX,
    QUESTION_TYPES,
    SKIP,
    SYSTEM_SLOTS,
    AwaitPartnerStep,
    CallStep,
    ChoiceStep,
    EndStep,
    Flow,
    GotoStep,
    MultiStep,
    ScheduleStep,
    Step,
    TextStep,
    saved_slot,
)

ENDS = (EndStep, GotoStep)  # steps after which this flow has nothing more to run


def check_flow_graph(v: Checks, flow: Flow, flows: dict[str, Flow]) -> None:
    file = flow.file
    for step in flow.steps:
        for route in step.routes:
            if flow.step(route.target) is None:
                v.err(file, route.line, f"step '{step.id}': next step '{route.target}' does not exist in flow '{flow.id}'")
        if isinstance(step, (CallStep, GotoStep)) and step.target_flow is not None:
            target = flows.get(step.target_flow)
            if target is None:
                v.err(file, step.line, f"step '{step.id}': unknown flow '{step.target_flow}'")
            elif isinstance(step, CallStep) and target.kind != "sub":
                v.err(file, step.line, f"step '{step.id}': can only call a flow of kind 'sub' ('{target.id}' is '{target.kind}')")
        if isinstance(step, MultiStep) and step.save_as is None:
            v.err(file, step.line, f"step '{step.id}': a multi-select needs 'save_as'")
        if isinstance(step, ScheduleStep) and step.delay_by is not None:
            options = slot_options(v, flows, step.delay_by)
            if options is not None:
                missing = options - set(step.delays)
                if missing:
                    v.err(file, step.line, f"step '{step.id}': no duration for option(s) {sorted(missing)}")
        if isinstance(step, EndStep) and step.routes:
            v.err(file, step.line, f"step '{step.id}': an 'end' step has no 'next'")
    succ = {s.id: successors(v, flow, s) for s in flow.steps}
    # Reachability from the first step (and the resume step).
    seen: set[str] = set()
    todo = [flow.first, flow.resume_step]
    while todo:
        sid = todo.pop()
        if sid in seen or flow.step(sid) is None:
            continue
        seen.add(sid)
        todo.extend(t for t in succ[sid] if t)
    for step in flow.steps:
        if step.id not in seen:
            v.err(file, step.line, f"step '{step.id}' is unreachable in flow '{flow.id}'")
    # Dead ends: every step must be able to reach an exit (end/goto/flow end).
    exits = {s.id for s in flow.steps if None in succ[s.id] or isinstance(s, ENDS)}
    for step in flow.steps:
        if None in succ[step.id] and not isinstance(step, ENDS):
            v.err(file, step.line, f"step '{step.id}' is the last step but does not end the flow (add 'end:' or 'next:')")
    can_exit = set(exits)
    changed = True
    while changed:
        changed = False
        for sid, targets in succ.items():
            if sid not in can_exit and any(t in can_exit for t in targets if t):
                can_exit.add(sid)
                changed = True
    for step in flow.steps:
        if step.id in seen and step.id not in can_exit:
            v.err(file, step.line, f"step '{step.id}' can never reach the end of flow '{flow.id}' (dead end)")
    # Loops made only of steps that never wait for the person would spin forever.
    auto = {s.id for s in flow.steps if not s.interactive and not isinstance(s, ENDS)}
    state: dict[str, int] = {}

    def visit(sid: str) -> bool:
        state[sid] = 1
        for t in succ[sid]:
            if t in auto and (state.get(t) == 1 or (state.get(t) is None and visit(t))):
                return True
        state[sid] = 2
        return False

    for sid in auto:
        if state.get(sid) is None and visit(sid):
            looped = flow.step(sid)
            line = looped.line if looped is not None else flow.line
            v.err(file, line, f"step '{sid}' is in a loop that never waits for the person")

def successors(v: Checks, flow: Flow, step: Step) -> list[str | None]:
    if isinstance(step, ENDS):
        return []
    if step.routes:
        return [r.target for r in step.routes]
    return [flow.following(step.id)]

def slot_options(v: Checks, flows: dict[str, Flow], slot: str) -> set[str] | None:
    if slot in SYSTEM_SLOTS:
        return set(SYSTEM_SLOTS[slot])
    if slot.startswith(PARTNER_PREFIX):
        return slot_options(v, flows, slot[len(PARTNER_PREFIX):])
    options: set[str] | None = None
    for flow in flows.values():
        for step in flow.steps:
            if saved_slot(step) == slot:
                if isinstance(step, TextStep):
                    return None
                if isinstance(step, (ChoiceStep, MultiStep)):
                    options = (options or set()) | set(step.options)
    return options

def check_reveals(v: Checks, flow: Flow) -> None:
    """Privacy by construction: a slot can be revealed to the partner only if the same flow asks
    its author for consent (a `share:` question) or asks it as a message for the partner."""
    questions = [s for s in flow.steps if isinstance(s, QUESTION_TYPES)]
    consented = {slot for s in questions for slot in s.share}
    consented |= {s.save_as for s in questions if s.for_partner and s.save_as}
    saved = {s.save_as for s in questions if s.save_as}
    for step in flow.steps:
        if not isinstance(step, AwaitPartnerStep):
            continue
        for slot in step.reveal:
            if slot not in saved:
                v.err(flow.file, step.line, f"step '{step.id}': reveals '{slot}', which no step of this flow saves")
            elif slot not in consented:
                v.err(flow.file, step.line,
                         f"step '{step.id}': reveals '{slot}' without asking its author (add it to a 'share:' question)")
            v.use_key(f"couple.reveal.{slot}", flow.file, step.line)
    for step in questions:
        for slot in step.share:
            if slot not in saved:
                v.err(flow.file, step.line, f"step '{step.id}': shares '{slot}', which no step of this flow saves")

def check_conditions(v: Checks, flows: dict[str, Flow]) -> None:
    saved: set[str] = {slot for f in flows.values() for s in f.steps if (slot := saved_slot(s))}
    saved |= set(SYSTEM_SLOTS) | revealed_slots(flows)
    for flow in flows.values():
        for step in flow.steps:
            for route in step.routes:
                if route.condition is None:
                    continue
                for test in route.condition.tests():
                    if test.slot not in saved:
                        v.err(flow.file, route.line, f"step '{step.id}': condition uses '{test.slot}', which no step saves")
                        continue
                    options = slot_options(v, flows, test.slot)
                    for value in test.values:
                        if options is not None and value not in options | {SKIP}:
                            v.err(flow.file, route.line, f"step '{step.id}': '{value}' is not an option of slot '{test.slot}'")


def revealed_slots(flows: dict[str, Flow]) -> set[str]:
    """The partner_<slot> names a reader may hold after a barrier opened."""
    return {PARTNER_PREFIX + slot for f in flows.values() for s in f.steps if isinstance(s, AwaitPartnerStep)
            for slot in s.reveal}


def shared_flow_ids(flows: dict[str, Flow]) -> frozenset[str]:
    """Flows a shared repair runs in: those with partner barriers, and the flows that call them."""
    shared = {f.id for f in flows.values() if any(isinstance(s, AwaitPartnerStep) for s in f.steps)}
    callers = {f.id for f in flows.values()
               if any(isinstance(s, CallStep) and s.target_flow in shared for s in f.steps)}
    return frozenset(shared | callers)
