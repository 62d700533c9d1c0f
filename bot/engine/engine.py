"""advance(content, state, seat, event, now) -> Transition: the whole conversation logic.

Pure: no I/O, no clock (`now` is passed in), no logging. The input state is never mutated; bad
input raises InvalidInput carrying the kind reply and the re-prompt, and changes nothing.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.content.model import DONE, PARTNER_PREFIX, PERSISTENT_SLOT_PREFIXES, SKIP, SYSTEM_PARAMS, Content, Flow, Step
from bot.engine import families, reading, reminders, support, times
from bot.engine.commands import PRIVACY_COMMANDS, CommandsMixin
from bot.engine.couple import CoupleMixin
from bot.engine.effects import Choice, Effect, Send, Transition
from bot.engine.errors import InvalidInput
from bot.engine.events import (
    CommandReceived, Event, InviteDeclined, InviteOpened, InviteRefused, OptionChosen, PartnerJoined, Resume, TextReceived,
    TimerFired, Unsupported,
)
from bot.engine.inputs import InputsMixin
from bot.engine.state import Frame, Seat, SessionState
from bot.engine.steps import MAX_AUTO_STEPS, StepsMixin
from bot.engine.text import clean_text  # noqa: F401  (re-exported: transports and tests use it)


def advance(content: Content, state: SessionState, seat_id: str, event: Event, now: datetime) -> Transition:
    run = _Run(content, copy.deepcopy(state), seat_id, now)
    try:
        run.handle(event)
    except InvalidInput as exc:
        # Rebuild the reply from the untouched input state, so nothing of the attempt survives.
        clean = _Run(content, copy.deepcopy(state), seat_id, now)
        clean.send(exc.key, {**clean.system_params(), **exc.params})
        clean.reprompt()
        raise InvalidInput(exc.key, tuple(clean.effects)) from None
    return Transition(run.state, tuple(run.effects))


def prompt_effects(content: Content, state: SessionState, seat_id: str, now: datetime) -> tuple[Effect, ...]:
    """The effects that show the current prompt again, without changing anything."""
    run = _Run(content, copy.deepcopy(state), seat_id, now)
    run.reprompt()
    return tuple(run.effects)


@dataclass
class _Run(CommandsMixin, InputsMixin, StepsMixin, CoupleMixin):
    content: Content
    state: SessionState
    seat_id: str
    now: datetime
    effects: list[Effect] = field(default_factory=list)
    halted: bool = False  # an action handed over to the service, which sends the next event
    last_due: datetime | None = None  # the moment last scheduled in this run, said back as {due}

    @property
    def seat(self) -> Seat:
        return self.state.seats[self.seat_id]

    # -- lookups ---------------------------------------------------------------------------
    def flow(self, frame: Frame) -> Flow:
        return self.content.flows[frame.flow]

    def current(self) -> tuple[Frame, Step] | None:
        """Top frame and its step, repairing frames whose flow or step no longer exists (C3)."""
        while self.seat.stack:
            frame = self.seat.stack[-1]
            flow = self.content.flows.get(frame.flow)
            if flow is None:  # flow removed from content: drop the frame, land on what is below
                self.seat.stack.pop()
                continue
            step = flow.step(frame.step)
            if step is None:  # step removed in a content edit: the flow's safe resume step
                frame.step, frame.version = flow.resume_step, flow.version
                step = flow.step(frame.step)
            return frame, step
        return None

    def main_frame(self) -> Frame | None:
        for frame in reversed(self.seat.stack):
            flow = self.content.flows.get(frame.flow)
            if flow is not None and not frame.interrupt and flow.kind == "main":
                return frame
        return None

    def in_interrupt(self) -> bool:
        return any(f.interrupt for f in self.seat.stack)

    # -- effects ---------------------------------------------------------------------------
    def send(self, key: str, params: dict | None = None, **extra: Any) -> None:
        params = params or {}
        if any(name.startswith(PARTNER_PREFIX) and value is not None for name, value in params.items()):
            extra["protect"] = True  # the partner's words: no forwarding or saving in Telegram (§5)
        self.effects.append(Send(self.seat_id, key, params, turn=self.seat.turn, **extra))

    def system_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"stage": 0, "stages": 0, "flow_title": None}
        frame = self.main_frame()
        if frame is not None and frame.flow in self.content.flows:
            flow = self.content.flows[frame.flow]
            step = flow.step(frame.step)
            params.update(stage=step.stage if step else 0, stages=flow.stages, flow_title={"labels": [flow.title_key]})
        return params

    def params_for(self, key: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if key is None:
            return params
        system = self.system_params()
        for name in self.content.placeholders.get(key, ()):
            if name in support.RESOURCE_PARAMS:
                params[name] = support.resources_param(self.content, self.seat.slots, name)
                continue
            if name == "emergency":
                params[name] = support.emergency_param(self.content, self.seat.slots)
                continue
            if name == "schedule":
                params[name] = reminders.schedule_view(self.seat)
                continue
            if name == "due":
                params[name] = times.describe(self.last_due, self.now, reminders.tz_of(self.seat)) if self.last_due else None
                continue
            if name == "inviter":
                params[name] = (self.seat.invite or {}).get("name")
                continue
            if name in SYSTEM_PARAMS:
                params[name] = system.get(name)
                continue
            value = self.seat.slots.get(name)
            labels = self.content.slot_labels.get(name)
            if labels and value is not None:
                ids = value if isinstance(value, list) else [value]
                param: dict[str, Any] = {"labels": [labels[i] for i in ids if i in labels]}
                own = self.seat.slots.get(f"{name}_text")
                if own:
                    param["text"] = own
                params[name] = param if (param["labels"] or own) else None
            elif labels and self.seat.slots.get(f"{name}_text"):
                params[name] = {"labels": [], "text": self.seat.slots[f"{name}_text"]}
            else:
                params[name] = value
        return params

    def choices(self, step: Step) -> tuple[Choice, ...]:
        if families.grouped(step):  # the groups first, then the words of the chosen one (families.py)
            out = list(families.choices(step, self.seat.family))
        else:
            out = [Choice(oid, step.option_labels[oid]) for oid in step.options]
        if step.kind == "multi":
            out.append(Choice(DONE, "system.done_picking"))
        if step.optional:
            out.append(Choice(SKIP, "system.skip"))
        return tuple(out)

    def prompt(self, step: Step, key: str | None = None, extra: tuple[Choice, ...] = ()) -> None:
        self.send(
            key or step.key, self.params_for(step.key), choices=self.choices(step) + extra,
            groups=step.option_groups if len(step.option_groups) > 1 and not families.grouped(step) else (),
            selected=tuple(self.seat.picks), multi=step.kind == "multi", prompt=True,
            answer=reading.answer_kind(self.content, self.seat.locale, step),
        )

    def reprompt(self, key: str | None = None) -> None:
        self.show_held_reveals()
        here = self.current()
        if here is None:
            self.start_home_or_welcome()
            return
        _, step = here
        if step.kind == "await_partner" and self.seat.waiting:
            self.prompt_waiting(step)
        elif step.interactive:
            self.prompt(step, key)
        else:
            self.run()

    # -- event dispatch --------------------------------------------------------------------
    def handle(self, event: Event) -> None:
        if isinstance(event, (TextReceived, CommandReceived)) and event.verdict.flagged:
            held = event.text if isinstance(event, TextReceived) else None
            if not (held is not None and not event.verdict.urgent and self.reads_as_an_option(held)):
                if self.on_disclosure(event.verdict, held):
                    return
        if isinstance(event, (InviteOpened, InviteRefused, InviteDeclined, PartnerJoined)):
            self.on_couple_event(event)
            return
        opens_door = not (isinstance(event, CommandReceived) and event.name.lower() in
                          ("sos", "help", "about", "privacy") + PRIVACY_COMMANDS)
        if self.current() is None and opens_door and not isinstance(event, TimerFired):
            if isinstance(event, CommandReceived):
                self.remember_request(event.name.lower())  # "/repair" as a first message: there after consent
            self.start_home_or_welcome()  # nothing in progress (new person, or after declining): begin
            return
        if isinstance(event, CommandReceived):
            self.on_command(event.name.lower(), event.args)
            return
        if isinstance(event, Resume):
            if self.current() is None:
                self.start_home_or_welcome()
            else:
                self.send("system.welcome_back")
                self.reprompt()
            return
        if isinstance(event, TimerFired):
            self.on_timer(event)
            return
        if isinstance(event, Unsupported):
            raise InvalidInput("system.edited" if event.kind == "edited_message" else "system.unsupported")
        frame, step = self.current()
        if isinstance(event, OptionChosen) and event.turn is not None and event.turn != self.seat.turn:
            raise InvalidInput("system.stale_button")
        if step.kind == "await_partner" and self.seat.waiting:
            self.input_await_partner(frame, step, event)
            return
        if not step.interactive:  # defensive: a stored state should always rest on an interactive step
            self.run()
            return
        getattr(self, f"input_{step.kind}")(frame, step, event)

        # a daily practice while busy (or with a card still unanswered) is simply skipped:
        # at most one unanswered nudge of a kind, and no catching up.

    # -- inputs per step kind --------------------------------------------------------------
    # -- running steps ---------------------------------------------------------------------
    def new_frame(self, flow_id: str, interrupt: bool = False) -> Frame:
        flow = self.content.flows[flow_id]
        return Frame(flow_id, flow.first, flow.version, interrupt)

    def in_flow(self, flow_id: str) -> bool:
        return any(f.flow == flow_id for f in self.seat.stack)

    def start_flow(self, flow_id: str) -> None:
        if self.seat.parked and self.seat.parked[0].flow == flow_id:
            self.seat.stack = self.seat.parked
            self.seat.parked = []
            self.send("system.resumed")
            self.reprompt()
            return
        self.forget_answers(flow_id)  # a fresh run: last time's answers must not reappear in this summary
        if flow_id in self.content.shared_flows:
            self.seat.barriers = {}
        self.seat.stack = [self.new_frame(flow_id)]
        if flow_id == self.content.home_flow and self.seat.invite and "join" in self.content.flows:
            self.seat.stack.append(self.new_frame("join", interrupt=True))  # opened before agreeing to the basics
        self.run()

    def forget_answers(self, flow_id: str) -> None:
        for step in self.content.flows[flow_id].steps:
            if step.save_as and not step.save_as.startswith(PERSISTENT_SLOT_PREFIXES):
                for name in (step.save_as, PARTNER_PREFIX + step.save_as):
                    self.seat.slots.pop(name, None)
                    self.seat.slots.pop(f"{name}_text", None)
                if step.save_as in self.seat.consents:
                    self.seat.consents = [c for c in self.seat.consents if c != step.save_as]

    def remember_request(self, command: str) -> bool:
        """A flow asked for before consent (/repair, /invite, /checkin...) starts right after it."""
        target = self.content.commands.get(command)
        if self.seat.consented_at is not None or target in (None, self.content.home_flow, self.content.welcome_flow):
            return False
        self.seat.deferred = [target]  # the latest request wins; nothing else is deferred before consent
        return True

    def start_home_or_welcome(self) -> None:
        if self.seat.consented_at is None:
            self.seat.stack = [self.new_frame(self.content.welcome_flow)]
        elif self.seat.deferred and not self.seat.invite:  # an open invitation comes first (join)
            self.seat.stack = [self.new_frame(self.seat.deferred.pop(0))]
        else:
            self.start_flow(self.content.home_flow)  # (which also opens an invitation waiting for consent)
            return
        self.run()

    def push_interrupt(self, flow_id: str) -> None:
        self.seat.picks = []
        self.forget_answers(flow_id)  # /sos twice: last time's answers don't steer this time
        self.seat.stack.append(self.new_frame(flow_id, interrupt=True))
        self.run()

    def pop_interrupts(self) -> None:
        while self.seat.stack and any(f.interrupt for f in self.seat.stack):
            self.leave(self.seat.stack.pop())

    def leave(self, frame: Frame) -> None:
        """An interrupt's answers (what someone said in /sos or abuse support) are used there and then,
        and not kept once they leave it; only persistent slots (country, safety plan) stay."""
        if frame.interrupt and frame.flow in self.content.flows:
            self.forget_answers(frame.flow)

    def move_on(self, frame: Frame, step: Step) -> None:
        target = self.route(frame, step)
        if target is None:
            self.finish_frame(frame)
        else:
            frame.step = target
        self.run()

    def route(self, frame: Frame, step: Step) -> str | None:
        slots = self.condition_slots() if any(r.condition for r in step.routes) else {}
        for route in step.routes:
            if route.condition is None or route.condition.holds(slots):
                return route.target
        if step.routes:
            return None
        return self.flow(frame).following(step.id)

    def finish_frame(self, frame: Frame, announce: bool = True) -> None:
        """Pop `frame` (and anything above it); leaving an interrupt says "back to where you were"."""
        while self.seat.stack:
            popped = self.seat.stack.pop()
            self.leave(popped)
            if popped is frame:
                break
        if frame.flow == "safety_check":
            self.seat.held_text = None  # words set aside are kept only by the explicit "keep" answer
        if announce and frame.interrupt and self.seat.stack:
            self.send("system.back_to_step")

    def run(self) -> None:
        """Execute steps that don't wait for the person until one does, then prompt it."""
        self.show_held_reveals()
        for _ in range(MAX_AUTO_STEPS):
            here = self.current()
            if here is None:
                if self.seat.consented_at is None:
                    return  # declined onboarding: wait quietly; any message starts it again
                self.start_home_or_welcome()
                return
            frame, step = here
            if step.interactive:
                self.seat.turn += 1  # a new prompt: buttons of earlier prompts become stale (R3)
                self.seat.picks = []
                self.seat.family = None
                if self.seat.draft and self.seat.draft["at"] != f"{frame.flow}.{step.id}":
                    self.seat.draft = None  # the hinted draft belonged to an earlier step
                self.prompt(step)
                return
            if step.kind == "goto":
                for left in self.seat.stack:
                    self.leave(left)
                self.seat.stack = []
                self.start_flow(step.target_flow)
                return
            if step.kind == "await_partner":
                if self.reach_barrier(frame, step):
                    return  # waiting for the partner: the prompt says so
                continue
            getattr(self, f"do_{step.kind}")(frame, step)
            if self.halted:
                return
        raise RuntimeError("flow ran too many steps without waiting for the person")

