"""Steps that run without waiting for the person: say, branch, end, call, goto, schedule,
cancel_timer, record, action and await_partner. `run_step` does one and tells the loop in runner.py
whether to go on (CONTINUE) or stop (PAUSE: something was prompted, or the service answers next)."""
from __future__ import annotations

from typing import assert_never

from bot.content.model import (
    PERSISTENT_SLOT_PREFIXES,
    QUESTION_TYPES,
    ActionStep,
    AwaitPartnerStep,
    BranchStep,
    CallStep,
    CancelTimerStep,
    ChoiceStep,
    EndStep,
    GotoStep,
    MultiStep,
    Question,
    RecordStep,
    SayStep,
    ScheduleStep,
    Step,
    TextStep,
)
from bot.engine import couples, history, language, runner, safety, timers
from bot.engine.effects import EraseData, Record
from bot.engine.errors import InvalidInput
from bot.engine.events import TextReceived
from bot.engine.frames import advance_past, current, finish_frame, forget_answers, leave, new_frame
from bot.engine.prompts import params_for
from bot.engine.state import Frame, Seat
from bot.engine.turn import CONTINUE, PAUSE, Next, Turn


def run_step(t: Turn, frame: Frame, step: Step) -> Next:
    match step:
        case ChoiceStep() | MultiStep() | TextStep():
            raise RuntimeError("a question is prompted, not run")
        case SayStep():
            if step.key:
                t.send(step.key, params_for(t, step.key))
            advance_past(t, frame, step)
        case BranchStep():
            advance_past(t, frame, step)
        case EndStep():
            if step.key:
                t.send(step.key, params_for(t, step.key))
            finish_frame(t, frame)
        case CallStep():
            assert step.target_flow is not None
            if back_to_open_run(t, frame, step):
                return CONTINUE
            forget_answers(t, step.target_flow)  # a sub-flow run twice (the reflection loop) starts blank
            advance_past(t, frame, step)
            t.seat.stack.append(new_frame(t, step.target_flow))
        case GotoStep():
            assert step.target_flow is not None
            for left in t.seat.stack:
                leave(t, left)
            t.seat.stack = []
            runner.start_flow(t, step.target_flow)
            return PAUSE
        case ScheduleStep():
            timers.schedule_step(t, frame, step)
        case CancelTimerStep():
            if step.timer is not None:
                timers.cancel(t, step.timer)
            advance_past(t, frame, step)
        case RecordStep():
            record(t, frame, step)
        case ActionStep():
            return run_action(t, frame, step)
        case AwaitPartnerStep():
            return couples.reach_barrier(t, frame, step)
        case _:
            assert_never(step)
    return CONTINUE


# Flows a call brings back up, where they were, when they are already open lower down, rather than
# start a second copy. Only the safety plans: a second grounding over a paused one starts afresh.
RESUMED_WHEN_OPEN = frozenset({"safety_plan", "safety_plan_abuse"})


def back_to_open_run(t: Turn, frame: Frame, step: CallStep) -> bool:
    """"My safety plan" chosen in /sos asked again over the plan ("I'm safe, but struggling") brings
    that plan to the top, at the question the person was on; found trying Mend as a new user, it
    started the plan over from its first page. The caller is past its call step and carries on when
    the plan ends (found by review: dropping the unfinished /sos lost its check-in offer)."""
    if step.target_flow not in RESUMED_WHEN_OPEN:
        return False
    stack = t.seat.stack
    below = next((i for i, f in enumerate(stack) if f.flow == step.target_flow and f is not frame), None)
    if below is None:
        return False
    advance_past(t, frame, step)
    stack.append(stack.pop(below))
    t.send("system.back_to_step")
    return True


def record(t: Turn, frame: Frame, step: RecordStep) -> None:
    if step.record == "consent":
        t.seat.consented_at = t.now.isoformat()
    elif step.record == "adult":
        t.seat.adult = True
    t.emit(Record(t.seat_id, step.record, t.now))
    advance_past(t, frame, step)


def erase(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """/delete confirmed: forget everything, then say what was removed."""
    if t.linked:
        couples.unlink(t, by_erase=True)  # the partner sees only the neutral "link closed"
    t.emit(EraseData(t.seat_id))
    t.state.seats[t.seat_id] = Seat(locale=t.seat.locale, stack=[frame])
    frame.interrupt = False
    advance_past(t, frame, step)
    return CONTINUE


def keep_held_words(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """"I'm okay, keep what I wrote": the words set aside answer the step after all, as if just sent,
    where the step takes words (a text question, or a picker that also takes the person's own words,
    as the feelings one does: a new user was told "I'm leaving those words aside" there). At a picker
    that takes only its options, or when the words can't be its answer (too long, say), the person is
    told so plainly and the question comes back: passed through there, they would be refused and the
    turn rolled back to "are you safe?" again, found by review."""
    from bot.engine.engine import handle  # the words go through as a new message would

    held = _said_okay(t, frame)
    here = current(t)
    question = here[1] if here is not None and isinstance(here[1], QUESTION_TYPES) else None
    takes_words = isinstance(question, TextStep) or (isinstance(question, (ChoiceStep, MultiStep)) and question.allow_text)
    # The home menu takes a story of the argument (`story`): found in the ninth new-user trial, « mon copain
    # me fait la gueule depuis 2 jours… » drew the check-in there, and "keep what I wrote" set it aside.
    takes_words = takes_words or (isinstance(question, ChoiceStep) and question.story is not None
                                  and held is not None and _tells_a_story(held))
    # Words that name one of its options answer a picker too (the twelfth new-user trial: "none of the above
    # lol" at the body cues, then "keep what I wrote", was told the question takes only its choices).
    takes_words = takes_words or (held is not None and question is not None and _names_an_option(t, held))
    if held is not None and question is not None and takes_words and _acceptable(question, held):
        if isinstance(question, TextStep):
            t.send("safety_check.kept")
        handle(t, TextReceived(held))
    else:
        t.send("safety_check.kept_not_an_option")
        runner.reprompt(t)
    return PAUSE


def _names_an_option(t: Turn, words: str) -> bool:
    from bot.engine.questions import reads_as_an_option

    return reads_as_an_option(t, words)


def _tells_a_story(words: str) -> bool:
    from bot.engine.questions import STORY_WORDS

    return len(words.split()) >= STORY_WORDS


def _acceptable(question: Question, words: str) -> bool:
    """Whether `words` pass the step's own checks (length, enough letters) before they are handed on."""
    from bot.engine.questions import checked_text  # (questions imports this module's neighbours)

    try:
        checked_text(question, words)
    except InvalidInput:
        return False
    return True


def drop_held_words(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """"I'm okay, I'll put it another way": the words set aside go; the step waits for new ones."""
    _said_okay(t, frame)
    here = current(t)
    draft = t.seat.draft
    if draft is not None and here is not None and draft.at == here[0].at:
        # "Write it again" then the coaching hint's buttons again read as two answers to one message (found
        # trying Mend as a new user): words typed at a hint were set aside, so the question waits for new ones.
        draft.editing = True
    t.send("safety_check.rephrase")
    runner.reprompt(t)
    return PAUSE


def _said_okay(t: Turn, frame: Frame) -> str | None:
    """Either "I'm okay" answer: the check-in closes, remembering when, and hands back the words it
    held aside (or None)."""
    held, t.seat.held_text = t.seat.held_text, None
    safety.okay_said(t)
    finish_frame(t, frame, announce=False)
    return held


def park(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """/cancel, "stop and keep": the flow below is kept for resuming later."""
    leave_for(t, frame)
    t.seat.parked = [f for f in t.seat.stack if f is not frame and not f.interrupt
                     and f.flow != t.content.home_flow]
    return clear_below(t, frame, step)


def discard(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """/cancel, "stop and forget": the answers go; the person's settings and daily practices stay."""
    leave_for(t, frame)
    seat = t.seat
    seat.parked = []
    history.forget_unfinished(seat)
    seat.slots = {k: v for k, v in seat.slots.items() if k.startswith(PERSISTENT_SLOT_PREFIXES)}
    timers.cancel(t, "*")
    timers.reschedule_daily(t)  # the practices the person chose stay on
    return clear_below(t, frame, step)


def leave_for(t: Turn, frame: Frame) -> None:
    if t.linked and couples.in_shared(t):  # /cancel in a shared repair ends it for both (it can't be resumed alone)
        couples.leave_shared(t)


def clear_below(t: Turn, frame: Frame, step: ActionStep) -> Next:
    t.seat.picks = []
    t.seat.stack = [frame]
    frame.interrupt = False  # nothing left to return to
    advance_past(t, frame, step)
    return CONTINUE


def run_action(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """Every action a flow may name (ActionName; the loader accepts no other)."""
    match step.action:
        case "park":
            return park(t, frame, step)
        case "discard":
            return discard(t, frame, step)
        case "erase":
            return erase(t, frame, step)
        case "set_language":  # the /language question's answer
            return language.chosen(t, frame, step)
        case "set_address":  # the address question's answer (Arabic: to a man or to a woman)
            return language.address_chosen(t, frame, step)
        case "start_nudged":
            return timers.start_nudged(t, frame, step)
        case "snooze_nudge":
            return timers.snooze_nudge(t, frame, step)
        case "stop_reminders":
            return timers.stop_all(t, frame, step)
        case "resume_reminders":
            return timers.resume_reminders(t, frame, step)
        case "set_daily" | "set_timezone" | "set_quiet":
            return timers.settings_changed(t, frame, step)
        case "create_invite":
            return couples.create_invite(t, frame, step)
        case "accept_invite":
            return couples.accept_invite(t, frame, step)
        case "decline_invite":
            return couples.decline_invite(t, frame, step)
        case "first_speaker":
            return couples.first_speaker(t, frame, step)
        case "second_speaker":
            return couples.second_speaker(t, frame, step)
        case "joint_off":
            return couples.joint_off(t, frame, step)
        case "release_partner":
            return couples.release_partner(t, frame, step)
        case "keep_held_words":
            return keep_held_words(t, frame, step)
        case "drop_held_words":
            return drop_held_words(t, frame, step)
        case "open_support":  # the check-in's answer was "not safe" or "struggling"
            safety.open_support(t, frame)
            return PAUSE
        case "archive_repair":  # a finished repair becomes an entry of its own (/history)
            history.archive(t.seat, t.flow(frame), t.now)
            advance_past(t, frame, step)
            return CONTINUE
        case "erase_abuse_plan":  # someone may check the phone: this plan can go without /delete's everything
            safety.erase_abuse_plan(t.seat)
            advance_past(t, frame, step)
            return CONTINUE
        case "dispute_disclosure":
            safety.dispute_disclosure(t.seat)
            advance_past(t, frame, step)
            return CONTINUE
        case "followup_planned":  # the follow-up just asked for, on the repair kept a moment ago
            history.followup_planned(t.seat, t.flow(frame), t.now)
            advance_past(t, frame, step)
            return CONTINUE
        case "note_followup":  # how the plan went lands on the repair that asked for it
            history.note_followup(t.seat)
            advance_past(t, frame, step)
            return CONTINUE
        case _:
            assert_never(step.action)
