"""advance(content, state, seat, event, now) -> Transition: the whole conversation logic.

Pure: no I/O, no clock (`now` is passed in), no logging. The input state is never mutated; bad
input raises InvalidInput carrying the kind reply and the re-prompt, and changes nothing.
"""
from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.content.model import DONE, PERSISTENT_SLOT_PREFIXES, SKIP, SYSTEM_PARAMS, Content, Flow, Step, fresh_lines
from bot.engine.effects import (
    CancelTimer, Choice, Effect, EraseData, ExportData, Record, SafetyEvent, Schedule, Send, Transition,
)
from bot.engine.errors import InvalidInput
from bot.engine import reminders
from bot.engine.screening import coach, screen
from bot.engine.events import (
    CommandReceived, Event, OptionChosen, OptionsChosen, Resume, TextReceived, TimerFired, Unsupported,
)
from bot.engine.state import Frame, Seat, SessionState

MAX_AUTO_STEPS = 200  # validation forbids loops that never wait; this only guards against bugs
INFO_COMMANDS = {"about": "about.info", "privacy": "privacy.info"}
INTERRUPT_COMMANDS = {"sos": "sos", "pause": "take_break", "cancel": "cancel"}
REMINDER_ACTIONS = ("start_nudged", "snooze_nudge", "stop_reminders", "resume_reminders", "set_daily",
                    "set_timezone", "set_quiet")
NUDGE_CHOICES = (Choice("nudge_snooze", "nudge.snooze"), Choice("nudge_stop", "nudge.stop"))
PRIVACY_COMMANDS = ("export", "delete")  # work in every state, like /sos
COACHING_CHOICES = ("lint_rewrite", "lint_edit", "lint_keep", "lint_keep_yes", "lint_keep_no")
MAX_HINTS = 2  # per step: a third version is taken without comment (no nagging)


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


def clean_text(text: str) -> str:
    """Drop control and format characters that break terminals and storage; keep newlines, tabs and
    every script (including RTL text and emoji)."""
    kept = []
    for ch in text:
        if ch in "\n\t":
            kept.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            continue
        else:
            kept.append(ch)
    return "".join(kept).strip()


@dataclass
class _Run:
    content: Content
    state: SessionState
    seat_id: str
    now: datetime
    effects: list[Effect] = field(default_factory=list)

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
        self.effects.append(Send(self.seat_id, key, params or {}, turn=self.seat.turn, **extra))

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
            if name == "resources":
                params[name] = self.resources_param()
                continue
            if name == "schedule":
                params[name] = reminders.schedule_view(self.seat)
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

    def resources_param(self) -> dict[str, Any]:
        """Which resources to show: the chosen country and its lines verified in the last six months."""
        country = self.seat.slots.get("country")
        resources = self.content.resources
        if resources is None or country not in resources.countries:
            return {"country": None}
        fresh = fresh_lines(resources.countries[country], self.now.date())
        return {"country": country, "lines": [line.name for line in fresh]}

    def choices(self, step: Step) -> tuple[Choice, ...]:
        out = [Choice(oid, step.option_labels[oid]) for oid in step.options]
        if step.kind == "multi":
            out.append(Choice(DONE, "system.done_picking"))
        if step.optional:
            out.append(Choice(SKIP, "system.skip"))
        return tuple(out)

    def prompt(self, step: Step, key: str | None = None, extra: tuple[Choice, ...] = ()) -> None:
        self.send(
            key or step.key, self.params_for(step.key), choices=self.choices(step) + extra,
            groups=step.option_groups if len(step.option_groups) > 1 else (),
            selected=tuple(self.seat.picks), multi=step.kind == "multi", prompt=True,
        )

    def reprompt(self, key: str | None = None) -> None:
        here = self.current()
        if here is None:
            self.start_home_or_welcome()
            return
        _, step = here
        if step.interactive:
            self.prompt(step, key)
        else:
            self.run()

    # -- event dispatch --------------------------------------------------------------------
    def handle(self, event: Event) -> None:
        text = event.text if isinstance(event, TextReceived) else event.args if isinstance(event, CommandReceived) else ""
        if text and self.on_disclosure(screen(self.content.lexicons.get(self.seat.locale), text)):
            return
        opens_door = not (isinstance(event, CommandReceived) and event.name.lower() in
                          ("sos", "help", "about", "privacy") + PRIVACY_COMMANDS)
        if self.current() is None and opens_door and not isinstance(event, TimerFired):
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
        if not step.interactive:  # defensive: a stored state should always rest on an interactive step
            self.run()
            return
        getattr(self, f"input_{step.kind}")(frame, step, event)

    def on_disclosure(self, categories: list[str]) -> bool:
        """S3/S4/S8: a crisis or abuse disclosure pauses whatever step this is (the words are not kept
        as its answer) and opens the private support flow. Screening stays on for every message."""
        if not categories:
            return False
        for kind in categories:
            self.effects.append(SafetyEvent(kind, self.now))
        if "ipv" in categories:
            self.seat.joint_exercises_off = True
        target = "sos" if categories[0] != "ipv" else "ipv"
        if self.in_flow("sos") or self.in_flow("ipv"):
            self.pop_to_interrupt(target)
        else:
            self.push_interrupt(target)
        return True

    def pop_to_interrupt(self, flow_id: str) -> None:
        """Already in a support flow: start it again from its first question rather than nest."""
        while self.seat.stack and self.seat.stack[-1].flow not in ("sos", "ipv"):
            self.seat.stack.pop()
        if self.seat.stack:
            self.seat.stack.pop()
        self.push_interrupt(flow_id)

    def on_command(self, name: str, args: str) -> None:
        if name == "start":
            if self.seat.consented_at is None and not self.in_flow("welcome"):
                self.start_flow("welcome")
            elif self.current() is None:
                self.start_home_or_welcome()
            else:
                self.send("system.resumed")
                self.reprompt()
            return
        if name == "help":
            main, params = self.main_frame(), self.system_params()
            if main is None or main.flow == self.content.home_flow:
                key = "system.help_idle"
            else:
                key = "system.help" if params["stages"] and params["stage"] else "system.help_flow"
            self.send(key, params)
            self.reprompt()
            return
        if name in INFO_COMMANDS:
            self.send(INFO_COMMANDS[name])
            self.reprompt()
            return
        if name == "export":
            self.effects.append(ExportData(self.seat_id))
            self.send("privacy.export_ready")
            self.reprompt()
            return
        if name == "delete":
            if self.in_flow("delete_data"):
                self.reprompt()
            else:
                self.push_interrupt("delete_data")
            return
        if name == "sos":  # S2: reachable in every state, even before consent
            if self.in_flow("sos"):
                self.reprompt()
            else:
                self.push_interrupt("sos")
            return
        if self.seat.consented_at is None:
            raise InvalidInput("system.consent_first")
        if name == "reminders":
            if self.in_flow("reminders"):
                self.reprompt()
            else:
                self.push_interrupt("reminders")
            return
        if name in ("cancel", "pause"):
            if name == "cancel" and self.in_interrupt():
                self.pop_interrupts()  # /cancel inside /sos or /pause: back to the step
                self.send("system.back_to_step")
                self.reprompt()
                return
            main = self.main_frame()
            if main is None or main.flow == self.content.home_flow or self.in_interrupt():
                self.send("system.nothing_to_cancel")
                self.reprompt()
                return
            self.push_interrupt(INTERRUPT_COMMANDS[name])
            return
        target = self.content.commands.get(name)
        if target is None:
            raise InvalidInput("system.unknown_command")
        main = self.main_frame()
        if main is not None and main.flow == target:
            self.send("system.resumed")
            self.reprompt()
            return
        if self.in_interrupt() or (main is not None and main.flow != self.content.home_flow):
            raise InvalidInput("system.busy_elsewhere")
        self.start_flow(target)

    def on_timer(self, event: TimerFired) -> None:
        here = self.current()
        self.seat.timers.pop(event.timer, None)
        if self.seat.slots.get("reminder_off") or not self.seat.consented_at:
            return  # stopped, or erased: nothing more
        want_flow, want_step = event.payload.get("flow"), event.payload.get("step")
        if want_step:  # a nudge for a step the person is waiting at (e.g. the end of a break)
            if here is not None and here[0].flow == want_flow and here[0].step == want_step:
                self.prompt(here[1], key="system.nudge", extra=NUDGE_CHOICES)
            return
        if event.timer in reminders.DAILY:
            self.reschedule_daily()  # tomorrow's, at the same local time
        if want_flow not in self.content.flows:
            return
        main = self.main_frame()
        idle = (main is None or main.flow == self.content.home_flow) and not self.in_interrupt()
        if idle:  # a neutral card first: the person chooses to start, snooze or stop
            self.seat.nudge = {"kind": event.timer, "flow": want_flow}
            self.push_interrupt("nudge")
        elif event.timer not in reminders.DAILY and want_flow not in self.seat.deferred:
            self.seat.deferred.append(want_flow)  # the follow-up waits until they're free
        # a daily practice while busy (or with a card still unanswered) is simply skipped:
        # at most one unanswered nudge of a kind, and no catching up.

    # -- inputs per step kind --------------------------------------------------------------
    def input_choice(self, frame: Frame, step: Step, event: Event) -> None:
        if isinstance(event, OptionsChosen) and len(event.options) == 1:
            event = OptionChosen(event.options[0])
        if not isinstance(event, OptionChosen):
            raise InvalidInput("system.pick_an_option")
        if event.option in ("nudge_snooze", "nudge_stop") and step.id in self.seat_timer_steps():
            self.on_break_nudge(frame, step, event.option)
            return
        if event.option == SKIP and step.optional:
            self.save(step, None, skipped=True)
        elif event.option in step.options:
            self.save(step, event.option)
        else:
            raise InvalidInput("system.pick_an_option")
        self.move_on(frame, step)

    def seat_timer_steps(self) -> set[str]:
        frame = self.seat.top
        return {"waiting"} if frame is not None and frame.flow == "take_break" else set()

    def on_break_nudge(self, frame: Frame, step: Step, option: str) -> None:
        if option == "nudge_snooze":
            payload = {"flow": frame.flow, "step": frame.step}
            self.schedule("break_return", self.now + timedelta(minutes=reminders.SNOOZE_MINUTES), payload)
            self.send("nudge.snoozed")
        else:
            self.seat.slots["reminder_off"] = True
            self.cancel("*")
            self.send("nudge.stopped")
        self.prompt(step)

    def input_multi(self, frame: Frame, step: Step, event: Event) -> None:
        picks = self.seat.picks
        if isinstance(event, TextReceived):
            if not step.allow_text:
                raise InvalidInput("system.pick_an_option")
            text = self.checked_text(step, event.text)
            self.seat.slots[f"{step.save_as}_text"] = text
            self.finish_multi(frame, step, list(picks), own_words=True)
            return
        if isinstance(event, OptionsChosen):
            chosen = list(dict.fromkeys(event.options))
            if chosen == [SKIP] and step.optional:
                self.finish_multi(frame, step, [])
                return
            if not chosen or any(o not in step.options for o in chosen):
                raise InvalidInput("system.pick_an_option")
            self.finish_multi(frame, step, chosen)
            return
        if not isinstance(event, OptionChosen):
            raise InvalidInput("system.pick_an_option")
        option = event.option
        if option == DONE:
            self.finish_multi(frame, step, list(picks))
        elif option == SKIP and step.optional:
            self.finish_multi(frame, step, [])
        elif option in step.options:
            if option in picks:
                picks.remove(option)
            elif len(picks) >= step.max_picks:
                raise InvalidInput("system.pick_count", params={"min": step.min_picks, "max": step.max_picks})
            else:
                picks.append(option)
            self.prompt(step)  # show the card again with the ticks
        else:
            raise InvalidInput("system.pick_an_option")

    def finish_multi(self, frame: Frame, step: Step, chosen: list[str], own_words: bool = False) -> None:
        count = len(chosen) + (1 if own_words else 0)
        if not (count == 0 and step.optional):
            if count < step.min_picks or len(chosen) > step.max_picks:
                raise InvalidInput("system.pick_count", params={"min": step.min_picks, "max": step.max_picks})
        if not own_words:
            self.seat.slots.pop(f"{step.save_as}_text", None)
        self.seat.picks = []
        self.save(step, chosen if (chosen or own_words) else None)  # skipped: blank, like skipped text
        self.move_on(frame, step)

    def input_text(self, frame: Frame, step: Step, event: Event) -> None:
        draft = self.seat.draft if self.seat.draft and self.seat.draft["at"] == f"{frame.flow}.{step.id}" else None
        if isinstance(event, OptionChosen) and draft and event.option in COACHING_CHOICES:
            self.on_coaching_choice(frame, step, draft, event.option)
            return
        if isinstance(event, OptionChosen) and event.option == SKIP and step.optional:
            self.save(step, None, skipped=True)
            self.move_on(frame, step)
            return
        if not isinstance(event, TextReceived):
            raise InvalidInput("system.type_answer")
        text = self.checked_text(step, event.text)
        hints = draft["hints"] if draft else 0
        category = coach(self.content.lexicons.get(self.seat.locale), text) if step.check and hints < MAX_HINTS else None
        if category:  # one kind hint per draft version; never blocks, never edits the words
            self.seat.draft = {"at": f"{frame.flow}.{step.id}", "text": text, "category": category, "hints": hints + 1}
            self.seat.turn += 1
            self.send(f"coaching.hint.{category}", choices=(
                Choice("lint_rewrite", "coaching.rewrite"), Choice("lint_edit", "coaching.edit"),
                Choice("lint_keep", "coaching.keep")), prompt=True)
            return
        self.seat.draft = None
        self.save(step, text)
        self.move_on(frame, step)

    def on_coaching_choice(self, frame: Frame, step: Step, draft: dict, option: str) -> None:
        if option == "lint_rewrite":
            self.send("coaching.scaffold", self.params_for("coaching.scaffold"), prompt=True)
        elif option == "lint_keep":
            self.seat.turn += 1
            self.send("coaching.keep_confirm", choices=(Choice("lint_keep_yes", "coaching.keep_yes"),
                                                         Choice("lint_keep_no", "coaching.keep_no")), prompt=True)
        elif option == "lint_keep_yes":  # asked once; now the words go exactly as written
            self.seat.draft = None
            self.save(step, draft["text"])
            self.move_on(frame, step)
        else:  # lint_edit, lint_keep_no: the question again, for a new version
            self.prompt(step)

    def checked_text(self, step: Step, raw: str) -> str:
        text = clean_text(raw)
        if not text:
            raise InvalidInput("system.empty_text")
        if len(text) > step.max_len:
            raise InvalidInput("system.too_long", params={"length": len(text), "limit": step.max_len})
        return text

    def save(self, step: Step, value: Any, skipped: bool = False) -> None:
        if step.save_as is None or (skipped and step.skip_keeps):
            return
        if value is None:
            self.seat.slots.pop(step.save_as, None)
        else:
            self.seat.slots[step.save_as] = value

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
        self.seat.stack = [self.new_frame(flow_id)]
        self.run()

    def forget_answers(self, flow_id: str) -> None:
        for step in self.content.flows[flow_id].steps:
            if step.save_as and not step.save_as.startswith(PERSISTENT_SLOT_PREFIXES):
                self.seat.slots.pop(step.save_as, None)
                self.seat.slots.pop(f"{step.save_as}_text", None)

    def start_home_or_welcome(self) -> None:
        if self.seat.consented_at is None:
            self.seat.stack = [self.new_frame(self.content.welcome_flow)]
        elif self.seat.deferred:
            self.seat.stack = [self.new_frame(self.seat.deferred.pop(0))]
        else:
            self.seat.stack = [self.new_frame(self.content.home_flow)]
        self.run()

    def push_interrupt(self, flow_id: str) -> None:
        self.seat.picks = []
        self.seat.stack.append(self.new_frame(flow_id, interrupt=True))
        self.run()

    def pop_interrupts(self) -> None:
        while self.seat.stack and any(f.interrupt for f in self.seat.stack):
            self.seat.stack.pop()

    def move_on(self, frame: Frame, step: Step) -> None:
        target = self.route(frame, step)
        if target is None:
            self.finish_frame(frame)
        else:
            frame.step = target
        self.run()

    def route(self, frame: Frame, step: Step) -> str | None:
        for route in step.routes:
            if route.condition is None or route.condition.holds(self.seat.slots):
                return route.target
        if step.routes:
            return None
        return self.flow(frame).following(step.id)

    def finish_frame(self, frame: Frame) -> None:
        """Pop `frame` (and anything above it)."""
        while self.seat.stack:
            popped = self.seat.stack.pop()
            if popped is frame:
                break
        if frame.interrupt and self.seat.stack:
            self.send("system.back_to_step")

    def run(self) -> None:
        """Execute steps that don't wait for the person until one does, then prompt it."""
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
                if self.seat.draft and self.seat.draft["at"] != f"{frame.flow}.{step.id}":
                    self.seat.draft = None  # the hinted draft belonged to an earlier step
                self.prompt(step)
                return
            if step.kind == "goto":
                self.seat.stack = []
                self.start_flow(step.target_flow)
                return
            getattr(self, f"do_{step.kind}")(frame, step)
        raise RuntimeError("flow ran too many steps without waiting for the person")

    def do_say(self, frame: Frame, step: Step) -> None:
        self.send(step.key, self.params_for(step.key))
        self.advance_past(frame, step)

    def do_end(self, frame: Frame, step: Step) -> None:
        if step.key:
            self.send(step.key, self.params_for(step.key))
        self.finish_frame(frame)

    def do_call(self, frame: Frame, step: Step) -> None:
        self.advance_past(frame, step)
        self.seat.stack.append(self.new_frame(step.target_flow))

    def do_schedule(self, frame: Frame, step: Step) -> None:
        delay = step.delay
        if delay is None:
            delay = step.delays.get(self.seat.slots.get(step.delay_by))
        if delay is not None:
            payload: dict[str, Any] = {}
            after = self.landing(frame, self.route(frame, step))
            if step.timer == "break_return" and after is not None:
                payload = {"flow": frame.flow, "step": after}
            elif step.timer != "break_return":
                payload = {"flow": step.timer}
            self.schedule(step.timer, self.now + delay, payload)
        self.advance_past(frame, step)

    def schedule(self, kind: str, due: datetime, payload: dict[str, Any]) -> None:
        """Every nudge goes through here: none after "stop all", none in quiet hours (C9)."""
        if self.seat.slots.get("reminder_off"):
            return
        due = reminders.when(self.seat, due)
        self.seat.timers[kind] = due.isoformat()
        self.effects.append(Schedule(self.seat_id, kind, due, payload))

    def cancel(self, kind: str) -> None:
        if kind == "*":
            self.seat.timers.clear()
        else:
            self.seat.timers.pop(kind, None)
        self.effects.append(CancelTimer(self.seat_id, kind))

    def reschedule_daily(self) -> None:
        for kind, flow in reminders.DAILY.items():
            due = reminders.next_daily_due(self.seat, kind, self.now)
            if due is None:
                if kind in self.seat.timers:
                    self.cancel(kind)
            else:
                self.schedule(kind, due, {"flow": flow, "daily": True})

    def landing(self, frame: Frame, step_id: str | None) -> str | None:
        """The first step from `step_id` on that waits for the person (where a nudge should find them)."""
        flow = self.flow(frame)
        probe = Frame(frame.flow, step_id or "", frame.version)
        for _ in range(MAX_AUTO_STEPS):
            step = flow.step(probe.step)
            if step is None or step.interactive:
                return step.id if step else None
            if step.kind in ("end", "goto", "call"):
                return None
            probe.step = self.route(probe, step) or ""
        return None

    def do_cancel_timer(self, frame: Frame, step: Step) -> None:
        self.cancel(step.timer)
        self.advance_past(frame, step)

    def do_record(self, frame: Frame, step: Step) -> None:
        if step.record == "consent":
            self.seat.consented_at = self.now.isoformat()
        elif step.record == "adult":
            self.seat.adult = True
        self.effects.append(Record(self.seat_id, step.record, self.now))
        self.advance_past(frame, step)

    def do_action(self, frame: Frame, step: Step) -> None:
        below = [f for f in self.seat.stack if f is not frame and not f.interrupt]
        if step.action == "erase":  # /delete confirmed: forget everything, then say what was removed
            self.effects.append(EraseData(self.seat_id))
            locale = self.seat.locale
            self.state.seats[self.seat_id] = Seat(locale=locale, stack=[frame])
            frame.interrupt = False
            self.advance_past(frame, step)
            return
        if step.action in REMINDER_ACTIONS:
            self.reminder_action(frame, step)
            return
        if step.action == "park":
            self.seat.parked = [f for f in below if f.flow != self.content.home_flow]
        else:  # discard
            self.seat.parked = []
            self.seat.slots = {k: v for k, v in self.seat.slots.items() if k.startswith(PERSISTENT_SLOT_PREFIXES)}
            self.cancel("*")
            self.reschedule_daily()  # the practices the person chose stay on
        self.seat.picks = []
        self.seat.stack = [frame]
        frame.interrupt = False  # nothing left to return to
        self.advance_past(frame, step)

    def reminder_action(self, frame: Frame, step: Step) -> None:
        nudge = self.seat.nudge or {}
        if step.action == "start_nudged" and nudge.get("flow") in self.content.flows:
            self.seat.nudge = None
            self.seat.stack = []
            self.start_flow(nudge["flow"])
            return
        if step.action == "snooze_nudge" and nudge:
            self.seat.nudge = None
            payload = {"flow": nudge["flow"], **({"daily": True} if nudge["kind"] in reminders.DAILY else {})}
            self.schedule(nudge["kind"], self.now + timedelta(minutes=reminders.SNOOZE_MINUTES), payload)
        elif step.action == "stop_reminders":
            self.seat.nudge = None
            self.seat.slots["reminder_off"] = True
            self.cancel("*")
        elif step.action == "resume_reminders":
            self.seat.slots.pop("reminder_off", None)
            self.reschedule_daily()
        elif step.action in ("set_daily", "set_timezone", "set_quiet"):
            self.reschedule_daily()
        self.advance_past(frame, step)

    def do_await_partner(self, frame: Frame, step: Step) -> None:
        self.advance_past(frame, step)  # solo sessions pass straight through; couples come later

    def advance_past(self, frame: Frame, step: Step) -> None:
        target = self.route(frame, step)
        if target is None:
            self.finish_frame(frame)
        else:
            frame.step = target

