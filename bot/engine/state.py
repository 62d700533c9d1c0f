"""Session state: seats (a, and b for a linked partner), each with a frame stack and private slots.

Plain dataclasses that round-trip through JSON, so storage can keep them as one column.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Frame:
    flow: str
    step: str
    version: int  # the flow version this frame started on (C3)
    interrupt: bool = False  # pushed by /sos, /pause, /cancel: returns to the step below when it ends


@dataclass
class Seat:
    stack: list[Frame] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    picks: list[str] = field(default_factory=list)  # multi-select in progress
    family: str | None = None  # the option group open on a long grouped question (feelings, timezones)
    turn: int = 0
    consented_at: str | None = None
    adult: bool = False
    parked: list[Frame] = field(default_factory=list)  # a flow left with /cancel, kept for resuming
    deferred: list[str] = field(default_factory=list)  # flows a timer asked for while the seat was busy
    locale: str = "en"
    joint_exercises_off: bool = False  # set privately by an abuse disclosure (S8); never shown to a partner
    draft: dict[str, Any] | None = None  # a draft that got a coaching hint: {at, text, category, hints}
    timers: dict[str, str] = field(default_factory=dict)  # pending reminders: kind -> due (UTC ISO)
    nudge: dict[str, Any] | None = None  # the reminder on screen: {kind, flow}
    # Couples (see couple.py). Slots the person agreed to show their partner, barrier passes so far
    # (name -> times passed, so both seats' n-th pass of a barrier meet), the barrier this seat
    # waits at, and an invitation this person opened but hasn't answered yet: {id, name}.
    consents: list[str] = field(default_factory=list)
    barriers: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, Any] | None = None
    invite: dict[str, Any] | None = None
    held: list[str] = field(default_factory=list)  # reveals that arrived during /sos or a break
    # Words a gentle safety check-in set aside: they answer the step only if the person says so.
    held_text: str | None = None

    @property
    def top(self) -> Frame | None:
        return self.stack[-1] if self.stack else None


@dataclass
class SessionState:
    seats: dict[str, Seat] = field(default_factory=lambda: {"a": Seat()})
    shared: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "SessionState":
        seats = {}
        for name, s in data.get("seats", {}).items():
            s = dict(s)
            s["stack"] = [Frame(**f) for f in s.get("stack", [])]
            s["parked"] = [Frame(**f) for f in s.get("parked", [])]
            seats[name] = Seat(**s)
        return cls(seats=seats or {"a": Seat()}, shared=dict(data.get("shared", {})))
