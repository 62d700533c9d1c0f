"""Commands, timers and disclosures: the events that aren't an answer to the current step.
A mixin of the engine's run (see engine.py); pure like the rest of the engine."""
from __future__ import annotations

from bot.engine import reminders
from bot.engine.couple import PARTNER_TIMERS
from bot.engine.effects import Choice, ExportData, SafetyEvent
from bot.engine.errors import InvalidInput
from bot.engine.language import language_named
from bot.engine.events import OptionChosen, TimerFired, Verdict
from bot.engine.state import Frame

INFO_COMMANDS = {"about": "about.info", "privacy": "privacy.info"}
INTERRUPT_COMMANDS = {"sos": "sos", "pause": "take_break", "cancel": "cancel"}
PRIVACY_COMMANDS = ("export", "delete")  # work in every state, like /sos
SUPPORT_FLOWS = ("sos", "ipv", "safety_check")
# A gentle check-in's answer, as the answer to the support flow's own first question.
CHECK_IN_ANSWERS = {"sos": {"not_safe": "danger_now", "struggling": "struggling"},
                    "ipv": {"not_safe": "danger_now", "struggling": "tell_me_more"}}
NUDGE_CHOICES = (Choice("nudge_snooze", "nudge.snooze"), Choice("nudge_stop", "nudge.stop"))


class CommandsMixin:
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
            self.open_interrupt("delete_data")
            return
        if name == "sos":  # S2: reachable in every state, even before consent
            self.open_interrupt("sos")
            return
        if name == "language":  # every state, even before consent: one must read what one agrees to
            chosen = language_named(args, self.content.catalogs)
            if chosen is None:
                self.open_interrupt("language")
            else:  # "/language fr": no question needed
                self.set_language(chosen)
                self.send("language.changed")
                self.reprompt()
            return
        if self.seat.consented_at is None:
            if self.in_flow(self.content.welcome_flow) and self.remember_request(name):
                self.send("system.consent_first_remembered")
                self.reprompt()
                return
            raise InvalidInput("system.consent_first")
        if name == "unlink":
            self.on_unlink_command()
            return
        if name == "reminders":
            self.open_interrupt("reminders")
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

    def set_language(self, locale: str | None) -> None:
        if locale in self.content.catalogs:
            self.seat.locale = locale

    def open_interrupt(self, flow_id: str) -> None:
        """/sos, /delete, /reminders: open it over the current step, or show it again if already open."""
        if self.in_flow(flow_id):
            self.reprompt()
        else:
            self.push_interrupt(flow_id)

    def on_timer(self, event: TimerFired) -> None:
        here = self.current()
        self.seat.timers.pop(event.timer, None)
        if not self.seat.consented_at:
            return  # erased: nothing more
        if event.timer in PARTNER_TIMERS:  # part of a shared repair, not a reminder the person set up
            self.on_partner_timer(event.timer, event.payload)
            return
        if self.seat.slots.get("reminder_off") and event.timer not in reminders.ASKED_JUST_NOW:
            return  # stopped: nothing more
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

    def on_disclosure(self, verdict: Verdict, text: str | None) -> bool:
        """S3/S4/S8: a flagged message pauses whatever step this is; its words are not kept as the
        step's answer. An urgent sign opens the private support flow at once; a weaker one asks a
        gentle check-in first, holding the words aside in case the person says they are okay and
        wants them kept. Screening stays on for every later message."""
        if not verdict.urgent:
            if any(self.in_flow(f) for f in SUPPORT_FLOWS):
                return False  # already in support: a weaker signal doesn't restart it
            self.effects.append(SafetyEvent("check_in", self.now))
            self.seat.held_text = text
            self.seat.slots["check_route"] = verdict.route
            self.push_interrupt("safety_check")
            return True
        for kind in verdict.categories or (verdict.route,):
            self.effects.append(SafetyEvent(kind, self.now))
        if verdict.route == "ipv" or any(c.startswith("ipv") for c in verdict.categories):
            self.seat.joint_exercises_off = True
        self.seat.held_text = None
        target = "ipv" if verdict.route == "ipv" else "sos"
        if any(self.in_flow(f) for f in SUPPORT_FLOWS):
            self.pop_to_interrupt(target)
        else:
            self.push_interrupt(target)
        return True

    def open_support(self, check_frame: Frame) -> None:
        """After a gentle check-in answered "not safe" or "struggling": open /sos (or the private
        abuse support) with its own "are you safe?" question answered the same way, so the person
        isn't asked twice and the flow's own routing (urgency, country, lines) applies."""
        answer = str(self.seat.slots.get("safety_check_answer"))
        route = self.seat.slots.get("check_route", "crisis")
        self.seat.held_text = None
        self.finish_frame(check_frame, announce=False)
        flow_id = "ipv" if route == "ipv" else "sos"
        if flow_id == "ipv":
            self.seat.joint_exercises_off = True
        self.effects.append(SafetyEvent(flow_id, self.now))
        self.seat.picks = []
        frame = self.new_frame(flow_id, interrupt=True)
        self.seat.stack.append(frame)
        first = self.content.flows[flow_id].step(frame.step)
        option = CHECK_IN_ANSWERS[flow_id].get(answer)
        if first is not None and first.kind == "choice" and option in first.options:
            self.input_choice(frame, first, OptionChosen(option))
        else:
            self.run()
        self.halted = True

    def pop_to_interrupt(self, flow_id: str) -> None:
        """Already in a support flow: start it again from its first question rather than nest."""
        while any(f.flow in SUPPORT_FLOWS for f in self.seat.stack):
            self.leave(self.seat.stack.pop())
        self.push_interrupt(flow_id)
