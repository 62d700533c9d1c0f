"""Session state: seats (a, and b for a linked partner), each with a frame stack and private slots.

Plain dataclasses, serialised to JSON in one place (`to_dict` / `from_dict`) so storage can keep
them as one column. `from_dict` also reads the older layout (`"flow.step"` strings, a `shared` map).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

# What a slot holds: an option id, several option ids, free text, or a flag (reminder_off).
SlotValue = str | list[str] | bool
StepRef = tuple[str, str]  # (flow id, step id)
# Beside a multi-select's slot: the person's own words for options it picked ("small=humiliated"), so the
# summary and the draft say "humiliated" (questions.words_said).
SAID = "_said"


def said_words(value: object) -> dict[str, str]:
    """Option id -> the person's own word for it, from a multi-select's `SAID` slot ("small=humiliated")."""
    entries = value if isinstance(value, list) else []
    return dict(entry.split("=", 1) for entry in entries if isinstance(entry, str) and "=" in entry)


@dataclass
class Frame:
    flow: str
    step: str
    version: int  # the flow version this frame started on (C3)
    interrupt: bool = False  # pushed by /sos, /pause, /cancel: returns to the step below when it ends

    @property
    def at(self) -> StepRef:
        return (self.flow, self.step)


@dataclass
class Draft:
    """A draft that got a coaching hint, kept while the person decides what to do with it."""

    at: StepRef
    text: str
    category: str
    hints: int
    confirming: bool = False  # "Keep it exactly as you wrote it?" (asked until session 24) is on screen
    editing: bool = False  # "I'll edit it": the question is on screen again, waiting for a new version


@dataclass
class HeldReason:
    """Heavy words at a step with `if_nothing`, or a clear sign at any question of the safety plan, held
    while the person is asked whether to keep them (engine/heard.py); `turn`: the prompt that asked."""

    at: StepRef
    text: str
    turn: int


@dataclass
class Nudge:
    """The reminder card on screen: which timer brought it and the flow it offers."""

    kind: str
    flow: str


@dataclass
class Waiting:
    """The barrier a seat waits at; `offer` once the keep-waiting / continue-alone buttons show."""

    barrier: str
    at: StepRef
    offer: bool = False


@dataclass
class Invite:
    """An invitation this person opened but hasn't answered yet."""

    id: int
    name: str  # the display name the inviter chose


@dataclass
class CoupleLink:
    since: str  # UTC ISO
    told_unavailable: bool = False  # both saw "not available right now" once (joint exercises off)


@dataclass
class Seat:
    stack: list[Frame] = field(default_factory=list)
    slots: dict[str, SlotValue] = field(default_factory=dict)
    picks: list[str] = field(default_factory=list)  # multi-select in progress
    family: str | None = None  # the option group open on a long grouped question (feelings, timezones)
    # A group's name typed beside other feelings ("hurt, angry"): [group id, the word as typed]. Kept as
    # the person's own word if the answer ends with nothing picked from that group (questions.py).
    typed_group: list[str] | None = None
    turn: int = 0
    consented_at: str | None = None
    adult: bool = False
    parked: list[Frame] = field(default_factory=list)  # a flow left with /cancel, kept for resuming
    deferred: list[str] = field(default_factory=list)  # flows a timer asked for while the seat was busy
    locale: str = "en"
    # How Mend's copy addresses this person where their language conjugates "you": "f" for a woman
    # (locales.ADDRESSED), None for the language's generic form. Chosen at the address question.
    address: str | None = None
    joint_exercises_off: bool = False  # set privately by an abuse disclosure (S8); never shown to a partner
    # The person answered "you misunderstood" to the abuse support the last disclosure opened: their own
    # repair is a whole one again (joint exercises stay off; a new disclosure clears this) unless an
    # earlier disclosure stood or the private screen was positive (`disclosure_confirmed`, never cleared).
    disclosure_disputed: bool = False
    disclosure_confirmed: bool = False
    draft: Draft | None = None
    timers: dict[str, str] = field(default_factory=dict)  # pending reminders: kind -> due (UTC ISO)
    nudge: Nudge | None = None
    # Couples (see couples.py). Slots the person agreed to show their partner, barrier passes so far
    # (name -> times passed, so both seats' n-th pass of a barrier meet), the barrier this seat
    # waits at, and an invitation this person opened but hasn't answered yet.
    consents: list[str] = field(default_factory=list)
    barriers: dict[str, int] = field(default_factory=dict)
    waiting: Waiting | None = None
    invite: Invite | None = None
    held: list[str] = field(default_factory=list)  # reveals that arrived during /sos or a break
    # Words a gentle safety check-in set aside: they answer the step only if the person says so.
    held_text: str | None = None
    # When the person last told a check-in they were okay (UTC ISO): weaker signals don't ask again
    # for a while (safety.OKAY_HOLDS_FOR); clear signs still open support at once.
    okay_said_at: str | None = None
    # The prompt at which a step's `if_nothing` message was said: a second "nothing" right after skips.
    nothing_heard_turn: int | None = None
    held_reason: HeldReason | None = None  # heavy words waiting on "keep them here?" (engine/heard.py)
    # A "which one did you mean?" on screen: the options it shows, in order, and the prompt it was asked
    # at, so a number typed next means one of them (questions.ask_which), not a value on a scale.
    asked_which: list[str] = field(default_factory=list)
    asked_which_turn: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)  # finished repairs, oldest first (history.py)

    @property
    def top(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    @property
    def open_which(self) -> list[str]:
        """The options of a "which one did you mean?" still on screen (asked at this prompt), else none."""
        return self.asked_which if self.asked_which_turn == self.turn else []

    def slot_text(self, name: str) -> str | None:
        """A slot holding one option id or text; None when unset (or holding picks or a flag)."""
        value = self.slots.get(name)
        return value if isinstance(value, str) else None


@dataclass
class SessionState:
    seats: dict[str, Seat] = field(default_factory=lambda: {"a": Seat()})
    couple: CoupleLink | None = None  # set while two seats are linked

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        seats = {name: _seat(dict(raw)) for name, raw in data.get("seats", {}).items()}
        couple = data.get("couple") or data.get("shared", {}).get("couple")
        return cls(seats=seats or {"a": Seat()}, couple=_known(CoupleLink, couple) if couple else None)


def _ref(value: Any) -> StepRef:
    if isinstance(value, str):  # older layout: "flow.step"
        flow, _, step = value.partition(".")
        return (flow, step)
    return (value[0], value[1])


def _known(cls: type[Any], raw: dict[str, Any], **replaced: Any) -> Any:
    """`cls` from its saved fields. Fields this release doesn't know (a newer release saved them,
    then was rolled back) are left out rather than fatal: the person keeps their session."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in raw.items() if k in names} | replaced)


def _seat(raw: dict[str, Any]) -> Seat:
    draft, nudge, waiting, invite, held = (raw.get(k) for k in ("draft", "nudge", "waiting", "invite", "held_reason"))
    seat: Seat = _known(
        Seat, raw,
        stack=[_known(Frame, f) for f in raw.get("stack", [])],
        parked=[_known(Frame, f) for f in raw.get("parked", [])],
        draft=_known(Draft, draft, at=_ref(draft["at"])) if draft else None,
        nudge=_known(Nudge, nudge) if nudge else None,
        waiting=_known(Waiting, waiting, at=_ref(waiting["at"])) if waiting else None,
        invite=_known(Invite, invite) if invite else None,
        held_reason=_known(HeldReason, held, at=_ref(held["at"])) if held else None)
    return seat
