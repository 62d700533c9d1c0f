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

A mixin of the engine's run (see engine.py); pure like the rest of the engine.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.content.model import PARTNER_PREFIX, SHARE, Step
from bot.engine import support
from bot.engine.effects import AcceptInvite, Choice, CreateInvite, DeclineInvite, RevokeInvites, Unlink
from bot.engine.errors import InvalidInput
from bot.engine.events import Event, InviteDeclined, InviteOpened, InviteRefused, OptionChosen, PartnerJoined
from bot.engine.state import Frame

WAIT_NUDGE_AFTER = timedelta(hours=6)  # nudge the slower partner at most this often (§5 "gently and rarely")
PARTNER_TIMERS = ("partner_wait", "partner_return")
WAIT_CHOICES = (Choice("keep_waiting", "couple.keep_waiting"), Choice("continue_alone", "couple.continue_alone"))
SHARED_FLOW = "together"
JOIN_FLOW = "join"


class CoupleMixin:
    # -- who is who ------------------------------------------------------------------------
    @property
    def linked(self) -> bool:
        return "couple" in self.state.shared and len(self.state.seats) == 2

    @property
    def partner_id(self) -> str:
        return "b" if self.seat_id == "a" else "a"

    def for_seat(self, seat_id: str):
        """A run for the other seat over the same state, adding to the same list of effects."""
        return type(self)(self.content, self.state, seat_id, self.now, self.effects)

    def joint_on(self) -> bool:
        return self.linked and not any(s.joint_exercises_off for s in self.state.seats.values())

    def condition_slots(self) -> dict[str, Any]:
        slots = dict(self.seat.slots)
        slots["couple"] = "linked" if self.linked else "solo"
        slots["joint"] = "on" if self.joint_on() else "off"
        slots["safety"] = "concern" if self.seat.joint_exercises_off else "none"
        main = self.main_frame()
        slots["paused"] = support.paused_over(self.content, main.flow if main else None)
        speaker = slots.get("speaker")
        if speaker:
            slots["role"] = "speaker" if speaker == self.seat_id else "listener"
        return slots

    def in_shared(self) -> bool:
        return any(f.flow in self.content.shared_flows for f in self.seat.stack)

    # -- consent ---------------------------------------------------------------------------
    def note_consent(self, step: Step, value: Any) -> None:
        consents = set(self.seat.consents)
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
        self.seat.consents = sorted(consents)

    # -- barriers --------------------------------------------------------------------------
    def reach_barrier(self, frame: Frame, step: Step) -> bool:
        """At an await_partner step. True when this seat now waits; False when it moved past."""
        if not self.linked or frame.flow not in self.content.shared_flows:
            self.seat.waiting = None
            self.advance_past(frame, step)  # solo: nothing to wait for
            return False
        if not self.joint_on() and self.state.shared["couple"].get("told_unavailable"):
            self.seat.waiting = None  # both already saw the neutral words once: no waiting for nothing
            self.advance_past(frame, step)
            return False
        partner = self.for_seat(self.partner_id)
        passes = self.seat.barriers.get(step.barrier, 0)
        theirs = partner.waiting_frame(step.barrier)
        if theirs is not None and partner.seat.barriers.get(step.barrier, 0) == passes:
            self.open_barrier(frame, step, partner, theirs)
            return False
        self.seat.waiting = {"barrier": step.barrier, "at": f"{frame.flow}.{step.id}", "offer": False}
        self.seat.turn += 1
        self.prompt_waiting(step)
        if frame.flow == SHARED_FLOW:  # between steps; inside the reflection loop, taking turns is the point
            partner.send("couple.partner_ready")
        self.schedule("partner_wait", self.now + WAIT_NUDGE_AFTER, {"barrier": step.barrier})
        return True

    def waiting_frame(self, barrier: str) -> Frame | None:
        waiting = self.seat.waiting
        if not waiting or waiting["barrier"] != barrier:
            return None
        flow_id, _, step_id = waiting["at"].partition(".")
        for frame in reversed(self.seat.stack):
            if frame.flow == flow_id and frame.step == step_id:
                return frame
        return None

    def prompt_waiting(self, step: Step) -> None:
        offer = bool(self.seat.waiting and self.seat.waiting.get("offer"))
        self.send("couple.waiting", {**self.system_params(), "stage": step.stage},
                  choices=WAIT_CHOICES if offer else (), prompt=True)

    def open_barrier(self, frame: Frame, step: Step, partner, their_frame: Frame) -> None:
        for run in (self, partner):
            run.seat.barriers[step.barrier] = run.seat.barriers.get(step.barrier, 0) + 1
            run.seat.waiting = None
            run.cancel_partner_timers()
        if not self.joint_on():
            self.state.shared["couple"]["told_unavailable"] = True  # the flow says so to both, next
        else:
            for slot in step.reveal:
                self.reveal(slot, author=partner, reader=self)
                partner.reveal(slot, author=self, reader=partner)
        self.advance_past(frame, step)
        partner.advance_past(their_frame, partner.flow(their_frame).step(their_frame.step) or step)
        if partner.seat.stack and partner.seat.stack[-1] is their_frame:
            partner.run()
        # else: the partner is inside /sos or a break; they come back to their next step.

    def reveal(self, slot: str, author, reader) -> None:
        """The one place a partner's words cross seats (S7): consented, joint on, protected."""
        name = PARTNER_PREFIX + slot
        reader.seat.slots.pop(name, None)
        reader.seat.slots.pop(f"{name}_text", None)
        value = author.seat.slots.get(slot)
        own_words = author.seat.slots.get(f"{slot}_text")
        if slot not in author.seat.consents or (value is None and not own_words):
            return
        if value is not None:
            reader.seat.slots[name] = value
        if own_words:
            reader.seat.slots[f"{name}_text"] = own_words
        key = f"couple.reveal.{slot}"
        if reader.in_interrupt():  # in /sos or on a break: their partner's words wait until they're back
            reader.seat.held.append(key)
        else:
            reader.send(key, reader.params_for(key), protect=True)

    def show_held_reveals(self) -> None:
        if self.seat.held and not self.in_interrupt():
            for key in self.seat.held:
                self.send(key, self.params_for(key), protect=True)
            self.seat.held = []

    def cancel_partner_timers(self) -> None:
        for kind in PARTNER_TIMERS:
            if kind in self.seat.timers:
                self.cancel(kind)

    def input_await_partner(self, frame: Frame, step: Step, event: Event) -> None:
        """While waiting: the two buttons offered after a while; anything else gets a kind word."""
        if isinstance(event, OptionChosen) and self.seat.waiting and self.seat.waiting.get("offer"):
            if event.option == "keep_waiting":
                self.seat.waiting["offer"] = False
                self.schedule("partner_wait", self.now + WAIT_NUDGE_AFTER, {"barrier": step.barrier})
                self.seat.turn += 1
                self.send("couple.still_waiting")
                self.prompt_waiting(step)
                return
            if event.option == "continue_alone":
                self.leave_shared()
                self.send("couple.on_your_own")
                self.start_flow(self.content.commands.get("repair", self.content.home_flow))
                return
        raise InvalidInput("couple.still_waiting")

    def on_partner_timer(self, kind: str, payload: dict) -> None:
        here = self.current()
        waiting = self.seat.waiting
        if kind == "partner_return":  # the partner's break is over: both pick up where they were
            if here is not None:
                self.send("couple.partner_back")
                self.reprompt()
            return
        if not waiting or waiting["barrier"] != payload.get("barrier") or here is None:
            return
        waiting["offer"] = True
        partner = self.for_seat(self.partner_id)
        # No nudge towards joint work for someone in support or for whom it is off (S8); the waiting
        # partner's side looks the same either way.
        if not (partner.seat.joint_exercises_off or partner.in_flow("sos") or partner.in_flow("ipv")):
            partner.send("couple.nudge_slower")
        self.seat.turn += 1
        self.prompt_waiting(here[1])

    # -- leaving, linking, unlinking -------------------------------------------------------
    def drop_shared_frames(self) -> None:
        shared = self.content.shared_flows
        self.seat.stack = [f for f in self.seat.stack if f.flow not in shared]
        self.seat.parked = [f for f in self.seat.parked if f.flow not in shared]
        self.seat.waiting = None
        self.seat.barriers = {}
        self.seat.held = []
        self.cancel_partner_timers()

    def leave_shared(self) -> None:
        """This seat stops the shared repair (continue alone, /cancel): the partner gets the fixed
        "this shared repair has ended" and carries on from their menu."""
        was_in = self.in_shared()
        self.drop_shared_frames()
        if not (was_in and self.linked):
            return
        partner = self.for_seat(self.partner_id)
        if partner.in_shared():
            partner.drop_shared_frames()
            partner.send("couple.shared_ended")
            if partner.current() is None:
                partner.start_home_or_welcome()

    def forget_partner(self) -> None:
        """Nothing of a shared repair stays: its frames, the partner's revealed words, consents."""
        self.drop_shared_frames()
        self.seat.slots = {k: v for k, v in self.seat.slots.items()
                           if not k.startswith(PARTNER_PREFIX) and k != "speaker"}
        self.seat.consents = []

    def unlink(self, by_erase: bool = False) -> None:
        """/unlink (or /delete): sharing stops at once for both; each keeps only their own words."""
        partner = self.for_seat(self.partner_id)
        for run in (self, partner):
            run.forget_partner()
        partner.send("couple.link_closed")
        if partner.current() is None:
            partner.start_home_or_welcome()
        elif not by_erase:
            partner.reprompt()
        self.state.shared.pop("couple", None)
        self.effects.append(Unlink(self.seat_id))
        if not by_erase:
            self.send("couple.unlinked")

    def on_unlink_command(self) -> None:
        if self.linked:
            self.unlink()
        else:
            self.effects.append(RevokeInvites(self.seat_id))
            self.send("couple.unlink_none")
        self.reprompt()

    def on_couple_event(self, event: Event) -> None:
        if isinstance(event, InviteOpened):
            self.seat.invite = {"id": event.invite_id, "name": event.inviter}
            if self.seat.consented_at is None:
                if not self.in_flow(self.content.welcome_flow):
                    self.seat.stack = [self.new_frame(self.content.welcome_flow)]
                    self.run()
                else:
                    self.reprompt()  # the invitation waits until they have agreed to the basics
            elif not self.in_flow(JOIN_FLOW):
                self.push_interrupt(JOIN_FLOW)
            else:
                self.reprompt()
        elif isinstance(event, InviteRefused):
            self.seat.invite = None
            self.send(f"couple.invite_{event.reason}")
            self.reprompt()
        elif isinstance(event, InviteDeclined):
            self.send("couple.invite_declined")
            self.reprompt()
        elif isinstance(event, PartnerJoined):
            self.on_partner_joined()

    def on_partner_joined(self) -> None:
        inviter = (self.seat.invite or {}).get("name")
        self.seat.invite = None
        self.state.shared["couple"] = {"since": self.now.isoformat()}
        partner = self.for_seat(self.partner_id)
        self.send("couple.joined", {"inviter": inviter})
        partner.send("couple.partner_joined")
        for run in (partner, self):
            run.forget_partner()
            main = run.main_frame()
            idle = (main is None or main.flow == self.content.home_flow) and not run.in_interrupt()
            if idle and SHARED_FLOW in self.content.flows:
                run.start_flow(SHARED_FLOW)
            else:
                if SHARED_FLOW not in run.seat.deferred:
                    run.seat.deferred.append(SHARED_FLOW)
                run.send("couple.start_later")
                run.reprompt()

    def couple_action(self, frame: Frame, step: Step) -> bool:
        """Actions of the couple flows. True when the run should stop here (the service answers)."""
        action = step.action
        if action == "create_invite":
            self.effects.append(CreateInvite(self.seat_id, self.seat.slots.get("invite_name") or ""))
        elif action == "accept_invite":
            invite = self.seat.invite or {}  # kept until PartnerJoined or InviteRefused clears it
            self.finish_frame(frame, announce=False)  # the join card closes; what follows says the rest
            if invite:
                self.effects.append(AcceptInvite(self.seat_id, invite["id"]))
                return True  # PartnerJoined or InviteRefused comes next, in the same transaction
            self.reprompt()
            return True
        elif action == "decline_invite":
            invite = self.seat.invite or {}
            self.seat.invite = None
            if invite:
                self.effects.append(DeclineInvite(self.seat_id, invite["id"]))
        elif action in ("first_speaker", "second_speaker"):
            self.seat.slots["speaker"] = "a" if action == "first_speaker" else "b"
        elif action == "joint_off":
            self.seat.joint_exercises_off = True  # S8: private; the partner is never told why
        elif action == "release_partner":
            self.advance_past(frame, step)
            self.release_partner(frame, step)
            return False
        self.advance_past(frame, step)
        return False

    def release_partner(self, frame: Frame, step: Step) -> None:
        """This seat has reached "not available right now" with joint work off. The partner, wherever
        they are in the shared repair (waiting at a barrier, or mid-question), is taken to the same
        words now rather than after more answers that can't lead anywhere. Nothing else is said."""
        if not self.linked or self.joint_on():
            return
        self.seat.waiting = None  # (back from support over a barrier it was waiting at: that wait is over too)
        self.cancel_partner_timers()
        self.state.shared["couple"]["told_unavailable"] = True
        partner = self.for_seat(self.partner_id)
        theirs = next((f for f in partner.seat.stack if f.flow == frame.flow and not f.interrupt), None)
        if theirs is None or theirs.step in (step.id, partner.flow(theirs).following(step.id)):
            return  # not in the shared repair, or already on these words
        partner.seat.waiting = None
        partner.cancel_partner_timers()
        below = partner.seat.stack.index(theirs)
        # The reflection loop above it ends; a /sos or break on top stays, and they come back to these words.
        partner.seat.stack = partner.seat.stack[:below + 1] + [f for f in partner.seat.stack[below + 1:] if f.interrupt]
        theirs.step = step.id
        if partner.seat.stack[-1] is theirs:
            partner.run()

    def pause_notice(self, due) -> None:
        """/pause during a shared repair: the partner hears, neutrally, until when (§2.2)."""
        if not (self.linked and self.in_shared()):
            return
        partner = self.for_seat(self.partner_id)
        partner.send("couple.partner_paused", {"until": {"at": due.isoformat(), "tz": partner.seat.slots.get("reminder_tz")}})
        partner.schedule("partner_return", due, {})

