"""Slash commands: one table from command name to what it does. Commands that flows own (/repair,
/checkin...) come from the content; anything else gets a kind "unknown command"."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.engine import couples, language, runner, safety
from bot.engine.effects import ExportData
from bot.engine.errors import InvalidInput
from bot.engine.frames import current, in_flow, in_interrupt, main_frame, pop_interrupts
from bot.engine.prompts import system_params
from bot.engine.turn import Turn

INFO_COMMANDS = {"about": "about.info", "privacy": "privacy.info"}
INTERRUPT_COMMANDS = {"pause": "take_break", "cancel": "cancel"}
# Commands that answer without starting anything, even for someone with nothing in progress.
NO_DOOR_COMMANDS = frozenset({"sos", "help", "about", "privacy", "export", "delete"})


@dataclass(frozen=True)
class Command:
    run: Callable[[Turn, str, str], None]  # called with the command's name and what followed it
    before_consent: bool = False  # works before the person agreed to the basics (S2: /sos, privacy)


def on_command(t: Turn, name: str, args: str = "") -> None:
    command = COMMANDS.get(name)
    # /cancel out of /sos (or another interrupt) works before consent too: /sos is reachable in every
    # state, so leaving it must be (found trying Mend as a new user: "let's finish getting started" and
    # the safety question again, with no way out).
    leaving_an_interrupt = name == "cancel" and in_interrupt(t)
    if (command is None or not command.before_consent) and not leaving_an_interrupt:
        if t.seat.consented_at is None:
            if in_flow(t, t.content.welcome_flow) and runner.remember_request(t, name):
                t.send("system.consent_first_remembered")
                runner.reprompt(t)
                return
            raise InvalidInput("system.consent_first")
    if command is None:
        start_content_command(t, name)
    else:
        command.run(t, name, args)


def start(t: Turn, name: str, args: str) -> None:
    if t.seat.consented_at is None and not in_flow(t, "welcome"):
        runner.start_flow(t, "welcome")
    elif current(t) is None:
        runner.start_home_or_welcome(t)
    else:
        t.send("system.resumed")
        runner.reprompt(t)


# Support opened over something else (/sos, abuse support, the gentle check-in, support after a
# positive screen): /help speaks of that, not of the exercise paused below it.
SUPPORT_HELP_FLOWS = (*safety.SUPPORT_FLOWS, "screen_support")


def show_help(t: Turn, name: str, args: str) -> None:
    main, params = main_frame(t), system_params(t)
    if any(f.flow in SUPPORT_HELP_FLOWS for f in t.seat.stack):
        # /help in /sos used to say "You're in 'Repair after an argument'", the flow paused below it
        key = "system.help_support"
    elif main is None or main.flow == t.content.home_flow:
        key = "system.help_idle"
    else:
        key = "system.help" if params["stages"] and params["stage"] else "system.help_flow"
    t.send(key, params)
    runner.reprompt(t)


def show_info(t: Turn, name: str, args: str) -> None:
    t.send(INFO_COMMANDS[name])
    runner.reprompt(t)


def export(t: Turn, name: str, args: str) -> None:
    t.emit(ExportData(t.seat_id))
    t.send("privacy.export_ready")
    runner.reprompt(t)


def open_flow(flow_id: str) -> Callable[[Turn, str, str], None]:
    """/sos, /delete, /reminders, /history, /plan: their flow opens over the current step."""
    return lambda t, name, args: runner.open_interrupt(t, flow_id)


def open_plan(t: Turn, name: str, args: str) -> None:
    """/plan: the safety plan, or first "which plan?" for someone who told Mend they may not be safe
    with their partner (only they are ever asked, so the question itself tells nobody anything)."""
    runner.open_interrupt(t, "plans" if safety.has_abuse_plan_or_disclosure(t.seat) else safety.PLAN_FLOW)


def unlink(t: Turn, name: str, args: str) -> None:
    couples.on_unlink_command(t)


def cancel_or_pause(t: Turn, name: str, args: str) -> None:
    if name == "cancel" and in_interrupt(t):
        # Leaving /sos (or its gentle check-in) by /cancel gets one caring line first: found trying Mend
        # as a new user, "i wish i could sleep and not wake up" then /cancel went straight to the menu.
        # Not abuse support: /cancel there may be a quick exit with someone looking over a shoulder.
        interrupts = [f.flow for f in t.seat.stack if f.interrupt]
        leaving_sos = bool(interrupts) and interrupts[-1] in ("sos", "safety_check") and "ipv" not in interrupts
        pop_interrupts(t)  # /cancel inside /sos or /pause: back to the step
        if leaving_sos:
            t.send("system.sos_left")
        t.send("system.back_to_step")
        runner.reprompt(t)
        return
    main = main_frame(t)
    if main is None or main.flow == t.content.home_flow or in_interrupt(t):
        t.send("system.nothing_to_cancel")
        runner.reprompt(t)
        return
    runner.push_interrupt(t, INTERRUPT_COMMANDS[name])


def start_content_command(t: Turn, name: str) -> None:
    target = t.content.commands.get(name)
    if target is None:
        raise InvalidInput("system.unknown_command")
    main = main_frame(t)
    if main is not None and main.flow == target:
        t.send("system.resumed")
        runner.reprompt(t)
        return
    idle_below = main is None or main.flow == t.content.home_flow
    if idle_below and in_interrupt(t) and all(f.flow in READ_ONLY for f in t.seat.stack if f.interrupt):
        pop_interrupts(t)  # only reading past repairs over the menu: nothing in progress to keep
    if target == t.content.home_flow and menu_can_park(t):
        # /menu in the middle of something: the same "stop here for now?" as /cancel, its answers kept for
        # picking up again (found trying Mend as a new user: /menu was refused with "finish it, or /cancel").
        t.send("system.menu_asks_to_stop")
        if t.seat.stack[-1].flow != INTERRUPT_COMMANDS["cancel"]:  # asked again on the card: the card again
            runner.push_interrupt(t, INTERRUPT_COMMANDS["cancel"])
        else:
            runner.reprompt(t)
        return
    if in_interrupt(t) or not idle_below:
        raise InvalidInput("system.busy_elsewhere")
    runner.start_flow(t, target)


def menu_can_park(t: Turn) -> bool:
    """/menu may offer to stop the flow in progress when it can be picked up again from the menu or its
    command, and it is the person's own: a shared repair stops for both (review, session 25), and
    support flows are never put aside this way."""
    main = main_frame(t)
    if main is None or main.flow == t.content.home_flow or couples.in_shared(t):
        return False
    over = [f.flow for f in t.seat.stack if f.interrupt]
    if over and over != [INTERRUPT_COMMANDS["cancel"]]:
        return False
    return main.flow in t.content.commands.values()


# Interrupts that only show something: a command to start a flow closes them instead of asking to /cancel
# (found trying Mend as a new user: /repair while reading /history was "you're in the middle of something").
READ_ONLY = frozenset({"history"})


COMMANDS: dict[str, Command] = {
    "start": Command(start, before_consent=True),
    "help": Command(show_help, before_consent=True),
    "about": Command(show_info, before_consent=True),
    "privacy": Command(show_info, before_consent=True),
    "export": Command(export, before_consent=True),
    "delete": Command(open_flow("delete_data"), before_consent=True),
    "sos": Command(open_flow("sos"), before_consent=True),  # S2: reachable in every state
    "language": Command(language.on_command, before_consent=True),  # one must read what one agrees to
    "unlink": Command(unlink),
    "reminders": Command(open_flow("reminders")),
    # Telegram's conventional /settings (the thirteenth new-user trial typed it): reminders, quiet hours and time
    # zone are what Mend has to set; the language has its own /language.
    "settings": Command(open_flow("reminders")),
    "history": Command(open_flow("history")),  # past repairs (issue 12): read over any step
    # The person's own safety plan, read or changed without first saying they're in trouble (found
    # trying Mend as a new user: the only way in was /sos, then "I'm safe, but struggling").
    "plan": Command(open_plan),
    "cancel": Command(cancel_or_pause),
    "pause": Command(cancel_or_pause),
}
