"""Effects: commands the engine asks the outside world to carry out. They carry message keys and
parameters, never rendered text, so each transport and locale renders them its own way."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.engine.events import TimerPayload
from bot.engine.state import SessionState


@dataclass(frozen=True)
class Choice:
    id: str
    label: str  # message key


@dataclass(frozen=True)
class Send:
    seat: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (heading key, option ids) for long pickers
    selected: tuple[str, ...] = ()
    multi: bool = False
    turn: int = 0  # prompt counter: stale-button check and copy-variant rotation
    prompt: bool = False  # True when this message asks for the person's answer
    protect: bool = False  # carries a partner's words: Telegram's protect_content (no forward/save)
    invite_token: str | None = None  # the transport turns it into a deep link (`{link}`)
    answer: str = ""  # how the options read: "time", "scale" (numbers are values, not positions) or ""


@dataclass(frozen=True)
class Schedule:
    seat: str
    timer: str
    due_at: datetime
    payload: TimerPayload = field(default_factory=lambda: TimerPayload())


@dataclass(frozen=True)
class CancelTimer:
    seat: str
    timer: str


@dataclass(frozen=True)
class Record:
    """Something worth a row of its own (consent with its timestamp)."""

    seat: str
    what: str
    at: datetime


@dataclass(frozen=True)
class SafetyEvent:
    """A crisis or abuse disclosure was detected. Stored as kind and time only: no person, no words (S12)."""

    kind: str
    at: datetime


@dataclass(frozen=True)
class EraseData:
    """The person asked for their data to be erased (/delete, after confirming)."""

    seat: str


@dataclass(frozen=True)
class ExportData:
    """The person asked for a copy of everything Mend stores about them (/export)."""

    seat: str


@dataclass(frozen=True)
class CreateInvite:
    """Make a fresh invitation link for this seat (older unused ones stop working)."""

    seat: str
    name: str  # the display name the invitee will see


@dataclass(frozen=True)
class AcceptInvite:
    seat: str
    invite_id: int


@dataclass(frozen=True)
class DeclineInvite:
    seat: str
    invite_id: int


@dataclass(frozen=True)
class RevokeInvites:
    """Any invitation this seat made and nobody used yet stops working."""

    seat: str


@dataclass(frozen=True)
class Unlink:
    """End the link: storage moves seat b back into a session of its own. The engine has already
    sent both seats their (neutral) messages and removed everything shared."""

    seat: str


CoupleEffect = CreateInvite | AcceptInvite | DeclineInvite | RevokeInvites | Unlink
Effect = Send | Schedule | CancelTimer | Record | SafetyEvent | EraseData | ExportData | CoupleEffect


@dataclass(frozen=True)
class Transition:
    state: SessionState
    effects: tuple[Effect, ...]
