"""Timers and reminders: scheduling and cancelling them (always through `schedule`, which applies
"stop all" and quiet hours), what a fired timer does, and the actions of the reminder flows."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.content.model import QUESTION_TYPES, ActionStep, CallStep, EndStep, GotoStep, Question, ScheduleStep, Step
from bot.engine import couples, reminders, runner
from bot.engine.effects import CancelTimer, Choice, Schedule
from bot.engine.events import TimerFired, TimerPayload
from bot.engine.frames import advance_past, current, idle, route
from bot.engine.prompts import params_for, prompt
from bot.engine.reading import OWN_TIME
from bot.engine.state import Frame, Nudge
from bot.engine.turn import CONTINUE, PAUSE, Next, Turn

NUDGE_CHOICES = (Choice("nudge_snooze", "nudge.snooze"), Choice("nudge_stop", "nudge.stop"))
BREAK_NUDGE_OPTIONS = ("nudge_snooze", "nudge_stop")
BREAK_WAIT = ("take_break", "waiting")  # the step a break waits at; its nudge has snooze/stop buttons


# -- scheduling ------------------------------------------------------------------------------------
def schedule(t: Turn, kind: str, due: datetime, payload: TimerPayload) -> None:
    """Every nudge goes through here: none after "stop all", none in quiet hours (C9)."""
    seat = t.seat
    if seat.slots.get("reminder_off") and kind not in couples.PARTNER_TIMERS + reminders.ASKED_JUST_NOW:
        return  # (a shared repair's own timers aren't reminders the person set up; a check-in asked for just now is)
    due = reminders.when(seat, due)
    t.last_due = due  # said back in words by the message that follows ({due})
    seat.timers[kind] = due.isoformat()
    t.emit(Schedule(t.seat_id, kind, due, payload))


def cancel(t: Turn, kind: str) -> None:
    """Cancel one kind of timer, or all of this seat's with "*"."""
    if kind == "*":
        t.seat.timers.clear()
    else:
        t.seat.timers.pop(kind, None)
    t.emit(CancelTimer(t.seat_id, kind))


def reschedule_daily(t: Turn) -> None:
    for kind, flow in reminders.DAILY.items():
        due = reminders.next_daily_due(t.seat, kind, t.now)
        if due is None:
            if kind in t.seat.timers:
                cancel(t, kind)
        else:
            schedule(t, kind, due, {"flow": flow, "daily": True})


def say_quiet_clashes(t: Turn) -> None:
    """A daily practice set inside the quiet hours says so, once, when either is set: it would wait for
    the morning every day (the eleventh new-user trial: a check-in at 23:00, "got it", and silence)."""
    quiet = reminders.quiet_of(t.seat)
    for kind, clock in reminders.daily_in_quiet_hours(t.seat):
        assert quiet is not None
        t.send("reminders.daily_in_quiet", {"what": {"labels": [f"reminders.kind.{kind}"]}, "clock": clock,
                                            "quiet": f"{quiet[0]}–{quiet[1]}"})


def snooze(t: Turn, kind: str, payload: TimerPayload, until: datetime | None = None) -> None:
    """The same reminder again in an hour, or at the time the person typed (still subject to quiet hours)."""
    schedule(t, kind, until or t.now + timedelta(minutes=reminders.SNOOZE_MINUTES), payload)


def stop_reminders(t: Turn) -> None:
    """"Stop reminders", from any nudge or /reminders: nothing more until turned back on."""
    t.seat.nudge = None
    t.seat.slots["reminder_off"] = True
    cancel(t, "*")


def schedule_step(t: Turn, frame: Frame, step: ScheduleStep) -> None:
    delay = step.delay
    typed_at = t.seat.slot_text(f"{step.delay_by}_at") if step.delay_by is not None else None
    if delay is None and step.delay_by is not None and t.seat.slots.get(step.delay_by) == OWN_TIME and typed_at:
        delay = datetime.fromisoformat(typed_at) - t.now  # a time they typed
    elif delay is None and step.delay_by is not None:
        chosen = t.seat.slots.get(step.delay_by)
        delay = step.delays.get(chosen) if isinstance(chosen, str) else None
    if delay is not None and step.timer is not None:
        payload: TimerPayload = {}
        after = landing(t, frame, route(t, frame, step))
        if step.timer == "break_return" and after is not None:
            payload = {"flow": frame.flow, "step": after}
        elif step.timer != "break_return":
            payload = {"flow": step.timer}
        schedule(t, step.timer, t.now + delay, payload)
        if step.timer == "break_return":
            couples.pause_notice(t, t.now + delay)
    advance_past(t, frame, step)


def landing(t: Turn, frame: Frame, step_id: str | None) -> str | None:
    """The first step from `step_id` on that waits for the person (where a nudge should find them)."""
    flow = t.flow(frame)
    probe = Frame(frame.flow, step_id or "", frame.version)
    for _ in range(runner.MAX_AUTO_STEPS):
        step: Step | None = flow.step(probe.step)
        if step is None or step.interactive:
            return step.id if step else None
        if isinstance(step, (EndStep, GotoStep, CallStep)):
            return None
        probe.step = route(t, probe, step) or ""
    return None


# -- a timer fires ---------------------------------------------------------------------------------
def on_timer(t: Turn, event: TimerFired) -> None:
    seat = t.seat
    here = current(t)
    seat.timers.pop(event.timer, None)
    if not seat.consented_at:
        return  # erased: nothing more
    if event.timer in couples.PARTNER_TIMERS:  # part of a shared repair, not a reminder the person set up
        couples.on_partner_timer(t, event.timer, event.payload)
        return
    if seat.slots.get("reminder_off") and event.timer not in reminders.ASKED_JUST_NOW:
        return  # stopped: nothing more
    want_flow, want_step = event.payload.get("flow"), event.payload.get("step")
    if want_step:  # a nudge for a step the person is waiting at (e.g. the end of a break)
        if here is not None and isinstance(here[1], QUESTION_TYPES) and here[0].at == (want_flow, want_step):
            prompt(t, here[1], key="system.nudge", extra=NUDGE_CHOICES)
        return
    if event.timer in reminders.DAILY:
        reschedule_daily(t)  # tomorrow's, at the same local time
    if want_flow is None or want_flow not in t.content.flows:
        return
    if idle(t):  # a neutral card first: the person chooses to start, snooze or stop
        seat.nudge = Nudge(event.timer, want_flow)
        runner.push_interrupt(t, "nudge")
    elif event.timer not in reminders.DAILY and want_flow not in seat.deferred:
        seat.deferred.append(want_flow)  # the follow-up waits until they're free
    # a daily practice while busy (or with a card still unanswered) is simply skipped:
    # at most one unanswered nudge of a kind, and no catching up.


def on_break_nudge(t: Turn, frame: Frame, step: Question, option: str) -> None:
    """The snooze / stop buttons of the nudge at the end of a break."""
    if option == "nudge_snooze":
        snooze(t, "break_return", {"flow": frame.flow, "step": frame.step})
        t.send("nudge.snoozed", params_for(t, "nudge.snoozed"))
    else:
        stop_reminders(t)
        t.send("nudge.stopped")
    prompt(t, step)


# -- actions of the reminder flows (nudge card, /reminders) ----------------------------------------
def start_nudged(t: Turn, frame: Frame, step: ActionStep) -> Next:
    nudge = t.seat.nudge
    if nudge is not None and nudge.flow in t.content.flows:
        t.seat.nudge = None
        t.seat.stack = []
        runner.start_flow(t, nudge.flow)
        return PAUSE  # the nudged flow has prompted its first question
    advance_past(t, frame, step)
    return CONTINUE


def snooze_nudge(t: Turn, frame: Frame, step: ActionStep) -> Next:
    nudge = t.seat.nudge
    if nudge is not None:
        t.seat.nudge = None
        payload: TimerPayload = {"flow": nudge.flow}
        if nudge.kind in reminders.DAILY:
            payload["daily"] = True
        typed = t.seat.slots.pop("nudge_choice_at", None)  # "tomorrow morning" typed at the card
        snooze(t, nudge.kind, payload, until=datetime.fromisoformat(typed) if isinstance(typed, str) else None)
    advance_past(t, frame, step)
    return CONTINUE


def stop_all(t: Turn, frame: Frame, step: ActionStep) -> Next:
    stop_reminders(t)
    advance_past(t, frame, step)
    return CONTINUE


def resume_reminders(t: Turn, frame: Frame, step: ActionStep) -> Next:
    t.seat.slots.pop("reminder_off", None)
    reschedule_daily(t)
    advance_past(t, frame, step)
    return CONTINUE


def settings_changed(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """set_daily, set_timezone, set_quiet: the answers are saved; the daily times follow them."""
    reschedule_daily(t)
    if step.action in ("set_daily", "set_quiet"):
        say_quiet_clashes(t)
    advance_past(t, frame, step)
    return CONTINUE
