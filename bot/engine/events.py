"""Events: facts that happened to one seat of a session, already parsed by a transport."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict


class TimerPayload(TypedDict, total=False):
    """What a timer carries back to the engine when it fires."""

    flow: str  # the flow a reminder offers, or the flow of the step a break-return nudge finds
    step: str  # break_return: the step the person waits at
    daily: bool  # a daily practice (rescheduled for tomorrow when it fires)
    barrier: str  # partner_wait: the barrier this seat waits at


@dataclass(frozen=True)
class Verdict:
    """What the safety screen (run by the service, before the engine) read in a message.

    `route`: "crisis", "ipv" or "none". `urgent`: a clear sign (a pattern, or a confident semantic
    match) that opens support straight away; otherwise a flagged message gets a gentle check-in
    first. `categories`: which kinds of sign (explicit, coded, indirect, third_party, hopelessness,
    farewell, ipv_fear, ipv_control, ipv_physical). `layer`: what decided (pattern, encoder,
    context, none); `score`: 1.0 for a pattern, else the model's probability.
    """

    route: str = "none"
    categories: tuple[str, ...] = ()
    layer: str = "none"
    score: float = 0.0
    urgent: bool = False

    @property
    def flagged(self) -> bool:
        return self.route != "none"


NOTHING_FLAGGED = Verdict()


@dataclass(frozen=True)
class TextReceived:
    """Free text. `verdict`: the safety screen's reading; `coaching`: the coaching checker's labels
    (criticism, contempt, defensiveness, non_apology, good_apology, gentle_startup) of the words as
    written, and `coaching_as_sent` of them as a draft to the partner will carry them ("he never…"
    read as "you never…"; None: the same), all computed by the service before the engine sees the
    message. Which of the two a step uses is the engine's choice (`questions.coaching_labels`)."""

    text: str
    verdict: Verdict = NOTHING_FLAGGED
    coaching: tuple[str, ...] = ()
    coaching_as_sent: tuple[str, ...] | None = None

    @property
    def labels_as_sent(self) -> tuple[str, ...]:
        return self.coaching if self.coaching_as_sent is None else self.coaching_as_sent


@dataclass(frozen=True)
class OptionChosen:
    """A button press. `turn` is the prompt it belonged to (None when the transport can't be stale)."""

    option: str
    turn: int | None = None


@dataclass(frozen=True)
class OptionsChosen:
    """Several options at once (the console's "1, 3"), closing a multi-select."""

    options: tuple[str, ...]


@dataclass(frozen=True)
class CommandReceived:
    name: str
    args: str = ""
    verdict: Verdict = NOTHING_FLAGGED  # of the arguments ("/start i can't go on")


@dataclass(frozen=True)
class TimerFired:
    timer: str
    payload: TimerPayload = field(default_factory=TimerPayload)


@dataclass(frozen=True)
class Resume:
    """Show the person where they are (after a restart, or on `/start` mid-flow)."""


@dataclass(frozen=True)
class Unsupported:
    """A message kind no step takes (sticker, photo, voice, location, edit...)."""

    kind: str


@dataclass(frozen=True)
class InviteOpened:
    """This person opened a valid invitation link (checked by the service, P8). `inviter` is the
    display name the inviter chose for it."""

    invite_id: int
    inviter: str


@dataclass(frozen=True)
class InviteRefused:
    """An invitation link that can't be used. `reason` is "invalid" for unknown, expired, used and
    revoked alike (one reply for all, P8), or "own", "linked", "slow_down"."""

    reason: str


@dataclass(frozen=True)
class PartnerJoined:
    """The invitee accepted: seat b now belongs to them. Delivered to the joiner's seat."""


@dataclass(frozen=True)
class InviteDeclined:
    """The person this seat invited said no (no reason is ever asked or given)."""


Event = (TextReceived | OptionChosen | OptionsChosen | CommandReceived | TimerFired | Resume | Unsupported | InviteOpened
         | InviteRefused | PartnerJoined | InviteDeclined)
