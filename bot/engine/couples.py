"""Couples: two seats of one session working through a shared flow (CONTENT_GUIDE §5).

The joint rules live here and nowhere else:
- a barrier (`await_partner`) opens when both seats have reached their n-th pass of it;
- a partner's words cross seats only in `reveal()`, only for slots their author consented to share
  (a `share:` question, or a question addressed to the partner), only while joint exercises are on,
  and always with protect_content;
- every notice one partner gets about the other is a fixed, content-free template;
- a crisis or abuse disclosure never produces a message to the partner: the discloser's flow simply
  takes longer, which looks like any other delay, and joint exercises being off shows up only as the
  neutral "not available right now" at the next barrier, the same text for both seats.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.content.model import PARTNER_PREFIX, SHARE, ActionStep, AwaitPartnerStep, Question, Step
from bot.engine import runner, timers
from bot.engine.effects import AcceptInvite, Choice, CreateInvite, DeclineInvite, RevokeInvites, Unlink
from bot.engine.errors import InvalidInput
from bot.engine.events import (
    Event,
    InviteDeclined,
    InviteOpened,
    InviteRefused,
    OptionChosen,
    PartnerJoined,
    TimerPayload,
)
from bot.engine.frames import advance_past, current, finish_frame, idle, in_flow, in_interrupt, new_frame
from bot.engine.prompts import params_for, system_params
from bot.engine.state import SAID, CoupleLink, Frame, Invite, SlotValue, Waiting
from bot.engine.turn import CONTINUE, PAUSE, Next, Turn, joint_on

WAIT_NUDGE_AFTER = timedelta(hours=6)  # nudge the slower partner at most this often (§5 "gently and rarely")
PARTNER_TIMERS = ("partner_wait", "partner_return")
WAIT_CHOICES = (Choice("keep_waiting", "couple.keep_waiting"), Choice("continue_alone", "couple.continue_alone"))
SHARED_FLOW = "together"
JOIN_FLOW = "join"
CoupleEvent = InviteOpened | InviteRefused | InviteDeclined | PartnerJoined


def in_shared(t: Turn) -> bool:
    return any(f.flow in t.content.shared_flows for f in t.seat.stack)


# -- consent ---------------------------------------------------------------------------------------
def note_consent(t: Turn, step: Question, value: SlotValue | None) -> None:
    consents = set(t.seat.consents)
    if step.share:
        if value == SHARE:
            consents |= set(step.share)
        else:
            consents -= set(step.share)
    if step.for_partner and step.save_as:
        if value is None:
            consents.discard(step.save_as)
        else:
            consents.add(step.save_as)
    t.seat.consents = sorted(consents)


# -- barriers --------------------------------------------------------------------------------------
def reach_barrier(t: Turn, frame: Frame, step: AwaitPartnerStep) -> Next:
    """At an await_partner step: PAUSE when this seat now waits; CONTINUE when it moved past."""
    seat = t.seat
    if t.state.couple is None or not t.linked or frame.flow not in t.content.shared_flows:
        seat.waiting = None
        advance_past(t, frame, step)  # solo: nothing to wait for
        return CONTINUE
    if not joint_on(t) and t.state.couple.told_unavailable:
        seat.waiting = None  # both already saw the neutral words once: no waiting for nothing
        advance_past(t, frame, step)
        return CONTINUE
    partner = t.partner()
    seat.waiting = Waiting(step.barrier, frame.at)
    if meeting(t, step.barrier) is not None:
        t.arrivals.append(t.seat_id)  # the partner is already here: settle() opens it for both
        return PAUSE
    seat.turn += 1
    prompt_waiting(t, step)
    if frame.flow == SHARED_FLOW:  # between steps; inside the reflection loop, taking turns is the point
        partner.send("couple.partner_ready")
    timers.schedule(t, "partner_wait", t.now + WAIT_NUDGE_AFTER, {"barrier": step.barrier})
    return PAUSE


def settle(t: Turn) -> None:
    """The joint rule, applied after each event until nothing changes: a barrier opens when both
    seats have reached their n-th pass of it. The seat that arrived last reads the reveals first and
    goes on last, so the partner who waited sees their next step at the same moment."""
    while t.arrivals:
        side = t if t.arrivals[0] == t.seat_id else t.partner()
        del t.arrivals[0]
        waiting = side.seat.waiting
        met = meeting(side, waiting.barrier) if waiting is not None else None
        frame, step = current(side) or (None, None)
        if met is None or frame is None or not isinstance(step, AwaitPartnerStep) or frame.at != met[0].at:
            continue  # moved on meanwhile (left the shared repair, unlinked): nothing to open
        open_barrier(side, frame, step, side.partner(), met[1])


def meeting(t: Turn, barrier: str) -> tuple[Frame, Frame] | None:
    """This seat's and its partner's frames at `barrier`, if both wait there on the same pass."""
    if not t.linked:
        return None
    partner = t.partner()
    mine, theirs = waiting_frame(t, barrier), waiting_frame(partner, barrier)
    if mine is None or theirs is None:
        return None
    if t.seat.barriers.get(barrier, 0) != partner.seat.barriers.get(barrier, 0):
        return None
    return mine, theirs


def waiting_frame(t: Turn, barrier: str) -> Frame | None:
    waiting = t.seat.waiting
    if waiting is None or waiting.barrier != barrier:
        return None
    for frame in reversed(t.seat.stack):
        if frame.at == waiting.at:
            return frame
    return None


def is_waiting(t: Turn, step: Step) -> bool:
    return isinstance(step, AwaitPartnerStep) and t.seat.waiting is not None


def prompt_waiting(t: Turn, step: Step) -> None:
    offer = t.seat.waiting is not None and t.seat.waiting.offer
    t.send("couple.waiting", {**system_params(t), "stage": step.stage}, choices=WAIT_CHOICES if offer else (),
           prompt=True)


def open_barrier(t: Turn, frame: Frame, step: AwaitPartnerStep, partner: Turn, their_frame: Frame) -> None:
    for side in (t, partner):
        side.seat.barriers[step.barrier] = side.seat.barriers.get(step.barrier, 0) + 1
        side.seat.waiting = None
        cancel_partner_timers(side)
    if not joint_on(t):
        assert t.state.couple is not None
        t.state.couple.told_unavailable = True  # the flow says so to both, next
    else:
        for slot in step.reveal:
            reveal(slot, author=partner, reader=t)
            reveal(slot, author=t, reader=partner)
    advance_past(t, frame, step)
    advance_past(partner, their_frame, partner.flow(their_frame).step(their_frame.step) or step)
    if partner.seat.stack and partner.seat.stack[-1] is their_frame:
        runner.run(partner)
    # else: the partner is inside /sos or a break; they come back to their next step.
    runner.run(t)


def reveal(slot: str, author: Turn, reader: Turn) -> None:
    """The one place a partner's words cross seats (S7): consented, joint on, protected."""
    name = PARTNER_PREFIX + slot
    reader.seat.slots.pop(name, None)
    reader.seat.slots.pop(f"{name}_text", None)
    reader.seat.slots.pop(f"{name}{SAID}", None)
    value = author.seat.slots.get(slot)
    own_words = author.seat.slots.get(f"{slot}_text")
    said = author.seat.slots.get(f"{slot}{SAID}")  # their own word for a picked option, part of the same answer
    if slot not in author.seat.consents or (value is None and not own_words):
        return
    if value is not None:
        reader.seat.slots[name] = value
    if own_words:
        reader.seat.slots[f"{name}_text"] = own_words
    if value is not None and said:
        reader.seat.slots[f"{name}{SAID}"] = said
    key = f"couple.reveal.{slot}"
    if in_interrupt(reader):  # in /sos or on a break: their partner's words wait until they're back
        reader.seat.held.append(key)
    else:
        reader.send(key, params_for(reader, key), protect=True)


def show_held_reveals(t: Turn) -> None:
    if t.seat.held and not in_interrupt(t):
        for key in t.seat.held:
            t.send(key, params_for(t, key), protect=True)
        t.seat.held = []


def cancel_partner_timers(t: Turn) -> None:
    for kind in PARTNER_TIMERS:
        if kind in t.seat.timers:
            timers.cancel(t, kind)


def answer_waiting(t: Turn, step: AwaitPartnerStep, event: Event) -> None:
    """While waiting: the two buttons offered after a while; anything else gets a kind word."""
    waiting = t.seat.waiting
    if isinstance(event, OptionChosen) and waiting is not None and waiting.offer:
        if event.option == "keep_waiting":
            waiting.offer = False
            timers.schedule(t, "partner_wait", t.now + WAIT_NUDGE_AFTER, {"barrier": step.barrier})
            t.seat.turn += 1
            t.send("couple.still_waiting")
            prompt_waiting(t, step)
            return
        if event.option == "continue_alone":
            leave_shared(t)
            t.send("couple.on_your_own")
            runner.start_flow(t, t.content.commands.get("repair", t.content.home_flow))
            return
    raise InvalidInput("couple.still_waiting")


def on_partner_timer(t: Turn, kind: str, payload: TimerPayload) -> None:
    here = current(t)
    waiting = t.seat.waiting
    if kind == "partner_return":  # the partner's break is over: both pick up where they were
        if here is not None:
            t.send("couple.partner_back")
            runner.reprompt(t)
        return
    if waiting is None or waiting.barrier != payload.get("barrier") or here is None:
        return
    waiting.offer = True
    partner = t.partner()
    # No nudge towards joint work for someone in support or for whom it is off (S8); the waiting
    # partner's side looks the same either way.
    if not (partner.seat.joint_exercises_off or in_flow(partner, "sos") or in_flow(partner, "ipv")):
        partner.send("couple.nudge_slower")
    t.seat.turn += 1
    prompt_waiting(t, here[1])


def pause_notice(t: Turn, due: datetime) -> None:
    """/pause during a shared repair: the partner hears, neutrally, until when (§2.2)."""
    if not (t.linked and in_shared(t)):
        return
    partner = t.partner()
    tz = partner.seat.slots.get("reminder_tz")
    partner.send("couple.partner_paused", {"until": {"at": due.isoformat(), "tz": tz}})
    timers.schedule(partner, "partner_return", due, {})


# -- leaving, linking, unlinking -------------------------------------------------------------------
def drop_shared_frames(t: Turn) -> None:
    shared, seat = t.content.shared_flows, t.seat
    seat.stack = [f for f in seat.stack if f.flow not in shared]
    seat.parked = [f for f in seat.parked if f.flow not in shared]
    seat.waiting = None
    seat.barriers = {}
    seat.held = []
    cancel_partner_timers(t)


def leave_shared(t: Turn) -> None:
    """This seat stops the shared repair (continue alone, /cancel): the partner gets the fixed
    "this shared repair has ended" and carries on from their menu."""
    was_in = in_shared(t)
    drop_shared_frames(t)
    if not (was_in and t.linked):
        return
    partner = t.partner()
    if in_shared(partner):
        drop_shared_frames(partner)
        partner.send("couple.shared_ended")
        if current(partner) is None:
            runner.start_home_or_welcome(partner)


def forget_partner(t: Turn) -> None:
    """Nothing of a shared repair stays: its frames, the partner's revealed words, consents."""
    drop_shared_frames(t)
    t.seat.slots = {k: v for k, v in t.seat.slots.items() if not k.startswith(PARTNER_PREFIX) and k != "speaker"}
    t.seat.consents = []


def unlink(t: Turn, by_erase: bool = False) -> None:
    """/unlink (or /delete): sharing stops at once for both; each keeps only their own words."""
    partner = t.partner()
    for side in (t, partner):
        forget_partner(side)
    partner.send("couple.link_closed")
    if current(partner) is None:
        runner.start_home_or_welcome(partner)
    elif not by_erase:
        runner.reprompt(partner)
    t.state.couple = None
    t.emit(Unlink(t.seat_id))
    if not by_erase:
        t.send("couple.unlinked")


def on_unlink_command(t: Turn) -> None:
    if t.linked:
        unlink(t)
    else:
        t.emit(RevokeInvites(t.seat_id))
        t.send("couple.unlink_none")
    runner.reprompt(t)


def on_couple_event(t: Turn, event: CoupleEvent) -> None:
    seat = t.seat
    match event:
        case InviteOpened():
            seat.invite = Invite(event.invite_id, event.inviter)
            if seat.consented_at is None:
                if not in_flow(t, t.content.welcome_flow):
                    seat.stack = [new_frame(t, t.content.welcome_flow)]
                    runner.run(t)
                else:
                    runner.reprompt(t)  # the invitation waits until they have agreed to the basics
            elif not in_flow(t, JOIN_FLOW):
                runner.push_interrupt(t, JOIN_FLOW)
            else:
                runner.reprompt(t)
        case InviteRefused():
            seat.invite = None
            t.send(f"couple.invite_{event.reason}")
            runner.reprompt(t)
        case InviteDeclined():
            t.send("couple.invite_declined")
            runner.reprompt(t)
        case PartnerJoined():
            on_partner_joined(t)


def on_partner_joined(t: Turn) -> None:
    inviter = t.seat.invite.name if t.seat.invite else None
    t.seat.invite = None
    t.state.couple = CoupleLink(since=t.now.isoformat())
    partner = t.partner()
    t.send("couple.joined", {"inviter": inviter})
    partner.send("couple.partner_joined")
    for side in (partner, t):
        forget_partner(side)
        if idle(side) and SHARED_FLOW in t.content.flows:
            runner.start_flow(side, SHARED_FLOW)
        else:
            if SHARED_FLOW not in side.seat.deferred:
                side.seat.deferred.append(SHARED_FLOW)
            side.send("couple.start_later")
            runner.reprompt(side)


# -- actions of the couple flows -------------------------------------------------------------------
def create_invite(t: Turn, frame: Frame, step: ActionStep) -> Next:
    name = t.seat.slots.get("invite_name")
    t.emit(CreateInvite(t.seat_id, name if isinstance(name, str) else ""))
    advance_past(t, frame, step)
    return CONTINUE


def accept_invite(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """Hands over to the service: PartnerJoined or InviteRefused comes next, in the same transaction."""
    invite = t.seat.invite  # kept until PartnerJoined or InviteRefused clears it
    finish_frame(t, frame, announce=False)  # the join card closes; what follows says the rest
    if invite is not None:
        t.emit(AcceptInvite(t.seat_id, invite.id))
    else:
        runner.reprompt(t)
    return PAUSE


def decline_invite(t: Turn, frame: Frame, step: ActionStep) -> Next:
    invite = t.seat.invite
    t.seat.invite = None
    if invite is not None:
        t.emit(DeclineInvite(t.seat_id, invite.id))
    advance_past(t, frame, step)
    return CONTINUE


def first_speaker(t: Turn, frame: Frame, step: ActionStep) -> Next:
    t.seat.slots["speaker"] = "a"
    advance_past(t, frame, step)
    return CONTINUE


def second_speaker(t: Turn, frame: Frame, step: ActionStep) -> Next:
    t.seat.slots["speaker"] = "b"
    advance_past(t, frame, step)
    return CONTINUE


def joint_off(t: Turn, frame: Frame, step: ActionStep) -> Next:
    t.seat.joint_exercises_off = True  # S8: private; the partner is never told why
    t.seat.disclosure_confirmed = True  # the private screen's own answers: no dispute undoes them
    advance_past(t, frame, step)
    return CONTINUE


def release_partner(t: Turn, frame: Frame, step: ActionStep) -> Next:
    """This seat has reached "not available right now" with joint work off. The partner, wherever
    they are in the shared repair (waiting at a barrier, or mid-question), is taken to the same
    words now rather than after more answers that can't lead anywhere. Nothing else is said."""
    advance_past(t, frame, step)
    if not t.linked or joint_on(t) or t.state.couple is None:
        return CONTINUE
    t.seat.waiting = None  # (back from support over a barrier it was waiting at: that wait is over too)
    cancel_partner_timers(t)
    t.state.couple.told_unavailable = True
    partner = t.partner()
    theirs = next((f for f in partner.seat.stack if f.flow == frame.flow and not f.interrupt), None)
    if theirs is None or theirs.step in (step.id, partner.flow(theirs).following(step.id)):
        return CONTINUE  # not in the shared repair, or already on these words
    partner.seat.waiting = None
    cancel_partner_timers(partner)
    stack = partner.seat.stack
    below = stack.index(theirs)
    # The reflection loop above it ends; a /sos or break on top stays, and they come back to these words.
    partner.seat.stack = stack[:below + 1] + [f for f in stack[below + 1:] if f.interrupt]
    theirs.step = step.id
    if partner.seat.stack[-1] is theirs:
        runner.run(partner)
    return CONTINUE
