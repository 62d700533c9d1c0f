"""Steps that run without waiting for the person: say, end, call, schedule, record, actions
(park, discard, erase, reminder settings). A mixin of the engine's run (see engine.py)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.content.model import PERSISTENT_SLOT_PREFIXES, Step
from bot.engine import reminders
from bot.engine.effects import CancelTimer, EraseData, Record, Schedule
from bot.engine.events import TextReceived
from bot.engine.reading import OWN_TIME
from bot.engine.state import Frame, Seat

MAX_AUTO_STEPS = 200  # validation forbids loops that never wait; this only guards against bugs
COUPLE_ACTIONS = ("create_invite", "accept_invite", "decline_invite", "first_speaker", "second_speaker", "joint_off",
                  "release_partner")
REMINDER_ACTIONS = ("start_nudged", "snooze_nudge", "stop_reminders", "resume_reminders", "set_daily",
                    "set_timezone", "set_quiet")


class StepsMixin:
    def do_say(self, frame: Frame, step: Step) -> None:
        self.send(step.key, self.params_for(step.key))
        self.advance_past(frame, step)

    def do_branch(self, frame: Frame, step: Step) -> None:
        self.advance_past(frame, step)

    def do_end(self, frame: Frame, step: Step) -> None:
        if step.key:
            self.send(step.key, self.params_for(step.key))
        self.finish_frame(frame)

    def do_call(self, frame: Frame, step: Step) -> None:
        self.forget_answers(step.target_flow)  # a sub-flow run twice (the reflection loop) starts blank
        self.advance_past(frame, step)
        self.seat.stack.append(self.new_frame(step.target_flow))

    def do_schedule(self, frame: Frame, step: Step) -> None:
        delay = step.delay
        if delay is None and self.seat.slots.get(step.delay_by) == OWN_TIME:  # a time they typed
            delay = datetime.fromisoformat(self.seat.slots[f"{step.delay_by}_at"]) - self.now
        elif delay is None:
            delay = step.delays.get(self.seat.slots.get(step.delay_by))
        if delay is not None:
            payload: dict[str, Any] = {}
            after = self.landing(frame, self.route(frame, step))
            if step.timer == "break_return" and after is not None:
                payload = {"flow": frame.flow, "step": after}
            elif step.timer != "break_return":
                payload = {"flow": step.timer}
            self.schedule(step.timer, self.now + delay, payload)
            if step.timer == "break_return":
                self.pause_notice(self.now + delay)
        self.advance_past(frame, step)

    def schedule(self, kind: str, due: datetime, payload: dict[str, Any]) -> None:
        """Every nudge goes through here: none after "stop all", none in quiet hours (C9)."""
        if self.seat.slots.get("reminder_off") and kind not in ("partner_wait", "partner_return") + reminders.ASKED_JUST_NOW:
            return  # (a shared repair's own timers aren't reminders the person set up; a check-in asked for just now is)
        due = reminders.when(self.seat, due)
        self.last_due = due  # said back in words by the message that follows ({due})
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
        if step.action == "keep_held_words":  # "I'm okay, keep what I wrote": the words answer the step after all
            held, self.seat.held_text = self.seat.held_text, None
            self.finish_frame(frame, announce=False)
            self.send("safety_check.kept")
            if held is not None and self.current() is not None and self.current()[1].kind == "text":
                self.handle(TextReceived(held))
            else:
                self.reprompt()
            self.halted = True
            return
        if step.action == "open_support":  # the check-in's answer was "not safe" or "struggling"
            self.open_support(frame)
            return
        if step.action in COUPLE_ACTIONS:
            self.halted = self.couple_action(frame, step)
            return
        if step.action == "erase":  # /delete confirmed: forget everything, then say what was removed
            if self.linked:
                self.unlink(by_erase=True)  # the partner sees only the neutral "link closed"
            self.effects.append(EraseData(self.seat_id))
            locale = self.seat.locale
            self.state.seats[self.seat_id] = Seat(locale=locale, stack=[frame])
            frame.interrupt = False
            self.advance_past(frame, step)
            return
        if step.action in REMINDER_ACTIONS:
            self.reminder_action(frame, step)
            return
        if step.action == "set_language":  # /language: everything from here on is in the new language
            self.set_language(self.seat.slots.pop("language_choice", None))
            self.advance_past(frame, step)
            return
        if self.linked and self.in_shared():  # /cancel in a shared repair ends it for both (it can't be resumed alone)
            self.leave_shared()
            below = [f for f in self.seat.stack if f is not frame and not f.interrupt]
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

    def snooze(self, kind: str, payload: dict[str, Any], until: datetime | None = None) -> None:
        """The same reminder again in an hour, or at the time the person typed (still subject to quiet hours)."""
        self.schedule(kind, until or self.now + timedelta(minutes=reminders.SNOOZE_MINUTES), payload)

    def stop_reminders(self) -> None:
        """"Stop reminders", from any nudge or /reminders: nothing more until turned back on."""
        self.seat.nudge = None
        self.seat.slots["reminder_off"] = True
        self.cancel("*")

    def reminder_action(self, frame: Frame, step: Step) -> None:
        nudge = self.seat.nudge or {}
        if step.action == "start_nudged" and nudge.get("flow") in self.content.flows:
            self.seat.nudge = None
            self.seat.stack = []
            self.start_flow(nudge["flow"])
            self.halted = True  # start_flow already ran the new flow to its first prompt: don't ask twice
            return
        if step.action == "snooze_nudge" and nudge:
            self.seat.nudge = None
            typed = self.seat.slots.pop("nudge_choice_at", None)  # "tomorrow morning" typed at the card
            self.snooze(nudge["kind"], {"flow": nudge["flow"], **({"daily": True} if nudge["kind"] in reminders.DAILY else {})},
                        until=datetime.fromisoformat(typed) if typed else None)
        elif step.action == "stop_reminders":
            self.stop_reminders()
        elif step.action == "resume_reminders":
            self.seat.slots.pop("reminder_off", None)
            self.reschedule_daily()
        elif step.action in ("set_daily", "set_timezone", "set_quiet"):
            self.reschedule_daily()
        self.advance_past(frame, step)

    def advance_past(self, frame: Frame, step: Step) -> None:
        target = self.route(frame, step)
        if target is None:
            self.finish_frame(frame)
        else:
            frame.step = target
