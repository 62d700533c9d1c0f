"""A flagged message (S3/S4/S8): the safety screen runs in the service and hands its verdict in on
the event. The message's words are not kept as the step's answer (except in the person's own safety
plan, whose questions ask for heavy words: see hold_plan_words). An urgent sign opens the private
support flow at once; a weaker one asks a gentle check-in first, holding the words aside in case the
person says they are okay and wants them kept. Screening stays on for every later message."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.content.model import ChoiceStep, TextStep
from bot.engine import questions, runner
from bot.engine.effects import SafetyEvent
from bot.engine.events import OptionChosen, Verdict
from bot.engine.frames import current, finish_frame, in_flow, leave, new_frame
from bot.engine.prompts import params_for
from bot.engine.state import Frame, HeldReason, Seat
from bot.engine.text import clean_text
from bot.engine.turn import Turn

SUPPORT_FLOWS = ("sos", "ipv", "safety_check")
# After "I'm okay" at a check-in, weaker signals don't ask again for this long: owning "I snapped at
# her" is the point of a repair, and asking "are you safe?" at every such answer stops being care.
# Clear signs (patterns) still open support at once. (CLINICIAN: the window is a product decision.)
OKAY_HOLDS_FOR = timedelta(minutes=30)
CHECK_IN_FLOW = "safety_check"
PLAN_FLOW = "safety_plan"
# The plan for staying safe with a partner one is afraid of: its questions ask about the partner's
# violence ("when he starts drinking"), so abuse words there are the answer (see on_disclosure).
ABUSE_PLAN_FLOW = "safety_plan_abuse"
ABUSE_PLAN_SLOTS = "safety_plan_abuse_"
PLAN_FLOWS = (PLAN_FLOW, ABUSE_PLAN_FLOW)
# A gentle check-in's answer, as the answer to the support flow's own first question.
CHECK_IN_ANSWERS = {"sos": {"not_safe": "danger_now", "struggling": "struggling"},
                    "ipv": {"not_safe": "danger_now", "struggling": "tell_me_more"}}


def on_disclosure(t: Turn, verdict: Verdict, text: str | None) -> bool:
    """True when the verdict opened support (or the check-in); False when it changes nothing."""
    seat = t.seat
    if _abuse_words_answer_the_plan(t, verdict):
        return False  # the words are the answer there (see _abuse_words_answer_the_plan)
    if not verdict.urgent:
        if any(in_flow(t, f) for f in (*SUPPORT_FLOWS, *PLAN_FLOWS)):
            # Already in support, or writing the safety plan (from /sos or from the next-day check-in),
            # whose questions ask for heavy words: a weaker signal doesn't restart anything (found by
            # review: from the check-in, a warning sign opened "are you safe?" and was set aside).
            return False
        if _said_okay_lately(t):
            return False
        t.emit(SafetyEvent("check_in", t.now))
        seat.held_text = text
        seat.slots["check_route"] = verdict.route
        runner.push_interrupt(t, CHECK_IN_FLOW)
        return True
    for kind in verdict.categories or (verdict.route,):
        t.emit(SafetyEvent(kind, t.now))
    if verdict.route == "ipv" or any(c.startswith("ipv") for c in verdict.categories):
        new_disclosure(seat)
    seat.held_text = None
    target = "ipv" if verdict.route == "ipv" else "sos"
    if _at_abuse_plan(t) and _crisis_in(verdict):
        target = "sos"  # "he pushed me, i don't want to live anymore" in the plan for staying safe (review)
    if target == "sos" and answers_are_you_safe(t):
        return True
    if text is not None and target == "sos":  # abuse words are used there and then, never kept (review)
        hold_plan_words(t, text)
    if any(in_flow(t, f) for f in SUPPORT_FLOWS):
        restart_support(t, target)
    else:
        runner.push_interrupt(t, target)
    return True


# A clear sign typed as the answer to /sos's own "are you safe right now?" ("i want to die"): that answer.
TYPED_AT_ARE_YOU_SAFE = "might_hurt_self"


def answers_are_you_safe(t: Turn) -> bool:
    """Words with a clear sign typed at /sos's first question answer it: "I might hurt myself", whose
    path gives concrete steps and the lines at once. Found trying Mend as a new user: "i want to die"
    there, then "i told u i want to die", got "let me ask again" and the same four buttons, with no
    number shown, round and round."""
    top = current(t)
    if top is None or top[0].flow != "sos":
        return False
    frame, step = top
    first = t.content.flows["sos"].steps[0]
    if step is not first or not isinstance(step, ChoiceStep) or TYPED_AT_ARE_YOU_SAFE not in step.options:
        return False
    questions.answer_choice(t, frame, step, OptionChosen(TYPED_AT_ARE_YOU_SAFE))
    return True


def hold_plan_words(t: Turn, text: str) -> None:
    """A clear sign typed at one of the safety plan's questions may be what it asks for ("when I start
    feeling like a burden to everyone" as a warning sign) or not an answer at all ("everyone would be
    better off without me" at "making your surroundings safer"). Only the person can say which: the
    words are held (not lost, found by review) and, when the plan resumes after "are you safe?", shown
    once with "keep them here?" (heard.py). Found trying Mend as a new user: kept as the answer, the
    worst sentence came back as "You wrote before" with only "Keep what I wrote" under it. Not at "a
    reason for living", where despair is not an answer (heard.py holds and asks a weaker sign there)."""
    top = current(t)
    if top is None or top[0].flow != PLAN_FLOW:  # not the plan for staying safe: no question there asks for these
        return
    frame, step = top
    words = clean_text(text)
    if not (isinstance(step, TextStep) and step.save_as and not step.if_nothing and words and len(words) <= step.max_len):
        return
    t.seat.held_reason = HeldReason(frame.at, words, t.seat.turn)


OKAY_AGAIN_WITHIN = timedelta(hours=24)


def okay_said(t: Turn) -> None:
    """"I'm okay" at a check-in. A second one within a day gets a plain word that /sos is for more than
    emergencies (the ninth new-user trial: two hopeless lines, each "no worries im ok", and the second
    went straight back to the repair as if the first had never been). CLINICIAN: the wording and the day."""
    before = t.seat.okay_said_at
    if before is not None and t.now - datetime.fromisoformat(before) < OKAY_AGAIN_WITHIN:
        t.send("safety_check.okay_again")
    t.seat.okay_said_at = t.now.isoformat()


def _said_okay_lately(t: Turn) -> bool:
    said = t.seat.okay_said_at
    return said is not None and t.now - datetime.fromisoformat(said) < OKAY_HOLDS_FOR


def new_disclosure(seat: Seat) -> None:
    """Joint work off (S8). A disclosure before this one that was not disputed stands for good: a
    "you misunderstood" to this one can't undo it (found by review: a second, misread message answered
    "misunderstood" unlocked the whole repair after a first that was real)."""
    if seat.joint_exercises_off and not seat.disclosure_disputed:
        seat.disclosure_confirmed = True
    seat.joint_exercises_off = True
    seat.disclosure_disputed = False
    seat.slots.pop(ABUSE_PLAN_ERASED, None)  # /plan offers the plan for staying safe again


def _at_abuse_plan(t: Turn) -> bool:
    top = current(t)
    return top is not None and top[0].flow == ABUSE_PLAN_FLOW


def _crisis_in(verdict: Verdict) -> bool:
    return verdict.route == "crisis" or any(not c.startswith("ipv") for c in verdict.categories)


def _abuse_words_answer_the_plan(t: Turn, verdict: Verdict) -> bool:
    """At the plan for staying safe's questions for words ("what tends to come before things become
    dangerous?"), the partner's violence is what is asked for: kept as the answer, not a new alarm
    that loops back to "are you in danger?" and loses the words. Still a disclosure (joint work off,
    the anonymous count), and words that may mean danger now bring the emergency number and the
    lines before the next question (review: "he is hurting me now" went straight to question 2). A
    crisis sign in them, or abuse words at one of its cards, is read as anywhere else."""
    top = current(t)
    if verdict.route != "ipv" or _crisis_in(verdict) or top is None or top[0].flow != ABUSE_PLAN_FLOW:
        return False
    if not isinstance(top[1], TextStep):
        return False
    for kind in verdict.categories or (verdict.route,):
        t.emit(SafetyEvent(kind, t.now))
    new_disclosure(t.seat)
    if verdict.urgent:
        t.send(DANGER_NOTE, params_for(t, DANGER_NOTE))
    return True


DANGER_NOTE = "safety_plan_abuse.danger_note"


def erase_abuse_plan(seat: Seat) -> None:
    """"Erase this plan": its answers go at once, the rest of what Mend keeps stays (someone who may have
    their phone checked shouldn't have to /delete everything to remove it)."""
    seat.slots = {k: v for k, v in seat.slots.items() if not k.startswith(ABUSE_PLAN_SLOTS) and k not in PLAN_CHOICE_SLOTS}
    # and /plan stops naming it (the twelfth new-user trial: after the erase, /plan still listed "My plan
    # for staying safe", which her partner, reading her phone, could see) until a new disclosure
    seat.slots[ABUSE_PLAN_ERASED] = True


ABUSE_PLAN_ERASED = ABUSE_PLAN_SLOTS + "erased"


# /plan's "which plan?" answer: it names this plan too (review: /export listed it after an erase)
PLAN_CHOICE_SLOTS = ("plan_which",)


def has_abuse_plan_or_disclosure(seat: Seat) -> bool:
    """/plan offers the plan for staying safe to someone who has one, or whose own disclosure (or
    private screen) stands, even if they only read its ideas (review: /plan then opened the self-harm
    plan again). Only the person's own seat: a partner's disclosure never shows here."""
    standing = seat.joint_exercises_off and not (seat.disclosure_disputed and not seat.disclosure_confirmed)
    erased = bool(seat.slots.get(ABUSE_PLAN_ERASED))
    return standing and not erased or any(k.startswith(ABUSE_PLAN_SLOTS) and k != ABUSE_PLAN_ERASED for k in seat.slots)


def dispute_disclosure(seat: Seat) -> None:
    """ "You misunderstood" at abuse support: the person's word on this disclosure (see `new_disclosure`)."""
    seat.disclosure_disputed = True


def open_support(t: Turn, check_frame: Frame) -> None:
    """After a gentle check-in answered "not safe" or "struggling": open /sos (or the private abuse
    support) with its own "are you safe?" question answered the same way, so the person isn't asked
    twice and the flow's own routing (urgency, country, lines) applies."""
    seat = t.seat
    answer = str(seat.slots.get("safety_check_answer"))
    route = seat.slots.get("check_route", "crisis")
    seat.held_text = None
    finish_frame(t, check_frame, announce=False)
    flow_id = "ipv" if route == "ipv" else "sos"
    if flow_id == "ipv":
        new_disclosure(seat)
    t.emit(SafetyEvent(flow_id, t.now))
    seat.picks = []
    frame = new_frame(t, flow_id, interrupt=True)
    seat.stack.append(frame)
    first = t.content.flows[flow_id].step(frame.step)
    option = CHECK_IN_ANSWERS[flow_id].get(answer)
    if isinstance(first, ChoiceStep) and option in first.options:
        questions.answer_choice(t, frame, first, OptionChosen(option))
    else:
        runner.run(t)


def restart_support(t: Turn, flow_id: str) -> None:
    """Already in a support flow: start it again from its first question rather than nest. Asked in
    the words of `<flow>.again` where the catalog has them: the first asking's "what we were doing is
    paused" makes no sense to someone already inside /sos (found trying Mend as a new user: a clear
    sign typed in the safety plan brought the whole greeting back, like a loop)."""
    stack = t.seat.stack
    supports = [i for i, f in enumerate(stack) if f.flow in SUPPORT_FLOWS]
    # Inside the safety plan (a sub flow over /sos), the new asking goes over the plan, so "you
    # misunderstood" comes back to the plan's question, not the menu (found trying Mend as a new user).
    # Only once: otherwise the innermost asking restarts in place, and the stack stays bounded.
    nesting = len(supports) == 1 and stack[-1].flow not in SUPPORT_FLOWS
    if not nesting:
        while len(stack) > supports[-1]:
            leave(t, stack.pop())
    # While the same flow stays open below, its run keeps its answers (runner.push_interrupt).
    again = f"{flow_id}.again"
    catalog = t.content.catalog(t.seat.locale)
    runner.push_interrupt(t, flow_id, again if again in catalog.messages else None)
